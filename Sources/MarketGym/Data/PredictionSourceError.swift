import Foundation

/// A named prediction source cannot be joined as it is: names the source, its file, the record and
/// the cause, and the fix (docs/data.md, "Several prediction sources").
public enum PredictionSourceError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// Two sources share a name.
    case duplicateName(String)
    /// A source name that cannot sit inside an observation name.
    case badName(String)
    /// A record stamped before the close of the first interval of the source's timeframe that the
    /// bars reach: no prediction of that timeframe can be known yet (typically a file stamping each
    /// prediction at its interval's open).
    case stampedBeforeClose(source: String, file: String, asset: String, stamp: Int64, firstClose: Int64, timeframe: Int64)
    /// A record stamped between two closes of the source's timeframe (anchored at UTC midnight).
    case offGrid(source: String, file: String, asset: String, stamp: Int64, timeframe: Int64)
    /// A stamp convention or timeframe the source cannot use.
    case badTimeframe(source: String, found: String, expected: String)
    /// The join itself failed (a record names an asset the bars lack).
    case join(source: String, DataFileError)

    public var description: String {
        func t(_ s: Int64) -> String { Timestamp.iso(s) }
        switch self {
        case let .duplicateName(name):
            return "prediction source '\(name)' is named twice. Give each source its own name (h1, h2, h4)"
        case let .badName(name):
            return "prediction source name '\(name)' cannot be part of an observation name. Use 1 to 32 letters, digits, _ or -"
        case let .stampedBeforeClose(source, file, asset, stamp, firstClose, tf):
            let len = BarDuration.text(tf)
            return "\(file): source '\(source)' has a \(len) prediction for \(asset) stamped \(t(stamp)), before the first \(len) interval of the bars closes (\(t(firstClose))): a prediction is known at the close of the bar it is made from, so it would be seen before its bar closed. If the file stamps each prediction at its interval's open (\(t(firstClose - tf)) for the interval closing \(t(firstClose))), set stamps: open on the source to move the stamps to the close; if it was made from earlier bars, drop the records stamped before \(t(firstClose))"
        case let .offGrid(source, file, asset, stamp, tf):
            let len = BarDuration.text(tf)
            return "\(file): source '\(source)' has a prediction for \(asset) stamped \(t(stamp)), between two closes of its \(len) timeframe (closes fall every \(len) from 00:00 UTC): it was not made at the close of a \(len) bar. Stamp each prediction at the close of the bar it is made from, or set the source's timeframe to the bars it was made on"
        case let .badTimeframe(source, found, expected):
            return "prediction source '\(source)': timeframe \(found); expected \(expected)"
        case let .join(source, error):
            return "prediction source '\(source)': \(error.description)"
        }
    }

    public var errorDescription: String? { description }
}
