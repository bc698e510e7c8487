import Foundation
import HDF5
import Testing
@testable import MarketGym
import TestSupport

@Suite("HDF5 layout for bars and predictions")
struct HDF5LayoutTests {
    /// The Python reference reader from docs/data.md (the code block after `<!-- reference-reader -->`).
    func referenceReader() throws -> String {
        let doc = try String(contentsOf: repositoryRoot().appendingPathComponent("docs/data.md"), encoding: .utf8)
        let afterMarker = try #require(doc.range(of: "<!-- reference-reader -->\n```python\n"))
        let end = try #require(doc.range(of: "\n```", range: afterMarker.upperBound..<doc.endIndex))
        return String(doc[afterMarker.upperBound..<end.lowerBound])
    }

    func sample() throws -> (MarketData, PredictionTable) {
        let bars = try MarketData.parseCSV(csv(
            "timestamp,asset,open,high,low,close,volume",
            "2020-01-02,A,1,2,0.5,1.5,100",
            "2020-01-02,B,3,4,2.5,3.5,",
            "2020-01-03,A,1.5,2.5,1,2,200",
            "2020-01-06,B,3.5,4.5,3,4,300"))
        let predictions = PredictionTable(featureNames: ["p1", "p2"], assets: ["A", "B"], timestamps: [day(0), day(0), day(3)],
                                          assetIndex: [0, 1, 1], values: [0.25, .nan, -1.5, 2, 3, 4])
        return (bars, predictions)
    }

    @Test("bars and predictions round-trip exactly through HDF5, and load by signature")
    func roundTrip() throws {
        let (bars, predictions) = try sample()
        let url = try makeTemporaryDirectory().appendingPathComponent("market.data")  // no .h5 extension on purpose
        try MarketDataHDF5.write(bars: bars, predictions: predictions, provenance: "{\"model\": \"test\"}", to: url)
        let back = try MarketData.load(contentsOf: url)
        #expect(back.assets == bars.assets && back.timestamps == bars.timestamps && back.tradable == bars.tradable)
        #expect(back.close.elementsEqual(bars.close) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(back.volume?.elementsEqual(bars.volume ?? []) { $0 == $1 || ($0.isNaN && $1.isNaN) } == true)
        #expect(back.open != nil && back.high != nil && back.low != nil)
        #expect(try PredictionTable.load(contentsOf: url) == predictions)
        let loaded = try MarketData.loadWithReport(contentsOf: url)
        #expect(loaded.layout == .hdf5)
        // A folder that does not exist: a typed error naming the file, not a crash.
        let missing = URL(fileURLWithPath: "/nonexistent-marketgym-folder/x.h5")
        let error = dataError { try MarketDataHDF5.write(bars: bars, to: missing) }
        guard case let .unwritable(file, _)? = error else { Issue.record("expected unwritable, got \(String(describing: error))"); return }
        #expect(file == missing.path)
        let csvError = dataError { try predictions.writeCSV(to: URL(fileURLWithPath: "/nonexistent-marketgym-folder/p.csv")) }
        guard case .unwritable? = csvError else { Issue.record("expected unwritable, got \(String(describing: csvError))"); return }
    }

    @Test("h5py reads what we write with the documented reference reader")
    func h5pyReadsOurs() throws {
        let (bars, predictions) = try sample()
        let url = try makeTemporaryDirectory().appendingPathComponent("market.h5")
        try MarketDataHDF5.write(bars: bars, predictions: predictions, provenance: "{\"model\": \"test\"}", to: url)
        let script = try referenceReader() + """

        b, p = read_market_data(sys.argv[1])
        assert b["assets"] == ["A", "B"], b["assets"]
        assert str(b["timestamps"][0]) == "2020-01-02T00:00:00" and str(b["timestamps"][-1]) == "2020-01-06T00:00:00"
        assert b["close"].shape == (3, 2) and b["close"].dtype == np.float64
        assert np.allclose(b["close"], [[1.5, 3.5], [2, np.nan], [np.nan, 4]], equal_nan=True)
        assert np.isnan(b["volume"][0, 1]) and b["volume"][2, 1] == 300
        assert b["tradable"].tolist() == [[True, True], [True, False], [False, True]]
        with h5py.File(sys.argv[1], "r") as f:
            assert f["bars/tradable"][()].tolist() == [[1, 1], [1, 0], [0, 1]]
        assert p["features"] == ["p1", "p2"] and p["assets"] == ["A", "B"]
        assert p["values"].dtype == np.float32 and p["values"].shape == (3, 2)
        assert np.allclose(p["values"], [[0.25, np.nan], [-1.5, 2], [3, 4]], equal_nan=True)
        assert p["asset_index"].tolist() == [0, 1, 1] and p["provenance"] == '{"model": "test"}'
        print("ok")
        """
        let result = try runPython(script: script, arguments: [url.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("ok\n"))
    }

    @Test("we read what h5py writes in the documented layout")
    func oursReadsH5py() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("py.h5")
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f.attrs["format"] = "marketgym-market-data"
            f.attrs["version"] = 1
            g = f.create_group("bars")
            g["assets"] = np.array(["X", "Y", "Z"], dtype=h5py.string_dtype())
            g["timestamps"] = np.array([0, 60, 120], dtype=np.int64)
            g["close"] = np.array([[1, 2, np.nan], [1.5, 2.5, 3], [2, np.nan, 4]], dtype=np.float64)
            p = f.create_group("predictions")
            p["features"] = np.array(["signal"], dtype=h5py.string_dtype())
            p["assets"] = np.array(["Z", "X"], dtype=h5py.string_dtype())
            p["timestamps"] = np.array([30, 0], dtype=np.int64)
            p["asset_index"] = np.array([0, 1], dtype=np.int32)
            p["values"] = np.array([[0.5], [-0.25]], dtype=np.float32)
        """
        let result = try runPython(script: script, arguments: [url.path])
        #expect(result.status == 0, "\(result.stderr)")
        let bars = try MarketData.load(contentsOf: url)
        #expect(bars.assets == ["X", "Y", "Z"] && bars.timestamps == [0, 60, 120])
        #expect(bars.tradable == [true, true, false, true, true, true, true, false, true])
        let features = try PredictionTable.load(contentsOf: url).aligned(to: bars)
        #expect(features.value(bar: 0, asset: 0, feature: 0) == -0.25)
        #expect(features.value(bar: 0, asset: 2, feature: 0).isNaN)  // Z's prediction is stamped at 30 s, after bar 0
        #expect(features.value(bar: 1, asset: 2, feature: 0) == 0.5)
    }

    @Test("files off the layout are rejected with the dataset path")
    func badLayouts() throws {
        let dir = try makeTemporaryDirectory()
        func write(_ name: String, _ body: String) throws -> URL {
            let url = dir.appendingPathComponent(name)
            let script = """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.attrs["format"] = "marketgym-market-data"
                f.attrs["version"] = 1
            \(body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
            let result = try runPython(script: script, arguments: [url.path])
            #expect(result.status == 0, "\(result.stderr)")
            return url
        }
        let noFormat = dir.appendingPathComponent("plain.h5")
        _ = try runPython(script: "import sys, h5py\nh5py.File(sys.argv[1], 'w').create_dataset('x', data=[1])", arguments: [noFormat.path])
        #expect(dataError { _ = try MarketData.load(contentsOf: noFormat) }
                == .badLayout(file: noFormat.path, path: "/@format", expected: "'marketgym-market-data'", found: "'no 'format' attribute'"))
        let report = MarketData.validate(contentsOf: noFormat)
        #expect(report.layout == .hdf5 && report.errorCount == 1 && !report.isValid)
        let wrongShape = try write("shape.h5", """
        f["bars/assets"] = np.array(["A", "B"], dtype=h5py.string_dtype())
        f["bars/timestamps"] = np.array([0, 1, 2], dtype=np.int64)
        f["bars/close"] = np.ones((3, 3))
        """)
        #expect(dataError { _ = try MarketData.load(contentsOf: wrongShape) }
                == .badLayout(file: wrongShape.path, path: "/bars/close", expected: "shape [3, 2]", found: "shape [3, 3]"))
        let negative = try write("negative.h5", """
        f["bars/assets"] = np.array(["A"], dtype=h5py.string_dtype())
        f["bars/timestamps"] = np.array([0, 1], dtype=np.int64)
        f["bars/close"] = np.array([[1.0], [-2.0]])
        """)
        #expect(dataError { _ = try MarketData.load(contentsOf: negative) }
                == .badLayout(file: negative.path, path: "/bars/close[1, 0]", expected: "a price in 1e-12...1000000000000.0 or NaN (docs/reliability.md)", found: "-2.0"))
        // Finite but beyond the limits (issue 13): refused on the load path train and backtest use.
        let huge = try write("huge.h5", """
        f["bars/assets"] = np.array(["A"], dtype=h5py.string_dtype())
        f["bars/timestamps"] = np.array([0, 1], dtype=np.int64)
        f["bars/close"] = np.array([[1.0], [1e39]])
        """)
        #expect(dataError { _ = try MarketData.load(contentsOf: huge) }
                == .badLayout(file: huge.path, path: "/bars/close[1, 0]", expected: "a price in 1e-12...1000000000000.0 or NaN (docs/reliability.md)", found: "1e+39"))
        let wrongType = try write("type.h5", """
        f["bars/assets"] = np.array(["A"], dtype=h5py.string_dtype())
        f["bars/timestamps"] = np.array([0.5, 1.5])
        f["bars/close"] = np.array([[1.0], [2.0]])
        """)
        let typeError = dataError { _ = try MarketData.load(contentsOf: wrongType) }
        guard case let .badLayout(_, path, _, _) = typeError else { Issue.record("expected badLayout, got \(String(describing: typeError))"); return }
        #expect(path == "/bars/timestamps")
        let badIndex = try write("index.h5", """
        p = f.create_group("predictions")
        p["features"] = np.array(["s"], dtype=h5py.string_dtype())
        p["assets"] = np.array(["A"], dtype=h5py.string_dtype())
        p["timestamps"] = np.array([0], dtype=np.int64)
        p["asset_index"] = np.array([3], dtype=np.int32)
        p["values"] = np.array([[1.0]], dtype=np.float32)
        """)
        #expect(dataError { _ = try PredictionTable.load(contentsOf: badIndex) }
                == .badLayout(file: badIndex.path, path: "/predictions/asset_index[0]", expected: "an index in 0..<1", found: "3"))
    }

    @Test("convert writes the bundled bars (and predictions) to HDF5 that load back identically")
    func convertBundled() throws {
        let out = try makeTemporaryDirectory().appendingPathComponent("sp500.h5")
        let predictionsURL = repositoryRoot().appendingPathComponent("Experiments/data/sp500-20-daily.predictions.csv.gz")
        let summary = try MarketDataConversion.convert(input: bundledBarsURL(), output: out, predictions: predictionsURL)
        #expect(summary.barCount == 8313 && summary.assetCount == 20 && summary.inputLayout == .wideCloses)
        #expect(summary.predictionCount == 151_140 && summary.featureNames == ["pred_h1", "pred_h5", "pred_h20"])
        #expect(summary.description.contains("8313 x 20 assets"))
        let csvBars = try MarketData.load(contentsOf: bundledBarsURL())
        #expect(try MarketData.load(contentsOf: out) == csvBars)
        #expect(try PredictionTable.load(contentsOf: out) == PredictionTable.load(contentsOf: predictionsURL))
        let result = try runPython(script: try referenceReader(), arguments: [out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("bars (8313, 20) 1990-01-02T00:00:00 2022-12-28T00:00:00"))
        #expect(result.stdout.contains("predictions (151140, 3) ['pred_h1', 'pred_h5', 'pred_h20']"))
        // Unknown assets in the predictions are rejected before anything is written.
        let dir = try makeTemporaryDirectory()
        let stray = dir.appendingPathComponent("stray.csv")
        try Data(csv("timestamp,asset,p", "2000-01-03,NOPE,1")).write(to: stray)
        let error = dataError { _ = try MarketDataConversion.convert(input: bundledBarsURL(), output: dir.appendingPathComponent("x.h5"), predictions: stray) }
        #expect(error == .unknownAsset(file: stray.path, line: 2, asset: "NOPE", known: csvBars.assets))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
    }
}
