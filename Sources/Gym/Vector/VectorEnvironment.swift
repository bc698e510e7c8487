/// M copies of an environment stepped together, with results in preallocated row-major buffers.
///
/// Autoreset mode: **same-step** (Gymnasium 1.x `AutoresetMode.SAME_STEP`; what Stable-Baselines3's
/// `VecEnv` does with `terminal_observation`). When copy `i` ends on a step (terminated or
/// truncated):
/// - `ended[i]` is true and `terminated[i]`, `truncated[i]`, `rewards[i]`, `infos[i]` describe that
///   final step;
/// - `finalObservations` row `i` holds the observation the episode ended on (bootstrap from it when
///   truncated: the value target is `r + gamma * V(finalObservation)`; when terminated, do not bootstrap);
/// - `observations` row `i` already holds the first observation of the next episode, so the next
///   `step` continues without a separate reset. The reset passes no seed (each copy's generator
///   continues) and no options.
///
/// Rows of `finalObservations` whose `ended` flag is false hold stale values: read them only
/// under the mask. The buffers are overwritten by every `step`; do not keep references to them
/// across steps (a kept copy forces a reallocation on the next write).
public protocol VectorEnvironment {
    /// Per-copy step diagnostics.
    associatedtype Info: Sendable

    /// Number of copies, M.
    var environmentCount: Int { get }
    /// The observation space of one copy (each row of `observations` lies in it).
    var observationSpace: BoxSpace { get }
    /// The action space of one copy.
    var actionSpace: ActionSpace { get }
    /// One name per observation element of one copy.
    var observationNames: [String] { get }

    /// M x obsDim observations, row-major: after `reset`, the first observations; after `step`,
    /// the next observations (for ended rows, the first observation of the new episode).
    var observations: [Float] { get }
    /// M rewards of the last step.
    var rewards: [Double] { get }
    /// M flags: the copy reached a terminal state on the last step.
    var terminated: [Bool] { get }
    /// M flags: the copy was truncated on the last step.
    var truncated: [Bool] { get }
    /// M flags: `terminated[i] || truncated[i]` (the copy was reset within the last step).
    var ended: [Bool] { get }
    /// M x obsDim: row i is the observation copy i ended on, valid where `ended[i]`.
    var finalObservations: [Float] { get }
    /// M infos of the last step (`nil` before the first step).
    var infos: [Info?] { get }
    /// M returns: the undiscounted return of the episode that ended at row i, valid where `ended[i]`
    /// (raw rewards, before any vector-level reward scaling).
    var episodeReturns: [Double] { get }
    /// M lengths (steps) of the episode that ended at row i, valid where `ended[i]`.
    var episodeLengths: [Int] { get }

    /// Resets every copy, copy i with seed `seed + i` (wrapping), and fills `observations`.
    /// - Throws: whatever a copy's reset throws.
    mutating func reset(seed: UInt64, options: ResetOptions) throws(EnvironmentError)

    /// Steps every copy with its action and fills the buffers; ended copies are reset at once.
    /// - Parameter actions: M actions, one per copy.
    /// - Throws: `EnvironmentError.resetNeeded` before the first reset (or after a failed step),
    ///   `EnvironmentError.invalidAction` when any action is outside `actionSpace` (then no copy is stepped).
    mutating func step(_ actions: [Action]) throws(EnvironmentError)
}

extension VectorEnvironment {
    /// Number of elements of one observation row.
    @inlinable public var observationCount: Int { observationSpace.count }

    /// Resets every copy without options, copy i with seed `seed + i`.
    /// - Throws: whatever a copy's reset throws.
    @inlinable
    public mutating func reset(seed: UInt64) throws(EnvironmentError) {
        try reset(seed: seed, options: .none)
    }
}
