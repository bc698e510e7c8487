import Foundation

/// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank
/// (SciPy's `spearmanr`, pandas' `corr(method="spearman")`; golden-tested against SciPy).
public enum RankCorrelation {
    /// Average ranks (1-based) of `x`; tied values share the mean of their positions.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }

    /// Pearson's correlation of `x` and `y`; nil when either is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count && x.count >= 2, "pearson: \(x.count) vs \(y.count) values")
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in x.indices {
            let a = x[k] - mx, b = y[k] - my
            sxy += a * b; sxx += a * a; syy += b * b
        }
        guard sxx > 0 && syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Spearman's ρ of `x` and `y`; nil when either is constant.
    /// - Throws: `StatisticsError` for mismatched lengths or fewer than 3 pairs.
    public static func spearman(_ x: [Double], _ y: [Double], what: String = "rank correlation") throws(StatisticsError) -> Double? {
        guard x.count == y.count else { throw .lengthMismatch(what: what, first: x.count, second: y.count) }
        guard x.count >= 3 else { throw .tooFewValues(what: what, count: x.count, minimum: 3) }
        return pearson(ranks(x), ranks(y))
    }
}
