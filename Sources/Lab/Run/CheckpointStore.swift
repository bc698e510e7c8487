import Foundation
import CheckpointFormat
import HDF5

/// The checkpoints of a run folder: `checkpoints/step-<steps>.h5` (the last `keepLast` kept) and
/// `checkpoints/best.h5` (the best on the validation metric so far).
///
/// Every file is written atomically by `Checkpoint.write`; old ones are removed only after the new
/// one is complete on disk, so a crash never leaves the run without a loadable checkpoint.
public struct CheckpointStore: Sendable {
    public let directory: URL
    public let keepLast: Int

    public init(runDirectory: URL, keepLast: Int) {
        directory = runDirectory.appendingPathComponent("checkpoints")
        self.keepLast = keepLast
    }

    /// The file for a step: zero-padded so names sort by step.
    public func url(step: Int) -> URL { directory.appendingPathComponent(String(format: "step-%012d.h5", step)) }
    public var bestURL: URL { directory.appendingPathComponent("best.h5") }

    /// Writes `checkpoint` (plus `extra` groups, e.g. the replay buffer) and prunes old ones.
    @discardableResult
    public func save(_ checkpoint: Checkpoint, extra: ((HDF5File) throws -> Void)? = nil) throws(LabError) -> URL {
        try ensureDirectory()
        let target = url(step: checkpoint.step)
        do { try checkpoint.write(to: target, extra: extra) } catch { throw .io(path: target.path, detail: error.description) }
        let steps = stepFiles()
        for old in steps.dropLast(keepLast) { try? FileManager.default.removeItem(at: old.url) }
        return target
    }

    /// Writes `checkpoint` as `best.h5` (policy and training state; no replay buffer).
    public func saveBest(_ checkpoint: Checkpoint) throws(LabError) {
        try ensureDirectory()
        do { try checkpoint.write(to: bestURL) } catch { throw .io(path: bestURL.path, detail: error.description) }
    }

    private func ensureDirectory() throws(LabError) {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .io(path: directory.path, detail: "cannot create the checkpoint folder: \(error.localizedDescription)")
        }
    }

    /// Step checkpoints on disk, oldest first.
    public func stepFiles() -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("step-"), name.hasSuffix(".h5"), let s = Int(name.dropFirst(5).dropLast(3)) else { return nil }
            return (s, directory.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// The newest checkpoint that reads back completely (a damaged newest one is skipped with a note).
    public func latest(note: (String) -> Void = { _ in }) -> (url: URL, checkpoint: Checkpoint)? {
        for (_, url) in stepFiles().reversed() {
            do { return (url, try Checkpoint.read(from: url)) } catch {
                note("skipping \(url.lastPathComponent): \(error.description)")
            }
        }
        return nil
    }
}
