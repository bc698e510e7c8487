import Foundation

/// A paired difference in annualized Sharpe ratio (agent minus baseline) with its stationary
/// block bootstrap interval, and the verdict it supports.
public struct SharpeDifference: Sendable, Equatable, Codable {
    /// Annualized Sharpe(agent) − Sharpe(baseline) on the observed series.
    public var estimate: Double
    /// The 95% (or `level`) percentile interval of the bootstrap distribution.
    public var lower: Double
    public var upper: Double
    public var level: Double
    /// Bars in the paired series.
    public var count: Int
    /// The mean block length used (bars).
    public var blockLength: Double

    /// What the interval says: the whole interval above 0, below 0, or straddling it.
    public enum Verdict: String, Sendable, Codable { case better, worse, notDistinguishable }

    public var verdict: Verdict { lower > 0 ? .better : (upper < 0 ? .worse : .notDistinguishable) }

    /// The verdict in words ("better than", "worse than", "not distinguishable from").
    public var words: String {
        switch verdict {
        case .better: return "better than"
        case .worse: return "worse than"
        case .notDistinguishable: return "not distinguishable from"
        }
    }

    /// The paired difference of one agent series against one baseline series on the same bars.
    ///
    /// Both series are resampled with the same stationary-bootstrap indices, so the interval keeps
    /// their correlation and the serial dependence of returns.
    /// - Parameters:
    ///   - agent: the agent's per-bar net returns.
    ///   - baseline: the baseline's per-bar net returns on the same bars.
    ///   - periodsPerYear: the annualization factor (`BacktestMetrics.periodsPerYear`).
    /// - Throws: `StatisticsError` when the lengths differ or the split is too short for the block length.
    public static func paired(agent: [Double], baseline: [Double], periodsPerYear: Double, bootstrap: StationaryBootstrap, level: Double = 0.95) throws(StatisticsError) -> SharpeDifference {
        try pooled(agents: [agent], baseline: baseline, periodsPerYear: periodsPerYear, bootstrap: bootstrap, level: level)
    }

    /// The pooled difference over seeds: mean over seeds of Sharpe(agent_s) − Sharpe(baseline),
    /// every seed and the baseline resampled with the same bar indices (they share the dates).
    /// With one agent series it is the paired difference.
    public static func pooled(agents: [[Double]], baseline: [Double], periodsPerYear: Double, bootstrap: StationaryBootstrap, level: Double = 0.95) throws(StatisticsError) -> SharpeDifference {
        guard !agents.isEmpty else { throw .tooFewValues(what: "agent series", count: 0, minimum: 1) }
        let n = baseline.count
        for a in agents where a.count != n { throw .lengthMismatch(what: "agent vs baseline returns", first: a.count, second: n) }
        for (s, series) in (agents + [baseline]).enumerated() {
            if let bad = series.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "returns of series \(s)", index: bad) }
        }
        try bootstrap.check(count: n, what: "paired Sharpe difference")
        let scale = periodsPerYear.squareRoot()
        func statistic(_ pick: (([Double]) -> [Double])) -> Double {
            let b = periodSharpe(pick(baseline))
            var s = 0.0
            for a in agents { s += periodSharpe(pick(a)) - b }
            return s / Double(agents.count) * scale
        }
        let estimate = statistic { $0 }
        let dist = bootstrap.distribution(count: n) { idx in statistic { x in idx.map { x[$0] } } }
        let ci = StationaryBootstrap.percentileInterval(dist, level: level)
        return SharpeDifference(estimate: estimate, lower: ci.lower, upper: ci.upper, level: level, count: n, blockLength: bootstrap.meanBlockLength)
    }
}
