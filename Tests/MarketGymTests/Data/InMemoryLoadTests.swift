import Foundation
@testable import MarketGym
import Testing
import TestSupport

/// The in-memory entry points the fuzz harnesses call (Fuzz/, docs/reliability.md) must be the
/// file loaders' own path: same panel bits, same report text, same errors.
@Suite("In-memory loaders equal the file loaders")
struct InMemoryLoadTests {
    /// Close, open and volume bit patterns (NaN-safe equality) with the timeline and assets.
    func bits(_ d: MarketData) -> [UInt64] {
        d.timestamps.map { UInt64(bitPattern: $0) } + d.close.map(\.bitPattern) + (d.open ?? []).map(\.bitPattern)
            + (d.volume ?? []).map(\.bitPattern) + [UInt64(d.assetCount)]
    }

    @Test("BarSource.load(contents:) gives the file loader's panel, partial flags and report on a bundled Binance file, and its errors")
    func barSourceFromMemory() throws {
        var spec = cryptoSpec(timeframe: "4h")
        spec.files = ["Binance_ETHUSDT_1h.csv.gz"]
        let path = cryptoFolder().appendingPathComponent("Binance_ETHUSDT_1h.csv.gz").path
        let fromFile = try BarSource.load(spec, base: cryptoFolder())
        let contents = [(name: path, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))]
        let fromMemory = try BarSource.load(spec, contents: contents)
        #expect(fromMemory.data.assets == ["ETH"] && fromMemory.data.barCount == fromFile.data.barCount && fromFile.data.barCount > 1000)
        #expect(bits(fromMemory.data) == bits(fromFile.data))
        #expect(fromMemory.partial == fromFile.partial)
        #expect(fromMemory.report.description == fromFile.report.description)
        // The duplicated 2020 hours are refused alike, naming the same lines.
        spec.duplicates.policy = .refuse
        let a = sourceError { _ = try BarSource.load(spec, base: cryptoFolder()) }
        let b = sourceError { _ = try BarSource.load(spec, contents: contents) }
        guard case .duplicateRow = a else { Issue.record("got \(String(describing: a))"); return }
        #expect(a == b)
        // No file at all is the same refusal as an empty file list.
        #expect(sourceError { _ = try BarSource.load(BarSourceSpec(), contents: []) } == sourceError { _ = try BarSource.load(BarSourceSpec()) })
    }

    @Test("a file's name in memory gives the asset, as a path's stem does")
    func stemFromName() throws {
        let bytes = Array("timestamp,close\n2020-01-01,1\n2020-01-02,2\n".utf8)
        let d = try BarSource.load(BarSourceSpec(), contents: [(name: "/x/Binance_XRPUSDT_1h.csv.gz", bytes: Gzip.compress(bytes))]).data
        #expect(d.assets == ["Binance_XRPUSDT_1h"] && d.close == [1, 2])
    }

    @Test("MarketData.validate(bytes:) reports exactly what validate(contentsOf:) reports, plain and gzip, valid and not")
    func validateFromMemory() throws {
        let dir = try makeTemporaryDirectory()
        let files: [(String, [UInt8])] = [
            ("good.csv", csv("Date,AAA,BBB", "2020-01-02,10,20", "2020-01-03,11,", "2020-01-06,30,21")),
            ("bad.csv", csv("Date,AAA,BBB", "2020-01-02,10,20", "2020-01-03,-1,x", "2020-01-03,1,2", "nope,1,2")),
            ("bad.csv.gz", Gzip.compress(csv("timestamp,asset,close", "2020-01-02,A,1e39", "2020-01-02,A,1"))),
        ]
        for (name, bytes) in files {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            let fromFile = MarketData.validate(contentsOf: url)
            let fromMemory = MarketData.validate(bytes: bytes, source: url.path)
            #expect(fromMemory.description == fromFile.description, "\(name)")
            #expect(fromMemory.isValid == (name == "good.csv"), "\(name)")
            #expect(fromMemory.isValid == ((try? MarketData.parseCSV(bytes)) != nil), "\(name)")
        }
        #expect(MarketData.validate(bytes: files[1].1).errorCount > 1)
        // A folder still reports what it is (the file read stays in validate(contentsOf:)).
        let folder = MarketData.validate(contentsOf: dir)
        #expect(!folder.isValid && folder.description.contains("it is a folder"))
    }
}
