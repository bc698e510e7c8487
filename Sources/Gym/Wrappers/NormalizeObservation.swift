/// Normalizes observations with running statistics (Gymnasium's `NormalizeObservation`, with
/// Stable-Baselines3's clip and float64 statistics).
///
/// Every observation, from `reset` and from `step`, first updates the statistics (unless
/// ``isFrozen``) and is then scaled with the updated statistics:
/// `clip((x - mean) / sqrt(variance + epsilon), -clip, clip)`, the order SB3 and Gymnasium use.
///
/// Freeze the wrapper for evaluation, and store ``exportStatistics()`` in checkpoints; a restored
/// wrapper (``restoreStatistics(_:)``) scales bit-identically. For a vector environment, prefer
/// ``VectorNormalize``, which keeps one set of statistics for all copies.
///
/// ```swift
/// var env = NormalizeObservation(CartPole.v1())
/// // ... train ...
/// let saved = env.exportStatistics()      // into the checkpoint
/// var evalEnv = NormalizeObservation(CartPole.v1())
/// try evalEnv.restoreStatistics(saved)
/// evalEnv.isFrozen = true
/// ```
public struct NormalizeObservation<Base: Environment>: Environment {
    public typealias Info = Base.Info

    /// The wrapped environment.
    public internal(set) var base: Base
    /// The statistics and the scaling.
    public internal(set) var normalizer: ObservationNormalizer
    /// The normalized space: `[-clip, clip]` per element.
    public let observationSpace: BoxSpace

    /// Wraps `base`.
    public init(_ base: Base, config: ObservationNormalizer.Config = .init()) {
        let names = base.observationNames
        precondition(names.count == base.observationSpace.count,
                     "NormalizeObservation: \(names.count) observation names for \(base.observationSpace.count) elements")
        self.base = base
        normalizer = ObservationNormalizer(names: names, config: config)
        observationSpace = BoxSpace(low: Float(-config.clip), high: Float(config.clip), shape: base.observationSpace.shape)
    }

    public var actionSpace: ActionSpace { base.actionSpace }
    public var observationNames: [String] { base.observationNames }

    /// When true, observations are scaled but the statistics are left unchanged (evaluation).
    public var isFrozen: Bool {
        get { normalizer.isFrozen }
        set { normalizer.isFrozen = newValue }
    }

    /// The statistics in the checkpoint format (see ``NormalizationStatistics``).
    public func exportStatistics() -> NormalizationStatistics { normalizer.exportStatistics() }

    /// Restores saved statistics exactly.
    /// - Throws: `NormalizationError` when they do not match this environment's observation names,
    ///   clip and epsilon, or hold invalid values.
    public mutating func restoreStatistics(_ saved: NormalizationStatistics) throws(NormalizationError) {
        try normalizer.restore(saved)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> Base.Info {
        let info = try base.reset(seed: seed, options: options, into: observation)
        normalizer.process(observation)
        return info
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<Base.Info> {
        let outcome = try base.step(action, into: observation)
        normalizer.process(observation)
        return outcome
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension NormalizeObservation: Sendable where Base: Sendable {}
