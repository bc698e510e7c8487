import Foundation

/// The signal-injection study's table: for each (IC, informativeness) cell, a multi-seed run of the
/// agent on injected predictions, and how its Sharpe compares with fixed-gross and
/// confidence-proportional sizing on the same bars, net of costs, with the paired
/// stationary-bootstrap intervals of `SharpeDifference` (pooled over seeds).
public enum SignalInjectionStudy {
    public struct Row: Sendable, Equatable, Codable {
        public var ic: Double
        public var informativeness: Double
        public var realizedIC: Double?
        public var split: String
        public var seeds: Int
        public var agentSharpe: SeedInterval
        public var fixedGrossSharpe: Double?
        public var confidenceSharpe: Double?
        public var versusFixedGross: SharpeDifference?
        public var versusConfidence: SharpeDifference?
    }

    /// The row of one finished cell (a seed group) on `split`.
    /// - Throws: `LabError` when the group has no finished seed or lacks the split.
    public static func row(group: SeedGroup, ic: Double, informativeness: Double, realizedIC: Double?, split: String = "test") throws(LabError) -> Row {
        let data = try SeedGroupData.load(group)
        let sharpes = data.agentMetrics.compactMap { $0[split]?["sharpe"] }
        guard !sharpes.isEmpty else { throw .badRun(path: group.directory.path, detail: "no '\(split)' evaluation; add it to evaluation.splits") }
        let walks = data.agentWalks.compactMap { $0[split]?.returns }
        let ppy = data.periodsPerYear(split: split)
        func versus(_ name: String) -> SharpeDifference? {
            guard let b = data.baselineWalks[split]?[name], walks.count == data.seeds.count else { return nil }
            let boot = StationaryBootstrap.automatic(count: b.returns.count, replicates: SeedAggregate.bootstrapReplicates, seed: SeedAggregate.bootstrapSeed)
            return try? SharpeDifference.pooled(agents: walks, baseline: b.returns, periodsPerYear: ppy, bootstrap: boot)
        }
        return Row(ic: ic, informativeness: informativeness, realizedIC: realizedIC, split: split, seeds: sharpes.count,
                   agentSharpe: SeedInterval(sharpes), fixedGrossSharpe: data.baselineMetrics[split]?["fixedGross"]?["sharpe"],
                   confidenceSharpe: data.baselineMetrics[split]?["confidence"]?["sharpe"],
                   versusFixedGross: versus("fixedGross"), versusConfidence: versus("confidence"))
    }

    /// The rows as a Markdown table.
    public static func markdown(_ rows: [Row]) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
        func interval(_ s: SeedInterval) -> String {
            guard let lo = s.lower, let hi = s.upper else { return "\(f(s.mean)) (1 seed)" }
            return "\(f(s.mean)) [\(f(lo)), \(f(hi))]"
        }
        func diff(_ d: SharpeDifference?) -> String {
            guard let d else { return "-" }
            let tag = d.verdict == .better ? " **better**" : (d.verdict == .worse ? " **worse**" : "")
            return String(format: "%+.2f [%+.2f, %+.2f]", d.estimate, d.lower, d.upper) + tag
        }
        var s = "| IC | confidence informativeness | realized rank IC | split | seeds | agent Sharpe (mean [95% CI over seeds]) | fixed gross Sharpe | confidence Sharpe | agent − fixed gross [95% bootstrap CI] | agent − confidence [95% bootstrap CI] |\n"
        s += "|---:|---:|---:|---|---:|---|---:|---:|---|---|\n"
        for r in rows {
            s += "| \(f(r.ic)) | \(f(r.informativeness)) | \(r.realizedIC.map { String(format: "%.3f", $0) } ?? "-") | \(r.split) | \(r.seeds) | \(interval(r.agentSharpe)) | \(f(r.fixedGrossSharpe)) | \(f(r.confidenceSharpe)) | \(diff(r.versusFixedGross)) | \(diff(r.versusConfidence)) |\n"
        }
        return s
    }

    /// The study's picture: agent − fixed gross and agent − confidence Sharpe differences with their
    /// 95% intervals, one row per cell and baseline.
    public static func chart(_ rows: [Row]) -> String {
        var items: [(label: String, estimate: Double, lower: Double, upper: Double)] = []
        for r in rows {
            let cell = String(format: "IC %.2f κ %.1f", r.ic, r.informativeness)
            if let d = r.versusFixedGross { items.append(("\(cell) − fixed", d.estimate, d.lower, d.upper)) }
            if let d = r.versusConfidence { items.append(("\(cell) − conf.", d.estimate, d.lower, d.upper)) }
        }
        return SVG.intervalChart(title: "Signal injection (\(rows.first?.split ?? "test")): agent − baseline Sharpe, pooled over seeds, 95% bootstrap CI", rows: items, width: 820, labelWidth: 170)
    }
}
