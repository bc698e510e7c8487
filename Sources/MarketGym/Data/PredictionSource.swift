/// One named prediction source: stamped predictions made on bars of one timeframe, joined as of
/// the bar on its own with its own maximum age (docs/data.md, "Several prediction sources").
///
/// Its features are observed as `<asset>.<name>.<feature>` (`BTC.h2.pred`): `aligned(_:to:)`
/// prefixes each feature with the source name, so several sources are several features of one
/// `FeatureMatrix` and the observation layout (`ObservationBuilder.names`) needs nothing else.
public struct PredictionSource: Sendable {
    /// The source's name (`h1`, `h2`, `h4`): letters, digits, `_`, `-`.
    public let name: String
    /// The predictions as read (stamps as the file writes them).
    public let table: PredictionTable
    /// The bar length the predictions are made on, seconds; nil for no grid check.
    public let timeframe: Int64?
    /// Whether the file stamps a prediction at its interval's open (moved to the close) or close.
    public let stamps: BarStamps
    /// The oldest a prediction may be and still count, seconds; nil for no limit.
    public let maxAge: Int64?

    /// A source; see the properties.
    public init(name: String, table: PredictionTable, timeframe: Int64? = nil, stamps: BarStamps = .close, maxAge: Int64? = nil) {
        self.name = name
        self.table = table
        self.timeframe = timeframe
        self.stamps = stamps
        self.maxAge = maxAge
    }

    /// The table with every stamp at its interval's close, checked against the bars.
    ///
    /// With `stamps: .open` every stamp moves forward by `timeframe`. With a timeframe τ, every
    /// stamp must be a close of the τ grid anchored at UTC midnight (multiples of τ for τ dividing a
    /// day, midnights for whole days), and none may come before the close of the first τ interval
    /// the bars reach: such a prediction would be visible before the bar it is made from closed.
    /// - Throws: `PredictionSourceError.offGrid`, `.stampedBeforeClose`, `.badTimeframe`.
    public func closeStamped(against bars: MarketData) throws(PredictionSourceError) -> PredictionTable {
        var table = self.table
        if stamps == .open {
            guard let tf = timeframe else {
                throw .badTimeframe(source: name, found: "none", expected: "a timeframe: stamps: open moves each stamp by one interval")
            }
            table = PredictionTable(featureNames: table.featureNames, assets: table.assets, timestamps: table.timestamps.map { $0 + tf },
                                    assetIndex: table.assetIndex, values: table.values, source: table.source, firstLine: table.firstLine)
        }
        guard let tf = timeframe else { return table }
        guard tf > 0, 86_400 % tf == 0 || tf % 86_400 == 0 else {
            throw .badTimeframe(source: name, found: BarDuration.text(max(tf, 0)), expected: "a length that divides one day or is whole days")
        }
        let grid = min(tf, 86_400)
        func asset(_ r: Int) -> String { table.assets[Int(table.assetIndex[r])] }
        for r in 0..<table.recordCount where Timestamp.floorDiv(table.timestamps[r], grid) * grid != table.timestamps[r] {
            throw .offGrid(source: name, file: table.source, asset: asset(r), stamp: table.timestamps[r], timeframe: tf)
        }
        if let first = bars.timestamps.first, let r = table.timestamps.indices.first {
            // The first grid close at or after the first bar's close: the end of the first interval it lies in.
            let firstClose = -Timestamp.floorDiv(-first, grid) * grid
            if table.timestamps[r] < firstClose {
                throw .stampedBeforeClose(source: name, file: table.source, asset: asset(r), stamp: table.timestamps[r], firstClose: firstClose, timeframe: tf)
            }
        }
        return table
    }

    /// The as-of join of several sources onto the bars, each on its own: source s's features at
    /// bar t are its latest record for the asset stamped at or before bar t (and no older than its
    /// `maxAge`), whatever the other sources hold, so one source's missing cell never hides
    /// another's value. Features are named `<source>.<feature>`, sources in the given order.
    /// - Throws: `PredictionSourceError` for duplicate or bad names, stamps the checks of
    ///   `closeStamped(against:)` refuse, or records naming assets the bars lack.
    /// - Complexity: O(T·N·K + R) over all sources.
    public static func aligned(_ sources: [PredictionSource], to bars: MarketData) throws(PredictionSourceError) -> FeatureMatrix {
        var seen = Set<String>()
        var parts: [FeatureMatrix] = []
        for s in sources {
            guard isValidName(s.name) else { throw .badName(s.name) }
            guard seen.insert(s.name).inserted else { throw .duplicateName(s.name) }
            let table = try s.closeStamped(against: bars)
            do { parts.append(try table.aligned(to: bars, maxAge: s.maxAge)) } catch { throw .join(source: s.name, error) }
        }
        let names = zip(sources, parts).flatMap { s, m in m.names.map { "\(s.name).\($0)" } }
        let n = bars.assetCount, k = names.count
        var out = [Float](repeating: .nan, count: bars.barCount * n * k)
        var offset = 0
        for m in parts {
            let km = m.featureCount
            for cell in 0..<(bars.barCount * n) {
                for f in 0..<km { out[cell * k + offset + f] = m.values[cell * km + f] }
            }
            offset += km
        }
        return FeatureMatrix(names: names, assets: bars.assets, barCount: bars.barCount, values: out)
    }

    /// Whether `name` can be a source name: 1 to 32 of `A-Za-z0-9_-`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 32 && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }
}
