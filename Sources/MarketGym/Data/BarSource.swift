#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Bars loaded through a `BarSourceSpec`: the panel, what was done to get it, and (after
/// resampling) which intervals were partial.
public struct LoadedBarSource: Sendable {
    /// The panel on the union timeline, every bar stamped at its close.
    public let data: MarketData
    /// What was read, merged, moved and resampled.
    public let report: BarSourceReport
    /// T x N, true where a resampled interval lacked some of its base bars (nil when not resampled).
    public let partial: [Bool]?
}

/// Loads vendor bar files through a spec: reads each file, resolves duplicates by the spec's
/// policy, moves open stamps to the close, builds the panel on the union timeline (an asset is
/// not tradable outside its own bars), and resamples when the spec names a timeframe.
public enum BarSource {
    /// Loads the files the spec names (or `files` when given), relative to `base`.
    /// - Parameters:
    ///   - spec: how to read the files.
    ///   - files: paths or globs overriding `spec.files` (the CLI's arguments); empty: `spec.files`.
    ///   - base: the folder relative paths start from (the spec file's folder). Default: the working folder.
    /// - Throws: `BarSourceError` naming the file, line, column and the spec key that fixes it.
    public static func load(_ spec: BarSourceSpec, files: [String] = [], base: URL? = nil) throws(BarSourceError) -> LoadedBarSource {
        let patterns = files.isEmpty ? spec.files : files
        guard !patterns.isEmpty else { throw .badSpec(key: "files", found: "empty", expected: "at least one file or glob") }
        var paths: [String] = []
        for p in patterns { paths += try expand(p, base: base) }
        let reader = VendorCSVReader(spec: spec)
        var rows = BarRows()
        var summaries: [FileReadSummary] = []
        for path in paths { summaries.append(try reader.read(file: path, into: &rows)) }
        return try assemble(spec, rows: rows, summaries: summaries)
    }

    /// Loads files held in memory through the spec, exactly as `load(_:files:base:)` loads them from
    /// disk (same reader, duplicate policy, panel and resampling); `spec.files` is not read.
    /// - Parameters:
    ///   - spec: how to read the files.
    ///   - contents: each file's name (for messages and the asset stem) and bytes (plain or gzip).
    /// - Throws: `BarSourceError` naming the file, line, column and the spec key that fixes it.
    public static func load(_ spec: BarSourceSpec, contents: [(name: String, bytes: [UInt8])]) throws(BarSourceError) -> LoadedBarSource {
        guard !contents.isEmpty else { throw .badSpec(key: "files", found: "empty", expected: "at least one file or glob") }
        let reader = VendorCSVReader(spec: spec)
        var rows = BarRows()
        var summaries: [FileReadSummary] = []
        for file in contents { summaries.append(try reader.read(bytes: file.bytes, file: file.name, into: &rows)) }
        return try assemble(spec, rows: rows, summaries: summaries)
    }

    /// Everything after reading: case check, duplicates, stamps, panel, resampling.
    static func assemble(_ spec: BarSourceSpec, rows: BarRows, summaries: [FileReadSummary]) throws(BarSourceError) -> LoadedBarSource {
        try checkCase(rows.assetNames)
        var merge = try resolveDuplicates(rows, policy: spec.duplicates)
        // Bar length and stamp convention.
        let barLength: Int64
        if let text = spec.barLength {
            guard let s = BarDuration.seconds(text) else { throw .badSpec(key: "barLength", found: "'\(text)'", expected: "a duration such as 1h, 30m, 1d") }
            barLength = s
        } else {
            barLength = mostCommonSpacing(merge.kept.map { rows.timestamps[$0] }, assets: merge.kept.map { rows.assets[$0] })
        }
        let stamps = spec.stamps ?? .close
        let shift: Int64 = stamps == .open ? barLength : 0
        let data = try panel(rows, kept: &merge.kept, shift: shift)
        guard data.tradable.contains(true) else {
            throw .badSpec(key: "columns.close", found: "empty in every row of \(rows.fileNames.joined(separator: ", "))",
                           expected: "at least one bar with a close. Check that columns.close names the close column")
        }
        var report = BarSourceReport(files: summaries, assets: data.assets, stamps: stamps, stampsStated: spec.stamps != nil,
                                     barLength: barLength, duplicatesMerged: merge.merged, disagreementsAccepted: merge.accepted,
                                     gaps: gapCount(data.timestamps, barLength: barLength), barCount: data.barCount, resample: nil)
        guard let timeframe = spec.timeframe else { return LoadedBarSource(data: data, report: report, partial: nil) }
        guard let step = BarDuration.seconds(timeframe) else {
            throw .badTimeframe(found: timeframe, reason: "not a duration", fix: "Write a whole number and a unit: 90m, 2h, 4h, 1d.")
        }
        let resampled = try data.resampled(to: step, base: barLength)
        guard resampled.data.tradable.contains(true) else {
            throw .badTimeframe(found: timeframe, reason: "no complete \(timeframe) interval holds a close (\(resampled.summary.openTailBars) bars are in the still-open last interval, which is never emitted)",
                                fix: "Load bars covering at least one whole \(timeframe) interval, or choose a shorter timeframe.")
        }
        report.resample = resampled.summary
        report.barCount = resampled.data.barCount
        return LoadedBarSource(data: resampled.data, report: report, partial: resampled.partial)
    }

    /// The files a path or glob names, sorted; a plain path is returned as is (its errors come on reading).
    public static func expand(_ pattern: String, base: URL?) throws(BarSourceError) -> [String] {
        let full = pattern.hasPrefix("/") || base == nil ? pattern : (base?.appendingPathComponent(pattern).path ?? pattern)
        guard full.contains("*") || full.contains("?") || full.contains("[") else { return [full] }
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(full, 0, nil, &g) == 0 else { throw .noFiles(pattern: pattern) }
        var out: [String] = []
        for k in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[k] { out.append(String(cString: p)) }
        }
        guard !out.isEmpty else { throw .noFiles(pattern: pattern) }
        return out.sorted()
    }

    static func checkCase(_ names: [String]) throws(BarSourceError) {
        var seen: [String: String] = [:]
        for n in names {
            if let other = seen[n.lowercased()], other != n { throw .caseOnlyAssetNames(other, n) }
            seen[n.lowercased()] = n
        }
    }

    /// Rows kept (one per asset and time, sorted by asset then time), copies merged, disagreements accepted.
    static func resolveDuplicates(_ rows: BarRows, policy: DuplicatePolicy) throws(BarSourceError) -> (kept: [Int], merged: Int, accepted: Int) {
        guard policy.tolerance >= 0, policy.tolerance < 1 else {
            throw .badSpec(key: "duplicates.tolerance", found: "\(policy.tolerance)", expected: "a relative tolerance in [0, 1)")
        }
        var accept = Set<Int64>()
        for text in policy.acceptDisagreementAt {
            guard let ts = Timestamp.parse(text) else {
                throw .badSpec(key: "duplicates.acceptDisagreementAt", found: "'\(text)'", expected: "ISO date-times such as 2020-11-20T07:00:00Z")
            }
            accept.insert(ts)
        }
        let order = (0..<rows.count).sorted {
            (rows.assets[$0], rows.timestamps[$0], rows.files[$0], rows.lines[$0]) < (rows.assets[$1], rows.timestamps[$1], rows.files[$1], rows.lines[$1])
        }
        var kept: [Int] = []
        kept.reserveCapacity(order.count)
        var merged = 0, accepted = 0
        var k = 0
        while k < order.count {
            let first = order[k]
            var j = k + 1
            while j < order.count, rows.assets[order[j]] == rows.assets[first], rows.timestamps[order[j]] == rows.timestamps[first] { j += 1 }
            if j - k > 1 {
                let asset = rows.assetNames[Int(rows.assets[first])]
                let time = Timestamp.iso(rows.timestamps[first])
                for m in (k + 1)..<j {
                    let other = order[m]
                    if policy.policy == .refuse {
                        throw .duplicateRow(asset: asset, time: time, first: rows.place(first), second: rows.place(other))
                    }
                    if let f = disagreement(rows, first, other, tolerance: policy.tolerance) {
                        guard accept.contains(rows.timestamps[first]) else {
                            throw .disagreeingCopies(asset: asset, time: time, first: rows.place(first), second: rows.place(other),
                                                     field: BarRows.fields[f], firstValue: rows.values[first * 5 + f],
                                                     secondValue: rows.values[other * 5 + f], tolerance: policy.tolerance)
                        }
                        accepted += 1
                    }
                    merged += 1
                }
            }
            kept.append(policy.policy == .keepLast ? order[j - 1] : first)
            k = j
        }
        return (kept, merged, accepted)
    }

    /// The first field (in `BarRows.fields` order) where two rows differ beyond the tolerance.
    static func disagreement(_ rows: BarRows, _ a: Int, _ b: Int, tolerance: Double) -> Int? {
        for f in 0..<5 {
            let x = rows.values[a * 5 + f], y = rows.values[b * 5 + f]
            if x.isNaN && y.isNaN { continue }
            if x.isNaN || y.isNaN || abs(x - y) > tolerance * max(abs(x), abs(y)) { return f }
        }
        return nil
    }

    /// The most common positive spacing between consecutive bars of each asset (seconds); 86,400 when there is none.
    static func mostCommonSpacing(_ timestamps: [Int64], assets: [Int32]) -> Int64 {
        var counts: [Int64: Int] = [:]
        for k in timestamps.indices.dropFirst() where assets[k] == assets[k - 1] {
            let d = timestamps[k] - timestamps[k - 1]
            if d > 0 { counts[d, default: 0] += 1 }
        }
        return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 86_400
    }

    /// Spacings between consecutive timeline bars longer than one bar.
    static func gapCount(_ timestamps: [Int64], barLength: Int64) -> Int {
        var n = 0
        for k in timestamps.indices.dropFirst() where timestamps[k] - timestamps[k - 1] > barLength { n += 1 }
        return n
    }

    /// The T x N panel on the union of every asset's (shifted) timestamps; assets sorted by name.
    static func panel(_ rows: BarRows, kept: inout [Int], shift: Int64) throws(BarSourceError) -> MarketData {
        let timeline = Array(Set(kept.map { rows.timestamps[$0] + shift })).sorted()
        var barOf: [Int64: Int] = [:]
        barOf.reserveCapacity(timeline.count)
        for (b, ts) in timeline.enumerated() { barOf[ts] = b }
        let byName = rows.assetNames.indices.sorted { rows.assetNames[$0] < rows.assetNames[$1] }
        var column = [Int](repeating: 0, count: rows.assetNames.count)
        for (c, a) in byName.enumerated() { column[a] = c }
        let n = rows.assetNames.count, t = timeline.count
        let cells = n.multipliedReportingOverflow(by: t)
        if cells.overflow || cells.partialValue > DataLimits.maxPanelCells {
            throw .file(.panelTooLarge(file: rows.fileNames.joined(separator: ", "), bars: t, assets: n, limit: DataLimits.maxPanelCells))
        }
        var fields = (0..<5).map { rows.present[$0] ? [Double](repeating: .nan, count: n * t) : [] }
        for r in kept {
            guard let b = barOf[rows.timestamps[r] + shift] else { continue }
            let cell = b * n + column[Int(rows.assets[r])]
            for f in 0..<5 where rows.present[f] { fields[f][cell] = rows.values[r * 5 + f] }
        }
        do {
            return try MarketData(assets: byName.map { rows.assetNames[$0] }, timestamps: timeline, close: fields[0],
                                  open: rows.present[1] ? fields[1] : nil, high: rows.present[2] ? fields[2] : nil,
                                  low: rows.present[3] ? fields[3] : nil, volume: rows.present[4] ? fields[4] : nil,
                                  source: rows.fileNames.joined(separator: ", "))
        } catch {
            throw .badSpec(key: "files", found: error.description, expected: "bars that form one panel")
        }
    }
}
