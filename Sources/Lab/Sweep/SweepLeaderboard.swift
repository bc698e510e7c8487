import Foundation

/// Ranks a sweep's configurations on the validation metric (mean over seeds), test beside it for
/// reference only, and writes `results.csv` and `leaderboard.txt`.
public struct SweepLeaderboard: Sendable {
    public let spec: SweepSpec
    public let folder: SweepFolder
    public let plans: [SweepTrialPlan]
    /// Selection-aware statistics of the winner (Deflated Sharpe Ratio, rank correlation between
    /// validation and test), from Sources/Lab/Statistics once it exists: the leaderboard prints them
    /// on the line after the winner when given. Nil prints nothing.
    public var selectionStatistics: SelectionStatisticsLine?

    public init(spec: SweepSpec, folder: SweepFolder, plans: [SweepTrialPlan], selectionStatistics: SelectionStatisticsLine? = nil) {
        self.spec = spec; self.folder = folder; self.plans = plans; self.selectionStatistics = selectionStatistics
    }

    /// The text the selection statistics contribute to the leaderboard (computed elsewhere).
    public struct SelectionStatisticsLine: Sendable {
        public var text: String
        public init(text: String) { self.text = text }
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

    /// Configurations ranked by the mean validation metric (best first; ties by configuration); test shown, not used.
    public func ranking(_ results: [SweepTrialResult]) -> [Entry] {
        let planByIndex = Dictionary(plans.map { ($0.index, $0) }) { a, _ in a }
        var byConfig: [Int: [SweepTrialResult]] = [:]
        for r in results where r.status == .completed {
            guard let p = planByIndex[r.index] else { continue }
            byConfig[p.configuration, default: []].append(r)
        }
        func value(_ r: SweepTrialResult) -> Double? { r.metrics[spec.selectSplit]?[spec.selectMetric].flatMap { $0.isFinite ? $0 : nil } }
        var entries: [Entry] = []
        for (c, rs) in byConfig {
            let vals = rs.compactMap(value)
            guard !vals.isEmpty, let first = rs.first.flatMap({ planByIndex[$0.index] }) else { continue }
            let tests = rs.compactMap { $0.metrics["test"]?[spec.selectMetric] }.filter(\.isFinite)
            let best = rs.max { a, b in
                let va = value(a) ?? -.infinity, vb = value(b) ?? -.infinity
                return spec.maximize ? va < vb : va > vb
            }
            entries.append(Entry(configuration: c, assignments: first.assignments, seeds: vals.count,
                                 selectValue: vals.reduce(0, +) / Double(vals.count),
                                 testValue: tests.isEmpty ? nil : tests.reduce(0, +) / Double(tests.count),
                                 bestCheckpoint: best?.checkpoint))
        }
        return entries.sorted { a, b in
            if a.selectValue != b.selectValue { return spec.maximize ? a.selectValue > b.selectValue : a.selectValue < b.selectValue }
            return a.configuration < b.configuration
        }
    }

    /// The printed leaderboard.
    public func text(_ outcome: SweepRunner.Outcome) -> String {
        let results = plans.compactMap { outcome.results[$0.index] }
        let ranked = ranking(results)
        let failed = results.filter { $0.status == .failed }
        let stoppedEarly = plans.count - results.count - outcome.missing.count
        var out = "Sweep \(spec.name): \(plans.count) trials, \(results.count - failed.count) completed, \(failed.count) failed, \(outcome.missing.count) without result\(stoppedEarly > 0 ? ", \(stoppedEarly) stopped at a lower rung" : ""). Ranked on the mean \(spec.selectSplit) \(spec.selectMetric) over seeds (\(spec.maximize ? "higher" : "lower") is better); test shown for reference only, never used to select.\n"
        if let asha = spec.asha, !outcome.rungs.isEmpty {
            out += "Successive halving (\(asha.synchronous ? "synchronous" : "asynchronous, Li et al. 2020 Algorithm 2"), reduction factor \(asha.reductionFactor)): " + outcome.rungs.map { "\($0.configurations.count) configuration(s) to \($0.budget) steps" }.joined(separator: ", ")
            out += String(format: "; %d environment steps, %.1f%% of the full grid's %d.\n", outcome.stepsUsed, 100 * Double(outcome.stepsUsed) / Double(max(outcome.stepsFullGrid, 1)), outcome.stepsFullGrid)
        }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        out += "\(pad("rank", 5)) \(pad("config", 8)) \(pad(spec.selectSplit, 12)) \(pad("test", 12)) parameters\n"
        for (k, e) in ranked.enumerated() {
            let params = e.assignments.map { "\($0.path)=\(SpecValue.scalarText($0.value))" }.joined(separator: " ")
            let test = e.testValue.map { String(format: "%.4f", $0) } ?? "n/a"
            out += "\(pad(String(k + 1), 5)) \(pad(String(format: "c%03d", e.configuration), 8)) \(pad(String(format: "%.4f", e.selectValue), 12)) \(pad(test, 12)) \(params)  (\(e.seeds) seed\(e.seeds == 1 ? "" : "s"))\n"
        }
        if let best = ranked.first {
            out += "best: c\(String(format: "%03d", best.configuration)), checkpoint \(best.bestCheckpoint ?? "n/a")\n"
            if let s = selectionStatistics { out += s.text + "\n" }
        }
        for f in failed { out += "failed: trial \(f.index): \(f.error ?? "")\n" }
        return out
    }

    /// One CSV row per trial: index, configuration, seed, status, swept values, metrics of the selection split and test.
    public func csv(_ outcome: SweepRunner.Outcome) -> String {
        let paramNames = spec.parameters.map(\.path)
        var metricNames = Set<String>()
        for r in outcome.results.values { for (_, row) in r.metrics { metricNames.formUnion(row.keys) } }
        let splits = [spec.selectSplit, "test"]
        let columns = splits.flatMap { s in metricNames.sorted().map { "\(s).\($0)" } }
        var csv = (["trial", "configuration", "seed", "status"] + paramNames + columns + ["steps", "wallSeconds", "host", "checkpoint"]).joined(separator: ",") + "\n"
        for p in plans {
            let r = outcome.results[p.index]
            var row = [String(p.index), String(p.configuration), String(p.seed), r?.status.rawValue ?? "pending"]
            row += p.assignments.map { SpecValue.scalarText($0.value) }
            row += splits.flatMap { s in metricNames.sorted().map { r?.metrics[s]?[$0].map { String($0) } ?? "" } }
            row += [r.map { String($0.steps) } ?? "", r.map { String(format: "%.3f", $0.wallSeconds) } ?? "", r?.host ?? "", r?.checkpoint ?? ""]
            csv += row.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return csv
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Writes `results.csv` and `leaderboard.txt` (atomically).
    public func write(_ outcome: SweepRunner.Outcome) throws(LabError) {
        do {
            try csv(outcome).write(to: folder.directory.appendingPathComponent("results.csv"), atomically: true, encoding: .utf8)
            try text(outcome).write(to: folder.directory.appendingPathComponent("leaderboard.txt"), atomically: true, encoding: .utf8)
        } catch {
            throw .io(path: folder.directory.path, detail: "cannot write sweep results: \(error.localizedDescription)")
        }
    }
}
