/// A hard problem in a bar or prediction file: the file cannot be used as it is.
///
/// Every case names the file, the place (1-based line and column, or the HDF5 path), what was
/// expected, what was found, and how to fix it. Soft problems (gaps, extreme returns, holes) are
/// not errors: they are counted as `DataWarning`s in a `DataValidationReport`.
public enum DataFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file could not be written (missing folder, permissions, full disk).
    case unwritable(file: String, reason: String)
    /// The file (after decompression) holds no header line.
    case emptyFile(file: String)
    /// The file has a header but no data rows.
    case noRows(file: String)
    /// The `.gz` data could not be decompressed.
    case badCompression(file: String, reason: String)
    /// A required column is absent from the header.
    case missingColumn(file: String, line: Int, column: String, header: [String])
    /// An asset or feature name that a CSV cell cannot hold as is (a comma, a quote, a control
    /// character, blank ends): the panel or table would not read back the same once written.
    case badName(file: String, line: Int, column: Int, name: String, problem: String)
    /// A header cell is not what the layout allows.
    case badHeader(file: String, line: Int, column: Int, found: String, expected: String)
    /// Two header cells name the same column.
    case duplicateColumn(file: String, line: Int, column: Int, name: String)
    /// A row has more or fewer cells than the header.
    case raggedRow(file: String, line: Int, expected: Int, found: Int)
    /// A timestamp cell does not parse in the configured format.
    case unparseableTimestamp(file: String, line: Int, column: Int, value: String, format: TimestampFormat)
    /// A value cell is not a finite number (and not a missing-value marker).
    case unparseableValue(file: String, line: Int, column: Int, columnName: String, value: String)
    /// A price is zero or negative, or a volume is negative.
    case nonPositivePrice(file: String, line: Int, column: Int, columnName: String, value: String)
    /// Two rows carry the same timestamp (wide layouts) or the same timestamp and asset (long layouts).
    case duplicateTimestamp(file: String, line: Int, firstLine: Int, timestamp: String, asset: String?)
    /// A prediction names an asset the bars do not have.
    case unknownAsset(file: String, line: Int, asset: String, known: [String])
    /// A finite value outside `DataLimits` (a price beyond 1e12 or below 1e-12, a volume beyond 1e18).
    case valueOutOfRange(file: String, line: Int, column: Int, columnName: String, value: String, range: String)
    /// A wide-closes header whose columns are OHLCV field names: one asset's bars, not many assets.
    case fieldNamesAsAssets(file: String, line: Int, columns: [String])
    /// The bytes are not comma-separated UTF-8 text with `\n` line ends (UTF-16, NUL bytes, `;`, CR-only).
    case notCSVText(file: String, found: String, fix: String)
    /// Two asset names that differ only in letter case (`BTC`, `btc`): almost always one asset spelled twice.
    case caseOnlyAssetNames(file: String, first: String, second: String)
    /// The bars x assets panel a long file (or several files) describes exceeds `DataLimits.maxPanelCells`.
    case panelTooLarge(file: String, bars: Int, assets: Int, limit: Int)
    /// An HDF5 file does not follow the documented layout (docs/data.md).
    case badLayout(file: String, path: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file (\(reason)). Check the path and permissions."
        case let .unwritable(file, reason):
            return "\(file): cannot write the file (\(reason)). Check that the folder exists and is writable, and that the disk has room."
        case let .emptyFile(file):
            return "\(file): the file is empty; expected a header line such as `Date,AAPL,MSFT` or `timestamp,asset,close`. Write the header and data rows."
        case let .noRows(file):
            return "\(file): the header is there but no data rows follow. Add at least one row."
        case let .badCompression(file, reason):
            return "\(file): \(reason)"
        case let .missingColumn(file, line, column, header):
            return "\(file):\(line): the header has no '\(column)' column (found: \(header.joined(separator: ","))). Add a '\(column)' column (names are case-insensitive)."
        case let .badName(file, line, column, name, problem):
            return "\(file):\(line):\(column): the name \(DataLimits.excerpt(name).debugDescription) \(problem); names are written back into CSV files (panels, predictions) and must read back the same. Rename it in the file."
        case let .badHeader(file, line, column, found, expected):
            return "\(file):\(line):\(column): header cell '\(found)' is not allowed here; expected \(expected). Rename or remove the column."
        case let .duplicateColumn(file, line, column, name):
            return "\(file):\(line):\(column): column '\(name)' appears twice in the header. Keep one of them."
        case let .raggedRow(file, line, expected, found):
            return "\(file):\(line): the row has \(found) cells, the header has \(expected). Every row needs one cell per column (leave a cell empty for a missing value)."
        case let .unparseableTimestamp(file, line, column, value, format):
            return "\(file):\(line):\(column): cannot read timestamp '\(value)' as \(format). Use ISO dates (2020-01-02), ISO date-times (2020-01-02T15:30:00Z) or epoch seconds, or pass an explicit timestamp pattern."
        case let .unparseableValue(file, line, column, columnName, value):
            return "\(file):\(line):\(column) (\(columnName)): '\(value)' is not a finite number. Write a decimal number, or leave the cell empty for a missing value."
        case let .nonPositivePrice(file, line, column, columnName, value):
            return "\(file):\(line):\(column) (\(columnName)): \(value) is not a valid \(columnName.lowercased().hasSuffix("volume") ? "volume (must be >= 0)" : "price (must be > 0)"). Fix the value, or leave the cell empty if the asset did not trade."
        case let .duplicateTimestamp(file, line, firstLine, timestamp, asset):
            let what = asset.map { "timestamp \(timestamp) for asset \($0)" } ?? "timestamp \(timestamp)"
            return "\(file):\(line): \(what) already appears on line \(firstLine). Remove or merge the duplicate row."
        case let .unknownAsset(file, line, asset, known):
            let shown = known.prefix(30).joined(separator: ", ") + (known.count > 30 ? ", ..." : "")
            return "\(file):\(line): prediction for asset '\(asset)', which the bars do not have (bars have: \(shown)). Remove those rows or load bars that include '\(asset)'."
        case let .valueOutOfRange(file, line, column, columnName, value, range):
            return "\(file):\(line):\(column) (\(columnName)): \(DataLimits.excerpt(value)) is outside the accepted range \(range) (docs/reliability.md, Data files). Fix the value (a unit or decimal-point error?), rescale the column, or leave the cell empty."
        case let .fieldNamesAsAssets(file, line, columns):
            return "\(file):\(line): the header's columns \(columns.joined(separator: ", ")) are bar fields, not assets: this is one asset's bars. Load it with a bar spec naming the asset (--asset NAME, or asset: NAME in the spec), which reads the columns by role."
        case let .notCSVText(file, found, fix):
            return "\(file): the file is \(found), not comma-separated UTF-8 text. \(fix)"
        case let .caseOnlyAssetNames(file, first, second):
            return "\(file): assets '\(first)' and '\(second)' differ only in letter case. Spell the asset one way, or rename one (a bar spec's rename: maps names as read)."
        case let .panelTooLarge(file, bars, assets, limit):
            return "\(file): the rows describe \(bars) distinct times x \(assets) assets = \(bars * assets) cells, more than the limit of \(limit) (docs/reliability.md, Data files). Check the asset and timestamp columns (a wrong column makes every row a new asset), or split the file by asset or period."
        case let .badLayout(file, path, expected, found):
            return "\(file):\(path): expected \(expected), found \(found). Write the file with `marketgym data convert` or follow docs/data.md."
        }
    }
}
