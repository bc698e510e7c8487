import Foundation

/// What the seeds of a group wrote, read back for aggregation and the report: per seed its
/// summary metrics, and per split every policy's per-bar net returns and dates.
public struct SeedGroupData: Sendable {
    /// One policy's walk through one split.
    public struct Walk: Sendable, Equatable {
        public var dates: [String]
        public var returns: [Double]
    }

    public var group: SeedGroup
    /// The seeds that finished, in group order.
    public var seeds: [UInt64]
    /// splits in report order (train, valid, test).
    public var splits: [String]
    /// [seed index][split] → the agent's metrics (summary.json).
    public var agentMetrics: [[String: [String: Double]]]
    /// [split][baseline] → metrics, from the first finished seed (baselines are deterministic).
    public var baselineMetrics: [String: [String: [String: Double]]]
    /// [seed index][split] → the agent's walk.
    public var agentWalks: [[String: Walk]]
    /// [split][baseline] → the baseline's walk.
    public var baselineWalks: [String: [String: Walk]]

    /// Reads every finished seed of `group`.
    /// - Throws: `LabError.badRun` when no seed has finished or a seed's files are unreadable.
    public static func load(_ group: SeedGroup) throws(LabError) -> SeedGroupData {
        var data = SeedGroupData(group: group, seeds: [], splits: [], agentMetrics: [], baselineMetrics: [:], agentWalks: [], baselineWalks: [:])
        for seed in group.seeds where group.state(seed: seed) == .finished {
            let dir = group.runDirectory(seed: seed)
            guard let summary = RunReport.readJSON(dir.appendingPathComponent("summary.json")) else {
                throw .badRun(path: dir.appendingPathComponent("summary.json").path, detail: "unreadable summary; rerun the seed (move the folder aside and run the group again)")
            }
            let evaluation = summary["evaluation"] as? [String: Any] ?? [:]
            let splits = evaluation.keys.sorted(by: RunReport.splitOrder)
            if data.seeds.isEmpty {
                data.splits = splits
                let baselines = summary["baselines"] as? [String: Any] ?? [:]
                for (split, v) in baselines { data.baselineMetrics[split] = ((v as? [String: Any]) ?? [:]).mapValues { RunReport.numbers($0) } }
            }
            var metrics: [String: [String: Double]] = [:]
            var walks: [String: Walk] = [:]
            for split in splits {
                metrics[split] = RunReport.numbers(evaluation[split])
                let csv = RunReport.readCSV(dir.appendingPathComponent("evaluation/\(split).csv"))
                let byPolicy = walksByPolicy(csv)
                if let a = byPolicy["agent"] { walks[split] = a }
                if data.seeds.isEmpty {
                    for (name, w) in byPolicy where name != "agent" { data.baselineWalks[split, default: [:]][name] = w }
                }
            }
            data.seeds.append(seed)
            data.agentMetrics.append(metrics)
            data.agentWalks.append(walks)
        }
        guard !data.seeds.isEmpty else {
            throw .badRun(path: group.directory.path, detail: "no seed has finished yet; run `marketgym train --resume \(group.directory.path)`")
        }
        return data
    }

    /// Per-policy walks of an `evaluation/<split>.csv` (policy,date,nav,netReturn,...).
    static func walksByPolicy(_ csv: RunReport.CSV) -> [String: Walk] {
        guard let pi = csv.header.firstIndex(of: "policy"), let di = csv.header.firstIndex(of: "date"), let ri = csv.header.firstIndex(of: "netReturn") else { return [:] }
        var out: [String: Walk] = [:]
        for r in csv.rows where r.count == csv.header.count {
            out[r[pi], default: Walk(dates: [], returns: [])].dates.append(r[di])
            out[r[pi], default: Walk(dates: [], returns: [])].returns.append(Double(r[ri]) ?? .nan)
        }
        return out
    }

    /// Bars per year on `split` (the annualization factor the run's metrics used).
    public func periodsPerYear(split: String) -> Double {
        let m = agentMetrics.first?[split] ?? [:]
        if let steps = m["steps"], let years = m["years"], years > 0 { return steps / years }
        return 252
    }
}
