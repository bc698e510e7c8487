/// How to read vendor bar files (docs/data.md, "Bar-source specs"): which lines to skip, which
/// column plays which role, how timestamps are written, how bars are stamped, what to do with
/// duplicate rows, and the timeframe to resample to.
///
/// Every field has a default, so an empty spec reads a plain `timestamp,open,high,low,close,volume`
/// file. Decoded from YAML (a `bars:` mapping, or a whole file) or built from CLI flags.
public struct BarSourceSpec: Sendable, Equatable, Codable {
    /// Files to read: paths or globs (`*`, `?` in the last path component), relative to the spec
    /// file's folder when the spec comes from a file. Default: none (the CLI gives the files).
    public var files: [String] = []
    /// Lines to skip before the header. Default nil: a banner is detected (leading lines with fewer
    /// cells than the first line that names a timestamp column) and skipped, and the count printed.
    public var skipLines: Int? = nil
    /// Column roles by header name (case-insensitive). Defaults: the usual names (see `ColumnRoles`).
    public var columns = ColumnRoles()
    /// Header names (case-insensitive, `*` wildcard) whose columns are read and discarded.
    /// Default none: a column with no role and not ignored is an error naming it.
    public var ignore: [String] = []
    /// The asset name of a single-asset file. Default nil: the symbol column's value, else the file
    /// stem (`Binance_BTCUSDT_1h.csv.gz` gives `Binance_BTCUSDT_1h`).
    public var asset: String? = nil
    /// Renames of asset names as read (`BTC/USDT: BTC`). Default none.
    public var rename: [String: String] = [:]
    /// How epoch numbers in the timestamp column are read. Default `.automatic` (per value, see `EpochUnit`).
    public var timestampUnit: EpochUnit = .automatic
    /// A strftime-like pattern for text timestamps (`%Y-%m-%d %I-%p`); default nil: automatic (ISO,
    /// slash dates, epoch numbers).
    public var timestampFormat: String? = nil
    /// Slash or dot dates are day first (`31/12/2020`). Default false (month first, US style); a date
    /// whose first part exceeds 12 is refused with this fix unless set.
    public var dayFirst: Bool = false
    /// Whether the file stamps each bar at its open or its close. Default nil: close is assumed, and
    /// the load report says so.
    public var stamps: BarStamps? = nil
    /// Bar length (`1h`, `30m`, `1d`), used to move open stamps to the close. Default nil: the
    /// file's most common spacing.
    public var barLength: String? = nil
    /// What to do with two rows for the same asset and time. Default `.refuse`.
    public var duplicates = DuplicatePolicy()
    /// Resample to this timeframe after loading (`2h`, `4h`, `90m`, `1d`). Default nil: as read.
    public var timeframe: String? = nil

    /// A spec with every field at its default.
    public init() {}
}

/// Which header names hold which role. Every name is matched case-insensitively; nil means the default list.
public struct ColumnRoles: Sendable, Equatable, Codable {
    /// The timestamp column. Default: the first of `timestamp`, `datetime`, `date`, `time`, `unix`, `open time`.
    public var timestamp: String? = nil
    /// A separate date column combined with `time` (`date: Date`, `time: Time`). Default nil.
    public var date: String? = nil
    /// A separate time-of-day column (`HH:MM[:SS]`, optional `AM`/`PM`). Default nil.
    public var time: String? = nil
    /// The asset or symbol column. Default: `asset`, `symbol` or `ticker` if present.
    public var asset: String? = nil
    /// Price and volume columns. Defaults: `open`, `high`, `low`, `close`, `volume`.
    public var open: String? = nil
    public var high: String? = nil
    public var low: String? = nil
    public var close: String? = nil
    public var volume: String? = nil

    /// Every role at its default.
    public init() {}
}

/// How an epoch number in a timestamp column is read.
public enum EpochUnit: String, Sendable, Equatable, Codable, CaseIterable {
    /// Per value by magnitude: below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds
    /// (years 1973-5138 in each unit; a value outside is refused).
    case automatic
    case seconds
    case milliseconds
    case microseconds

    /// Units per second.
    var perSecond: Double {
        switch self {
        case .automatic, .seconds: return 1
        case .milliseconds: return 1e3
        case .microseconds: return 1e6
        }
    }
}

/// Where a file puts a bar's timestamp.
public enum BarStamps: String, Sendable, Equatable, Codable {
    /// At the start of the interval the bar covers (Binance klines): moved to the close on load.
    case open
    /// At the end of the interval (the bar is known then): kept.
    case close
}

/// What to do when two rows hold the same asset and time.
public struct DuplicatePolicy: Sendable, Equatable, Codable {
    /// The action. Default `.refuse`.
    public var policy: Action = .refuse
    /// Copies agree when every field differs by at most this fraction of the larger magnitude.
    /// Default 1e-9 (equal up to printing).
    public var tolerance: Double = 1e-9
    /// Times (ISO, as stamped in the file) where copies may disagree; the kept copy is chosen by
    /// `policy` and the count is reported. Default none.
    public var acceptDisagreementAt: [String] = []

    /// The actions on duplicates.
    public enum Action: String, Sendable, Equatable, Codable {
        /// Any duplicate is an error naming both lines.
        case refuse
        /// Keep the copy met first in the file (agreeing copies only).
        case keepFirst
        /// Keep the copy met last in the file (agreeing copies only).
        case keepLast
    }

    /// The default policy: refuse.
    public init(policy: Action = .refuse, tolerance: Double = 1e-9, acceptDisagreementAt: [String] = []) {
        self.policy = policy
        self.tolerance = tolerance
        self.acceptDisagreementAt = acceptDisagreementAt
    }
}
