/// A bar-source spec cannot read its files as they are: names the file, the line and column, what
/// was found, and the spec key that fixes it (docs/data.md, "Bar-source specs").
public enum BarSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A problem inside one file that plain loading also has (unreadable, ragged row, bad value...).
    case file(DataFileError)
    /// A spec value that is not allowed.
    case badSpec(key: String, found: String, expected: String)
    /// A file pattern matched nothing.
    case noFiles(pattern: String)
    /// No header line names the timestamp column.
    case noHeader(file: String, looked: Int, timestampNames: [String])
    /// A role named in the spec is not in the header.
    case missingRole(file: String, line: Int, role: String, name: String, header: [String])
    /// A header column has no role and is not ignored.
    case unknownColumn(file: String, line: Int, column: Int, name: String)
    /// An epoch number outside every unit's plausible range, or a date outside 1800-9999.
    case timestampOutOfRange(file: String, line: Int, column: Int, value: String, year: Int?)
    /// A slash date that needs `dayFirst` to be read.
    case ambiguousDate(file: String, line: Int, column: Int, value: String)
    /// Two rows for one asset and time under the refuse policy.
    case duplicateRow(asset: String, time: String, first: String, second: String)
    /// Two copies that differ by more than the tolerance.
    case disagreeingCopies(asset: String, time: String, first: String, second: String, field: String,
                           firstValue: Double, secondValue: Double, tolerance: Double)
    /// Asset names that differ only in letter case.
    case caseOnlyAssetNames(String, String)
    /// A timeframe that is not a duration, or that the bars cannot make exactly.
    case badTimeframe(found: String, reason: String, fix: String)

    public var description: String {
        switch self {
        case let .file(e): return e.description
        case let .badSpec(key, found, expected):
            return "bar spec: '\(key)' is \(found); expected \(expected)."
        case let .noFiles(pattern):
            return "bar spec: files pattern '\(pattern)' matches no file. Check the path (relative to the spec file's folder)."
        case let .noHeader(file, looked, names):
            return "\(file): none of the first \(looked) lines names a timestamp column (looked for \(names.joined(separator: ", "))). Set columns.timestamp to the header name, or skipLines to the number of lines above the header."
        case let .missingRole(file, line, role, name, header):
            return "\(file):\(line): columns.\(role) is '\(name)', which the header does not have (header: \(header.joined(separator: ","))). Fix columns.\(role)."
        case let .unknownColumn(file, line, column, name):
            return "\(file):\(line):\(column): column '\(name)' has no role. Give it one under columns (timestamp, asset, open, high, low, close, volume) or add it to ignore."
        case let .timestampOutOfRange(file, line, column, value, year):
            let y = year.map { " (year \($0))" } ?? ""
            return "\(file):\(line):\(column): timestamp '\(value)'\(y) is outside 1800-9999. If the column is epoch milliseconds or microseconds, set timestampUnit: milliseconds or microseconds."
        case let .ambiguousDate(file, line, column, value):
            return "\(file):\(line):\(column): date '\(value)' is not a valid month-first date; if the file writes day first (31/12/2020), set dayFirst: true (flag --day-first)."
        case let .duplicateRow(asset, time, first, second):
            return "\(second): \(asset) at \(time) already appears at \(first). Remove one copy, or set duplicates.policy: keepFirst or keepLast (copies must agree within duplicates.tolerance)."
        case let .disagreeingCopies(asset, time, first, second, field, a, b, tolerance):
            return "\(second): \(asset) at \(time) disagrees with the copy at \(first) in '\(field)' (\(a) vs \(b), more than the relative tolerance \(tolerance)). Fix one copy, raise duplicates.tolerance, or list the time under duplicates.acceptDisagreementAt."
        case let .caseOnlyAssetNames(a, b):
            return "bar spec: assets '\(a)' and '\(b)' differ only in letter case. Use one spelling, or rename one under rename."
        case let .badTimeframe(found, reason, fix):
            return "timeframe '\(found)': \(reason). \(fix)"
        }
    }
}
