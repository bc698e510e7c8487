/// Normalizes the observations and scales the rewards of a vector environment with one set of
/// running statistics shared by all copies: Stable-Baselines3's `VecNormalize`.
///
/// Per step, as SB3 does: the base steps (with same-step autoreset); the statistics are updated from
/// the batch of M raw observations (unless frozen) and every row is scaled with them; ended rows'
/// final observations are scaled with the same statistics (not used for the update); the discounted
/// return of each copy updates the return statistics and scales the reward; ended copies' returns
/// restart from 0. `reset` updates the observation statistics from the first observations too.
///
/// `terminated`, `truncated`, `ended`, `infos` and the episode statistics pass through from the
/// base (so `episodeReturns` stay raw, unscaled returns). Raw observations and rewards remain
/// readable in `base`.
///
/// Checkpoints store ``exportObservationStatistics()`` and ``exportRewardStatistics()``; for
/// evaluation restore them and set ``isTraining`` to false.
public struct VectorNormalize<Base: VectorEnvironment>: VectorEnvironment {
    public typealias Info = Base.Info

    /// Settings of `VectorNormalize`.
    public struct Config: Sendable, Equatable, Codable {
        /// Normalize observations. Default true: SB3 `VecNormalize(norm_obs=True)`.
        public var normalizeObservations = true
        /// Scale rewards by the return's running deviation. Default true: SB3 `VecNormalize(norm_reward=True)`.
        public var normalizeRewards = true
        /// Observation scaling settings (SB3 defaults: clip 10, epsilon 1e-8).
        public var observation = ObservationNormalizer.Config()
        /// Reward scaling settings (SB3 defaults: gamma 0.99, clip 10, epsilon 1e-8).
        public var reward = RewardNormalizer.Config()

        /// The defaults, with optional overrides.
        public init(normalizeObservations: Bool = true, normalizeRewards: Bool = true,
                    observation: ObservationNormalizer.Config = .init(), reward: RewardNormalizer.Config = .init()) {
            self.normalizeObservations = normalizeObservations
            self.normalizeRewards = normalizeRewards
            self.observation = observation
            self.reward = reward
        }
    }

    /// The wrapped vector environment.
    @inlinable public var base: Base { _base }
    @usableFromInline var _base: Base
    /// The settings.
    public let config: Config
    /// Observation statistics and scaling.
    @inlinable public var observationNormalizer: ObservationNormalizer { _observationNormalizer }
    @usableFromInline var _observationNormalizer: ObservationNormalizer
    /// Return statistics and reward scaling.
    @inlinable public var rewardNormalizer: RewardNormalizer { _rewardNormalizer }
    @usableFromInline var _rewardNormalizer: RewardNormalizer

    @inlinable public var observations: [Float] { _observations }
    @usableFromInline var _observations: [Float]
    @inlinable public var rewards: [Double] { _rewards }
    @usableFromInline var _rewards: [Double]
    @inlinable public var finalObservations: [Float] { _finalObservations }
    @usableFromInline var _finalObservations: [Float]
    public let observationSpace: BoxSpace

    /// Wraps `base`.
    public init(_ base: Base, config: Config = Config()) {
        precondition(base.observationNames.count == base.observationSpace.count,
                     "VectorNormalize: \(base.observationNames.count) observation names for \(base.observationSpace.count) elements")
        _base = base
        self.config = config
        _observationNormalizer = ObservationNormalizer(names: base.observationNames, config: config.observation)
        _rewardNormalizer = RewardNormalizer(environmentCount: base.environmentCount, config: config.reward)
        _observations = base.observations
        _rewards = base.rewards
        _finalObservations = base.finalObservations
        observationSpace = config.normalizeObservations
            ? BoxSpace(low: Float(-config.observation.clip), high: Float(config.observation.clip), shape: base.observationSpace.shape)
            : base.observationSpace
    }

    /// True while training: statistics are updated. False for evaluation: statistics are frozen
    /// (SB3's `training` attribute).
    public var isTraining: Bool {
        get { !_observationNormalizer.isFrozen }
        set {
            _observationNormalizer.isFrozen = !newValue
            _rewardNormalizer.isFrozen = !newValue
        }
    }

    @inlinable public var environmentCount: Int { _base.environmentCount }
    @inlinable public var actionSpace: ActionSpace { _base.actionSpace }
    @inlinable public var observationNames: [String] { _base.observationNames }
    @inlinable public var terminated: [Bool] { _base.terminated }
    @inlinable public var truncated: [Bool] { _base.truncated }
    @inlinable public var ended: [Bool] { _base.ended }
    @inlinable public var infos: [Base.Info?] { _base.infos }
    @inlinable public var episodeReturns: [Double] { _base.episodeReturns }
    @inlinable public var episodeLengths: [Int] { _base.episodeLengths }

    /// Observation statistics in the checkpoint format.
    public func exportObservationStatistics() -> NormalizationStatistics { _observationNormalizer.exportStatistics() }
    /// Return statistics in the checkpoint format (element name `return`).
    public func exportRewardStatistics() -> NormalizationStatistics { _rewardNormalizer.exportStatistics() }

    /// Restores saved observation statistics exactly.
    /// - Throws: `NormalizationError` when they do not fit this environment.
    public mutating func restoreObservationStatistics(_ saved: NormalizationStatistics) throws(NormalizationError) {
        try _observationNormalizer.restore(saved)
    }

    /// Restores saved return statistics exactly.
    /// - Throws: `NormalizationError` when they are not reward statistics with this clip and epsilon.
    public mutating func restoreRewardStatistics(_ saved: NormalizationStatistics) throws(NormalizationError) {
        try _rewardNormalizer.restore(saved)
    }

    @inlinable
    public mutating func reset(seed: UInt64, options: ResetOptions) throws(EnvironmentError) {
        try _base.reset(seed: seed, options: options)
        copyAndNormalizeObservations(afterReset: true)
        let m = _base.environmentCount
        for i in 0..<m { _rewards[i] = 0 }
        _rewardNormalizer.resetReturns()
    }

    @inlinable
    public mutating func step(_ actions: [Action]) throws(EnvironmentError) {
        try _base.step(actions)
        copyAndNormalizeObservations(afterReset: false)
        let baseRewards = _base.rewards
        let ended = _base.ended
        let normalize = config.normalizeRewards
        _rewards.withUnsafeMutableBufferPointer { r in
            _ = baseRewards.withUnsafeBufferPointer { r.update(fromContentsOf: $0) }
            if normalize {
                ended.withUnsafeBufferPointer { _rewardNormalizer.process(rewards: r, ended: $0) }
            }
        }
    }

    /// Copies the base's observations (and, after a step, the ended rows' final observations) and scales them.
    @inlinable
    mutating func copyAndNormalizeObservations(afterReset: Bool) {
        let baseObs = _base.observations
        let rows = _base.environmentCount
        let normalize = config.normalizeObservations
        _observations.withUnsafeMutableBufferPointer { o in
            _ = baseObs.withUnsafeBufferPointer { o.update(fromContentsOf: $0) }
            if normalize { _observationNormalizer.process(o, rows: rows) }
        }
        if afterReset { return }
        let baseFinal = _base.finalObservations
        let ended = _base.ended
        let d = observationSpace.count
        _finalObservations.withUnsafeMutableBufferPointer { f in
            baseFinal.withUnsafeBufferPointer { b in
                for i in 0..<ended.count where ended[i] {
                    let row = UnsafeMutableBufferPointer(rebasing: f[(i * d)..<((i + 1) * d)])
                    _ = row.update(fromContentsOf: UnsafeBufferPointer(rebasing: b[(i * d)..<((i + 1) * d)]))
                    if normalize { _observationNormalizer.normalize(row) }
                }
            }
        }
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension VectorNormalize: Sendable where Base: Sendable {}
