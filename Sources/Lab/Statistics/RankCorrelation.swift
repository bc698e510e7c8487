import Foundation
import Predictors

/// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank
/// (SciPy's `spearmanr`, pandas' `corr(method="spearman")`; golden-tested against SciPy). The
/// arithmetic is the Predictors module's (`averageRanks`, `spearman`), the one the IC reports use.
public enum RankCorrelation {
    /// Average ranks (1-based, as SciPy's `rankdata`) of `x`; tied values share the mean of their positions.
    public static func ranks(_ x: [Double]) -> [Double] { averageRanks(x).map { $0 + 1 } }

    /// Spearman's ρ of `x` and `y`; nil when either is constant.
    /// - Throws: `StatisticsError` for mismatched lengths or fewer than 3 pairs.
    public static func spearman(_ x: [Double], _ y: [Double], what: String = "rank correlation") throws(StatisticsError) -> Double? {
        guard x.count == y.count else { throw .lengthMismatch(what: what, first: x.count, second: y.count) }
        guard x.count >= 3 else { throw .tooFewValues(what: what, count: x.count, minimum: 3) }
        return Predictors.spearman(x, y)
    }
}
