/// Rows read from one or more vendor files, before duplicates are resolved and the panel is built.
///
/// Row-major: row r has a timestamp (epoch seconds, as stamped in the file), an asset, where it
/// came from (file and 1-based line), and five values in `BarRows.fields` order (`.nan` if missing).
struct BarRows {
    /// Value order per row: close first, as in `BarCSVParser.fieldNames`.
    static let fields = BarCSVParser.fieldNames
    var timestamps: [Int64] = []
    var assets: [Int32] = []
    var files: [Int32] = []
    var lines: [Int32] = []
    var values: [Double] = []
    /// Asset names by index, and file names by index.
    var assetNames: [String] = []
    var fileNames: [String] = []
    /// Which of the five fields any file provided.
    var present = [Bool](repeating: false, count: 5)

    var count: Int { timestamps.count }

    /// `file:line` of row r, for messages.
    func place(_ r: Int) -> String { "\(fileNames[Int(files[r])]):\(lines[r])" }
}

/// What reading one file found, for the load report.
public struct FileReadSummary: Sendable, Equatable {
    /// The file.
    public let file: String
    /// Lines skipped above the header (banner), and whether they were detected or set by `skipLines`.
    public let skippedLines: Int
    public let bannerDetected: Bool
    /// Data rows read.
    public let rows: Int
    /// Rows whose time is earlier than the row above (a newest-first file has rows - 1 of them).
    public let descendingSteps: Int
    /// Epoch timestamps read per unit (seconds, milliseconds, microseconds), 0 for text stamps.
    public let epochUnits: [Int]
    /// Missing value cells (empty, NA, NULL...) in role columns.
    public let missingCells: Int
    /// Columns read and discarded (the `ignore` list).
    public let ignoredColumns: [String]
}
