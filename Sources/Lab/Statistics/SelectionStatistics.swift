import Foundation

/// What a sweep leaderboard shows about its winner: how much of the winner's Sharpe ratio survives
/// the selection, and whether validation ranks predict test ranks.
///
/// Ranking is on validation only (multi-seed trials on their mean over seeds); test numbers are
/// carried beside and never used to choose.
public struct SelectionStatistics: Sendable, Equatable, Codable {
    /// Index of the winner in the trial list (highest validation Sharpe).
    public var winner: Int
    /// Number of trials N.
    public var trials: Int
    /// Variance of the trials' validation Sharpe ratios (annualized², sample variance, n − 1).
    public var sharpeVariance: Double
    /// SR₀: the expected maximum annualized Sharpe of N no-skill trials with that variance.
    public var expectedMaximumSharpe: Double
    /// The winner's annualized Sharpe on its validation returns.
    public var winnerSharpe: Double
    /// The Deflated Sharpe Ratio of the winner (a probability).
    public var deflatedSharpe: Double
    /// The winner's PSR against 0 (no selection correction), for comparison.
    public var probabilisticSharpe: Double
    /// Spearman's ρ of validation vs test Sharpe across trials (nil with < 3 trials or no test).
    public var validationTestRankCorrelation: Double?

    /// The leaderboard's selection statistics.
    ///
    /// - Parameters:
    ///   - validationSharpes: each trial's annualized validation Sharpe (its mean over seeds for multi-seed trials).
    ///   - testSharpes: each trial's annualized test Sharpe, same order (empty when there is no test split).
    ///   - winnerReturns: the winner's per-bar validation net returns (for T, skewness, kurtosis).
    ///   - periodsPerYear: the annualization factor of those returns.
    /// - Throws: `StatisticsError` with fewer than 2 trials, mismatched lists, or < 8 winner returns.
    public static func compute(validationSharpes: [Double], testSharpes: [Double], winnerReturns: [Double], periodsPerYear: Double) throws(StatisticsError) -> SelectionStatistics {
        let n = validationSharpes.count
        guard n >= 2 else { throw .tooFewValues(what: "trials for the Deflated Sharpe Ratio", count: n, minimum: 2) }
        if !testSharpes.isEmpty && testSharpes.count != n { throw .lengthMismatch(what: "validation vs test Sharpe ratios", first: n, second: testSharpes.count) }
        if let bad = validationSharpes.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "validation Sharpe ratios", index: bad) }
        guard winnerReturns.count >= 8 else { throw .tooFewValues(what: "winner's validation returns", count: winnerReturns.count, minimum: 8) }
        guard periodsPerYear > 0, periodsPerYear.isFinite else { throw .badParameter(name: "periodsPerYear", found: "\(periodsPerYear)", expected: "a positive number") }
        var winner = 0
        for k in 1..<n where validationSharpes[k] > validationSharpes[winner] { winner = k }
        let mean = validationSharpes.reduce(0, +) / Double(n)
        let variance = validationSharpes.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let m = SampleMoments(winnerReturns)
        let srPeriod = m.sharpe
        let varPeriod = variance / periodsPerYear
        let dsr = SharpeInference.deflatedSharpe(sharpe: srPeriod, count: m.count, skewness: m.skewness, kurtosis: m.kurtosis, trials: n, variance: varPeriod)
        let psr = SharpeInference.probabilisticSharpe(sharpe: srPeriod, count: m.count, skewness: m.skewness, kurtosis: m.kurtosis)
        let rho: Double? = testSharpes.isEmpty || n < 3 ? nil : try RankCorrelation.spearman(validationSharpes, testSharpes, what: "validation vs test rank correlation")
        return SelectionStatistics(
            winner: winner, trials: n, sharpeVariance: variance,
            expectedMaximumSharpe: SharpeInference.expectedMaximumSharpe(trials: n, variance: variance),
            winnerSharpe: srPeriod * periodsPerYear.squareRoot(), deflatedSharpe: dsr, probabilisticSharpe: psr,
            validationTestRankCorrelation: rho)
    }
}
