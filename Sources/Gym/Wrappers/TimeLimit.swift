/// Truncates episodes after a fixed number of steps (Gymnasium's `TimeLimit`).
///
/// On the step that reaches `maxEpisodeSteps` the outcome has `truncated == true` (the episode was
/// cut, so an agent should bootstrap from the next observation); `terminated` is passed through
/// unchanged. When the base environment terminates on that very step both flags are true, exactly
/// as in Gymnasium; `terminated` then decides (do not bootstrap).
///
/// After truncation the wrapper itself enforces the order: `step` throws
/// `EnvironmentError.resetNeeded` until the next `reset`, even though the base environment would
/// accept more steps.
///
/// ```swift
/// var env = TimeLimit(CartPole(), maxEpisodeSteps: 200)
/// ```
public struct TimeLimit<Base: Environment>: Environment {
    public typealias Info = Base.Info

    /// The wrapped environment.
    @inlinable public var base: Base { _base }
    @usableFromInline var _base: Base
    /// Steps after which an episode is truncated.
    public let maxEpisodeSteps: Int
    /// Steps taken in the current episode (`nil` before the first reset).
    @inlinable public var elapsedSteps: Int? { _elapsedSteps }
    @usableFromInline var _elapsedSteps: Int?
    @usableFromInline var ended = false

    /// Wraps `base` with a time limit.
    /// - Precondition: `maxEpisodeSteps > 0`.
    public init(_ base: Base, maxEpisodeSteps: Int) {
        precondition(maxEpisodeSteps > 0, "TimeLimit: maxEpisodeSteps must be positive, got \(maxEpisodeSteps)")
        _base = base
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    @inlinable public var observationSpace: BoxSpace { _base.observationSpace }
    @inlinable public var actionSpace: ActionSpace { _base.actionSpace }
    @inlinable public var observationNames: [String] { _base.observationNames }

    @inlinable
    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> Base.Info {
        let info = try _base.reset(seed: seed, options: options, into: observation)
        _elapsedSteps = 0
        ended = false
        return info
    }

    @inlinable
    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<Base.Info> {
        guard let elapsed = _elapsedSteps, !ended else {
            throw .resetNeeded(_elapsedSteps == nil ? "step before the first reset" : "step after the episode ended (TimeLimit)")
        }
        var outcome = try _base.step(action, into: observation)
        _elapsedSteps = elapsed + 1
        if elapsed + 1 >= maxEpisodeSteps { outcome.truncated = true }
        ended = outcome.isDone
        return outcome
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension TimeLimit: Sendable where Base: Sendable {}
