import Foundation
import SeededRandom
import Testing
@testable import MarketGym
import TestSupport

@Suite("Bar CSV loading")
struct BarCSVTests {
    @Test("the bundled S&P file loads: 8,313 bars x 20 assets, values agree with Python's csv module")
    func bundled() throws {
        let loaded = try MarketData.loadWithReport(contentsOf: bundledBarsURL())
        let data = loaded.data
        #expect(loaded.layout == .wideCloses)
        #expect(data.barCount == 8313 && data.assetCount == 20)
        #expect(data.assets.first == "AAPL" && data.assets.last == "XOM")
        #expect(data.timestamps.first == Timestamp.parse("1990-01-02"))
        #expect(data.timestamps.last == Timestamp.parse("2022-12-28"))
        #expect(data.close[0] == 0.264 && data.close[1] == 4.125)
        #expect(data.tradable.allSatisfy { $0 })
        #expect(data.open == nil && data.volume == nil)
        // Reference: Python's gzip + csv + float() (correctly rounded), summed per asset and checked
        // at a few cells; our fast-path parser must give the identical doubles.
        let script = """
        import gzip, csv, sys
        rows = list(csv.reader(gzip.open(sys.argv[1], "rt")))
        body = rows[1:]
        print(len(body), len(rows[0]) - 1)
        for c in range(1, len(rows[0])):
            print(repr(sum(float(r[c]) for r in body)))
        for (r, c) in [(0, 1), (4000, 7), (8312, 20)]:
            print(repr(float(body[r][c])))
        """
        let result = try runPython(script: script, arguments: [bundledBarsURL().path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "8313 20")
        for i in 0..<20 {
            var sum = 0.0
            for t in 0..<8313 { sum += data.close[t * 20 + i] }
            #expect(String(sum) == lines[1 + i] || Double(lines[1 + i]) == sum, "asset \(i)")
        }
        #expect(Double(lines[21]) == data.close[0])
        #expect(Double(lines[22]) == data.close[4000 * 20 + 6])
        #expect(Double(lines[23]) == data.close[8312 * 20 + 19])
        // The bundled data is clean: no errors; the 2001-09-11 closure shows up as a gap warning.
        #expect(loaded.report.isValid)
        #expect(loaded.report.warnings.contains { $0.kind == .gap && $0.examples.contains { $0.hasPrefix("2001-09-10") } })
    }

    @Test("wide closes: unsorted rows are sorted, late starts and early stops are not tradable")
    func wideCloses() throws {
        let data = try MarketData.parseCSV(csv(
            "Date,A,B",
            "2020-01-03,11,",
            "2020-01-02,10,",
            "2020-01-06,12.5,20",
            "2020-01-07,,21"))
        #expect(data.assets == ["A", "B"])
        #expect(data.timestamps == [day(0), day(1), day(4), day(5)])
        #expect(data.close[0] == 10 && data.close[2] == 11 && data.close[4] == 12.5)
        #expect(data.tradable == [true, false, true, false, true, true, false, true])
        #expect(data.close[1].isNaN)
    }

    @Test("wide ASSET:field columns, fields case-insensitive, absent fields per asset are missing")
    func wideFields() throws {
        let data = try MarketData.parseCSV(csv(
            "timestamp,A:Open,A:high,A:low,A:close,A:volume,B:close,B:volume",
            "2020-01-02T14:30:00Z,1,2,0.5,1.5,100,7,0",
            "2020-01-02T14:31:00Z,1.5,2.5,1.4,2,200,7.5,10"))
        #expect(data.assets == ["A", "B"])
        #expect(data.timestamps == [day(0) + 52_200, day(0) + 52_260])
        #expect(data.close == [1.5, 7, 2, 7.5])
        #expect(data.open?[0] == 1 && data.open?[1].isNaN == true)
        #expect(data.high?[2] == 2.5 && data.low?[2] == 1.4)
        #expect(data.volume == [100, 0, 200, 10])
    }

    @Test("long CSV: any row order, names case-insensitive, assets sorted, optional fields")
    func long() throws {
        let data = try MarketData.parseCSV(csv(
            "Timestamp,Asset,Close,Volume",
            "1577923200,MSFT,160,1000",
            "1578009600,AAPL,75,2000",
            "1577923200,AAPL,74,1500",
            "1578268800,MSFT,159,"))
        #expect(data.assets == ["AAPL", "MSFT"])
        #expect(data.timestamps == [day(0), day(1), day(4)])
        #expect(data.close[0] == 74 && data.close[1] == 160 && data.close[2] == 75)
        #expect(data.close[3].isNaN && data.close[4].isNaN && data.close[5] == 159)
        #expect(data.volume?[0] == 1500 && data.volume?[5].isNaN == true)
        #expect(data.open == nil)
    }

    @Test("gzip files and explicit timestamp formats load")
    func gzipAndPattern() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("bars.csv.gz")
        try Data(Gzip.compress(csv("Date,X", "02/01/2020,1", "03/01/2020,2"))).write(to: url)
        let data = try MarketData.load(contentsOf: url, options: BarLoadOptions(timestampFormat: .pattern("%d/%m/%Y")))
        #expect(data.timestamps == [day(0), day(1)])
        #expect(data.close == [1, 2])
    }

    @Test("malformed inputs throw errors naming file, line, column, value")
    func malformed() {
        func error(_ lines: String...) -> DataFileError? {
            dataError { _ = try MarketData.parseCSV(Array((lines.joined(separator: "\n") + "\n").utf8), source: "f.csv") }
        }
        #expect(error() == .emptyFile(file: "f.csv"))
        #expect(error("Date,A") == .noRows(file: "f.csv"))
        #expect(error("Date,A", "2020-01-02,1.2.3") == .unparseableValue(file: "f.csv", line: 2, column: 2, columnName: "A", value: "1.2.3"))
        #expect(error("Date,A", "2020-01-02,abc") == .unparseableValue(file: "f.csv", line: 2, column: 2, columnName: "A", value: "abc"))
        #expect(error("Date,A", "2020-01-02,inf") == .unparseableValue(file: "f.csv", line: 2, column: 2, columnName: "A", value: "inf"))
        #expect(error("Date,A", "2020-01-02,-1") == .nonPositivePrice(file: "f.csv", line: 2, column: 2, columnName: "A", value: "-1"))
        #expect(error("Date,A", "2020-01-02,0") == .nonPositivePrice(file: "f.csv", line: 2, column: 2, columnName: "A", value: "0"))
        #expect(error("Date,A", "2020-01-32,1") == .unparseableTimestamp(file: "f.csv", line: 2, column: 1, value: "2020-01-32", format: .automatic))
        #expect(error("Date,A", "2020-01-02,1", "2020-01-02,2") == .duplicateTimestamp(file: "f.csv", line: 3, firstLine: 2, timestamp: "2020-01-02", asset: nil))
        #expect(error("Date,A,B", "2020-01-02,1") == .raggedRow(file: "f.csv", line: 2, expected: 3, found: 2))
        #expect(error("Date,A,B", "2020-01-02,1,2,3") == .raggedRow(file: "f.csv", line: 2, expected: 3, found: 4))
        #expect(error("Date,A,A", "2020-01-02,1,2") == .duplicateColumn(file: "f.csv", line: 1, column: 3, name: "A"))
        #expect(error("t,A:close,A:price", "2020-01-02,1,2") == .badHeader(file: "f.csv", line: 1, column: 3, found: "A:price",
                                                                         expected: "ASSET:field, with field one of open, high, low, close, volume"))
        #expect(error("t,A:open,B:close", "2020-01-02,1,2") == .missingColumn(file: "f.csv", line: 1, column: "A:close", header: ["t", "A:open", "B:close"]))
        #expect(error("timestamp,asset,open", "2020-01-02,A,1") == .missingColumn(file: "f.csv", line: 1, column: "close", header: ["timestamp", "asset", "open"]))
        #expect(error("timestamp,asset,close", "2020-01-02,A,1", "2020-01-03,A,1", "2020-01-02,A,2")
                == .duplicateTimestamp(file: "f.csv", line: 4, firstLine: 2, timestamp: "2020-01-02", asset: "A"))
        #expect(error("timestamp,asset,close,adj", "2020-01-02,A,1,1") == .badHeader(file: "f.csv", line: 1, column: 4, found: "adj",
                                                                                  expected: "timestamp, asset, open, high, low, close or volume (case-insensitive)"))
        let missing = dataError { _ = try MarketData.load(contentsOf: URL(fileURLWithPath: "/nonexistent/bars.csv")) }
        #expect(missing == .unreadable(file: "/nonexistent/bars.csv", reason: "no such file"))
        // Messages name the place and the fix.
        let message = error("Date,A", "2020-01-02,abc")?.description ?? ""
        #expect(message.contains("f.csv:2:2") && message.contains("'abc'") && message.contains("leave the cell empty"))
    }

    @Test("numbers parse exactly like strtod, on the fast path and off it")
    func numbers() {
        let cases = ["1", "-2.5", "+3", "0.1", ".5", "5.", "1e3", "1.5E-7", "123456789012345678901234", "0.30000000000000004",
                     "4.9e-324", "1.7976931348623157e308", "00012.5000", "9007199254740993", "3.14159265358979323846"]
        for text in cases {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { ByteCSV(bytes: $0).double(0..<bytes.count) }
            #expect(parsed == Double(text), "\(text)")
        }
        for text in ["", "-", "e5", "1e", "1.2.3", "1,5", "nan", "inf", "0x10", "1e400"] {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { ByteCSV(bytes: $0).double(0..<bytes.count) }
            #expect(parsed == nil, "\(text)")
        }
    }
}

@Suite("CSV robustness")
struct CSVRobustnessTests {
    @Test("seeded random mutations of valid files either load or throw a DataFileError, never crash")
    func mutations() {
        var rng = Xoshiro256(seed: 99)
        let seeds: [[UInt8]] = [
            csv("Date,A,B", "2020-01-02,1.5,2", "2020-01-03,,2.5e1", "2020-01-06,3,\"4\""),
            csv("timestamp,asset,open,high,low,close,volume", "2020-01-02T10:00:00Z,A,1,2,0.5,1.5,10", "1577923200,B,1,1,1,1,"),
            csv("t,A:close,A:volume", "02/01/2020,1,2"),
        ]
        let alphabet = Array("0123456789,.-+eE:\"\n\r TZNAna/".utf8)
        var loaded = 0, rejected = 0
        for trial in 0..<600 {
            var bytes = seeds[trial % seeds.count]
            for _ in 0..<(1 + rng.uniformInt(below: 4)) {
                let k = rng.uniformInt(below: bytes.count)
                switch rng.uniformInt(below: 3) {
                case 0: bytes[k] = alphabet[rng.uniformInt(below: alphabet.count)]
                case 1: bytes.remove(at: k)
                default: bytes.insert(alphabet[rng.uniformInt(below: alphabet.count)], at: k)
                }
                if bytes.isEmpty { bytes = [10] }
            }
            do {
                let data = try MarketData.parseCSV(bytes, source: "mutant.csv")
                #expect(data.close.count == data.barCount * data.assetCount)
                loaded += 1
            } catch {
                #expect(!error.description.isEmpty)
                rejected += 1
            }
            _ = try? PredictionTable.parseCSV(bytes, source: "mutant.csv")
            _ = try? Gzip.decompress(Gzip.compress(bytes).enumerated().map { $0.offset == 15 ? $0.element ^ 0x5A : $0.element })
        }
        // Both outcomes occur, so the mutations exercise the error paths and the happy path.
        #expect(loaded > 20 && rejected > 100, "loaded \(loaded), rejected \(rejected)")
    }
}
