@_exported import Gym

/// Historical bars for N assets over T bars, laid out for fast stepping.
///
/// Every matrix is T x N, row-major by bar (`close[t * assetCount + i]`), so the data one step
/// needs are contiguous. A missing value is `.nan` and means the asset is not tradable at that bar
/// (`tradable[t * assetCount + i] == false`). Timestamps are UTC epoch seconds, strictly increasing.
/// Prices are `Double` because the portfolio accounting is done in `Double`; observations are built
/// as `Float`.
public struct MarketData: Sendable, Equatable {
    /// Asset names, in column order.
    public let assets: [String]
    /// Bar timestamps, UTC seconds since 1970-01-01, strictly increasing.
    public let timestamps: [Int64]
    /// Close (adjusted close) per bar and asset; `.nan` where missing.
    public let close: [Double]
    /// Optional open, high, low and volume, same layout as `close`.
    public let open: [Double]?
    public let high: [Double]?
    public let low: [Double]?
    public let volume: [Double]?
    /// True where the asset has a valid close at the bar (tradable).
    public let tradable: [Bool]

    /// T, the number of bars.
    public var barCount: Int { timestamps.count }
    /// N, the number of assets.
    public var assetCount: Int { assets.count }

    /// Creates market data from validated arrays.
    /// - Throws: `MarketDataError.shapeMismatch` when a matrix is not T x N, `.notIncreasing` when
    ///   timestamps are not strictly increasing, `.duplicateAsset` when an asset name repeats.
    public init(
        assets: [String], timestamps: [Int64], close: [Double],
        open: [Double]? = nil, high: [Double]? = nil, low: [Double]? = nil, volume: [Double]? = nil,
        source: String = "<memory>"
    ) throws(MarketDataError) {
        let n = assets.count, t = timestamps.count
        var seen = Set<String>()
        for a in assets where !seen.insert(a).inserted { throw .duplicateAsset(source: source, asset: a) }
        for (name, m) in [("close", close), ("open", open), ("high", high), ("low", low), ("volume", volume)] {
            if let m, m.count != n * t {
                throw .shapeMismatch(source: source, field: name, expected: [t, n], found: m.count)
            }
        }
        for k in timestamps.indices.dropFirst() where timestamps[k] <= timestamps[k - 1] {
            throw .notIncreasing(source: source, index: k, previous: timestamps[k - 1], current: timestamps[k])
        }
        self.assets = assets
        self.timestamps = timestamps
        self.close = close
        self.open = open
        self.high = high
        self.low = low
        self.volume = volume
        self.tradable = close.map(PanelKernels.isTradable)
    }

    /// Index of an asset by name, or nil.
    public func assetIndex(_ name: String) -> Int? { assets.firstIndex(of: name) }
}

/// Errors building `MarketData` from arrays. File-level loaders add their own errors naming file, line and column.
public enum MarketDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case shapeMismatch(source: String, field: String, expected: [Int], found: Int)
    case notIncreasing(source: String, index: Int, previous: Int64, current: Int64)
    case duplicateAsset(source: String, asset: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(source, field, expected, found):
            return "\(source): field '\(field)' has \(found) values, expected \(expected[0]) bars x \(expected[1]) assets = \(expected[0] * expected[1])."
        case let .notIncreasing(source, index, previous, current):
            return "\(source): timestamps must be strictly increasing; bar \(index) has \(current) after \(previous). Sort the rows and remove duplicates."
        case let .duplicateAsset(source, asset):
            return "\(source): asset '\(asset)' appears twice. Give each asset one column (or one name)."
        }
    }
}
