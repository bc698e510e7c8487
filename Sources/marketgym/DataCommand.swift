import ArgumentParser
import Foundation
import Lab

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect, validate and convert market data files.",
        discussion: """
        Bar files: wide CSV of closes (Date,AAPL,MSFT,...), wide CSV with ASSET:field columns,
        long CSV (timestamp,asset,open,high,low,close,volume), .csv or .csv.gz. Vendor files (banners,
        epoch ms, symbol columns, one file per asset, duplicates): `data load/merge/resample --spec`. See docs/data.md.
        """,
        subcommands: [DataInfoCommand.self, DataValidateCommand.self, DataConvertCommand.self, DataLoadCommand.self, DataMergeCommand.self, DataResampleCommand.self]
    )
}

/// Options shared by the data commands.
struct BarOptions: ParsableArguments {
    @Option(help: "Timestamp pattern when not ISO or epoch seconds, e.g. '%d/%m/%Y'.")
    var timestampFormat: String?

    @Option(help: "Warn about one-bar returns larger than this fraction (default 0.5).")
    var extremeReturn: Double = 0.5

    @Option(help: "Warn about gaps longer than this multiple of the typical bar spacing (default 5).")
    var gapFactor: Double = 5

    var loadOptions: BarLoadOptions {
        BarLoadOptions(timestampFormat: timestampFormat.map { .pattern($0) } ?? .automatic,
                       extremeReturnThreshold: extremeReturn, gapFactor: gapFactor)
    }
}

struct DataInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Assets, date range, bars, fields and coverage of a bar file.",
        discussion: "Example: marketgym data info Experiments/data/sp500-20-daily.csv.gz"
    )

    @Argument(help: "The bar file (.csv, .csv.gz).")
    var file: String

    @OptionGroup var options: BarOptions

    func run() throws {
        do {
            print(try MarketData.info(contentsOf: URL(fileURLWithPath: file), options: options.loadOptions))
        } catch {
            throw fail(error)
        }
    }
}

struct DataValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a bar file: hard errors (file, line, column, value, fix) and counted warnings.",
        discussion: """
        Exit status 0 when the file loads (warnings allowed), 1 when it has hard errors.
        Example: marketgym data validate Experiments/data/sp500-20-daily.csv.gz --extreme-return 0.3
        """
    )

    @Argument(help: "The bar file (.csv, .csv.gz).")
    var file: String

    @OptionGroup var options: BarOptions

    func run() throws {
        let report = MarketData.validate(contentsOf: URL(fileURLWithPath: file), options: options.loadOptions)
        print(report)
        if !report.isValid { throw ExitCode(1) }
    }
}
