/// Bars resampled to a longer timeframe, with the intervals that lacked base bars.
public struct ResampledBars: Sendable {
    /// The resampled panel, every bar stamped at its interval's close.
    public let data: MarketData
    /// T x N, true where the interval held some but not all of the asset's base bars.
    public let partial: [Bool]
    /// Counts for the report.
    public let summary: ResampleSummary
}

/// What a resampling did.
public struct ResampleSummary: Sendable, Equatable, CustomStringConvertible {
    /// Source and target bar lengths, seconds.
    public let from: Int64
    public let to: Int64
    /// Intervals emitted (timeline bars).
    public let intervals: Int
    /// Asset-intervals kept although some base bars were missing (flagged in `partial`).
    public let partialIntervals: Int
    /// Base bars after the last closed interval, left out (the interval is still open).
    public let openTailBars: Int

    public var description: String {
        "resampled \(BarDuration.text(from)) -> \(BarDuration.text(to)): \(intervals) intervals, \(partialIntervals) partial asset-intervals (kept, flagged), \(openTailBars) bars of the still-open last interval left out"
    }
}

extension MarketData {
    /// Resamples to `step` seconds: intervals open on the left and closed on the right, anchored at
    /// UTC midnight (epoch 0), each stamped at its close; open = first, high = max, low = min,
    /// close = last, volume = sum over the asset's tradable base bars in the interval (pandas
    /// `resample(step, closed="right", label="right")` with first/max/min/last/sum).
    ///
    /// An asset-interval missing some base bars is kept and flagged `partial`; one with none is
    /// missing (not tradable); the last interval, still open after the last bar, is never emitted.
    /// - Parameters:
    ///   - step: the target bar length, seconds: a whole multiple of `base` that divides one day or is whole days.
    ///   - base: the source bar length, seconds. Default nil: the most common spacing of the timeline.
    /// - Throws: `BarSourceError.badTimeframe` for a step the bars cannot make exactly (with the fix).
    public func resampled(to step: Int64, base: Int64? = nil) throws(BarSourceError) -> ResampledBars {
        let baseStep = base ?? BarSource.mostCommonSpacing(timestamps, assets: [Int32](repeating: 0, count: barCount))
        let target = BarDuration.text(step), source = BarDuration.text(baseStep)
        guard step > 0, step % baseStep == 0 else {
            let finer = Self.largestDivisor(step)
            throw .badTimeframe(found: target, reason: "it is not a whole multiple of the source bars' \(source)",
                                fix: "Choose a multiple of \(source) (\(BarDuration.text(baseStep * 2)), \(BarDuration.text(baseStep * 4)), ...), or load source bars of \(BarDuration.text(finer)) or finer.")
        }
        guard 86_400 % step == 0 || step % 86_400 == 0 else {
            throw .badTimeframe(found: target, reason: "it neither divides one day nor is a whole number of days, so its grid cannot be anchored at UTC midnight",
                                fix: "Choose a step that divides 24h (1h, 2h, 3h, 4h, 6h, 8h, 12h, 90m, ...) or whole days.")
        }
        if let off = timestamps.first(where: { Timestamp.floorDiv($0, baseStep) * baseStep != $0 }) {
            throw .badTimeframe(found: target, reason: "bar \(Timestamp.iso(off)) is not on the \(source) grid anchored at UTC midnight",
                                fix: "Check the stamps setting (open or close) and barLength, so every bar is stamped at a \(source) boundary.")
        }
        let n = assetCount
        let perInterval = Int(step / baseStep)
        guard let last = timestamps.last else { throw .badTimeframe(found: target, reason: "there are no bars", fix: "Load some bars first.") }
        var labels: [Int64] = []
        var firstBar: [Int] = []  // first base bar of each emitted interval
        var tail = 0
        for (b, ts) in timestamps.enumerated() {
            let label = -Timestamp.floorDiv(-ts, step) * step  // ceiling to the grid: right-closed, right-labelled
            if label > last { tail += 1; continue }
            if labels.last != label { labels.append(label); firstBar.append(b) }
        }
        firstBar.append(timestamps.count - tail)
        let t = labels.count
        var close = [Double](repeating: .nan, count: t * n)
        var open = self.open.map { _ in [Double](repeating: .nan, count: t * n) }
        var high = self.high.map { _ in [Double](repeating: .nan, count: t * n) }
        var low = self.low.map { _ in [Double](repeating: .nan, count: t * n) }
        var volume = self.volume.map { _ in [Double](repeating: .nan, count: t * n) }
        var partial = [Bool](repeating: false, count: t * n)
        var partialCount = 0
        for k in 0..<t {
            for i in 0..<n {
                var count = 0
                var o = Double.nan, h = -Double.infinity, l = Double.infinity, c = Double.nan, v = 0.0
                var vSeen = false, hSeen = false, lSeen = false
                for b in firstBar[k]..<firstBar[k + 1] {
                    let cell = b * n + i
                    guard tradable[cell] else { continue }
                    count += 1
                    c = self.close[cell]
                    if let src = self.open, o.isNaN { o = src[cell] }
                    if let src = self.high, !src[cell].isNaN { h = Swift.max(h, src[cell]); hSeen = true }
                    if let src = self.low, !src[cell].isNaN { l = Swift.min(l, src[cell]); lSeen = true }
                    if let src = self.volume, !src[cell].isNaN { v += src[cell]; vSeen = true }
                }
                guard count > 0 else { continue }
                let cell = k * n + i
                close[cell] = c
                open?[cell] = o
                high?[cell] = hSeen ? h : .nan
                low?[cell] = lSeen ? l : .nan
                volume?[cell] = vSeen ? v : .nan
                if count < perInterval { partial[cell] = true; partialCount += 1 }
            }
        }
        do {
            let data = try MarketData(assets: assets, timestamps: labels, close: close, open: open, high: high, low: low, volume: volume,
                                      source: "resampled to \(target)")
            return ResampledBars(data: data, partial: partial,
                                 summary: ResampleSummary(from: baseStep, to: step, intervals: t, partialIntervals: partialCount, openTailBars: tail))
        } catch {
            throw .badTimeframe(found: target, reason: error.description, fix: "Report this: resampled bars should always form a panel.")
        }
    }

    /// The largest bar length that makes `step` exactly and divides one day (for the fix text).
    static func largestDivisor(_ step: Int64) -> Int64 {
        for candidate: Int64 in [3600, 1800, 900, 600, 300, 60] where step % candidate == 0 { return candidate }
        return 60
    }
}
