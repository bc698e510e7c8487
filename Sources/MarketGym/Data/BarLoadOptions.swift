/// How bar files are read and which soft checks flag what.
public struct BarLoadOptions: Sendable, Equatable, Codable {
    /// How timestamps are written. Default `.automatic`: ISO dates, ISO date-times (UTC unless a zone
    /// is given) or epoch seconds, detected per cell.
    public var timestampFormat: TimestampFormat = .automatic
    /// A one-bar simple return whose magnitude exceeds this is counted as an extreme-return warning
    /// (fraction, 0.5 = ±50%). Default 0.5: a rule of thumb for daily equities (a single-day move
    /// that large is usually a split missed by the adjustment, or a real crash worth a look).
    public var extremeReturnThreshold: Double = 0.5
    /// A spacing between consecutive bars longer than this many times the median spacing is counted
    /// as a gap warning (dimensionless). Default 5: daily bars skip weekends (3 days) and holidays
    /// (4 days) without warnings, while closures of a week (2001-09-11) are reported.
    public var gapFactor: Double = 5
    /// How many hard errors a validation keeps with full detail (the count goes on). Default 100.
    public var maxReportedErrors: Int = 100

    /// Creates options; every parameter has the documented default.
    public init(timestampFormat: TimestampFormat = .automatic, extremeReturnThreshold: Double = 0.5,
                gapFactor: Double = 5, maxReportedErrors: Int = 100) {
        self.timestampFormat = timestampFormat
        self.extremeReturnThreshold = extremeReturnThreshold
        self.gapFactor = gapFactor
        self.maxReportedErrors = maxReportedErrors
    }
}

/// The file layouts bars can come in (see docs/data.md).
public enum BarLayout: String, Sendable, Equatable, Codable, CustomStringConvertible {
    /// Wide CSV, one column of closes per asset: `Date,AAPL,MSFT`.
    case wideCloses
    /// Wide CSV with `ASSET:field` columns: `timestamp,AAPL:open,AAPL:close,...`.
    case wideFields
    /// Long CSV, one row per bar and asset: `timestamp,asset,open,high,low,close,volume`.
    case long
    /// MarketGym's HDF5 layout.
    case hdf5

    public var description: String {
        switch self {
        case .wideCloses: return "wide CSV (one close column per asset)"
        case .wideFields: return "wide CSV (ASSET:field columns)"
        case .long: return "long CSV (timestamp,asset,fields)"
        case .hdf5: return "MarketGym HDF5"
        }
    }
}
