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
    public private(set) var base: Base
    /// The settings.
    public let config: Config
    /// Observation statistics and scaling.
    public private(set) var observationNormalizer: ObservationNormalizer
    /// Return statistics and reward scaling.
    public private(set) var rewardNormalizer: RewardNormalizer

    public private(set) var observations: [Float]
    public private(set) var rewards: [Double]
    public private(set) var finalObservations: [Float]
    public let observationSpace: BoxSpace

    /// Wraps `base`.
    public init(_ base: Base, config: Config = Config()) {
        precondition(base.observationNames.count == base.observationSpace.count,
                     "VectorNormalize: \(base.observationNames.count) observation names for \(base.observationSpace.count) elements")
        self.base = base
        self.config = config
        observationNormalizer = ObservationNormalizer(names: base.observationNames, config: config.observation)
        rewardNormalizer = RewardNormalizer(environmentCount: base.environmentCount, config: config.reward)
        observations = base.observations
        rewards = base.rewards
        finalObservations = base.finalObservations
        observationSpace = config.normalizeObservations
            ? BoxSpace(low: Float(-config.observation.clip), high: Float(config.observation.clip), shape: base.observationSpace.shape)
            : base.observationSpace
    }

    /// True while training: statistics are updated. False for evaluation: statistics are frozen
    /// (SB3's `training` attribute).
    public var isTraining: Bool {
        get { !observationNormalizer.isFrozen }
        set {
            observationNormalizer.isFrozen = !newValue
            rewardNormalizer.isFrozen = !newValue
        }
    }

    public var environmentCount: Int { base.environmentCount }
    public var actionSpace: ActionSpace { base.actionSpace }
    public var observationNames: [String] { base.observationNames }
    public var terminated: [Bool] { base.terminated }
    public var truncated: [Bool] { base.truncated }
    public var ended: [Bool] { base.ended }
    public var infos: [Base.Info?] { base.infos }
    public var episodeReturns: [Double] { base.episodeReturns }
    public var episodeLengths: [Int] { base.episodeLengths }

    /// Observation statistics in the checkpoint format.
    public func exportObservationStatistics() -> NormalizationStatistics { observationNormalizer.exportStatistics() }
    /// Return statistics in the checkpoint format (element name `return`).
    public func exportRewardStatistics() -> NormalizationStatistics { rewardNormalizer.exportStatistics() }

    /// Restores saved observation statistics exactly.
    /// - Throws: `NormalizationError` when they do not fit this environment.
    public mutating func restoreObservationStatistics(_ saved: NormalizationStatistics) throws(NormalizationError) {
        try observationNormalizer.restore(saved)
    }

    /// Restores saved return statistics exactly.
    /// - Throws: `NormalizationError` when they are not reward statistics with this clip and epsilon.
    public mutating func restoreRewardStatistics(_ saved: NormalizationStatistics) throws(NormalizationError) {
        try rewardNormalizer.restore(saved)
    }

    public mutating func reset(seed: UInt64, options: ResetOptions = .none) throws(EnvironmentError) {
        try base.reset(seed: seed, options: options)
        copyAndNormalizeObservations(afterReset: true)
        let m = base.environmentCount
        for i in 0..<m { rewards[i] = 0 }
        rewardNormalizer.resetReturns()
    }

    public mutating func step(_ actions: [Action]) throws(EnvironmentError) {
        try base.step(actions)
        copyAndNormalizeObservations(afterReset: false)
        let baseRewards = base.rewards
        let ended = base.ended
        let normalize = config.normalizeRewards
        rewards.withUnsafeMutableBufferPointer { r in
            _ = baseRewards.withUnsafeBufferPointer { r.update(fromContentsOf: $0) }
            if normalize {
                ended.withUnsafeBufferPointer { rewardNormalizer.process(rewards: r, ended: $0) }
            }
        }
    }

    /// Copies the base's observations (and, after a step, the ended rows' final observations) and scales them.
    private mutating func copyAndNormalizeObservations(afterReset: Bool) {
        let baseObs = base.observations
        let rows = base.environmentCount
        let normalize = config.normalizeObservations
        observations.withUnsafeMutableBufferPointer { o in
            _ = baseObs.withUnsafeBufferPointer { o.update(fromContentsOf: $0) }
            if normalize { observationNormalizer.process(o, rows: rows) }
        }
        if afterReset { return }
        let baseFinal = base.finalObservations
        let ended = base.ended
        let d = observationSpace.count
        finalObservations.withUnsafeMutableBufferPointer { f in
            baseFinal.withUnsafeBufferPointer { b in
                for i in 0..<ended.count where ended[i] {
                    let row = UnsafeMutableBufferPointer(rebasing: f[(i * d)..<((i + 1) * d)])
                    _ = row.update(fromContentsOf: UnsafeBufferPointer(rebasing: b[(i * d)..<((i + 1) * d)]))
                    if normalize { observationNormalizer.normalize(row) }
                }
            }
        }
    }
}
