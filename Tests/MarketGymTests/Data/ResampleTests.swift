import Foundation
import Testing
@testable import MarketGym
import TestSupport

@Suite("Resampling")
struct ResampleTests {
    /// Every value of the bundled hourly files at 2h and 4h against pandas
    /// `resample(closed="right", label="right")` (scripts/goldens/crypto_resample_goldens.py).
    @Test("bundled crypto hourly -> 2h and 4h equals pandas, every value, count and partial flag", arguments: ["2h", "4h"])
    func pandasGolden(rule: String) throws {
        let golden = repositoryRoot().appendingPathComponent("Tests/Goldens/data/crypto-resample.csv.gz")
        let text = try Gzip.decompress([UInt8](Data(contentsOf: golden)))
        let loaded = try BarSource.load(cryptoSpec(timeframe: rule), base: cryptoFolder())
        let d = loaded.data, n = d.assetCount
        let partial = try #require(loaded.partial)
        let perInterval = rule == "2h" ? 2 : 4
        var barOf: [Int64: Int] = [:]
        for (b, ts) in d.timestamps.enumerated() { barOf[ts] = b }
        var seen = 0, partialSeen = 0
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n").dropFirst() {
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard c[0] == rule else { continue }
            let ts = try #require(Int64(c[1])), b = try #require(barOf[ts], "interval \(ts) missing")
            let i = try #require(d.assetIndex(c[2]))
            let cell = b * n + i
            let g = c[3...7].map { Double($0) ?? .nan }
            #expect(d.open?[cell] == g[0] && d.high?[cell] == g[1] && d.low?[cell] == g[2] && d.close[cell] == g[3], "\(c[2]) \(ts)")
            let v = d.volume?[cell] ?? .nan
            #expect(abs(v - g[4]) <= 1e-12 * abs(g[4]), "\(c[2]) \(ts) volume \(v) vs \(g[4])")
            let count = try #require(Int(c[8]))
            #expect(partial[cell] == (count < perInterval))
            if count < perInterval { partialSeen += 1 }
            seen += 1
        }
        // Every tradable asset-interval is in the golden, and nothing else.
        #expect(seen == d.tradable.filter { $0 }.count)
        #expect(seen > 0 && loaded.report.resample?.partialIntervals == partialSeen)
    }

    /// 30-minute bars closing 00:30 .. 06:00 UTC with the 02:30 bar missing; 90m intervals close at
    /// 01:30, 03:00, 04:30, 06:00 (UTC-midnight grid, right-closed): worked by hand below.
    @Test("the 90m grid on 30-minute bars: right-closed, right-labelled, partial flagged")
    func ninetyMinutes() throws {
        let day = Timestamp.parse("2021-03-01T00:00:00Z") ?? 0
        var stamps: [Int64] = []
        for k in 1...12 where k != 5 { stamps.append(day + Int64(k) * 1800) }
        let close = stamps.indices.map { Double($0 + 1) }
        let d = try MarketData(assets: ["X"], timestamps: stamps, close: close, open: close.map { $0 - 0.5 },
                               high: close.map { $0 + 1 }, low: close.map { $0 - 1 }, volume: close.map { $0 * 10 })
        let r = try d.resampled(to: 5400, base: 1800)
        #expect(r.data.timestamps == [day + 5400, day + 10_800, day + 16_200, day + 21_600])
        // Bars (close values) per interval: {1,2,3}, {4,(missing),5}, {6,7,8}, {9,10,11}.
        #expect(r.data.close == [3, 5, 8, 11])
        #expect(r.data.open == [0.5, 3.5, 5.5, 8.5])
        #expect(r.data.high == [4, 6, 9, 12])
        #expect(r.data.low == [0, 3, 5, 8])
        #expect(r.data.volume == [60, 90, 210, 300])
        #expect(r.partial == [false, true, false, false])
        #expect(r.summary.partialIntervals == 1 && r.summary.openTailBars == 0)
    }

    @Test("the still-open last interval is never emitted")
    func openTail() throws {
        let t0 = Timestamp.parse("2021-03-01T00:00:00Z") ?? 0
        let stamps = (1...5).map { t0 + Int64($0) * 3600 }
        let d = try MarketData(assets: ["X"], timestamps: stamps, close: [1, 2, 3, 4, 5])
        let r = try d.resampled(to: 7200, base: 3600)
        #expect(r.data.timestamps == [t0 + 7200, t0 + 14_400])
        #expect(r.data.close == [2, 4] && r.summary.openTailBars == 1)
    }

    @Test("steps the bars cannot make exactly are refused with the fix")
    func refused() throws {
        let t0 = Timestamp.parse("2021-03-01T00:00:00Z") ?? 0
        let d = try MarketData(assets: ["X"], timestamps: (1...8).map { t0 + Int64($0) * 3600 }, close: (1...8).map(Double.init))
        let ninety = sourceError { _ = try d.resampled(to: 5400) }
        guard case let .badTimeframe(found, _, fix) = ninety else { Issue.record("got \(String(describing: ninety))"); return }
        #expect(found == "90m" && fix.contains("30m or finer"))
        let five = sourceError { _ = try d.resampled(to: 5 * 3600) }
        #expect(five?.description.contains("neither divides one day") == true)
        var spec = BarSourceSpec()
        spec.timeframe = "2x"
        let path = try temporaryFile("b.csv", "timestamp,close\n2021-03-01T01:00:00Z,1\n")
        #expect(sourceError { _ = try BarSource.load(spec, files: [path]) }?.description.contains("not a duration") == true)
    }
}
