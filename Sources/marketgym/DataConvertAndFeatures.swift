import ArgumentParser
import Foundation
import Lab
import Predictors

struct DataConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a bar file (and optionally predictions) to MarketGym's HDF5 layout (docs/data.md).",
        discussion: "Example: marketgym data convert Experiments/data/sp500-20-daily.csv.gz /tmp/sp500.h5 --predictions Experiments/data/sp500-20-daily.predictions.csv.gz"
    )

    @Argument(help: "The bar file (.csv, .csv.gz).") var input: String
    @Argument(help: "The HDF5 file to write.") var output: String
    @Option(help: "A predictions file (long CSV) to store beside the bars.") var predictions: String?
    @OptionGroup var options: BarOptions

    func run() throws {
        do {
            let summary = try MarketDataConversion.convert(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output),
                                                           predictions: predictions.map { URL(fileURLWithPath: $0) }, options: options.loadOptions)
            print(summary)
        } catch {
            throw fail(error)
        }
    }
}

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Build prediction features the honest way (walk-forward, purged, point-in-time stamped).",
        subcommands: [FeaturesBuild.self, FeaturesInject.self]
    )
}

/// Bars through a bar-source spec (resampled to `timeframe`), then the walk-forward predictor; the
/// provenance hashes the spec and every file it read.
func buildFromSpec(_ specPath: String, config: WalkForwardConfig, output: URL, timeframe: String? = nil) throws -> PredictionBuildResult {
    let options = try BarSpecOptions.parse(["--spec", specPath])
    let loaded = try loadThroughSpec(options, files: [], timeframe: timeframe)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: specPath)))
    for f in loaded.report.files { bytes += [UInt8](try Data(contentsOf: URL(fileURLWithPath: f.file))) }
    let name = URL(fileURLWithPath: specPath).lastPathComponent + (timeframe.map { " @\($0)" } ?? "")
    print(loaded.report)
    return try PredictionBuilder.build(bars: loaded.data, inputFile: name, inputBytes: bytes, output: output, config: config, significantDigits: 3)
}

struct FeaturesBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Walk-forward ML predictions from bars: expanding-window refits, purge gap, out-of-sample IC report.",
        discussion: """
        Inputs per asset come from past data only; targets are forward returns (default horizons 1, 5, 20 bars);
        the model is refit yearly on an expanding window with a purge gap of h bars; a prediction made from
        data through bar t's close is stamped at bar t. Writes the predictions (CSV, gzip for .gz) and
        <name>.provenance.json, and prints the out-of-sample rank-IC report (docs/predictions.md).

        Examples:
          marketgym features build Experiments/data/sp500-20-daily.csv.gz /tmp/preds.csv.gz
          marketgym features build bars.csv preds.csv.gz --model mlp --horizons 1,5
          marketgym features build --spec Experiments/data/crypto-hourly/crypto-hourly.bars.yaml --timeframe 2h preds-2h.csv.gz
        """
    )

    @Argument(help: "The bar file, then the predictions file to write (.csv or .csv.gz); with --spec, only the predictions file.") var paths: [String] = []
    @Option(help: "Read the bars through this bar-source spec (YAML) instead of a bar file.") var spec: String?
    @Option(help: "With --spec: resample the bars to this timeframe first (2h, 4h, 1d); the horizons count these bars.") var timeframe: String?
    @Option(help: "Model: ridge, mlp, lstm, bilstm, gru, lstmAttention or tcn.") var model: String = "ridge"
    @Option(help: "Comma-separated forward-return horizons in bars.") var horizons: String = "1,5,20"
    @Option(help: "Ridge penalty.") var ridgePenalty: Double?

    func run() throws {
        var config = WalkForwardConfig()
        guard let m = PredictorModel(rawValue: model) else { throw ValidationError("--model must be ridge, mlp, lstm, bilstm, gru, lstmAttention or tcn, got '\(model)'") }
        config.model = m
        let hs = horizons.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !hs.isEmpty, hs.count == horizons.split(separator: ",").count, hs.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--horizons must be positive integers separated by commas, got '\(horizons)'")
        }
        config.horizons = hs
        if let ridgePenalty { config.ridgePenalty = ridgePenalty }
        guard paths.count == (spec == nil ? 2 : 1) else {
            throw ValidationError(spec == nil ? "give the bar file and the predictions file to write (or --spec and the predictions file)"
                                              : "with --spec give only the predictions file to write")
        }
        guard spec != nil || timeframe == nil else { throw ValidationError("--timeframe needs --spec (resample a plain file with marketgym data resample first)") }
        do {
            guard let spec else {
                print(try PredictionBuilder.build(bars: URL(fileURLWithPath: paths[0]), output: URL(fileURLWithPath: paths[1]), config: config))
                return
            }
            print(try buildFromSpec(spec, config: config, output: URL(fileURLWithPath: paths[0]), timeframe: timeframe))
        } catch {
            throw fail(error)
        }
    }
}
