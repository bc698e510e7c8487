import Foundation
import HDF5

/// MarketGym's HDF5 layout for bars and predictions (docs/data.md, "HDF5 layout").
///
/// One file may hold bars (`/bars`), predictions (`/predictions`), or both. The root carries
/// `format = "marketgym-market-data"` and `version = 1`. All matrices are row-major (C order, as
/// numpy), uncompressed and contiguous: the file is read whole, and contiguous reads are fastest.
public enum MarketDataHDF5 {
    /// The `format` attribute of the root group.
    public static let format = "marketgym-market-data"
    /// The layout version this build writes and reads.
    public static let version: Int64 = 1

    /// Writes bars, and optionally predictions, to `url` atomically (temp file, fsync, rename).
    /// - Parameters:
    ///   - bars: the bars, written under `/bars`; nil to write predictions only.
    ///   - predictions: predictions, written under `/predictions`; nil for none.
    ///   - provenance: a JSON string stored as the `provenance` attribute of `/predictions`.
    ///   - url: the file to write (replaced when it exists).
    /// - Throws: `DataFileError.unwritable` when the file cannot be written.
    public static func write(bars: MarketData?, predictions: PredictionTable? = nil, provenance: String? = nil, to url: URL) throws(DataFileError) {
        precondition(bars != nil || predictions != nil, "MarketDataHDF5.write: nothing to write")
        do {
            try HDF5File.atomicSave(to: url) { file in
                try file.setAttribute("format", .string(format))
                try file.setAttribute("version", .int(version))
                if let bars {
                    let t = bars.barCount, n = bars.assetCount
                    let group = try file.createGroup("bars")
                    try group.createDataset("assets", values: bars.assets)
                    try group.createDataset("timestamps", values: bars.timestamps)
                    try group.createDataset("close", values: bars.close, shape: [t, n])
                    for (name, field) in [("open", bars.open), ("high", bars.high), ("low", bars.low), ("volume", bars.volume)] {
                        if let field { try group.createDataset(name, values: field, shape: [t, n]) }
                    }
                    try group.createDataset("tradable", values: bars.tradable.map { $0 ? UInt8(1) : 0 }, shape: [t, n])
                }
                if let predictions {
                    let group = try file.createGroup("predictions")
                    try group.createDataset("features", values: predictions.featureNames)
                    try group.createDataset("assets", values: predictions.assets)
                    try group.createDataset("timestamps", values: predictions.timestamps)
                    try group.createDataset("asset_index", values: predictions.assetIndex)
                    try group.createDataset("values", values: predictions.values, shape: [predictions.recordCount, predictions.featureCount])
                    if let provenance { try group.setAttribute("provenance", .string(provenance)) }
                }
            }
        } catch {
            throw .unwritable(file: url.path, reason: "\(error)")
        }
    }

    /// Opens a MarketGym HDF5 file and checks its format and version.
    static func open(_ file: String) throws(DataFileError) -> HDF5File {
        let h5: HDF5File
        do { h5 = try HDF5File.open(URL(fileURLWithPath: file)) } catch {
            throw .unreadable(file: file, reason: "\(error)")
        }
        let found = (try? h5.stringAttribute("format")) ?? "no 'format' attribute"
        guard found == format else {
            throw .badLayout(file: file, path: "/@format", expected: "'\(format)'", found: "'\(found)'")
        }
        let v = (try? h5.intAttribute("version")).map(Int64.init) ?? -1
        guard v == version else {
            throw .badLayout(file: file, path: "/@version", expected: "version \(version)", found: v < 0 ? "no 'version' attribute" : "version \(v)")
        }
        return h5
    }

    /// Refuses epoch seconds outside `DataLimits.years`, as the CSV readers do, naming the element.
    static func checkYears(_ timestamps: [Int64], path: String, file: String) throws(DataFileError) {
        if let bad = timestamps.firstIndex(where: { !DataLimits.allows(timestamp: $0) }) {
            throw .badLayout(file: file, path: "\(path)[\(bad)]", expected: "epoch seconds in " + DataLimits.yearsRange(fix: "write epoch seconds"),
                             found: "\(timestamps[bad]) (year \(Timestamp.year(of: timestamps[bad])))")
        }
    }

    /// Reads one dataset as `T`, checking its shape; HDF5 errors become `badLayout` naming the path.
    static func read<T: HDF5Scalar>(_ group: HDF5Group, _ name: String, as type: T.Type, shape expected: [Int]?, file: String) throws(DataFileError) -> [T] {
        let path = group.path + "/" + name
        do {
            let (values, shape) = try group.openDataset(name).read(as: type)
            if let expected, shape != expected {
                throw DataFileError.badLayout(file: file, path: path, expected: "shape \(expected)", found: "shape \(shape)")
            }
            return values
        } catch let error as DataFileError {
            throw error
        } catch {
            throw .badLayout(file: file, path: path, expected: "a \(T.hdf5ElementType) dataset", found: "\(error)")
        }
    }

    static func strings(_ group: HDF5Group, _ name: String, file: String) throws(DataFileError) -> [String] {
        let path = group.path + "/" + name
        do {
            let (values, shape) = try group.openDataset(name).read(as: String.self)
            guard shape.count == 1 else { throw DataFileError.badLayout(file: file, path: path, expected: "a 1-D string dataset", found: "shape \(shape)") }
            return values
        } catch let error as DataFileError {
            throw error
        } catch {
            throw .badLayout(file: file, path: path, expected: "a 1-D string dataset", found: "\(error)")
        }
    }

    static func group(_ h5: HDF5File, _ name: String, file: String) throws(DataFileError) -> HDF5Group {
        do { return try h5.openGroup(name) } catch {
            throw .badLayout(file: file, path: "/" + name, expected: "a group '\(name)'", found: "\(error)")
        }
    }

    static func has(_ group: HDF5Group, _ name: String) -> Bool {
        (try? group.contains(name)) ?? false
    }
}

extension MarketData {
    /// Reads bars from MarketGym's HDF5 layout (`/bars`), with the same value checks as CSV:
    /// non-positive prices and negative volumes are errors naming the dataset, bar and asset.
    static func readHDF5(file: String) throws(DataFileError) -> MarketData {
        let h5 = try MarketDataHDF5.open(file)
        let g = try MarketDataHDF5.group(h5, "bars", file: file)
        let assets = try MarketDataHDF5.strings(g, "assets", file: file)
        let timestamps = try MarketDataHDF5.read(g, "timestamps", as: Int64.self, shape: nil, file: file)
        try MarketDataHDF5.checkYears(timestamps, path: "/bars/timestamps", file: file)
        let shape = [timestamps.count, assets.count]
        let close = try MarketDataHDF5.read(g, "close", as: Double.self, shape: shape, file: file)
        var fields: [String: [Double]] = [:]
        for name in ["open", "high", "low", "volume"] where MarketDataHDF5.has(g, name) {
            fields[name] = try MarketDataHDF5.read(g, name, as: Double.self, shape: shape, file: file)
        }
        for (name, values) in [("close", close)] + fields.sorted(by: { $0.key < $1.key }) {
            if let k = firstInvalid(values, isVolume: name == "volume") {
                let n = max(1, assets.count)
                throw .badLayout(file: file, path: "/bars/\(name)[\(k / n), \(k % n)]",
                                 expected: name == "volume" ? "a volume in 0...\(DataLimits.maxVolume) or NaN (docs/reliability.md)" : "a price in \(DataLimits.minPrice)...\(DataLimits.maxPrice) or NaN (docs/reliability.md)", found: "\(values[k])")
            }
        }
        do {
            return try MarketData(assets: assets, timestamps: timestamps, close: close, open: fields["open"], high: fields["high"],
                                  low: fields["low"], volume: fields["volume"], source: file)
        } catch {
            throw .badLayout(file: file, path: "/bars", expected: "consistent bars", found: error.description)
        }
    }
}

/// Index of the first value that is neither NaN nor within `DataLimits` (prices in [1e-12, 1e12], volumes in [0, 1e18]).
private func firstInvalid(_ values: [Double], isVolume: Bool) -> Int? {
    values.withUnsafeBufferPointer { v -> Int? in
        for k in 0..<v.count {
            let x = v[k]
            // NaN fails every comparison; valid values pass the range test; the rest (<= 0, inf) are errors.
            if x.isNaN { continue }
            if !DataLimits.isAcceptable(x, field: isVolume ? 4 : 0) { return k }
        }
        return nil
    }
}

extension PredictionTable {
    /// Reads predictions from MarketGym's HDF5 layout (`/predictions`).
    static func readHDF5(file: String) throws(DataFileError) -> PredictionTable {
        let h5 = try MarketDataHDF5.open(file)
        let g = try MarketDataHDF5.group(h5, "predictions", file: file)
        let features = try MarketDataHDF5.strings(g, "features", file: file)
        let assets = try MarketDataHDF5.strings(g, "assets", file: file)
        let timestamps = try MarketDataHDF5.read(g, "timestamps", as: Int64.self, shape: nil, file: file)
        let index = try MarketDataHDF5.read(g, "asset_index", as: Int32.self, shape: [timestamps.count], file: file)
        let values = try MarketDataHDF5.read(g, "values", as: Float.self, shape: [timestamps.count, features.count], file: file)
        try MarketDataHDF5.checkYears(timestamps, path: "/predictions/timestamps", file: file)
        if Set(features).count != features.count || features.contains("") {
            throw .badLayout(file: file, path: "/predictions/features", expected: "distinct, non-empty names", found: "\(features)")
        }
        if Set(assets).count != assets.count {
            throw .badLayout(file: file, path: "/predictions/assets", expected: "distinct names", found: "\(assets)")
        }
        if let bad = index.firstIndex(where: { $0 < 0 || Int($0) >= assets.count }) {
            throw .badLayout(file: file, path: "/predictions/asset_index[\(bad)]", expected: "an index in 0..<\(assets.count)", found: "\(index[bad])")
        }
        if let bad = values.firstIndex(where: { $0.isInfinite }) {
            throw .badLayout(file: file, path: "/predictions/values[\(bad / max(1, features.count)), \(bad % max(1, features.count))]",
                             expected: "a finite number or NaN", found: "\(values[bad])")
        }
        let order = timestamps.indices.sorted { (timestamps[$0], index[$0]) < (timestamps[$1], index[$1]) }
        for (a, b) in zip(order, order.dropFirst()) where timestamps[a] == timestamps[b] && index[a] == index[b] {
            throw .badLayout(file: file, path: "/predictions/timestamps[\(max(a, b))]", expected: "one record per (timestamp, asset)",
                             found: "a second record for \(assets[Int(index[a])]) at \(Timestamp.iso(timestamps[a])) (first at record \(min(a, b)))")
        }
        return PredictionTable(featureNames: features, assets: assets, timestamps: timestamps, assetIndex: index, values: values,
                               source: file, firstLine: Array(repeating: 0, count: assets.count))
    }

    /// Writes the table to MarketGym's HDF5 layout (`/predictions`), atomically.
    /// - Parameters:
    ///   - url: the file (replaced when it exists).
    ///   - provenance: a JSON string stored as the `provenance` attribute of `/predictions`.
    /// - Throws: `DataFileError.unwritable` when the file cannot be written.
    public func writeHDF5(to url: URL, provenance: String? = nil) throws(DataFileError) {
        try MarketDataHDF5.write(bars: nil, predictions: self, provenance: provenance, to: url)
    }
}
