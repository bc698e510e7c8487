import Foundation
import Testing
@testable import MarketGym
@testable import Predictors
import TestSupport

/// The committed predictions for the bundled S&P data must be exactly what the predictor builds.
///
/// Regenerate (after a deliberate change to the predictor) with
/// `MARKETGYM_REGENERATE_PREDICTIONS=1 swift test --filter BundledPredictionsTests`.
@Suite("Bundled predictions")
struct BundledPredictionsTests {
    static let digits = 3

    @Test("rebuilding the bundled predictions reproduces the committed file byte for byte")
    func reproduces() throws {
        let root = repositoryRoot().appendingPathComponent("Experiments/data")
        let barsURL = root.appendingPathComponent("sp500-20-daily.csv.gz")
        let predictionsURL = root.appendingPathComponent("sp500-20-daily.predictions.csv.gz")
        let provenanceURL = PredictionBuilder.provenanceURL(for: predictionsURL)
        if ProcessInfo.processInfo.environment["MARKETGYM_REGENERATE_PREDICTIONS"] == "1" {
            _ = try PredictionBuilder.build(bars: barsURL, output: predictionsURL, significantDigits: Self.digits)
        }
        let bars = try MarketData.load(contentsOf: barsURL)
        let run = try WalkForwardPredictor().run(bars: bars)
        let committed = try Gzip.decompress([UInt8](Data(contentsOf: predictionsURL)))
        let rebuilt = run.table.csvBytes(significantDigits: Self.digits)
        #expect(committed.count == rebuilt.count)
        #expect(committed == rebuilt, "the committed predictions differ from a rebuild; regenerate them (see this file's doc comment)")
        let provenance = PredictionBuilder.makeProvenance(run: run, config: WalkForwardConfig(), inputFile: barsURL.lastPathComponent,
                                                          inputBytes: [UInt8](try Data(contentsOf: barsURL)), bars: bars)
        let committedProvenance = try [UInt8](Data(contentsOf: provenanceURL))
        #expect(committedProvenance == provenance.jsonBytes())
        #expect(provenance.inputHash == "fnv1a64:" + fnvReference(barsURL))
        // The committed file loads through the public reader and aligns to the bars.
        let features = try PredictionTable.load(contentsOf: predictionsURL).aligned(to: bars)
        #expect(features.names == ["pred_h1", "pred_h5", "pred_h20"])
        #expect(features.value(bar: 755, asset: 0, feature: 0).isNaN)
        #expect(!features.value(bar: 756, asset: 0, feature: 0).isNaN)
    }

    /// FNV-1a 64 computed by Python, an independent implementation of the published algorithm.
    func fnvReference(_ url: URL) -> String {
        let script = """
        import sys
        h = 0xcbf29ce484222325
        for b in open(sys.argv[1], "rb").read():
            h ^= b
            h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        print("%016x" % h)
        """
        return (try? runPython(script: script, arguments: [url.path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "python failed"
    }
}
