/// What loading through a bar-source spec did: per file, the banner, rows, order and epoch units;
/// then duplicates merged, the stamp convention (always printed, and marked assumed when the spec
/// did not state it), gaps, and the resampling.
public struct BarSourceReport: Sendable, CustomStringConvertible {
    public let files: [FileReadSummary]
    public let assets: [String]
    /// The stamp convention used, and whether the spec stated it (false: close was assumed).
    public let stamps: BarStamps
    public let stampsStated: Bool
    /// The bar length used to move open stamps, seconds.
    public let barLength: Int64
    /// Duplicate copies merged into one bar, and among them copies that disagreed at an accepted time.
    public let duplicatesMerged: Int
    public let disagreementsAccepted: Int
    /// Spacings longer than one bar on the loaded (not resampled) timeline.
    public let gaps: Int
    /// Bars in the returned panel.
    public var barCount: Int
    /// The resampling, when the spec named a timeframe.
    public var resample: ResampleSummary?

    public var description: String {
        var lines: [String] = []
        for f in files {
            var parts = ["\(f.rows) rows"]
            if f.skippedLines > 0 { parts.append("\(f.skippedLines) line\(f.skippedLines == 1 ? "" : "s") above the header skipped (\(f.bannerDetected ? "banner detected" : "skipLines"))") }
            if f.descendingSteps * 2 > f.rows { parts.append("newest first") }
            let unitNames = ["epoch seconds", "epoch milliseconds", "epoch microseconds"]
            let used = (0..<3).filter { f.epochUnits[$0] > 0 }.map { "\(f.epochUnits[$0]) in \(unitNames[$0])" }
            if !used.isEmpty { parts.append("timestamps: " + used.joined(separator: ", ")) }
            if f.missingCells > 0 { parts.append("\(f.missingCells) missing cells") }
            if !f.ignoredColumns.isEmpty { parts.append("ignored columns: " + f.ignoredColumns.joined(separator: ", ")) }
            lines.append("\(f.file): " + parts.joined(separator: "; "))
        }
        let length = BarDuration.text(barLength)
        lines.append("stamps: \(stamps == .open ? "bar open, moved to the close (+\(length))" : "bar close, kept")"
                     + (stampsStated ? "" : " (assumed: the spec does not say; set stamps: open or close)"))
        lines.append("duplicates: \(duplicatesMerged) copies merged" + (disagreementsAccepted > 0 ? ", \(disagreementsAccepted) of them disagreeing at accepted times" : ""))
        lines.append("gaps: \(gaps) spacings longer than \(length)")
        if let r = resample { lines.append(r.description) }
        lines.append("panel: \(barCount) bars x \(assets.count) assets (\(assets.joined(separator: ", ")))")
        return lines.joined(separator: "\n")
    }
}
