import Foundation

/// The limits every bar file is held to (docs/reliability.md, "Data files"), and the checks that apply them.
///
/// A value outside a limit is refused with an error naming file, line, column, the limit and the
/// fix, so training and backtests never see it (the portfolio and the observations work in `Float`,
/// whose range ends near 3.4e38, and returns of prices near 1e-320 are meaningless).
public enum DataLimits {
    /// Largest price accepted (any currency unit). 1e12: six orders of magnitude above any listed
    /// asset's price, and small enough that a position value times 1e6 units stays exact in `Double`.
    public static let maxPrice = 1e12
    /// Smallest positive price accepted. 1e-12: below the smallest crypto tick sizes (1e-8) with room.
    public static let minPrice = 1e-12
    /// Largest volume accepted (units of the asset or quote). 1e18: above any exchange's daily volume.
    public static let maxVolume = 1e18
    /// Years a timestamp may fall in. 1800-9999: catches epoch milliseconds read as seconds
    /// (year ~53000) and two-digit years gone wrong.
    public static let years = 1800...9999

    /// True when epoch seconds fall in `years`: the check every reader applies to a timestamp.
    public static func allows(timestamp seconds: Int64) -> Bool { years.contains(Timestamp.year(of: seconds)) }

    /// `years` for an error message, with the usual cause and `fix`.
    public static func yearsRange(fix: String) -> String {
        "the years \(years.lowerBound)-\(years.upperBound) (epoch milliseconds read as seconds? \(fix))"
    }
    /// The environment variable that raises `maxDecompressedBytes` (in MiB).
    public static let decompressedLimitVariable = "MARKETGYM_MAX_DECOMPRESSED_MB"
    /// Most bytes a compressed file may expand to: 4096 MiB unless the environment variable says otherwise.
    public static var maxDecompressedBytes: Int {
        if let text = ProcessInfo.processInfo.environment[decompressedLimitVariable], let mib = Int(text), mib > 0 {
            return mib &* 1_048_576
        }
        return 4096 * 1_048_576
    }
    /// Most cells (bars x assets) a panel built from a long file or several files may hold: 2e8
    /// (1.6 GB per field in `Double`). A long file whose every row has a new asset and a new time
    /// would otherwise ask for rows x rows cells.
    public static let maxPanelCells = 200_000_000

    /// Longest cell text echoed in an error message, in characters.
    public static let excerptLength = 80

    /// `text`, or its first characters and its length when it is longer than `excerptLength`.
    public static func excerpt(_ text: String) -> String {
        guard text.utf8.count > excerptLength else { return text }
        return String(text.prefix(excerptLength - 20)) + "... (\(text.utf8.count) bytes)"
    }

    /// Whether `value` is acceptable for field `field` (`BarRows.fields` order: 4 is volume).
    static func isAcceptable(_ value: Double, field: Int) -> Bool {
        field == 4 ? value >= 0 && value <= maxVolume : value >= minPrice && value <= maxPrice
    }

    /// The value of a cell, parsed and checked against the limits.
    static func checkedValue(_ csv: ByteCSV, _ cell: Range<Int>, field: Int, file: String, line: Int, column: Int,
                             columnName: String) throws(DataFileError) -> Double {
        guard let v = csv.double(cell) else {
            throw .unparseableValue(file: file, line: line, column: column, columnName: columnName, value: excerpt(csv.string(cell)))
        }
        if field == 4 ? v < 0 : v <= 0 {
            throw .nonPositivePrice(file: file, line: line, column: column, columnName: columnName, value: csv.string(cell))
        }
        guard isAcceptable(v, field: field) else {
            throw .valueOutOfRange(file: file, line: line, column: column, columnName: columnName, value: csv.string(cell),
                                   range: field == 4 ? "0 to \(maxVolume)" : "\(minPrice) to \(maxPrice)")
        }
        return v
    }
}
