import Foundation
import SeededRandom
import Testing
@testable import MarketGym
import TestSupport

@Suite("Predictions and the as-of join")
struct PredictionTableTests {
    /// Five daily bars for A, B.
    func bars() throws -> MarketData {
        try MarketData.parseCSV(csv("Date,A,B", "2020-01-02,1,1", "2020-01-03,2,2", "2020-01-06,3,3", "2020-01-07,4,4", "2020-01-08,5,5"))
    }

    @Test("long CSV loads in any order; as-of join takes the latest stamp <= bar, stamps between bars appear at the next bar")
    func asOf() throws {
        let table = try PredictionTable.parseCSV(csv(
            "timestamp,asset,p1,p2",
            "2020-01-03,A,0.5,",
            "2020-01-02,A,0.1,1",
            "2020-01-04T12:00:00Z,B,0.7,2",  // a Saturday: known from Monday's bar
            "2020-01-07,A,NaN,3"))
        #expect(table.featureNames == ["p1", "p2"])
        #expect(table.recordCount == 4)
        let m = try table.aligned(to: bars())
        #expect(m.names == ["p1", "p2"] && m.assets == ["A", "B"] && m.barCount == 5)
        #expect(m.value(bar: 0, asset: 0, feature: 0) == 0.1 && m.value(bar: 0, asset: 0, feature: 1) == 1)
        #expect(m.value(bar: 1, asset: 0, feature: 0) == 0.5 && m.value(bar: 1, asset: 0, feature: 1).isNaN)
        #expect(m.value(bar: 2, asset: 0, feature: 0) == 0.5)
        #expect(m.value(bar: 3, asset: 0, feature: 0).isNaN && m.value(bar: 3, asset: 0, feature: 1) == 3)
        #expect(m.value(bar: 1, asset: 1, feature: 0).isNaN)
        #expect(m.value(bar: 2, asset: 1, feature: 0) == 0.7 && m.value(bar: 4, asset: 1, feature: 0) == 0.7)
    }

    @Test("a maximum age turns stale predictions into missing values")
    func maxAge() throws {
        let table = try PredictionTable.parseCSV(csv("timestamp,asset,p", "2020-01-02,A,1"))
        let m = try table.aligned(to: bars(), maxAge: 86_400)
        #expect(m.value(bar: 0, asset: 0, feature: 0) == 1 && m.value(bar: 1, asset: 0, feature: 0) == 1)
        #expect(m.value(bar: 2, asset: 0, feature: 0).isNaN)
        #expect(m.value(bar: 0, asset: 1, feature: 0).isNaN)
    }

    @Test("a leaky file (next-bar returns stamped at the next bar) is seen one bar late, never early")
    func leakyFile() throws {
        var rng = Xoshiro256(seed: 7)
        let t = 60, n = 3
        var close = [Double](repeating: 0, count: t * n)
        for i in 0..<n { close[i] = 100 }
        for b in 1..<t { for i in 0..<n { close[b * n + i] = close[(b - 1) * n + i] * (1 + 0.02 * (Double(rng.next() % 1000) / 500 - 1)) } }
        let timestamps = (0..<t).map { day($0) }
        let data = try MarketData(assets: ["A", "B", "C"], timestamps: timestamps, close: close)
        // The "prediction" for bar b is the return from b to b+1, which is only known at b+1: stamp it there.
        var lines = ["timestamp,asset,next_return"]
        for b in 0..<(t - 1) {
            for i in 0..<n {
                let r = close[(b + 1) * n + i] / close[b * n + i] - 1
                lines.append("\(Timestamp.iso(timestamps[b + 1], dateOnly: true)),\(data.assets[i]),\(Float(r))")
            }
        }
        let table = try PredictionTable.parseCSV(Array((lines.joined(separator: "\n") + "\n").utf8))
        let m = try table.aligned(to: data)
        for i in 0..<n { #expect(m.value(bar: 0, asset: i, feature: 0).isNaN) }
        var sawFuture = 0
        for b in 1..<t {
            for i in 0..<n {
                let seen = m.value(bar: b, asset: i, feature: 0)
                let pastReturn = Float(close[b * n + i] / close[(b - 1) * n + i] - 1)
                #expect(seen == pastReturn, "bar \(b) asset \(i): the env sees the return that ended at bar \(b)")
                if b + 1 < t {
                    let future = Float(close[(b + 1) * n + i] / close[b * n + i] - 1)
                    if seen == future { sawFuture += 1 }
                }
            }
        }
        #expect(sawFuture == 0, "the env saw the next bar's return \(sawFuture) times")
    }

    @Test("property: changing any prediction stamped after bar t, or any bar after t, changes no aligned value at or before t")
    func noLookAhead() throws {
        var rng = Xoshiro256(seed: 2024)
        for trial in 0..<20 {
            let t = 40, n = 4, k = 2
            // Irregular bar times; predictions stamped anywhere, including between bars.
            var ts: [Int64] = []
            var now: Int64 = 1_600_000_000
            for _ in 0..<t { now += Int64(1 + rng.next() % 5) * 3600; ts.append(now) }
            let data = try MarketData(assets: ["A", "B", "C", "D"], timestamps: ts, close: [Double](repeating: 1, count: t * n))
            var stamps: [Int64] = [], assets: [Int32] = [], values: [Float] = []
            var used = Set<String>()
            for _ in 0..<150 {
                let stamp = ts[0] - 7200 + Int64(rng.next() % UInt64(ts[t - 1] - ts[0] + 10_000))
                let a = Int32(rng.next() % UInt64(n))
                guard used.insert("\(stamp)-\(a)").inserted else { continue }
                stamps.append(stamp); assets.append(a)
                for _ in 0..<k { values.append(Float(rng.next() % 10_000) / 100) }
            }
            let table = PredictionTable(featureNames: ["x", "y"], assets: data.assets, timestamps: stamps, assetIndex: assets, values: values)
            let base = try table.aligned(to: data, maxAge: trial % 2 == 0 ? nil : 5 * 3600)
            let cut = Int(rng.next() % UInt64(t))
            // Perturb every value stamped after bar `cut`, and add a record for every asset just after it.
            var perturbed = values
            for r in stamps.indices where stamps[r] > ts[cut] { for f in 0..<k { perturbed[r * k + f] += 1000 } }
            var s2 = stamps, a2 = assets
            for a in 0..<Int32(n) where !used.contains("\(ts[cut] + 1)-\(a)") {
                s2.append(ts[cut] + 1); a2.append(a); perturbed.append(contentsOf: [-1, -1])
            }
            let changed = PredictionTable(featureNames: ["x", "y"], assets: data.assets, timestamps: s2, assetIndex: a2, values: perturbed)
            let after = try changed.aligned(to: data, maxAge: trial % 2 == 0 ? nil : 5 * 3600)
            let upTo = (cut + 1) * n * k
            let same = zip(base.values[..<upTo], after.values[..<upTo]).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            #expect(same, "trial \(trial): a change after bar \(cut) leaked into bars <= \(cut)")
            // Bars after t changed too: cutting the timeline after bar `cut` (or moving its later bars)
            // leaves every aligned value at or before `cut` as it was.
            var moved = Array(ts.prefix(cut + 1))
            for k in (cut + 1)..<t { moved.append(ts[k] + Int64(k - cut) * 600) }
            for bars in [try MarketData(assets: data.assets, timestamps: Array(ts.prefix(cut + 1)), close: [Double](repeating: 1, count: (cut + 1) * n)),
                         try MarketData(assets: data.assets, timestamps: moved, close: [Double](repeating: 2, count: t * n))] {
                let aligned = try changed.aligned(to: bars, maxAge: trial % 2 == 0 ? nil : 5 * 3600)
                let prefixSame = zip(base.values[..<upTo], aligned.values[..<upTo]).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(prefixSame, "trial \(trial): changing bars after \(cut) moved an aligned value at or before it")
            }
            if cut + 1 < t {
                let later = zip(base.values[upTo...], after.values[upTo...]).contains { !($0 == $1 || ($0.isNaN && $1.isNaN)) }
                #expect(later, "trial \(trial): the perturbation must show after bar \(cut) (else the test proves nothing)")
            }
        }
    }

    @Test("CSV round trip is exact; gzip by extension")
    func roundTrip() throws {
        let table = PredictionTable(featureNames: ["a", "b"], assets: ["X", "Y"], timestamps: [day(1), day(0), day(0)],
                                    assetIndex: [0, 1, 0], values: [0.1, .nan, 1e-7, -3.25, Float.pi, 123456.79])
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("p.csv.gz")
        try table.writeCSV(to: url)
        let back = try PredictionTable.load(contentsOf: url)
        #expect(back.timestamps == [day(0), day(0), day(1)])
        #expect(back.featureNames == ["a", "b"])
        let rows = zip(back.assetIndex, back.timestamps).map { "\(back.assets[Int($0)])@\($1)" }
        #expect(rows == ["X@\(day(0))", "Y@\(day(0))", "X@\(day(1))"])
        #expect(back.values[0] == Float.pi && back.values[1] == 123456.79 && back.values[2] == 1e-7 && back.values[3] == -3.25)
        #expect(back.values[4] == 0.1 && back.values[5].isNaN)
    }

    @Test("malformed prediction files and unknown assets throw clear errors")
    func malformed() throws {
        func error(_ text: [UInt8]) -> DataFileError? { dataError { _ = try PredictionTable.parseCSV(text, source: "p.csv") } }
        #expect(error([]) == .emptyFile(file: "p.csv"))
        #expect(error(csv("timestamp,asset,p")) == .noRows(file: "p.csv"))
        #expect(error(csv("timestamp,p", "2020-01-02,1")) == .missingColumn(file: "p.csv", line: 1, column: "asset", header: ["timestamp", "p"]))
        #expect(error(csv("timestamp,asset,p", "2020-01-02,A,x")) == .unparseableValue(file: "p.csv", line: 2, column: 3, columnName: "p", value: "x"))
        #expect(error(csv("timestamp,asset,p", "2020-01-02,A")) == .raggedRow(file: "p.csv", line: 2, expected: 3, found: 2))
        #expect(error(csv("timestamp,asset,p", "Jan 2,A,1")) == .unparseableTimestamp(file: "p.csv", line: 2, column: 1, value: "Jan 2", format: .automatic))
        #expect(error(csv("timestamp,asset,p", "2020-01-02,A,1", "2020-01-02,B,1", "2020-01-02,A,2"))
                == .duplicateTimestamp(file: "p.csv", line: 4, firstLine: 2, timestamp: "2020-01-02", asset: "A"))
        let table = try PredictionTable.parseCSV(csv("timestamp,asset,p", "2020-01-02,A,1", "2020-01-03,ZZZ,1"), source: "p.csv")
        let unknown = dataError { _ = try table.aligned(to: bars()) }
        #expect(unknown == .unknownAsset(file: "p.csv", line: 3, asset: "ZZZ", known: ["A", "B"]))
        #expect(unknown?.description.contains("p.csv:3") == true)
    }
}
