import Foundation

/// What `marketgym data convert IN OUT.h5` did.
public struct ConversionSummary: Sendable, CustomStringConvertible {
    /// The bars file read.
    public let input: URL
    /// Its layout.
    public let inputLayout: BarLayout
    /// The HDF5 file written.
    public let output: URL
    /// Bars and assets written.
    public let barCount: Int
    public let assetCount: Int
    /// Fields written (`close`, and any of `open`, `high`, `low`, `volume`).
    public let fields: [String]
    /// Prediction records and features written (0 when no predictions were given).
    public let predictionCount: Int
    public let featureNames: [String]
    /// Soft problems found while loading (converted anyway; nothing is dropped).
    public let warnings: [DataWarning]
    /// Size of the written file in bytes.
    public let bytesWritten: Int

    public var description: String {
        var lines = ["converted \(input.path) (\(inputLayout)) -> \(output.path)",
                     "  bars: \(barCount) x \(assetCount) assets, fields \(fields.joined(separator: ", "))"]
        if predictionCount > 0 { lines.append("  predictions: \(predictionCount) records, features \(featureNames.joined(separator: ", "))") }
        lines.append("  \(bytesWritten) bytes")
        lines += warnings.map { "  " + $0.description }
        return lines.joined(separator: "\n")
    }
}

/// Conversion of bar (and prediction) files to MarketGym's HDF5 layout.
public enum MarketDataConversion {
    /// Loads bars in any supported layout (and optionally predictions) and writes them to one HDF5 file.
    ///
    /// The bars pass every load check first (a file with hard errors is not converted); soft
    /// problems are reported in the summary. Predictions are checked against the bars' assets.
    /// - Parameters:
    ///   - input: the bars file (CSV, CSV.gz or HDF5).
    ///   - output: the HDF5 file to write (atomically; replaced when it exists).
    ///   - predictions: an optional predictions file (long CSV, CSV.gz or HDF5) stored under `/predictions`.
    ///   - options: how to read the bars.
    /// - Returns: what was written.
    /// - Throws: `DataFileError` from loading, `.unknownAsset` for predictions of assets the bars
    ///   lack, `.unwritable` when the output cannot be written.
    public static func convert(input: URL, output: URL, predictions: URL? = nil,
                               options: BarLoadOptions = BarLoadOptions()) throws(DataFileError) -> ConversionSummary {
        let loaded = try MarketData.loadWithReport(contentsOf: input, options: options)
        var table: PredictionTable?
        var provenance: String?
        if let predictions {
            let t = try PredictionTable.load(contentsOf: predictions, timestampFormat: options.timestampFormat)
            _ = try t.aligned(to: loaded.data)  // rejects unknown assets before anything is written
            table = t
            provenance = siblingProvenance(of: predictions)
        }
        try MarketDataHDF5.write(bars: loaded.data, predictions: table, provenance: provenance, to: output)
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        return ConversionSummary(input: input, inputLayout: loaded.layout, output: output, barCount: loaded.data.barCount,
                                 assetCount: loaded.data.assetCount, fields: DataInfo(file: input.path, layout: loaded.layout, data: loaded.data).fields,
                                 predictionCount: table?.recordCount ?? 0, featureNames: table?.featureNames ?? [],
                                 warnings: loaded.report.warnings, bytesWritten: size)
    }

    /// The `<name>.provenance.json` next to a predictions file, when there is one.
    static func siblingProvenance(of url: URL) -> String? {
        var name = url.lastPathComponent
        for suffix in [".csv.gz", ".csv", ".h5", ".hdf5"] where name.hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        let sibling = url.deletingLastPathComponent().appendingPathComponent(name + ".provenance.json")
        return (try? Data(contentsOf: sibling)).map { String(decoding: $0, as: UTF8.self) }
    }
}
