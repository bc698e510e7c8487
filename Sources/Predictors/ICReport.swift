import MarketGym

import Foundation

/// Out-of-sample information coefficient of one prediction feature against one horizon.
public struct HorizonIC: Codable, Sendable, Equatable {
    /// Mean IC over the bars of one calendar year.
    public struct Year: Codable, Sendable, Equatable {
        /// Calendar year (UTC).
        public let year: Int
        /// Mean rank IC over the year's bars.
        public let meanIC: Double
        /// Number of bars with an IC.
        public let bars: Int
    }
    /// Forward-return horizon, bars.
    public let horizon: Int
    /// The feature evaluated.
    public let feature: String
    /// Bars with an IC (at least 3 assets with both a prediction and a realized return).
    public let bars: Int
    /// Mean of the per-bar Spearman rank ICs.
    public let meanIC: Double
    /// Sample standard deviation of the per-bar ICs.
    public let stdIC: Double
    /// `meanIC / (stdIC / sqrt(bars))`. Overstated for h > 1 because consecutive h-bar returns overlap.
    public let tStat: Double
    /// The same t-statistic on every h-th bar only (non-overlapping returns), the honest one for h > 1.
    public let tStatNonOverlapping: Double
    /// Fraction of bars with a positive IC.
    public let hitRate: Double
    /// Mean IC per calendar year.
    public let perYear: [Year]
}

/// Out-of-sample Spearman rank IC per horizon: mean, t-statistics, and per year.
///
/// At each bar t with predictions, the IC is Spearman's rank correlation across assets between the
/// prediction stamped at t and the realized forward log return `log(c[t+h] / c[t])` (Grinold & Kahn
/// 2000, ch. 6). Only bars with at least 3 assets having both enter. Every prediction the
/// walk-forward predictor makes is out of sample, so this is the predictor's honest skill.
public struct ICReport: Codable, Sendable, Equatable, CustomStringConvertible {
    /// One entry per horizon (feature k is evaluated against horizons[k]).
    public let horizons: [HorizonIC]

    /// Evaluates predictions against realized forward returns of the bars.
    /// - Parameters:
    ///   - predictions: stamped predictions; each record's timestamp must be a bar timestamp to count.
    ///   - bars: the bars giving realized returns.
    ///   - horizons: the horizon of each feature, in feature order (`horizons.count == featureCount`).
    public init(predictions: PredictionTable, bars: MarketData, horizons: [Int]) {
        precondition(horizons.count == predictions.featureCount,
                     "ICReport: \(horizons.count) horizons for \(predictions.featureCount) features")
        let n = bars.assetCount, k = predictions.featureCount
        var barOf: [Int64: Int] = [:]
        for (b, ts) in bars.timestamps.enumerated() { barOf[ts] = b }
        var column = [Int](repeating: -1, count: predictions.assets.count)
        for (j, name) in predictions.assets.enumerated() { column[j] = bars.assetIndex(name) ?? -1 }
        // Predictions laid out per bar: pred[(b * n + i) * k + f].
        var pred = [Double](repeating: .nan, count: bars.barCount * n * k)
        var hasBar = [Bool](repeating: false, count: bars.barCount)
        for r in 0..<predictions.recordCount {
            guard let b = barOf[predictions.timestamps[r]] else { continue }
            let i = column[Int(predictions.assetIndex[r])]
            guard i >= 0 else { continue }
            hasBar[b] = true
            for f in 0..<k { pred[(b * n + i) * k + f] = Double(predictions.values[r * k + f]) }
        }
        var result: [HorizonIC] = []
        var xs = [Double](), ys = [Double]()
        for (f, h) in horizons.enumerated() {
            var ics: [(bar: Int, ic: Double)] = []
            for b in 0..<max(0, bars.barCount - h) where hasBar[b] {
                xs.removeAll(keepingCapacity: true)
                ys.removeAll(keepingCapacity: true)
                for i in 0..<n {
                    let x = pred[(b * n + i) * k + f]
                    let c0 = bars.close[b * n + i], c1 = bars.close[(b + h) * n + i]
                    guard x.isFinite, c0.isFinite, c1.isFinite, c0 > 0, c1 > 0 else { continue }
                    xs.append(x)
                    ys.append(Foundation.log(c1 / c0))
                }
                guard xs.count >= 3, let ic = spearman(xs, ys) else { continue }
                ics.append((b, ic))
            }
            result.append(Self.summarize(ics, horizon: h, feature: predictions.featureNames[f], timestamps: bars.timestamps))
        }
        self.horizons = result
    }

    private static func summarize(_ ics: [(bar: Int, ic: Double)], horizon h: Int, feature: String, timestamps: [Int64]) -> HorizonIC {
        func stats(_ v: [Double]) -> (mean: Double, sd: Double, t: Double) {
            guard !v.isEmpty else { return (.nan, .nan, .nan) }
            let mean = v.reduce(0, +) / Double(v.count)
            guard v.count >= 2 else { return (mean, .nan, .nan) }
            let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
            let sd = variance.squareRoot()
            return (mean, sd, sd > 0 ? mean / (sd / Double(v.count).squareRoot()) : .nan)
        }
        let all = stats(ics.map(\.ic))
        let first = ics.first?.bar ?? 0
        let nonOverlapping = stats(ics.filter { ($0.bar - first) % h == 0 }.map(\.ic))
        var years: [Int: (sum: Double, count: Int)] = [:]
        for (bar, ic) in ics {
            let y = Timestamp.year(of: timestamps[bar])
            years[y, default: (0, 0)].sum += ic
            years[y, default: (0, 0)].count += 1
        }
        let perYear = years.keys.sorted().map { y in
            HorizonIC.Year(year: y, meanIC: years[y].map { $0.sum / Double($0.count) } ?? .nan, bars: years[y]?.count ?? 0)
        }
        let hits = ics.filter { $0.ic > 0 }.count
        return HorizonIC(horizon: h, feature: feature, bars: ics.count, meanIC: all.mean, stdIC: all.sd, tStat: all.t,
                         tStatNonOverlapping: nonOverlapping.t, hitRate: ics.isEmpty ? .nan : Double(hits) / Double(ics.count),
                         perYear: perYear)
    }

    /// Markdown: a summary table per horizon, then mean IC per year.
    public var description: String {
        func f(_ x: Double, _ digits: Int = 4) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "n/a" }
        var lines = [
            "| horizon | feature | bars | mean IC | std IC | t-stat | t-stat (non-overlapping) | hit rate |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for h in horizons {
            lines.append("| \(h.horizon) | \(h.feature) | \(h.bars) | \(f(h.meanIC)) | \(f(h.stdIC)) | \(f(h.tStat, 2)) | \(f(h.tStatNonOverlapping, 2)) | \(f(h.hitRate, 3)) |")
        }
        let years = Array(Set(horizons.flatMap { $0.perYear.map(\.year) })).sorted()
        if !years.isEmpty {
            lines.append("")
            lines.append("| year | " + horizons.map { "IC h=\($0.horizon)" }.joined(separator: " | ") + " |")
            lines.append("|---:|" + horizons.map { _ in "---:|" }.joined())
            for y in years {
                let cells = horizons.map { h in h.perYear.first { $0.year == y }.map { f($0.meanIC) } ?? "" }
                lines.append("| \(y) | " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Spearman rank correlation (Pearson correlation of average ranks); nil when either side is constant.
public func spearman(_ a: [Double], _ b: [Double]) -> Double? {
    let ra = averageRanks(a), rb = averageRanks(b)
    let n = Double(a.count)
    let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for k in ra.indices {
        let da = ra[k] - ma, db = rb[k] - mb
        sab += da * db; saa += da * da; sbb += db * db
    }
    guard saa > 0, sbb > 0 else { return nil }
    return sab / (saa * sbb).squareRoot()
}
