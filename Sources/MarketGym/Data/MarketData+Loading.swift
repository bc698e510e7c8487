import Foundation

/// Bars loaded from a file, with the validation report of the same load.
public struct LoadedBars: Sendable {
    /// The bars.
    public let data: MarketData
    /// The layout the file was in.
    public let layout: BarLayout
    /// The checks run on load: no errors (else the load threw), counted warnings, coverage.
    public let report: DataValidationReport
}

extension MarketData {
    /// Loads bars from a CSV, CSV.gz or MarketGym HDF5 file (see docs/data.md for the layouts).
    ///
    /// Runs every hard check (the ones that throw); `loadWithReport` adds the counted soft checks,
    /// `validate` lists every hard error instead of throwing the first.
    ///
    /// The layout is detected: HDF5 by its signature, gzip by its magic number, then the CSV header
    /// decides between wide closes (`Date,AAPL,MSFT`), wide fields (`timestamp,AAPL:close,...`) and
    /// long (`timestamp,asset,close,...`). Rows are sorted by time.
    /// - Parameters:
    ///   - url: the file.
    ///   - options: timestamp format and soft-check thresholds.
    /// - Returns: the bars.
    /// - Throws: `DataFileError` on the first hard problem (unreadable file, bad header, ragged row,
    ///   unparseable timestamp or value, non-positive price, duplicate timestamp).
    public static func load(contentsOf url: URL, options: BarLoadOptions = BarLoadOptions()) throws(DataFileError) -> MarketData {
        try loadChecked(url, options: options).data
    }

    /// Loads bars like `load(contentsOf:options:)` and also runs the soft checks (gaps, extreme
    /// returns, holes, OHLC consistency) and coverage, returned as the report.
    /// - Throws: `DataFileError` on the first hard problem.
    public static func loadWithReport(contentsOf url: URL, options: BarLoadOptions = BarLoadOptions()) throws(DataFileError) -> LoadedBars {
        let (data, layout) = try loadChecked(url, options: options)
        return LoadedBars(data: data, layout: layout, report: report(file: url.path, data: data, layout: layout, options: options))
    }

    /// Reads a file with every hard check (the soft checks are left to `loadWithReport` and `validate`).
    private static func loadChecked(_ url: URL, options: BarLoadOptions) throws(DataFileError) -> (data: MarketData, layout: BarLayout) {
        // Sniff the signature first: an HDF5 file is read by libhdf5, not slurped into memory.
        if DataFileReader.isHDF5File(url) { return (try MarketData.readHDF5(file: url.path), .hdf5) }
        var sink = IssueSink(collect: false)
        let raw = try DataFileReader.rawBytes(url)
        guard let (data, layout) = try read(raw, file: url.path, options: options, sink: &sink) else {
            // Unreachable in throwing mode: the sink throws the first error.
            throw .badLayout(file: url.path, path: "/", expected: "readable bars", found: "nothing")
        }
        return (data, layout)
    }

    /// Parses bars from CSV bytes in memory (plain or gzip).
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - source: the name used in error messages.
    ///   - options: timestamp format and thresholds.
    /// - Throws: `DataFileError` on the first hard problem.
    public static func parseCSV(_ bytes: [UInt8], source: String = "<memory>", options: BarLoadOptions = BarLoadOptions()) throws(DataFileError) -> MarketData {
        var sink = IssueSink(collect: false)
        guard let (data, _) = try read(bytes, file: source, options: options, sink: &sink) else {
            throw .badLayout(file: source, path: "/", expected: "readable bars", found: "nothing")
        }
        return data
    }

    /// Validates a bar file: every hard error (not just the first) and the counted soft problems.
    ///
    /// Never throws: an unreadable file is an error inside the report. This is `marketgym data validate FILE`.
    /// - Parameters:
    ///   - url: the file.
    ///   - options: timestamp format, thresholds and how many errors to keep in detail.
    /// - Returns: the report; `isValid` is false when any hard error was found.
    public static func validate(contentsOf url: URL, options: BarLoadOptions = BarLoadOptions()) -> DataValidationReport {
        let raw: [UInt8]
        do { raw = try DataFileReader.rawBytes(url) } catch {
            return DataValidationReport(file: url.path, layout: nil, barCount: 0, assetCount: 0, errors: [error],
                                        errorCount: 1, warnings: [], coverage: [])
        }
        return validate(bytes: raw, source: url.path, options: options)
    }

    /// Validates a bar file's bytes held in memory (plain CSV or gzip; HDF5 bytes are read from the
    /// file `source` names), exactly as `validate(contentsOf:options:)` validates the file.
    /// - Parameters:
    ///   - raw: the file's bytes.
    ///   - source: the name used in messages.
    ///   - options: timestamp format, thresholds and how many errors to keep in detail.
    /// - Returns: the report; `isValid` is false when any hard error was found.
    public static func validate(bytes raw: [UInt8], source: String = "<memory>", options: BarLoadOptions = BarLoadOptions()) -> DataValidationReport {
        var sink = IssueSink(collect: true, limit: options.maxReportedErrors)
        var result: (MarketData, BarLayout)?
        var layout: BarLayout?
        do {
            if DataFileReader.isHDF5(raw) {
                layout = .hdf5
            } else if let text = try? DataFileReader.textBytes(raw, file: source) {
                layout = firstLineLayout(text)
            }
            result = try read(raw, file: source, options: options, sink: &sink)
        } catch {
            // Only reached for errors outside the row loop (bad compression, HDF5 layout).
            sink.errorCount += 1
            sink.errors.append(error)
        }
        if let (data, detected) = result, sink.errorCount == 0 {
            return report(file: source, data: data, layout: detected, options: options)
        }
        return DataValidationReport(file: source, layout: layout, barCount: 0, assetCount: 0, errors: sink.errors,
                                    errorCount: sink.errorCount, warnings: [], coverage: [])
    }

    /// A summary of a bar file: layout, assets, range, bars, spacing, coverage (`marketgym data info FILE`).
    /// - Throws: `DataFileError` when the file does not load.
    public static func info(contentsOf url: URL, options: BarLoadOptions = BarLoadOptions()) throws(DataFileError) -> DataInfo {
        let loaded = try loadWithReport(contentsOf: url, options: options)
        return DataInfo(file: url.path, layout: loaded.layout, data: loaded.data, warnings: loaded.report.warnings)
    }

    static func report(file: String, data: MarketData, layout: BarLayout, options: BarLoadOptions) -> DataValidationReport {
        let coverage = data.coverage()
        return DataValidationReport(file: file, layout: layout, barCount: data.barCount, assetCount: data.assetCount, errors: [],
                                    errorCount: 0, warnings: data.softWarnings(options: options, coverage: coverage), coverage: coverage)
    }

    private static func firstLineLayout(_ text: [UInt8]) -> BarLayout? {
        var header: [String]?
        text.withUnsafeBufferPointer { buf in
            let csv = ByteCSV(bytes: buf)
            csv.forEachRow { (_, cells) in
                if header == nil { header = cells.map { csv.string($0) } }
            }
        }
        return header.map(BarCSVParser.layout(header:))
    }

    static func read(_ raw: [UInt8], file: String, options: BarLoadOptions, sink: inout IssueSink) throws(DataFileError) -> (MarketData, BarLayout)? {
        if DataFileReader.isHDF5(raw) {
            return (try MarketData.readHDF5(file: file), .hdf5)
        }
        let text = try DataFileReader.textBytes(raw, file: file)
        try DataFileReader.checkText(text, file: file)
        let parser = BarCSVParser(file: file, options: options)
        return try text.withUnsafeBufferPointer { (buf) throws(DataFileError) in
            try parser.parse(buf, sink: &sink)
        }
    }
}
