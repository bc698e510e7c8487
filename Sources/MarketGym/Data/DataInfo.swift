/// A summary of a bar file, as `marketgym data info FILE` prints it.
public struct DataInfo: Sendable, CustomStringConvertible {
    /// The file summarized.
    public let file: String
    /// Its layout.
    public let layout: BarLayout
    /// Asset names, in column order.
    public let assets: [String]
    /// Number of bars.
    public let barCount: Int
    /// First and last timestamps (UTC epoch seconds).
    public let firstTimestamp: Int64
    public let lastTimestamp: Int64
    /// Median spacing between bars, seconds.
    public let typicalSpacing: Int64
    /// Fields present besides close (`open`, `high`, `low`, `volume`).
    public let fields: [String]
    /// Coverage per asset.
    public let coverage: [AssetCoverage]
    /// Soft problems found on load.
    public let warnings: [DataWarning]
    /// Per asset: first and last valid timestamps (nil when the asset never trades).
    public let assetRanges: [(first: Int64, last: Int64)?]

    /// Summarizes loaded bars.
    public init(file: String, layout: BarLayout, data: MarketData, warnings: [DataWarning] = []) {
        self.file = file
        self.layout = layout
        self.assets = data.assets
        self.barCount = data.barCount
        self.firstTimestamp = data.timestamps.first ?? 0
        self.lastTimestamp = data.timestamps.last ?? 0
        self.typicalSpacing = data.typicalSpacing()
        var fields = ["close"]
        if data.open != nil { fields.append("open") }
        if data.high != nil { fields.append("high") }
        if data.low != nil { fields.append("low") }
        if data.volume != nil { fields.append("volume") }
        self.fields = fields
        self.coverage = data.coverage()
        self.warnings = warnings
        self.assetRanges = coverage.map { c in
            guard let f = c.firstBar, let l = c.lastBar else { return nil }
            return (data.timestamps[f], data.timestamps[l])
        }
    }

    public var description: String {
        let dateOnly = firstTimestamp % 86_400 == 0 && lastTimestamp % 86_400 == 0
        var lines = [
            "file:     \(file)",
            "layout:   \(layout)",
            "assets:   \(assets.count) (\(assets.joined(separator: ", ")))",
            "fields:   \(fields.joined(separator: ", "))",
            "range:    \(Timestamp.iso(firstTimestamp, dateOnly: dateOnly)) to \(Timestamp.iso(lastTimestamp, dateOnly: dateOnly))",
            "bars:     \(barCount), typical spacing \(spacingText)",
            "stamps:   taken as bar closes (assumed: a plain file does not say; for a file stamped at bar open use a bar spec with stamps: open)",
            "coverage:",
        ]
        let width = max(5, assets.map(\.count).max() ?? 5)
        for (c, span) in zip(coverage, assetRanges) {
            let name = c.asset + String(repeating: " ", count: max(0, width - c.asset.count))
            let range: String
            if let span { range = "\(Timestamp.iso(span.first, dateOnly: dateOnly)) to \(Timestamp.iso(span.last, dateOnly: dateOnly))" } else { range = "never trades" }
            lines.append("  \(name)  \(format1(c.fraction * 100))%  \(c.validBars) bars, \(range), \(c.interiorMissing) holes")
        }
        for w in warnings { lines.append(w.description) }
        return lines.joined(separator: "\n")
    }

    private var spacingText: String {
        switch typicalSpacing {
        case 0: return "n/a"
        case let s where s % 86_400 == 0: return "\(s / 86_400) day(s)"
        case let s where s % 3600 == 0: return "\(s / 3600) hour(s)"
        case let s where s % 60 == 0: return "\(s / 60) minute(s)"
        case let s: return "\(s) s"
        }
    }
}
