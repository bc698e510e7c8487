import Foundation
import MarketGym
import Testing
@testable import Predictors
import SeededRandom

@Suite struct InjectedSignalTests {
    /// 1,000 bars × 30 assets of random-walk closes.
    static func bars() throws -> MarketData {
        var rng = Xoshiro256(seed: 77)
        let n = 30, t = 1000
        var close = [Double](repeating: 50, count: n * t)
        for b in 1..<t { for i in 0..<n { close[b * n + i] = close[(b - 1) * n + i] * (1 + 0.015 * rng.normal()) } }
        return try MarketData(assets: (0..<n).map { "S\($0)" }, timestamps: (0..<t).map { 1_500_000_000 + Int64($0) * 86_400 }, close: close)
    }

    /// The realized mean rank IC, measured independently here from the table and the closes.
    static func measuredIC(_ table: PredictionTable, _ bars: MarketData, onlyConfident: Bool? = nil) -> Double {
        let n = bars.assetCount
        var byBar: [Int64: (x: [Double], y: [Double], conf: Double)] = [:]
        let barOf = Dictionary(uniqueKeysWithValues: bars.timestamps.enumerated().map { ($1, $0) })
        for r in 0..<table.recordCount {
            guard let b = barOf[table.timestamps[r]] else { continue }
            let i = Int(table.assetIndex[r])
            let fwd = bars.close[(b + 1) * n + i] / bars.close[b * n + i] - 1
            byBar[table.timestamps[r], default: ([], [], 0)].x.append(Double(table.values[2 * r]))
            byBar[table.timestamps[r], default: ([], [], 0)].y.append(fwd)
            byBar[table.timestamps[r]]?.conf = Double(table.values[2 * r + 1])
        }
        var s = 0.0, c = 0
        for (_, v) in byBar {
            if let only = onlyConfident, (v.conf > 0.5) != only { continue }
            if let rho = spearman(v.x, v.y) { s += rho; c += 1 }
        }
        return s / Double(max(c, 1))
    }

    @Test func realizedICIsNearTheTargetAndConfidenceKnowsTheRegime() throws {
        let b = try Self.bars()
        let (table, realized) = try InjectedSignal(ic: 0.1, informativeness: 1, regimeLength: 10, seed: 3).build(bars: b)
        #expect(table.featureNames == ["pred", "confidence"])
        #expect(table.recordCount == (b.barCount - 1) * b.assetCount)
        let measured = Self.measuredIC(table, b)
        #expect(abs(measured - realized) < 1e-9)
        // Regimes of mean length 10 bars: about 100 of them, so the on-share is 1/2 ± 0.05.
        // The mean IC is 2·IC × the share of bars in the "on" regime (1/2 in expectation; confidence is
        // exactly the regime at informativeness 1, so the share is read from it).
        var on = 0, bars = 0
        for r in Swift.stride(from: 0, to: table.recordCount, by: b.assetCount) { bars += 1; if table.values[2 * r + 1] > 0.5 { on += 1 } }
        let share = Double(on) / Double(bars)
        #expect(share > 0.35 && share < 0.65, "on-share \(share)")
        #expect(abs(realized - 0.2 * share) < 0.015, "realized \(realized), on-share \(share)")
        // With informativeness 1, confidence is exactly the regime: IC ≈ 0.2 when confident, ≈ 0 when not.
        #expect(Self.measuredIC(table, b, onlyConfident: true) > 0.15)
        #expect(abs(Self.measuredIC(table, b, onlyConfident: false)) < 0.03)
    }

    @Test func zeroICHasNoSignalAndUninformativeConfidenceKnowsNothing() throws {
        let b = try Self.bars()
        let (t0, r0) = try InjectedSignal(ic: 0, informativeness: 1, seed: 3).build(bars: b)
        #expect(abs(r0) < 0.015)
        #expect(abs(Self.measuredIC(t0, b)) < 0.015)
        let (t1, _) = try InjectedSignal(ic: 0.1, informativeness: 0, seed: 3).build(bars: b)
        let on = Self.measuredIC(t1, b, onlyConfident: true), off = Self.measuredIC(t1, b, onlyConfident: false)
        #expect(abs(on - off) < 0.05, "confident \(on) vs not \(off)")
    }

    @Test func sameSeedSameFileAndBadSettingsAreNamed() throws {
        let b = try Self.bars()
        let a = try InjectedSignal(ic: 0.05, informativeness: 0.5, seed: 9).build(bars: b).table
        let c = try InjectedSignal(ic: 0.05, informativeness: 0.5, seed: 9).build(bars: b).table
        #expect(a.values.map(\.bitPattern) == c.values.map(\.bitPattern))
        #expect(throws: PredictorError.invalidConfig(field: "ic", value: "0.7", expected: "a target rank IC in [0, 0.5] (the on-regime correlation is 2·IC ≤ 1)")) {
            try InjectedSignal(ic: 0.7, informativeness: 1).build(bars: b)
        }
        #expect(throws: PredictorError.invalidConfig(field: "informativeness", value: "1.5", expected: "a number in [0, 1]")) {
            try InjectedSignal(ic: 0.1, informativeness: 1.5).build(bars: b)
        }
    }

    @Test func writtenFilesCarryTheInjectedProvenance() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inj-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let b = try Self.bars()
        let bars = dir.appendingPathComponent("bars.csv")
        var csv = "Date," + b.assets.joined(separator: ",") + "\n"
        for t in 0..<200 { csv += "\(CivilDate(epochSeconds: b.timestamps[t]))," + (0..<b.assetCount).map { String(b.close[t * b.assetCount + $0]) }.joined(separator: ",") + "\n" }
        try csv.write(to: bars, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("p.csv.gz")
        try InjectedSignal.write(bars: bars, output: out, signal: InjectedSignal(ic: 0.05, informativeness: 1))
        #expect(InjectedSignal.isInjected(predictions: out))
        let loaded = try PredictionTable.load(contentsOf: out)
        #expect(loaded.featureNames == ["pred", "confidence"])
        #expect(!InjectedSignal.isInjected(predictions: bars))
    }
}
