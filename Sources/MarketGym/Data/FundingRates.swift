import Foundation

/// Funding rates of perpetual futures: per asset, one rate per funding event, each stamped with
/// the event's time (Binance charges every 8 hours, at 00:00, 08:00 and 16:00 UTC).
///
/// File: a long CSV (plain or gzip) read by the predictions loader's conventions
/// (`PredictionTable.load`): a timestamp column (`timestamp`, `date`, `time` or `datetime`; ISO or
/// epoch), an asset column (`asset`, `symbol` or `ticker`), and exactly one value column, the rate
/// as a fraction of the position's notional per event (0.0001 = 1 bp; up to 7 significant digits
/// are kept, as for every value the loader reads). Every rate must be present and within ±`maxRate`.
///
/// ```
/// timestamp,asset,rate
/// 2021-01-01T00:00:00Z,BTC,0.0001
/// 2021-01-01T08:00:00Z,BTC,-0.00005
/// ```
///
/// Convention (docs/market-env.md, "Funding"): a rate stamped at τ is charged on the book held at
/// τ: a long pays rate × weight, a short receives it (a negative rate reverses both). The env
/// charges the events stamped in (t, t+1] in the step decided at bar t, on the book that step
/// trades, which is the book held over (t, t+1] (`perBar(timestamps:assets:)`).
public struct FundingRates: Sendable, Equatable {
    /// Asset names referenced by `assetIndex`.
    public let assets: [String]
    /// Per event: its time (UTC epoch seconds), sorted ascending; the asset; the rate (fraction per event).
    public let timestamps: [Int64]
    public let assetIndex: [Int32]
    public let rates: [Double]
    /// Where the rates came from, for error messages.
    public let source: String

    /// Largest |rate| per event accepted: 100% of notional, beyond any exchange's funding cap.
    public static let maxRate = 1.0

    /// Rates from a loaded table with one value column.
    /// - Throws: `FundingRatesError.valueColumns` unless the table has exactly one value column,
    ///   `.missingRate` for an empty cell, `.rateOutOfRange` beyond ±`maxRate`.
    public init(table: PredictionTable) throws(FundingRatesError) {
        guard table.featureCount == 1 else { throw .valueColumns(file: table.source, found: table.featureNames) }
        var rates = [Double](repeating: 0, count: table.recordCount)
        for r in 0..<table.recordCount {
            let v = table.values[r]
            let asset = table.assets[Int(table.assetIndex[r])]
            guard !v.isNaN else { throw .missingRate(file: table.source, timestamp: Timestamp.iso(table.timestamps[r]), asset: asset) }
            guard abs(Double(v)) <= Self.maxRate else {
                throw .rateOutOfRange(file: table.source, timestamp: Timestamp.iso(table.timestamps[r]), asset: asset, rate: Double(v))
            }
            // The loader keeps 32-bit values; the shortest decimal of the Float is the rate as written
            // (up to 7 significant digits), so 0.0001 is charged as the Double 0.0001, not 0.000099999997.
            rates[r] = Double(String(v)) ?? Double(v)
        }
        assets = table.assets
        timestamps = table.timestamps
        assetIndex = table.assetIndex
        self.rates = rates
        source = table.source
    }

    /// Loads a funding-rate file (see the type's documentation).
    /// - Throws: `FundingRatesError.file` for what the loader refuses; the errors of `init(table:)`.
    public static func load(contentsOf url: URL) throws(FundingRatesError) -> FundingRates {
        let table: PredictionTable
        do { table = try PredictionTable.load(contentsOf: url) } catch { throw .file(error) }
        return try FundingRates(table: table)
    }

    /// The rates to charge per step: T x N (`[t * N + i]`), row t the sum of asset i's rates
    /// stamped in (timestamps[t−1], timestamps[t]] (row 0: 0). The step decided at bar t reads row
    /// t + 1, as it reads the return over (t, t+1]. Events before the first bar or after the last
    /// are outside every step and not charged.
    /// - Parameters:
    ///   - timestamps: the bars' times, strictly increasing.
    ///   - assets: the traded assets, in the panel's order.
    /// - Throws: `FundingRatesError.noRates` for a traded asset with no rate in the file (a book
    ///   without an asset's funding would silently charge it nothing).
    public func perBar(timestamps bars: [Int64], assets names: [String]) throws(FundingRatesError) -> [Double] {
        let n = names.count, T = bars.count
        var column = [Int](repeating: -1, count: assets.count)
        var covered = [Bool](repeating: false, count: n)
        for (j, name) in assets.enumerated() { column[j] = names.firstIndex(of: name) ?? -1 }
        for r in assetIndex.indices where column[Int(assetIndex[r])] >= 0 { covered[column[Int(assetIndex[r])]] = true }
        if let i = covered.firstIndex(of: false) { throw .noRates(file: source, asset: names[i], known: assets) }
        var out = [Double](repeating: 0, count: T * n)
        var r = 0
        // Skip events at or before the first bar: no step holds a book then.
        while r < timestamps.count, T > 0, timestamps[r] <= bars[0] { r += 1 }
        for t in 1..<max(T, 1) {
            while r < timestamps.count, timestamps[r] <= bars[t] {
                let i = column[Int(assetIndex[r])]
                if i >= 0 { out[t * n + i] += rates[r] }
                r += 1
            }
        }
        return out
    }
}

/// A funding-rate file the env cannot use: the file, the place, what was found and the fix.
public enum FundingRatesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The loader refused the file (its own message names line and column).
    case file(DataFileError)
    /// Not exactly one value column besides the timestamp and the asset.
    case valueColumns(file: String, found: [String])
    /// An empty rate cell.
    case missingRate(file: String, timestamp: String, asset: String)
    /// A rate beyond ±`FundingRates.maxRate`.
    case rateOutOfRange(file: String, timestamp: String, asset: String, rate: Double)
    /// A traded asset with no rate in the file.
    case noRates(file: String, asset: String, known: [String])

    public var description: String {
        switch self {
        case let .file(e):
            return e.description
        case let .valueColumns(file, found):
            return "\(file): a funding-rate file has one value column (the rate per event) besides timestamp and asset; found \(found.count): \(found.joined(separator: ", ")). Fix: keep only timestamp,asset,rate"
        case let .missingRate(file, timestamp, asset):
            return "\(file): the funding rate of \(asset) at \(timestamp) is empty. Fix: fill in the rate (0 when none was charged) or remove the row"
        case let .rateOutOfRange(file, timestamp, asset, rate):
            return "\(file): the funding rate of \(asset) at \(timestamp) is \(rate), beyond ±\(FundingRates.maxRate) per event. Fix: write rates as fractions (0.0001 = 1 bp), not percent or bps"
        case let .noRates(file, asset, known):
            return "\(file): no funding rates for \(asset) (the file has \(known.joined(separator: ", "))). Fix: add its rates, or leave it out of the universe"
        }
    }
}

extension FundingRatesError: LocalizedError {
    public var errorDescription: String? { description }
}
