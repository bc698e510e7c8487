/// A soft problem in bar data, counted rather than fatal: the data load, but deserve a look.
public struct DataWarning: Sendable, Equatable, CustomStringConvertible {
    /// What kind of soft problem.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// Bars further apart than `gapFactor` times the median spacing.
        case gap
        /// A one-bar return beyond `extremeReturnThreshold`.
        case extremeReturn
        /// A missing close between an asset's first and last valid bars (not tradable there).
        case interiorMissing
        /// high < low, or open/close outside [low, high].
        case ohlcInconsistent
    }
    /// The kind of problem.
    public let kind: Kind
    /// How many times it occurs.
    public let count: Int
    /// The first few occurrences, human-readable.
    public let examples: [String]

    public var description: String {
        let what: String
        switch kind {
        case .gap: what = "gaps longer than the configured multiple of the typical spacing"
        case .extremeReturn: what = "one-bar returns beyond the extreme-return threshold"
        case .interiorMissing: what = "missing closes inside an asset's trading life (not tradable there)"
        case .ohlcInconsistent: what = "bars with high < low or open/close outside [low, high]"
        }
        return "warning: \(count) \(what)" + (examples.isEmpty ? "" : "; e.g. " + examples.joined(separator: "; "))
    }
}

/// How much of the timeline one asset covers.
public struct AssetCoverage: Sendable, Equatable {
    /// Asset name.
    public let asset: String
    /// First and last bar index with a valid close, nil when the asset never trades.
    public let firstBar: Int?
    public let lastBar: Int?
    /// Bars with a valid close.
    public let validBars: Int
    /// `validBars / barCount`.
    public let fraction: Double
    /// Missing closes between `firstBar` and `lastBar`.
    public let interiorMissing: Int
}

/// The result of validating a bar file: hard errors, counted warnings, and coverage per asset.
///
/// `description` is what `marketgym data validate FILE` prints. Nothing is dropped silently: every
/// hard problem is an error (the first `maxReportedErrors` with full detail), every soft problem
/// is counted.
public struct DataValidationReport: Sendable, CustomStringConvertible {
    /// The file validated.
    public let file: String
    /// The detected layout, nil when the header could not be read.
    public let layout: BarLayout?
    /// Bars and assets read (0 when the file could not be read).
    public let barCount: Int
    public let assetCount: Int
    /// Hard errors, in file order, at most `maxReportedErrors` of them.
    public let errors: [DataFileError]
    /// All hard errors found (may exceed `errors.count`).
    public let errorCount: Int
    /// Soft problems, one entry per kind that occurs.
    public let warnings: [DataWarning]
    /// Coverage per asset (empty when there are errors).
    public let coverage: [AssetCoverage]

    /// True when the file has no hard errors.
    public var isValid: Bool { errorCount == 0 }
    /// Total count of soft problems.
    public var warningCount: Int { warnings.reduce(0) { $0 + $1.count } }

    public var description: String {
        var lines: [String] = []
        lines.append("\(file): \(layout.map(\.description) ?? "unknown layout")" + (isValid ? ", \(barCount) bars x \(assetCount) assets" : ""))
        for e in errors { lines.append("error: \(e.description)") }
        if errorCount > errors.count { lines.append("... and \(errorCount - errors.count) more errors") }
        for w in warnings { lines.append(w.description) }
        if !coverage.isEmpty {
            let partial = coverage.filter { $0.fraction < 1 }
            if partial.isEmpty {
                lines.append("coverage: every asset has a close on every bar")
            } else {
                for c in partial {
                    lines.append("coverage: \(c.asset) \(String(format1(c.fraction * 100)))% of bars (\(c.validBars)/\(barCount)), \(c.interiorMissing) interior holes")
                }
            }
        }
        lines.append(isValid ? "OK: no errors, \(warningCount) warnings" : "INVALID: \(errorCount) errors, \(warningCount) warnings")
        return lines.joined(separator: "\n")
    }
}

/// `x` with one decimal, without Foundation's `String(format:)`.
func format1(_ x: Double) -> String {
    // Beyond ±1e15 (or not finite) the tenths do not fit an Int exactly: print Swift's shortest form.
    guard x.isFinite, abs(x) < 1e15 else { return "\(x)" }
    let tenths = Int((abs(x) * 10).rounded())
    return (x < 0 && tenths > 0 ? "-" : "") + String(tenths / 10) + "." + String(tenths % 10)
}

extension MarketData {
    /// Coverage of each asset over the timeline.
    /// - Complexity: one pass over the tradable mask, row by row.
    public func coverage() -> [AssetCoverage] {
        let n = assetCount, t = barCount
        var first = [Int](repeating: -1, count: n), last = [Int](repeating: -1, count: n), valid = [Int](repeating: 0, count: n)
        tradable.withUnsafeBufferPointer { mask in
            for b in 0..<t {
                let row = b * n
                for i in 0..<n where mask[row + i] {
                    if first[i] < 0 { first[i] = b }
                    last[i] = b
                    valid[i] += 1
                }
            }
        }
        return (0..<n).map { i in
            AssetCoverage(asset: assets[i], firstBar: first[i] < 0 ? nil : first[i], lastBar: last[i] < 0 ? nil : last[i],
                          validBars: valid[i], fraction: t == 0 ? 0 : Double(valid[i]) / Double(t),
                          interiorMissing: first[i] < 0 ? 0 : last[i] - first[i] + 1 - valid[i])
        }
    }

    /// The median spacing between consecutive bars, in seconds (0 with fewer than two bars).
    public func typicalSpacing() -> Int64 {
        guard barCount >= 2 else { return 0 }
        var d = (1..<barCount).map { timestamps[$0] - timestamps[$0 - 1] }
        d.sort()
        return d[d.count / 2]
    }

    /// The soft checks run on load and by `validate`: gaps, extreme returns, interior holes, OHLC consistency.
    /// - Parameter options: thresholds (`gapFactor`, `extremeReturnThreshold`).
    /// - Returns: one `DataWarning` per kind that occurs, with up to 5 examples each.
    public func softWarnings(options: BarLoadOptions = BarLoadOptions()) -> [DataWarning] {
        softWarnings(options: options, coverage: coverage())
    }

    func softWarnings(options: BarLoadOptions, coverage cov: [AssetCoverage]) -> [DataWarning] {
        var result: [DataWarning] = []
        let n = assetCount, t = barCount
        let iso: (Int64) -> String = { Timestamp.iso($0, dateOnly: $0 % 86_400 == 0) }
        // Gaps
        let spacing = typicalSpacing()
        if spacing > 0 {
            var count = 0, examples: [String] = []
            let limit = Double(spacing) * options.gapFactor
            for b in 1..<t where Double(timestamps[b] - timestamps[b - 1]) > limit {
                count += 1
                if examples.count < 5 { examples.append("\(iso(timestamps[b - 1])) -> \(iso(timestamps[b]))") }
            }
            if count > 0 { result.append(DataWarning(kind: .gap, count: count, examples: examples)) }
        }
        // Extreme returns, against the previous valid close of the same asset (one pass, row by row).
        do {
            var count = 0, examples: [String] = []
            var previous = [Double](repeating: .nan, count: n)
            let upper = 1 + options.extremeReturnThreshold, lower = 1 - options.extremeReturnThreshold
            close.withUnsafeBufferPointer { c in
                for b in 0..<t {
                    let row = b * n
                    for i in 0..<n {
                        let value = c[row + i]
                        guard value > 0 && value.isFinite else { continue }
                        let p = previous[i]
                        previous[i] = value
                        // p is NaN before the first valid close: both comparisons are false.
                        let ratio = value / p
                        if ratio > upper || ratio < lower {
                            count += 1
                            if examples.count < 5 { examples.append("\(assets[i]) \(iso(timestamps[b])) \(format1((ratio - 1) * 100))%") }
                        }
                    }
                }
            }
            if count > 0 { result.append(DataWarning(kind: .extremeReturn, count: count, examples: examples)) }
        }
        // Interior holes
        let holes = cov.reduce(0) { $0 + $1.interiorMissing }
        if holes > 0 {
            let examples = cov.filter { $0.interiorMissing > 0 }.prefix(5).map { "\($0.asset): \($0.interiorMissing)" }
            result.append(DataWarning(kind: .interiorMissing, count: holes, examples: Array(examples)))
        }
        // OHLC consistency
        if let high, let low {
            var count = 0, examples: [String] = []
            for k in 0..<(n * t) where high[k].isFinite && low[k].isFinite {
                var bad = high[k] < low[k]
                for other in [open?[k], close[k]] {
                    if let v = other, v.isFinite, v > high[k] || v < low[k] { bad = true }
                }
                if bad {
                    count += 1
                    if examples.count < 5 { examples.append("\(assets[k % n]) \(iso(timestamps[k / n]))") }
                }
            }
            if count > 0 { result.append(DataWarning(kind: .ohlcInconsistent, count: count, examples: examples)) }
        }
        return result
    }
}
