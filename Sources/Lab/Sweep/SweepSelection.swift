import Foundation

/// The selection statistics of a finished sweep, read from its trial contract: `sweep.json` maps each
/// trial index to its configuration and seed, and `trials/<index>/run/` is an ordinary run folder
/// with `summary.json` and `evaluation/<split>.csv` (docs/lab.md, "The trial contract").
///
/// Each configuration is one trial of the Deflated Sharpe Ratio: its validation Sharpe is the mean
/// over its seeds (multi-seed trials are ranked on their mean), its test Sharpe likewise (shown, never
/// used to choose). The winner's return series is the per-bar mean over its seeds' validation returns
/// (the equal-weight portfolio of its seeds, the series whose Sharpe the mean approximates).
/// Trials that stopped at a lower successive-halving rung have no final run summary and are left out.
public enum SweepSelection {
    public struct Trial: Sendable, Equatable, Codable {
        public var configuration: Int
        public var seeds: [UInt64]
        public var validationSharpe: Double
        public var testSharpe: Double?
    }

    /// - Throws: `LabError` when the folder holds fewer than two finished configurations.
    public static func compute(sweepDirectory dir: URL, split: String = "valid") throws(LabError) -> (trials: [Trial], statistics: SelectionStatistics) {
        let folder = SweepFolder(dir)
        let trialsDir = dir.appendingPathComponent("trials")
        let manifest: SweepFolder.Manifest
        do { manifest = try folder.manifest() } catch let e as LabError { throw e } catch {
            throw .badRun(path: dir.path, detail: "\(error)")
        }
        var byConfig: [Int: [(seed: UInt64, summary: [String: Any], dir: URL)]] = [:]
        for t in manifest.trials {
            let run = folder.runDirectory(t.index)
            guard FileManager.default.fileExists(atPath: folder.resultURL(t.index).path),
                  let summary = RunReport.readJSON(run.appendingPathComponent("summary.json")) else { continue }
            byConfig[t.configuration, default: []].append((t.seed, summary, run))
        }
        guard byConfig.count >= 2 else {
            throw .badRun(path: trialsDir.path, detail: "\(byConfig.count) finished configuration(s); the Deflated Sharpe Ratio needs at least 2 (finish the sweep first)")
        }
        func sharpe(_ summary: [String: Any], _ split: String) -> Double? {
            ((summary["evaluation"] as? [String: Any])?[split] as? [String: Any])?["sharpe"] as? Double
        }
        var trials: [Trial] = []
        for (c, runs) in byConfig.sorted(by: { $0.key < $1.key }) {
            let v = runs.compactMap { sharpe($0.summary, split) }
            guard v.count == runs.count else { continue }
            let t = runs.compactMap { sharpe($0.summary, "test") }
            trials.append(Trial(configuration: c, seeds: runs.map(\.seed), validationSharpe: v.reduce(0, +) / Double(v.count),
                                testSharpe: t.count == runs.count ? t.reduce(0, +) / Double(t.count) : nil))
        }
        let valid = trials.map(\.validationSharpe)
        let tests = trials.allSatisfy { $0.testSharpe != nil } ? trials.compactMap(\.testSharpe) : []
        guard let best = valid.indices.max(by: { valid[$0] < valid[$1] }), let winnerRuns = byConfig[trials[best].configuration] else {
            throw .badRun(path: trialsDir.path, detail: "no configuration has a '\(split)' Sharpe in every seed")
        }
        var mean: [Double] = []
        var ppy = 252.0
        for (k, run) in winnerRuns.enumerated() {
            let walk = SeedGroupData.walksByPolicy(RunReport.readCSV(run.dir.appendingPathComponent("evaluation/\(split).csv")))["agent"]?.returns ?? []
            if k == 0 { mean = walk } else if walk.count == mean.count { mean = zip(mean, walk).map { $0 + $1 } }
            if let m = (run.summary["evaluation"] as? [String: Any])?[split] as? [String: Any], let steps = m["steps"] as? Double, let years = m["years"] as? Double, years > 0 { ppy = steps / years }
        }
        mean = mean.map { $0 / Double(winnerRuns.count) }
        do {
            return (trials, try SelectionStatistics.compute(validationSharpes: valid, testSharpes: tests, winnerReturns: mean, periodsPerYear: ppy))
        } catch {
            throw .badRun(path: dir.path, detail: error.description)
        }
    }
}
