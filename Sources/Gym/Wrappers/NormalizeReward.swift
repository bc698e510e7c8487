/// Scales rewards by the running standard deviation of the discounted return (Stable-Baselines3's
/// `VecNormalize` reward scaling for a single environment; see ``RewardNormalizer``).
///
/// The running return restarts at every `reset` and after every terminated or truncated step.
/// Freeze it (``isFrozen``) for evaluation, or better evaluate on raw rewards.
public struct NormalizeReward<Base: Environment>: Environment {
    public typealias Info = Base.Info

    /// The wrapped environment.
    public internal(set) var base: Base
    /// The return statistics and the scaling.
    public internal(set) var normalizer: RewardNormalizer

    /// Wraps `base`.
    public init(_ base: Base, config: RewardNormalizer.Config = .init()) {
        self.base = base
        normalizer = RewardNormalizer(environmentCount: 1, config: config)
    }

    public var observationSpace: BoxSpace { base.observationSpace }
    public var actionSpace: ActionSpace { base.actionSpace }
    public var observationNames: [String] { base.observationNames }

    /// When true, rewards are scaled but the statistics are left unchanged.
    public var isFrozen: Bool {
        get { normalizer.isFrozen }
        set { normalizer.isFrozen = newValue }
    }

    /// The return statistics in the checkpoint format (element name `return`).
    public func exportStatistics() -> NormalizationStatistics { normalizer.exportStatistics() }

    /// Restores saved return statistics exactly.
    /// - Throws: `NormalizationError` when they are not reward statistics with this clip and epsilon.
    public mutating func restoreStatistics(_ saved: NormalizationStatistics) throws(NormalizationError) {
        try normalizer.restore(saved)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> Base.Info {
        let info = try base.reset(seed: seed, options: options, into: observation)
        normalizer.resetReturns()
        return info
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<Base.Info> {
        var outcome = try base.step(action, into: observation)
        outcome.reward = normalizer.process(reward: outcome.reward, done: outcome.isDone)
        return outcome
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension NormalizeReward: Sendable where Base: Sendable {}
