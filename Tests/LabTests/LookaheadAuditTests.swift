import Foundation
import Testing
@testable import Lab

@Suite struct LookaheadAuditTests {
    static let assets = (0..<12).map { "A\($0)" }

    /// A random-walk panel of `bars` daily closes for 12 assets.
    static func bars(_ count: Int = 260, seed: UInt64 = 1) throws -> MarketData {
        var rng = Xoshiro256(seed: seed)
        let n = assets.count
        var close = [Double](repeating: 100, count: count * n)
        for t in 1..<count { for i in 0..<n { close[t * n + i] = close[(t - 1) * n + i] * (1 + 0.01 * rng.normal()) } }
        return try MarketData(assets: assets, timestamps: (0..<count).map { Int64($0) * 86_400 + 1_600_000_000 }, close: close)
    }

    static func ret(_ b: MarketData, _ t: Int, _ i: Int) -> Double {
        let n = b.assetCount
        return b.close[t * n + i] / b.close[(t - 1) * n + i] - 1
    }

    /// One feature per (bar, asset) from `value(t, i)`, stamped at bar t's close (+ `shift` seconds).
    static func table(_ b: MarketData, shift: Int64 = 0, bars range: Range<Int>, value: (Int, Int) -> Double) -> PredictionTable {
        var ts: [Int64] = [], ai: [Int32] = [], v: [Float] = []
        for t in range { for i in 0..<b.assetCount { ts.append(b.timestamps[t] + shift); ai.append(Int32(i)); v.append(Float(value(t, i))) } }
        return PredictionTable(featureNames: ["pred"], assets: b.assets, timestamps: ts, assetIndex: ai, values: v)
    }

    @Test func anHonestNoisySignalHasNoFinding() throws {
        let b = try Self.bars()
        var rng = Xoshiro256(seed: 9)
        // Weak real signal: 0.05 × next return + noise (IC ≈ 0.05), known at t.
        let p = Self.table(b, bars: 1..<(b.barCount - 1)) { t, i in 0.05 * Self.ret(b, t + 1, i) + 0.01 * rng.normal() }
        let r = try LookaheadAudit.audit(predictions: p, bars: b)
        #expect(r.findings.isEmpty, "\(r.findings)")
        #expect(r.lags == Array(-5...5))
    }

    @Test func aPredictionThatSawTheNextReturnIsFlagged() throws {
        let b = try Self.bars()
        var rng = Xoshiro256(seed: 9)
        let p = Self.table(b, bars: 1..<(b.barCount - 1)) { t, i in Self.ret(b, t + 1, i) + 0.003 * rng.normal() }
        let r = try LookaheadAudit.audit(predictions: p, bars: b)
        #expect(r.findings.map(\.kind) == [.forwardIC])
        #expect(r.ic[0][6] > 0.8, "IC at +1: \(r.ic[0][6])")
    }

    @Test func aValueCopyingItsOwnBarsReturnIsFlagged() throws {
        let b = try Self.bars()
        let p = Self.table(b, bars: 1..<b.barCount) { t, i in Self.ret(b, t, i) }
        let r = try LookaheadAudit.audit(predictions: p, bars: b)
        #expect(r.findings.map(\.kind) == [.stampIC])
        #expect(abs(r.ic[0][5] - 1) < 1e-12)
    }

    @Test func offGridStampsAndInjectedProvenanceAreFlagged() throws {
        let b = try Self.bars()
        var rng = Xoshiro256(seed: 4)
        let p = Self.table(b, shift: -3600 * 6, bars: 1..<b.barCount) { _, _ in rng.normal() }
        let r = try LookaheadAudit.audit(predictions: p, bars: b, provenance: ["lookahead": "injected"])
        #expect(Set(r.findings.map(\.kind)) == [.offGridStamps, .injected])
        #expect(r.offGridRecords == (b.barCount - 1) * 12)
    }

    @Test func aFileWhoseAssetsDoNotMatchTheBarsIsTheNamedError() throws {
        let b = try Self.bars()
        let p = PredictionTable(featureNames: ["pred"], assets: ["ZZZ"], timestamps: [b.timestamps[3]], assetIndex: [0], values: [0.1], source: "preds.csv")
        #expect(throws: DataFileError.unknownAsset(file: "preds.csv", line: 0, asset: "ZZZ", known: Self.assets)) {
            try LookaheadAudit.audit(predictions: p, bars: b)
        }
    }

    /// The strong form catches a builder that reads one bar ahead, and passes an honest one.
    @Test func truncationCatchesABuilderThatReadsTheFuture() throws {
        let b = try Self.bars(120)
        func momentum(_ bars: MarketData, ahead: Int) -> PredictionTable {
            let n = bars.assetCount
            return Self.table(bars, bars: 5..<bars.barCount) { t, i in
                let u = min(t + ahead, bars.barCount - 1)
                return bars.close[u * n + i] / bars.close[(t - 5) * n + i]
            }
        }
        let honest = try LookaheadAudit.truncationCheck(bars: b, cuts: 4, seed: 1) { momentum($0, ahead: 0) }
        #expect(honest.findings.isEmpty)
        #expect(honest.cuts.count == 4)
        let leaky = try LookaheadAudit.truncationCheck(bars: b, cuts: 4, seed: 1) { momentum($0, ahead: 1) }
        #expect(leaky.findings.count == 4)
        #expect(leaky.findings.allSatisfy { $0.kind == .truncation && $0.detail.contains("depended on the future") })
    }
}
