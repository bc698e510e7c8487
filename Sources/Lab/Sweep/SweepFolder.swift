import Foundation
import Predictors

/// One trial as planned: a configuration (the swept values) with one training seed, and the fully
/// resolved experiment it runs.
public struct SweepTrialPlan: Sendable {
    /// Position in the sweep (configuration x seeds, seeds fastest): the `INDEX` of `sweep-trial`.
    public let index: Int
    /// Index of the configuration (trials with other seeds of the same configuration share it).
    public let configuration: Int
    public let seed: UInt64
    public let assignments: [(path: String, value: SpecValue)]
    /// The resolved experiment, as written to `trials/<index>/config.yaml`.
    public let configYAML: String

    public init(index: Int, configuration: Int, seed: UInt64, assignments: [(path: String, value: SpecValue)], configYAML: String) {
        self.index = index
        self.configuration = configuration
        self.seed = seed
        self.assignments = assignments
        self.configYAML = configYAML
    }

    /// FNV-1a 64 of the resolved config: a result counts only for the config that produced it.
    public var configHash: String { fnv1a64(Array(configYAML.utf8)) }
    /// `key=value` pairs, for logs and the leaderboard.
    public var label: String { assignments.map { "\($0.path)=\(SpecValue.scalarText($0.value))" }.joined(separator: " ") }
}

/// What a trial left when it ended: `trials/<index>/result.json` (or `result-<budget>.json` for a
/// successive-halving rung), written atomically (temporary file, then rename).
public struct SweepTrialResult: Sendable, Equatable {
    public enum Status: String, Sendable { case completed, failed }
    public var index: Int
    public var status: Status
    public var seed: UInt64
    /// Metrics per split (`evaluation.<split>.<metric>` of the run's summary).
    public var metrics: [String: [String: Double]]
    /// Environment steps trained.
    public var steps: Int
    public var wallSeconds: Double
    public var host: String
    /// Checkpoint path, absolute.
    public var checkpoint: String?
    /// Why a failed trial failed.
    public var error: String?
    /// `SweepTrialPlan.configHash` of the config that produced it.
    public var configHash: String

    public init(index: Int, status: Status, seed: UInt64, metrics: [String: [String: Double]], steps: Int, wallSeconds: Double,
                host: String, checkpoint: String?, error: String?, configHash: String) {
        self.index = index; self.status = status; self.seed = seed; self.metrics = metrics; self.steps = steps
        self.wallSeconds = wallSeconds; self.host = host; self.checkpoint = checkpoint; self.error = error; self.configHash = configHash
    }

    var json: [String: Any] {
        ["format": "marketgym-trial-result", "version": SweepFolder.formatVersion, "index": index, "status": status.rawValue,
         "seed": Int(seed), "metrics": metrics.mapValues { $0.filter { $0.value.isFinite } }, "steps": steps, "wallSeconds": wallSeconds,
         "host": host, "checkpoint": checkpoint ?? NSNull(), "error": error ?? NSNull(), "configHash": configHash]
    }

    init?(json o: [String: Any]) {
        guard o["format"] as? String == "marketgym-trial-result", let index = o["index"] as? Int,
              let s = o["status"] as? String, let status = Status(rawValue: s), let seed = o["seed"] as? Int,
              let hash = o["configHash"] as? String else { return nil }
        let metrics = (o["metrics"] as? [String: Any] ?? [:]).mapValues(RunReport.numbers)
        self.init(index: index, status: status, seed: UInt64(seed), metrics: metrics, steps: o["steps"] as? Int ?? 0,
                  wallSeconds: (o["wallSeconds"] as? NSNumber)?.doubleValue ?? 0, host: o["host"] as? String ?? "",
                  checkpoint: o["checkpoint"] as? String, error: o["error"] as? String, configHash: hash)
    }
}

/// A sweep on disk: the contract between the sweep command, any scheduler, and `sweep-trial`.
///
/// ```
/// <sweep>/sweep.json                 the resolved sweep: format version, project root, every trial's
///                                    index, configuration, seed, swept values and config hash (written last)
/// <sweep>/sweep.lock                 held by the running `marketgym sweep` (names pid, host, time)
/// <sweep>/trials/<index>/config.yaml the trial's resolved experiment
/// <sweep>/trials/<index>/trial.lock  held by the running `sweep-trial` of this index
/// <sweep>/trials/<index>/run/        the training run folder (checkpoints, metrics, summary.json)
/// <sweep>/trials/<index>/result.json status, metrics, seed, steps, wall time, host (atomic, last)
/// ```
/// Resume = scan the results: no result means the trial never ran or its process died, and it
/// runs again (continuing from its newest checkpoint); a `failed` result is kept and not retried
/// unless asked.
public struct SweepFolder: Sendable {
    /// Version of this layout; a folder of another version is refused, never rewritten.
    public static let formatVersion = 1
    public let directory: URL

    public init(_ directory: URL) { self.directory = directory }

    public var manifestURL: URL { directory.appendingPathComponent("sweep.json") }
    public var lockURL: URL { directory.appendingPathComponent("sweep.lock") }
    public func trialDirectory(_ index: Int) -> URL { directory.appendingPathComponent("trials/\(index)") }
    public func configURL(_ index: Int) -> URL { trialDirectory(index).appendingPathComponent("config.yaml") }
    public func runDirectory(_ index: Int) -> URL { trialDirectory(index).appendingPathComponent("run") }
    /// `result.json` for a full trial, `result-<budget>.json` for a successive-halving rung.
    public func resultURL(_ index: Int, budget: Int? = nil) -> URL {
        trialDirectory(index).appendingPathComponent(budget.map { "result-\($0).json" } ?? "result.json")
    }

    /// What `sweep.json` records.
    public struct Manifest: Sendable {
        public var name: String
        public var root: String
        public var trials: [(index: Int, configuration: Int, seed: UInt64, configHash: String)]
        public var threads: Int
    }

    /// Writes the plan into a new folder, or checks that an existing folder holds the same plan.
    /// - Throws: `SweepError.foreignVersion` or `.planChanged` (nothing is written then), `LabError.io`.
    public func prepare(name: String, root: URL, threads: Int, plans: [SweepTrialPlan]) throws {
        if FileManager.default.fileExists(atPath: manifestURL.path) {
            let old = try manifest()
            if old.trials.count != plans.count {
                throw SweepError.planChanged(file: manifestURL.path, detail: "\(old.trials.count) trials there, \(plans.count) now")
            }
            for (o, p) in zip(old.trials, plans) where o.configHash != p.configHash || o.seed != p.seed {
                let before = (try? String(contentsOf: configURL(o.index), encoding: .utf8)).map { Self.firstDifference($0, p.configYAML) } ?? "config changed"
                throw SweepError.planChanged(file: manifestURL.path, detail: "trial \(p.index) (\(p.label), seed \(p.seed)): \(before)")
            }
            return
        }
        do {
            for p in plans {
                try FileManager.default.createDirectory(at: trialDirectory(p.index), withIntermediateDirectories: true)
                try p.configYAML.write(to: configURL(p.index), atomically: true, encoding: .utf8)
            }
            let manifest: [String: Any] = [
                "format": "marketgym-sweep", "version": Self.formatVersion, "name": name, "root": root.path, "threads": threads,
                "trials": plans.map { ["index": $0.index, "configuration": $0.configuration, "seed": Int($0.seed), "configHash": $0.configHash,
                                       "assignments": Dictionary($0.assignments.map { ($0.path, SpecValue.scalarText($0.value)) }) { a, _ in a }] as [String: Any] },
            ]
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: manifestURL, options: .atomic)
        } catch {
            throw LabError.io(path: directory.path, detail: "cannot write the sweep folder: \(error.localizedDescription)")
        }
    }

    /// The line where two configs first differ, as `was: ... / now: ...`.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false), lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        for k in 0..<max(la.count, lb.count) {
            let x = k < la.count ? String(la[k]) : "", y = k < lb.count ? String(lb[k]) : ""
            if x != y { return "config.yaml line \(k + 1) was `\(x.trimmingCharacters(in: .whitespaces))`, now `\(y.trimmingCharacters(in: .whitespaces))`" }
        }
        return "config changed"
    }

    /// Reads `sweep.json`.
    /// - Throws: `SweepError.foreignVersion` for another format, `LabError.badRun` when it is not a sweep folder.
    public func manifest() throws -> Manifest {
        guard let o = RunReport.readJSON(manifestURL) else {
            throw LabError.badRun(path: directory.path, detail: "no readable sweep.json: not a sweep folder (marketgym sweep writes it)")
        }
        guard o["format"] as? String == "marketgym-sweep" else {
            throw SweepError.foreignVersion(file: manifestURL.path, found: "'\(o["format"] as? String ?? "none")'", expected: Self.formatVersion)
        }
        guard let v = o["version"] as? Int, v == Self.formatVersion else {
            throw SweepError.foreignVersion(file: manifestURL.path, found: "\(o["version"] ?? "none")", expected: Self.formatVersion)
        }
        let trials = (o["trials"] as? [[String: Any]] ?? []).compactMap { t -> (Int, Int, UInt64, String)? in
            guard let i = t["index"] as? Int, let c = t["configuration"] as? Int, let s = t["seed"] as? Int, let h = t["configHash"] as? String else { return nil }
            return (i, c, UInt64(s), h)
        }
        return Manifest(name: o["name"] as? String ?? "", root: o["root"] as? String ?? "", trials: trials.map { (index: $0.0, configuration: $0.1, seed: $0.2, configHash: $0.3) },
                        threads: o["threads"] as? Int ?? 1)
    }

    /// The result a trial left, if any (and only if it was produced by `configHash`).
    public func result(_ index: Int, budget: Int? = nil, configHash: String) -> SweepTrialResult? {
        guard let o = RunReport.readJSON(resultURL(index, budget: budget)), let r = SweepTrialResult(json: o),
              r.index == index, r.configHash == configHash else { return nil }
        return r
    }

    /// Writes a result atomically (a reader sees the old file or the new one, never half of one).
    public func write(_ result: SweepTrialResult, budget: Int? = nil) throws(LabError) {
        let url = resultURL(result.index, budget: budget)
        do {
            let data = try JSONSerialization.data(withJSONObject: result.json, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url, options: .atomic)
        } catch {
            throw .io(path: url.path, detail: "cannot write the trial result: \(error.localizedDescription)")
        }
    }

    /// Indices of trials that still need to run: no result yet (never ran, or died), or failed when `retryFailed`.
    public func pending(_ plans: [SweepTrialPlan], budget: Int? = nil, retryFailed: Bool) -> [Int] {
        plans.filter { p in
            guard let r = result(p.index, budget: budget, configHash: p.configHash) else { return true }
            return r.status == .failed && retryFailed
        }.map(\.index)
    }
}
