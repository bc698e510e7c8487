import Foundation

extension SweepLeaderboard {
    /// The leaderboard's selection-aware line for a finished sweep folder: the winner's Deflated
    /// Sharpe Ratio (Bailey & López de Prado 2014) from the number of configurations tried and the
    /// variance of their validation Sharpe ratios, its Probabilistic Sharpe Ratio, and the
    /// validation-to-test rank correlation across configurations (`SweepSelection.compute`).
    ///
    /// Computed on the Sharpe ratio of the selection split whatever metric the sweep ranks on (the
    /// statistics are defined for Sharpe ratios). Where they cannot be computed (fewer than two
    /// finished configurations, a split too short), the line says why instead.
    public static func selectionLine(folder: SweepFolder, split: String) -> SelectionStatisticsLine {
        do {
            let (trials, s) = try SweepSelection.compute(sweepDirectory: folder.directory, split: split)
            let rank = s.validationTestRankCorrelation.map { String(format: "%.3f", $0) } ?? "n/a (needs 3 configurations and a test split)"
            return SelectionStatisticsLine(text: String(
                format: "selection (Sharpe on %@, %d configurations, variance of their Sharpe %.4f): winner c%03d Sharpe %.3f, expected maximum under no skill %.3f, PSR %.3f, Deflated Sharpe Ratio %.3f; validation-to-test rank correlation %@",
                split as NSString, s.trials, s.sharpeVariance, trials[s.winner].configuration, s.winnerSharpe,
                s.expectedMaximumSharpe, s.probabilisticSharpe, s.deflatedSharpe, rank as NSString))
        } catch {
            return SelectionStatisticsLine(text: "selection statistics: n/a (\(error.description))")
        }
    }
}
