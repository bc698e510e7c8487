import Foundation

/// Stamped predictions: K named numbers per (timestamp, asset), each stamped with the time it became known.
///
/// This is the raw form, as read from a long CSV `timestamp,asset,<features...>` or HDF5; the
/// environment sees it through the as-of join (`aligned(to:maxAge:)`), which never shows a
/// prediction before its stamp. Records are kept sorted by (timestamp, asset).
public struct PredictionTable: Sendable, Equatable {
    /// Feature names, in column order (they become observation names, e.g. `AAPL.pred_h1`).
    public let featureNames: [String]
    /// Asset names referenced by `assetIndex`.
    public let assets: [String]
    /// Per record: when the prediction became known (UTC epoch seconds), sorted ascending.
    public let timestamps: [Int64]
    /// Per record: index into `assets`.
    public let assetIndex: [Int32]
    /// Record-major values, `values[r * featureCount + k]`; `.nan` where missing.
    public let values: [Float]
    /// Where the table came from, for error messages.
    public let source: String
    /// Per asset: the first source line naming it (0 when built in memory).
    let firstLine: [Int]

    /// K, the number of features.
    public var featureCount: Int { featureNames.count }
    /// The number of records (rows).
    public var recordCount: Int { timestamps.count }

    /// Creates a table from arrays; records are sorted by (timestamp, asset).
    /// - Precondition: shapes agree, asset indices are in range, no (timestamp, asset) repeats,
    ///   feature and asset names are unique.
    public init(featureNames: [String], assets: [String], timestamps: [Int64], assetIndex: [Int32], values: [Float],
                source: String = "<memory>") {
        self.init(featureNames: featureNames, assets: assets, timestamps: timestamps, assetIndex: assetIndex,
                  values: values, source: source, firstLine: Array(repeating: 0, count: assets.count))
    }

    init(featureNames: [String], assets: [String], timestamps: [Int64], assetIndex: [Int32], values: [Float],
         source: String, firstLine: [Int]) {
        let k = featureNames.count
        precondition(timestamps.count == assetIndex.count && values.count == timestamps.count * k,
                     "PredictionTable: \(timestamps.count) timestamps, \(assetIndex.count) asset indices, \(values.count) values for \(k) features")
        precondition(Set(featureNames).count == k, "PredictionTable: duplicate feature names \(featureNames)")
        precondition(Set(assets).count == assets.count, "PredictionTable: duplicate asset names \(assets)")
        precondition(assetIndex.allSatisfy { $0 >= 0 && Int($0) < assets.count }, "PredictionTable: asset index out of 0..<\(assets.count)")
        let isSorted = zip(timestamps.indices.dropFirst(), timestamps.indices).allSatisfy { next, prev in
            (timestamps[prev], assetIndex[prev]) < (timestamps[next], assetIndex[next])
        }
        if isSorted {
            self.timestamps = timestamps
            self.assetIndex = assetIndex
            self.values = values
        } else {
            let order = timestamps.indices.sorted { (timestamps[$0], assetIndex[$0]) < (timestamps[$1], assetIndex[$1]) }
            for (a, b) in zip(order, order.dropFirst()) {
                precondition(timestamps[a] != timestamps[b] || assetIndex[a] != assetIndex[b],
                             "PredictionTable: timestamp \(timestamps[a]) repeats for asset \(assets[Int(assetIndex[a])])")
            }
            self.timestamps = order.map { timestamps[$0] }
            self.assetIndex = order.map { assetIndex[$0] }
            var sortedValues = [Float]()
            sortedValues.reserveCapacity(values.count)
            for r in order { sortedValues.append(contentsOf: values[(r * k)..<((r + 1) * k)]) }
            self.values = sortedValues
        }
        self.featureNames = featureNames
        self.assets = assets
        self.source = source
        self.firstLine = firstLine
    }

    public static func == (a: PredictionTable, b: PredictionTable) -> Bool {
        a.featureNames == b.featureNames && a.assets == b.assets && a.timestamps == b.timestamps
            && a.assetIndex == b.assetIndex
            && zip(a.values, b.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } && a.values.count == b.values.count
    }

    /// The as-of join: features aligned to bars, as the environment sees them.
    ///
    /// At bar t, asset i gets the values of the latest record for i stamped at or before bar t's
    /// timestamp; when `maxAge` is given and that record is older than `maxAge` seconds at bar t, or
    /// no record exists yet, the values are `.nan` (missing). A record stamped between two bars
    /// first appears at the later bar, never earlier. Assets in the bars without predictions get
    /// `.nan` throughout.
    /// - Parameters:
    ///   - bars: the timeline and asset order to align to.
    ///   - maxAge: the oldest a prediction may be and still count, in seconds; nil for no limit.
    /// - Returns: a T x N x K `FeatureMatrix` with `featureNames` as its names.
    /// - Throws: `DataFileError.unknownAsset` when a record names an asset the bars do not have.
    /// - Complexity: O(T·N·K + R) for R records.
    public func aligned(to bars: MarketData, maxAge: Int64? = nil) throws(DataFileError) -> FeatureMatrix {
        if let maxAge { precondition(maxAge >= 0, "aligned(to:maxAge:): maxAge \(maxAge) < 0") }
        let n = bars.assetCount, t = bars.barCount, k = featureCount
        var barColumn = [Int](repeating: -1, count: assets.count)
        var used = [Bool](repeating: false, count: assets.count)
        for r in assetIndex.indices { used[Int(assetIndex[r])] = true }
        for (j, name) in assets.enumerated() {
            if let i = bars.assetIndex(name) { barColumn[j] = i } else if used[j] {
                throw .unknownAsset(file: source, line: firstLine[j], asset: name, known: bars.assets)
            }
        }
        var latest = [Int](repeating: -1, count: n)  // per bar asset: latest record index
        var out = [Float](repeating: .nan, count: t * n * k)
        var p = 0
        let count = timestamps.count
        for b in 0..<t {
            let now = bars.timestamps[b]
            while p < count, timestamps[p] <= now {
                latest[barColumn[Int(assetIndex[p])]] = p
                p += 1
            }
            for i in 0..<n {
                let r = latest[i]
                guard r >= 0 else { continue }
                if let maxAge, now - timestamps[r] > maxAge { continue }
                let dst = (b * n + i) * k
                for f in 0..<k { out[dst + f] = values[r * k + f] }
            }
        }
        return FeatureMatrix(names: featureNames, assets: bars.assets, barCount: t, values: out)
    }
}
