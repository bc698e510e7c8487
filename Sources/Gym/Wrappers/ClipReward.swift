/// Clips every reward to `[minimum, maximum]` (Gymnasium's `ClipReward`; Atari's sign clipping is
/// `ClipReward(env, minimum: -1, maximum: 1)`).
public struct ClipReward<Base: Environment>: Environment {
    public typealias Info = Base.Info

    /// The wrapped environment.
    public internal(set) var base: Base
    /// Lower bound of the reward.
    public let minimum: Double
    /// Upper bound of the reward.
    public let maximum: Double

    /// Wraps `base`.
    /// - Precondition: `minimum <= maximum`, neither NaN.
    public init(_ base: Base, minimum: Double, maximum: Double) {
        precondition(minimum <= maximum, "ClipReward: minimum \(minimum) must be <= maximum \(maximum)")
        self.base = base
        self.minimum = minimum
        self.maximum = maximum
    }

    public var observationSpace: BoxSpace { base.observationSpace }
    public var actionSpace: ActionSpace { base.actionSpace }
    public var observationNames: [String] { base.observationNames }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> Base.Info {
        try base.reset(seed: seed, options: options, into: observation)
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<Base.Info> {
        var outcome = try base.step(action, into: observation)
        outcome.reward = min(max(outcome.reward, minimum), maximum)
        return outcome
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension ClipReward: Sendable where Base: Sendable {}
