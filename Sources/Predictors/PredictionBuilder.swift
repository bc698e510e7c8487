import MarketGym

import Foundation

/// What `marketgym features build` produced.
public struct PredictionBuildResult: Sendable, CustomStringConvertible {
    /// The predictions file written.
    public let output: URL
    /// The provenance file written next to it.
    public let provenanceFile: URL
    /// The run (predictions, refits, IC report).
    public let run: PredictionRun
    /// The provenance record.
    public let provenance: PredictionProvenance

    public var description: String {
        let first = run.refits.first?.date ?? "n/a"
        return """
        wrote \(output.path) (\(run.table.recordCount) predictions, \(run.table.featureNames.joined(separator: ", ")))
        wrote \(provenanceFile.path)
        model \(provenance.model), \(run.refits.count) refits from \(first), inputs \(provenance.inputs.joined(separator: ", "))
        input \(provenance.inputFile) \(provenance.inputHash)
        out-of-sample rank IC:
        \(run.report.description)
        """
    }
}

/// File-level entry points of the walk-forward predictor (the CLI's `marketgym features build`).
public enum PredictionBuilder {
    /// The provenance file for a predictions file: `X.csv.gz` -> `X.provenance.json`.
    public static func provenanceURL(for output: URL) -> URL {
        var name = output.lastPathComponent
        for suffix in [".csv.gz", ".csv", ".h5", ".hdf5"] where name.hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return output.deletingLastPathComponent().appendingPathComponent(name + ".provenance.json")
    }

    /// Loads bars, runs the walk-forward predictor, and writes the predictions and their provenance JSON.
    ///
    /// The output format follows the name: `.h5`/`.hdf5` writes MarketGym's HDF5 layout (exact
    /// `Float` values, provenance also as the `/predictions` `provenance` attribute); anything else
    /// writes a long CSV, gzip-compressed when the name ends in `.gz`.
    /// - Parameters:
    ///   - bars: the bars file (any layout `MarketData.load` reads).
    ///   - output: the predictions file to write.
    ///   - config: the predictor configuration.
    ///   - barOptions: how to read the bars.
    ///   - significantDigits: digits per value in the CSV (nil: exact `Float` round trip; the bundled
    ///     file uses 4 to stay small).
    /// - Returns: what was written, with the IC report.
    /// - Throws: `PredictorError` for a bad config, too little data, or unreadable/unwritable files.
    public static func build(bars barsURL: URL, output: URL, config: WalkForwardConfig = WalkForwardConfig(),
                             barOptions: BarLoadOptions = BarLoadOptions(), significantDigits: Int? = nil) throws(PredictorError) -> PredictionBuildResult {
        let raw: [UInt8]
        let bars: MarketData
        do { bars = try MarketData.load(contentsOf: barsURL, options: barOptions) } catch { throw .file(error) }
        do { raw = [UInt8](try Data(contentsOf: barsURL)) } catch {
            throw .file(.unreadable(file: barsURL.path, reason: error.localizedDescription))
        }
        return try build(bars: bars, inputFile: barsURL.lastPathComponent, inputBytes: raw, output: output, config: config,
                         significantDigits: significantDigits)
    }

    /// Runs the walk-forward predictor on bars already loaded (through a bar-source spec, resampled
    /// to a timeframe) and writes the predictions and their provenance as `build(bars:output:...)` does.
    /// - Parameters:
    ///   - inputFile: what the bars were read from, as the provenance names it (e.g. `crypto-hourly.bars.yaml @2h`).
    ///   - inputBytes: the bytes hashed into the provenance (the spec and its files).
    public static func build(bars: MarketData, inputFile: String, inputBytes raw: [UInt8], output: URL,
                             config: WalkForwardConfig = WalkForwardConfig(), significantDigits: Int? = nil) throws(PredictorError) -> PredictionBuildResult {
        let predictor = try WalkForwardPredictor(config: config)
        let run = try predictor.run(bars: bars)
        let provenance = makeProvenance(run: run, config: config, inputFile: inputFile, inputBytes: raw, bars: bars)
        do {
            if ["h5", "hdf5"].contains(output.pathExtension.lowercased()) {
                try run.table.writeHDF5(to: output, provenance: String(decoding: provenance.jsonBytes(), as: UTF8.self))
            } else {
                try run.table.writeCSV(to: output, significantDigits: significantDigits)
            }
        } catch { throw .file(error) }
        let provenanceFile = provenanceURL(for: output)
        do { try Data(provenance.jsonBytes()).write(to: provenanceFile, options: .atomic) } catch {
            throw .file(.unwritable(file: provenanceFile.path, reason: error.localizedDescription))
        }
        return PredictionBuildResult(output: output, provenanceFile: provenanceFile, run: run, provenance: provenance)
    }

    /// Whether a cached predictions file was built from the bars as they are now: its provenance
    /// file (`provenanceURL(for:)`) must exist, name a `fnv1a64` input hash, and that hash must
    /// equal the hash of the bars file's current bytes.
    /// - Returns: nil when current; otherwise why not, in words (for the log line that announces
    ///   the rebuild).
    public static func staleness(ofCached predictions: URL, bars: URL) -> String? {
        let provenanceFile = provenanceURL(for: predictions)
        guard let json = try? Data(contentsOf: provenanceFile) else {
            return "no provenance file \(provenanceFile.lastPathComponent) records which bars it was built from"
        }
        guard let recorded = try? JSONDecoder().decode(RecordedInput.self, from: json).inputHash else {
            return "\(provenanceFile.lastPathComponent) records no input hash"
        }
        guard let raw = try? Data(contentsOf: bars) else { return "the bars file \(bars.path) cannot be read" }
        let current = fnv1a64([UInt8](raw))
        return current == recorded ? nil : "the bars changed since it was built (\(bars.lastPathComponent) hashes to \(current), \(provenanceFile.lastPathComponent) records \(recorded))"
    }

    /// The one field of a provenance record the cache check needs (older records decode too).
    private struct RecordedInput: Decodable { let inputHash: String }

    /// The provenance record of a run.
    public static func makeProvenance(run: PredictionRun, config: WalkForwardConfig, inputFile: String,
                                      inputBytes: [UInt8], bars: MarketData) -> PredictionProvenance {
        PredictionProvenance(model: config.model.rawValue, config: config, horizons: config.horizons,
                             features: config.featureNames, inputs: config.inputNames, refits: run.refits,
                             inputFile: inputFile, inputHash: fnv1a64(inputBytes), inputBars: bars.barCount,
                             inputAssets: bars.assets, ic: run.report)
    }
}
