import Foundation
import Predictors

/// The data files a run was trained on, recorded in `<run>/inputs.json` when training starts:
/// the project root relative paths resolved against, each file's absolute path and the FNV-1a
/// 64-bit hash of its bytes (the hash the predictions provenance uses).
///
/// Issue 13 (accepted wrongly 4): `evaluate` and `--resume` of a run written with `--out` outside
/// the project resolved relative data paths against the current folder, and the same run gave a
/// Sharpe of -1.40 instead of 1.23. With this record, a run's data resolve against the root it was
/// trained from, wherever the command runs, and a file whose bytes changed is refused by name.
public struct RunInputs: Codable, Sendable, Equatable {
    /// One data file.
    public struct File: Codable, Sendable, Equatable {
        /// Absolute path at training time.
        public var path: String
        /// `fnv1a64:<16 hex digits>` of the file's bytes.
        public var hash: String
        /// Size in bytes.
        public var bytes: Int
    }

    /// Format name of this record.
    public var format = "marketgym-run-inputs"
    /// The project root the run's relative data paths resolved against (absolute).
    public var root: String
    /// By role: `bars`, `benchmark`, `predictions`, `funding` (empty for CartPole and synthetic data).
    public var files: [String: File]

    /// `<run>/inputs.json`.
    public static func url(run: URL) -> URL { run.appendingPathComponent("inputs.json") }

    /// Records the files `spec` reads, resolved against `root` (after the environment was loaded,
    /// so built-in predictions exist).
    /// - Throws: `LabError.io` when a file cannot be read.
    public static func capture(_ spec: EnvironmentSpec, root: URL) throws(LabError) -> RunInputs {
        var files: [String: File] = [:]
        if spec.kind == .market {
            var roles: [(String, URL)] = []
            // Bars: a plain file, or a bar-source spec (its YAML file, if any, and every file it reads).
            let barSource = try MarketSetup.barSourceFiles(spec.data, root: root)
            if let barSource {
                if let specFile = barSource.specFile { roles.append(("bars.spec", specFile)) }
                for (k, url) in barSource.files.enumerated() { roles.append(("bars.\(k)", url)) }
            } else {
                roles.append(("bars", MarketSetup.resolve(spec.data.bars, root: root)))
            }
            if !spec.data.benchmark.isEmpty { roles.append(("benchmark", MarketSetup.resolve(spec.data.benchmark, root: root))) }
            if !spec.market.costs.fundingSeries.isEmpty { roles.append(("funding", MarketSetup.resolve(spec.market.costs.fundingSeries, root: root))) }
            if !spec.data.sources.isEmpty {
                for s in spec.data.sources { roles.append(("predictions.\(s.name)", MarketSetup.resolve(s.predictions, root: root))) }
            } else if spec.data.predictions != "builtin" {
                roles.append(("predictions", MarketSetup.resolve(spec.data.predictions, root: root)))
            } else if barSource == nil && spec.data.timeframe == nil {
                // The cache the environment's load just checked (and rebuilt if stale): record it
                // without checking it again.
                roles.append(("predictions", MarketSetup.cachedPredictionsURL(bars: MarketSetup.resolve(spec.data.bars, root: root))))
            }
            // Built-in predictions over a bar-source spec or resampled bars are rebuilt in memory
            // from the recorded bars on every load, so the bars' hashes cover them.
            for (role, url) in roles { files[role] = try record(url) }
        }
        return RunInputs(root: root.standardizedFileURL.path, files: files)
    }

    static func record(_ url: URL) throws(LabError) -> File {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .io(path: url.path, detail: "cannot read the data file to record its hash: \(error.localizedDescription)") }
        return File(path: url.standardizedFileURL.path, hash: fnv1a64([UInt8](data)), bytes: data.count)
    }

    /// Writes `<run>/inputs.json`.
    public func write(run: URL) throws(LabError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let target = Self.url(run: run)
        do { try encoder.encode(self).write(to: target, options: .atomic) } catch {
            throw .io(path: target.path, detail: "cannot write the record of the run's data files: \(error.localizedDescription)")
        }
    }

    /// The record of a run folder, or nil for runs trained before it existed.
    /// - Throws: `LabError.badRun` when the file is there but unreadable.
    public static func read(run: URL) throws(LabError) -> RunInputs? {
        let url = Self.url(run: run)
        guard let data = try? Data(contentsOf: url) else { return nil }
        do { return try JSONDecoder().decode(RunInputs.self, from: data) } catch {
            throw .badRun(path: url.path, detail: "unreadable record of the run's data files: \(error)")
        }
    }

    /// Checks that every recorded file still has the recorded bytes.
    /// - Throws: `LabError.badRun` naming the file, the recorded and the current hash, and the fix.
    public func verify(run: URL) throws(LabError) {
        for (role, file) in files.sorted(by: { $0.key < $1.key }) {
            let url = URL(fileURLWithPath: file.path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .badRun(path: run.path, detail: "the run was trained on \(role) \(file.path), which no longer exists. Restore it there (\(file.hash), \(file.bytes) bytes), or train a new run on the data you have.")
            }
            let now = try Self.record(url)
            if now.hash != file.hash {
                throw .badRun(path: run.path, detail: "the \(role) file \(file.path) changed since the run was trained (recorded \(file.hash), \(file.bytes) bytes; now \(now.hash), \(now.bytes) bytes): evaluating or resuming on other data would give other results. Restore the file, or train a new run.")
            }
        }
    }
}
