import Foundation
import Synchronization

/// One trial of a sweep: a configuration (the swept values) with one training seed.
public struct SweepTrial: Sendable {
    /// Index of the configuration (trials with the same configuration and other seeds share it).
    public let configuration: Int
    public let seed: UInt64
    public let assignments: [(path: String, value: SpecValue)]
    /// The trial's run folder.
    public let directory: URL

    /// `key=value` strings for `--set`.
    public var overrideArguments: [String] { assignments.map { "\($0.path)=\(SpecValue.scalarText($0.value))" } }
    /// Folder name, stable across resumes: `c003-s1`.
    public var name: String { directory.lastPathComponent }
}

/// What happened to a trial.
public struct SweepTrialResult: Sendable {
    public enum Status: String, Sendable { case completed, skipped, failed }
    public let trial: SweepTrial
    public let status: Status
    /// Metrics per split from the trial's summary.json (`evaluation.<split>.<metric>`).
    public let metrics: [String: [String: Double]]
    /// The checkpoint the trial reports (relative to its run folder, or absolute).
    public let checkpoint: String?
    /// Why a failed trial failed (exit status and the end of its log).
    public let failure: String?
}

/// Runs a sweep's trials as separate processes, `workers` at a time; resumable.
///
/// Each trial is a separate `marketgym train` process (a crash cannot take the sweep down, and
/// trials run truly in parallel). A trial whose folder already holds a `summary.json` is finished
/// and skipped on a rerun; a trial that exits non-zero is reported as failed, its log kept in
/// `trial.log`, and the sweep goes on. Results: `results.csv` and a leaderboard ranked on the
/// validation metric, test metrics beside it but never used to choose.
public final class SweepRunner: Sendable {
    public let spec: SweepSpec
    public let directory: URL
    public let workers: Int
    /// Builds the command line of a trial: executable and arguments.
    public let command: @Sendable (SweepTrial) -> (executable: URL, arguments: [String])

    public init(spec: SweepSpec, directory: URL, workers: Int, command: @escaping @Sendable (SweepTrial) -> (executable: URL, arguments: [String])) {
        precondition(workers >= 1, "SweepRunner: workers must be >= 1, got \(workers)")
        self.spec = spec
        self.directory = directory
        self.workers = workers
        self.command = command
    }

    /// All trials, in a deterministic order: configurations × seeds.
    public func trials() -> [SweepTrial] {
        let trialsDir = directory.appendingPathComponent("trials")
        return spec.configurations().enumerated().flatMap { (c, assignments) in
            spec.seeds.map { seed in
                SweepTrial(configuration: c, seed: seed, assignments: assignments,
                           directory: trialsDir.appendingPathComponent(String(format: "c%03d-s%llu", c, seed)))
            }
        }
    }

    /// Runs every unfinished trial and returns all results (finished ones read back from disk).
    /// - Parameter log: called (from worker threads, serialized) with one line per trial event.
    public func run(log: @escaping @Sendable (String) -> Void = { print($0) }) throws(LabError) -> [SweepTrialResult] {
        do { try FileManager.default.createDirectory(at: directory.appendingPathComponent("trials"), withIntermediateDirectories: true) } catch {
            throw .io(path: directory.path, detail: "cannot create the sweep folder: \(error.localizedDescription)")
        }
        let all = trials()
        let queue = Mutex<[Int]>(Array(all.indices))
        let results = Mutex<[Int: SweepTrialResult]>([:])
        let logLock = Mutex(())
        let say: @Sendable (String) -> Void = { line in logLock.withLock { _ in log(line) } }
        let group = DispatchGroup()
        for _ in 0..<min(workers, max(all.count, 1)) {
            group.enter()
            Thread.detachNewThread { [self] in
                while let i = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                    let r = self.runTrial(all[i], total: all.count, say: say)
                    results.withLock { $0[i] = r }
                }
                group.leave()
            }
        }
        group.wait()
        let ordered = results.withLock { dict in all.indices.compactMap { dict[$0] } }
        try writeResults(ordered)
        return ordered
    }

    private func runTrial(_ trial: SweepTrial, total: Int, say: @Sendable (String) -> Void) -> SweepTrialResult {
        let summary = trial.directory.appendingPathComponent("summary.json")
        if let done = Self.readSummary(summary) {
            say("[\(trial.name)] finished earlier, skipped")
            return SweepTrialResult(trial: trial, status: .skipped, metrics: done.metrics, checkpoint: done.checkpoint, failure: nil)
        }
        // An unfinished trial (crashed or killed) starts over in a clean folder.
        try? FileManager.default.removeItem(at: trial.directory)
        try? FileManager.default.createDirectory(at: trial.directory, withIntermediateDirectories: true)
        let logURL = trial.directory.appendingPathComponent("trial.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let (exe, args) = command(trial)
        say("[\(trial.name)] start: \(trial.overrideArguments.joined(separator: " ")) seed \(trial.seed)")
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        // Several trials at once already fill the cores: unless the caller chose otherwise, each
        // trial runs TensorCore's kernels on one thread (TensorCore.Parallelism).
        var environment = ProcessInfo.processInfo.environment
        if workers > 1 && environment["MARKETGYM_THREADS"] == nil {
            environment["MARKETGYM_THREADS"] = "1"
            process.environment = environment
        }
        process.standardInput = FileHandle.nullDevice
        if let h = FileHandle(forWritingAtPath: logURL.path) {
            process.standardOutput = h
            process.standardError = h
        }
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            say("[\(trial.name)] FAILED to start: \(error.localizedDescription)")
            return SweepTrialResult(trial: trial, status: .failed, metrics: [:], checkpoint: nil, failure: "could not start \(exe.path): \(error.localizedDescription)")
        }
        let status = process.terminationStatus
        guard status == 0, let done = Self.readSummary(summary) else {
            let tail = (try? String(contentsOf: logURL, encoding: .utf8)).map { String($0.suffix(400)) } ?? ""
            let why = status == 0 ? "exited 0 but wrote no summary.json" : "exit status \(status)"
            say("[\(trial.name)] FAILED (\(why)); log: \(logURL.path)")
            return SweepTrialResult(trial: trial, status: .failed, metrics: [:], checkpoint: nil, failure: "\(why): \(tail)")
        }
        let m = done.metrics[spec.selectSplit]?[spec.selectMetric]
        say("[\(trial.name)] done: \(spec.selectSplit) \(spec.selectMetric) = \(m.map { String(format: "%.4f", $0) } ?? "n/a")")
        return SweepTrialResult(trial: trial, status: .completed, metrics: done.metrics, checkpoint: done.checkpoint, failure: nil)
    }

    /// Reads `evaluation.<split>.<metric>` numbers and `checkpoint` from a summary.json, or nil.
    static func readSummary(_ url: URL) -> (metrics: [String: [String: Double]], checkpoint: String?)? {
        guard let object = RunReport.readJSON(url) else { return nil }
        let evaluation = object["evaluation"] as? [String: Any] ?? [:]
        return (evaluation.mapValues(RunReport.numbers), object["checkpoint"] as? String)
    }

    /// Writes `results.csv` (one row per trial) and `leaderboard.txt`.
    func writeResults(_ results: [SweepTrialResult]) throws(LabError) {
        let paramNames = spec.parameters.map(\.path)
        var metricNames = Set<String>()
        for r in results { for (_, row) in r.metrics { metricNames.formUnion(row.keys) } }
        let splits = [spec.selectSplit, "test"]
        let metricColumns = splits.flatMap { s in metricNames.sorted().map { "\(s).\($0)" } }
        var csv = (["trial", "configuration", "seed", "status"] + paramNames + metricColumns + ["checkpoint"]).joined(separator: ",") + "\n"
        for r in results {
            var row = [r.trial.name, String(r.trial.configuration), String(r.trial.seed), r.status.rawValue]
            row += r.trial.assignments.map { SpecValue.scalarText($0.value) }
            row += splits.flatMap { s in metricNames.sorted().map { r.metrics[s]?[$0].map { String($0) } ?? "" } }
            row.append(r.checkpoint.map { absoluteCheckpoint($0, trial: r.trial) } ?? "")
            csv += row.map(csvField).joined(separator: ",") + "\n"
        }
        let text = leaderboard(results)
        do {
            try csv.write(to: directory.appendingPathComponent("results.csv"), atomically: true, encoding: .utf8)
            try text.write(to: directory.appendingPathComponent("leaderboard.txt"), atomically: true, encoding: .utf8)
        } catch {
            throw .io(path: directory.path, detail: "cannot write sweep results: \(error.localizedDescription)")
        }
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    private func absoluteCheckpoint(_ path: String, trial: SweepTrial) -> String {
        path.hasPrefix("/") ? path : trial.directory.appendingPathComponent(path).path
    }

    /// One leaderboard row: a configuration's mean metrics over its completed seeds.
    public struct Entry: Sendable {
        public let configuration: Int
        public let assignments: [(path: String, value: SpecValue)]
        public let seeds: Int
        public let selectValue: Double
        public let testValue: Double?
        /// The best seed's checkpoint (by the validation metric).
        public let bestCheckpoint: String?
    }

    /// Configurations ranked by the mean validation metric (best first); test shown, not used.
    public func ranking(_ results: [SweepTrialResult]) -> [Entry] {
        var byConfig: [Int: [SweepTrialResult]] = [:]
        for r in results where r.status != .failed { byConfig[r.trial.configuration, default: []].append(r) }
        var entries: [Entry] = []
        for (c, rs) in byConfig {
            let vals = rs.compactMap { $0.metrics[spec.selectSplit]?[spec.selectMetric] }.filter(\.isFinite)
            guard !vals.isEmpty else { continue }
            let tests = rs.compactMap { $0.metrics["test"]?[spec.selectMetric] }.filter(\.isFinite)
            let best = rs.max { a, b in
                let va = a.metrics[spec.selectSplit]?[spec.selectMetric] ?? -.infinity
                let vb = b.metrics[spec.selectSplit]?[spec.selectMetric] ?? -.infinity
                return spec.maximize ? va < vb : va > vb
            }
            entries.append(Entry(configuration: c, assignments: rs[0].trial.assignments, seeds: vals.count,
                                 selectValue: vals.reduce(0, +) / Double(vals.count),
                                 testValue: tests.isEmpty ? nil : tests.reduce(0, +) / Double(tests.count),
                                 bestCheckpoint: best.flatMap { b in b.checkpoint.map { absoluteCheckpoint($0, trial: b.trial) } }))
        }
        return entries.sorted { spec.maximize ? $0.selectValue > $1.selectValue : $0.selectValue < $1.selectValue }
    }

    /// The printed leaderboard.
    public func leaderboard(_ results: [SweepTrialResult]) -> String {
        let ranked = ranking(results)
        let failed = results.filter { $0.status == .failed }
        var out = "Sweep \(spec.name): \(results.count) trials, \(failed.count) failed. Ranked on \(spec.selectSplit) \(spec.selectMetric) (\(spec.maximize ? "higher" : "lower") is better); test shown for reference only, never used to select.\n"
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        out += "\(pad("rank", 5)) \(pad("config", 8)) \(pad(spec.selectSplit, 12)) \(pad("test", 12)) parameters\n"
        for (k, e) in ranked.enumerated() {
            let params = e.assignments.map { "\($0.path)=\(SpecValue.scalarText($0.value))" }.joined(separator: " ")
            let test = e.testValue.map { String(format: "%.4f", $0) } ?? "n/a"
            out += "\(pad(String(k + 1), 5)) \(pad(String(format: "c%03d", e.configuration), 8)) \(pad(String(format: "%.4f", e.selectValue), 12)) \(pad(test, 12)) \(params)  (\(e.seeds) seed\(e.seeds == 1 ? "" : "s"))\n"
        }
        if let best = ranked.first {
            out += "best: c\(String(format: "%03d", best.configuration)), checkpoint \(best.bestCheckpoint ?? "n/a")\n"
        }
        for f in failed { out += "failed: \(f.trial.name): \(f.failure ?? "")\n" }
        return out
    }
}
