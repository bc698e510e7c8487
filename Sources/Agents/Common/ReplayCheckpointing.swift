import HDF5

/// An agent with a replay buffer the checkpoint must carry for exact resume.
///
/// The lab writes it into the checkpoint file with `Checkpoint.write(to:extra:)`:
/// ```swift
/// try checkpoint.write(to: url, extra: (agent as? ReplayCheckpointing).map { a in { try a.writeReplay(to: $0) } })
/// ```
/// and, after `restore(policy:training:)`, reads it back with
/// `try Checkpoint.withFile(url) { try (agent as? ReplayCheckpointing)?.readReplay(from: $0) }`.
public protocol ReplayCheckpointing: AnyObject {
    /// Writes the replay buffer under `/replay` of an open file (layout: docs/replay-format.md).
    /// - Throws: HDF5 errors.
    func writeReplay(to file: HDF5File) throws
    /// Replaces the replay buffer with the one under `/replay`.
    /// - Throws: `ReplayBufferError.incompatible` when it does not fit this agent, HDF5 errors.
    func readReplay(from file: HDF5File) throws
}
