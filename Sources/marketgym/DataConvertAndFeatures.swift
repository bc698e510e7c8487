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
        subcommands: [FeaturesBuild.self]
    )
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
        """
    )

    @Argument(help: "The bar file.") var bars: String
    @Argument(help: "The predictions file to write (.csv or .csv.gz).") var output: String
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
        do {
            print(try PredictionBuilder.build(bars: URL(fileURLWithPath: bars), output: URL(fileURLWithPath: output), config: config))
        } catch {
            throw fail(error)
        }
    }
}
