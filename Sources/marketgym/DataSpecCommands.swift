import ArgumentParser
import Foundation
import Lab

/// The bar-source spec options of `data load`, `data merge` and `data resample` (docs/data.md).
struct BarSpecOptions: ParsableArguments {
    @Option(help: "A bar-source spec (YAML); the flags below override it.") var spec: String?
    @Option(help: "Lines above the header to skip (default: a banner is detected).") var skipLines: Int?
    @Option(help: "The timestamp column's header name.") var timestampColumn: String?
    @Option(help: "A date column, read with --time-column.") var dateColumn: String?
    @Option(help: "A time-of-day column, read with --date-column.") var timeColumn: String?
    @Option(help: "The asset/symbol column's header name.") var assetColumn: String?
    @Option(help: "Header names of the open, high, low, close, volume columns, as role=name (repeatable), e.g. close='Adj Close'.") var column: [String] = []
    @Option(help: "A header name (or pattern with *) to read and discard (repeatable).") var ignore: [String] = []
    @Option(help: "The asset name of a single-asset file (default: symbol column, else the file stem).") var asset: String?
    @Option(help: "Epoch unit of numeric timestamps: automatic, seconds, milliseconds, microseconds.") var timestampUnit: String?
    @Option(help: "A strftime-like timestamp pattern, e.g. '%Y-%m-%d %I-%p'.") var timestampFormat: String?
    @Flag(help: "Slash or dot dates are day first (31/12/2020).") var dayFirst = false
    @Option(help: "Whether the file stamps bars at their open or close.") var stamps: String?
    @Option(help: "Bar length (1h, 30m, 1d); default: the most common spacing.") var barLength: String?
    @Option(help: "Duplicates: refuse, keepFirst or keepLast.") var duplicates: String?
    @Option(help: "Relative tolerance within which duplicate copies agree.") var duplicateTolerance: Double?

    /// The spec from the file (if any) with the flags applied over it, and the file's folder.
    func resolved() throws -> (BarSourceSpec, URL?) {
        var s = BarSourceSpec()
        var base: URL? = nil
        if let spec {
            let url = URL(fileURLWithPath: spec)
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw ValidationError("cannot read the spec \(spec): \(error.localizedDescription)")
            }
            var tree = try SpecValue.parse(yaml: text, source: spec)
            if let bars = tree["bars"] { tree = bars }
            s = try SpecDecoder.decode(BarSourceSpec.self, from: tree, defaults: BarSourceSpec(), file: spec)
            base = url.deletingLastPathComponent()
        }
        if let skipLines { s.skipLines = skipLines }
        if let timestampColumn { s.columns.timestamp = timestampColumn }
        if let dateColumn { s.columns.date = dateColumn }
        if let timeColumn { s.columns.time = timeColumn }
        if let assetColumn { s.columns.asset = assetColumn }
        for pair in column {
            guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("--column takes role=name, got '\(pair)'") }
            let role = String(pair[..<eq]), name = String(pair[pair.index(after: eq)...])
            switch role {
            case "open": s.columns.open = name
            case "high": s.columns.high = name
            case "low": s.columns.low = name
            case "close": s.columns.close = name
            case "volume": s.columns.volume = name
            default: throw ValidationError("--column role must be open, high, low, close or volume, got '\(role)'")
            }
        }
        s.ignore += ignore
        if let asset { s.asset = asset }
        if let timestampUnit {
            guard let u = EpochUnit(rawValue: timestampUnit) else { throw ValidationError("--timestamp-unit must be automatic, seconds, milliseconds or microseconds, got '\(timestampUnit)'") }
            s.timestampUnit = u
        }
        if let timestampFormat { s.timestampFormat = timestampFormat }
        if dayFirst { s.dayFirst = true }
        if let stamps {
            guard let v = BarStamps(rawValue: stamps) else { throw ValidationError("--stamps must be open or close, got '\(stamps)'") }
            s.stamps = v
        }
        if let barLength { s.barLength = barLength }
        if let duplicates {
            guard let p = DuplicatePolicy.Action(rawValue: duplicates) else { throw ValidationError("--duplicates must be refuse, keepFirst or keepLast, got '\(duplicates)'") }
            s.duplicates.policy = p
        }
        if let duplicateTolerance { s.duplicates.tolerance = duplicateTolerance }
        return (s, base)
    }
}

/// Loads the files (or the spec's) through the resolved spec, resampled to `timeframe` when given.
func loadThroughSpec(_ bar: BarSpecOptions, files: [String], timeframe: String?) throws -> LoadedBarSource {
    var (spec, base) = try bar.resolved()
    if let timeframe { spec.timeframe = timeframe }
    return try BarSource.load(spec, files: files, base: files.isEmpty ? base : nil)
}

/// Writes a panel to CSV (long layout, gzip for .gz) or MarketGym HDF5 (.h5, .hdf5).
func writePanel(_ data: MarketData, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    if ["h5", "hdf5"].contains(url.pathExtension) {
        try MarketDataHDF5.write(bars: data, predictions: nil, provenance: nil, to: url)
    } else {
        try data.writeLongCSV(to: url)
    }
}

struct DataLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Read vendor bar files through a bar-source spec and print what was done (banner, units, duplicates, stamps, gaps).",
        discussion: "Example: marketgym data load --spec Experiments/data/crypto-hourly/crypto-hourly.bars.yaml"
    )
    @Argument(help: "Files or globs (default: the spec's files).") var files: [String] = []
    @OptionGroup var bar: BarSpecOptions
    @Option(help: "Resample to this timeframe (2h, 4h, 90m, 1d).") var timeframe: String?

    func run() throws {
        do {
            print(try loadThroughSpec(bar, files: files, timeframe: timeframe).report)
        } catch { throw fail(error) }
    }
}

struct DataMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Assemble one panel from per-asset files (union timeline) and write it as CSV or MarketGym HDF5.",
        discussion: "Example: marketgym data merge --spec Experiments/data/crypto-hourly/crypto-hourly.bars.yaml -o /tmp/crypto.h5"
    )
    @Argument(help: "Files or globs (default: the spec's files).") var files: [String] = []
    @OptionGroup var bar: BarSpecOptions
    @Option(help: "Resample to this timeframe before writing.") var timeframe: String?
    @Option(name: .shortAndLong, help: "Output: .csv, .csv.gz (long layout) or .h5.") var output: String

    func run() throws {
        do {
            let loaded = try loadThroughSpec(bar, files: files, timeframe: timeframe)
            try writePanel(loaded.data, to: output)
            print(loaded.report)
            print("wrote \(output)")
        } catch { throw fail(error) }
    }
}

struct DataResampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resample",
        abstract: "Resample bars to a longer timeframe (right-closed, right-labelled, UTC-midnight grid) and write them.",
        discussion: """
        Example: marketgym data resample --spec Experiments/data/crypto-hourly/crypto-hourly.bars.yaml --to 2h -o /tmp/crypto-2h.csv.gz
        A plain bar file (no spec) is read with the usual loader, its bars taken as stamped at their close.
        """
    )
    @Argument(help: "Files or globs (default: the spec's files).") var files: [String] = []
    @OptionGroup var bar: BarSpecOptions
    @Option(help: "The target timeframe (2h, 4h, 90m, 1d).") var to: String
    @Option(name: .shortAndLong, help: "Output: .csv, .csv.gz (long layout) or .h5.") var output: String

    func run() throws {
        do {
            if bar.spec == nil, files.count == 1, let only = files.first, !only.contains("*") {
                // A file in one of MarketGym's own layouts.
                let data = try MarketData.load(contentsOf: URL(fileURLWithPath: only))
                guard let step = BarDuration.seconds(to) else { throw ValidationError("--to must be a duration such as 2h, got '\(to)'") }
                let r = try data.resampled(to: step)
                print(r.summary)
                print("stamps: bar close (assumed for a plain bar file)")
                try writePanel(r.data, to: output)
                print("wrote \(output)")
                return
            }
            let loaded = try loadThroughSpec(bar, files: files, timeframe: to)
            try writePanel(loaded.data, to: output)
            print(loaded.report)
            print("wrote \(output)")
        } catch { throw fail(error) }
    }
}
