import Foundation

/// Writes training and evaluation scalars to `metrics.csv` (long format: `step,tag,value`) and to
/// TensorBoard event files in `tensorboard/` of a run folder.
///
/// The CSV holds no wall-clock column so that a resumed run and an uninterrupted run write
/// identical metrics for the same seed; wall time lives only in the TensorBoard events.
/// On resume, rows past the checkpoint's step are dropped first, so a run killed after its last
/// checkpoint never shows the lost steps twice.
public final class MetricsLogger {
    public let csvURL: URL
    private let handle: FileHandle
    private let tensorBoard: TensorBoardWriter?
    private var buffer = ""

    /// Opens (creating or appending to) the metrics of a run folder.
    /// - Parameters:
    ///   - runDirectory: the run folder.
    ///   - resumeAtStep: when resuming, rows with a step greater than this are removed first.
    ///   - tensorBoard: also write TensorBoard event files.
    /// - Throws: `LabError.io` when files cannot be written.
    public init(runDirectory: URL, resumeAtStep: Int? = nil, tensorBoard: Bool = true) throws(LabError) {
        csvURL = runDirectory.appendingPathComponent("metrics.csv")
        let fm = FileManager.default
        if let step = resumeAtStep, fm.fileExists(atPath: csvURL.path) {
            let text: String
            do { text = try String(contentsOf: csvURL, encoding: .utf8) } catch {
                throw .io(path: csvURL.path, detail: "cannot read metrics to resume: \(error.localizedDescription)")
            }
            var kept = "step,tag,value\n"
            for line in text.split(separator: "\n").dropFirst() {
                if let s = Int(line.prefix { $0 != "," }), s <= step { kept += line + "\n" }
            }
            do { try kept.write(to: csvURL, atomically: true, encoding: .utf8) } catch {
                throw .io(path: csvURL.path, detail: "cannot rewrite metrics: \(error.localizedDescription)")
            }
        } else if !fm.fileExists(atPath: csvURL.path) {
            guard fm.createFile(atPath: csvURL.path, contents: Data("step,tag,value\n".utf8)) else {
                throw .io(path: csvURL.path, detail: "cannot create metrics.csv")
            }
        }
        guard let h = FileHandle(forWritingAtPath: csvURL.path) else { throw .io(path: csvURL.path, detail: "cannot open metrics.csv for writing") }
        handle = h
        _ = try? handle.seekToEnd()
        self.tensorBoard = tensorBoard ? try TensorBoardWriter(directory: runDirectory.appendingPathComponent("tensorboard")) : nil
    }

    deinit {
        try? flush()
        try? handle.close()
    }

    /// Records `value` for `tag` at `step` (e.g. `train/episode_return`, `eval/valid/sharpe`).
    public func log(_ tag: String, _ value: Double, step: Int) {
        buffer += "\(step),\(tag),\(value)\n"
        tensorBoard?.scalar(tag, value, step: step)
    }

    /// Writes everything logged so far to disk.
    /// - Throws: `LabError.io` when the write fails (a full disk): the run stops with the message
    ///   instead of trapping in `FileHandle.write(_:)`.
    public func flush() throws(LabError) {
        if !buffer.isEmpty {
            do { try handle.write(contentsOf: Data(buffer.utf8)) } catch {
                throw .io(path: csvURL.path, detail: "cannot append to metrics.csv: \(error.localizedDescription). Free disk space, then continue the run with --resume")
            }
            try? handle.synchronize()
            buffer.removeAll(keepingCapacity: true)
        }
        try tensorBoard?.flush()
    }
}
