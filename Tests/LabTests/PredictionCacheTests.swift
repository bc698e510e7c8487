import Foundation
@testable import Lab
import MarketGym
import Predictors
import Testing
import TestSupport

/// Issue 13, accepted wrongly 3: built-in predictions cached next to the bars were reused after the
/// bars changed (the provenance recorded an input hash nothing checked).
@Suite struct PredictionCacheTests {
    /// A bars file, a cached predictions file and its provenance recording the bars' hash.
    func cache(in dir: URL) throws -> (bars: URL, predictions: URL) {
        let bars = dir.appendingPathComponent("tiny.csv")
        try "Date,AAA,BBB\n2020-01-01,1,2\n2020-01-02,1.1,2.1\n".write(to: bars, atomically: true, encoding: .utf8)
        let predictions = dir.appendingPathComponent("tiny.predictions.csv.gz")
        try Data("timestamp,asset,pred_h1\n".utf8).write(to: predictions)
        let hash = fnv1a64([UInt8](try Data(contentsOf: bars)))
        try Data("{\"inputHash\": \"\(hash)\", \"inputFile\": \"tiny.csv\"}".utf8)
            .write(to: PredictionBuilder.provenanceURL(for: predictions))
        return (bars, predictions)
    }

    @Test func aCacheOfTheSameBarsIsCurrentAndAnyChangeMakesItStale() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (bars, predictions) = try cache(in: dir)
        #expect(PredictionBuilder.staleness(ofCached: predictions, bars: bars) == nil)
        try "Date,AAA,BBB\n2020-01-01,1,2\n2020-01-02,1.2,2.1\n".write(to: bars, atomically: true, encoding: .utf8)
        let stale = PredictionBuilder.staleness(ofCached: predictions, bars: bars)
        #expect(stale?.contains("the bars changed since it was built") == true)
        #expect(stale?.contains(fnv1a64([UInt8](try Data(contentsOf: bars)))) == true)
        try FileManager.default.removeItem(at: PredictionBuilder.provenanceURL(for: predictions))
        #expect(PredictionBuilder.staleness(ofCached: predictions, bars: bars)?.contains("no provenance file") == true)
    }

    @Test func aStaleCacheIsRebuiltNotReused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (bars, predictions) = try cache(in: dir)
        var spec = MarketDataSpec()
        spec.predictions = "builtin"
        var lines: [String] = []
        #expect(try MarketSetup.predictionsFile(spec, bars: bars, root: dir, log: { lines.append($0) }) == predictions)
        #expect(lines.isEmpty)
        try "Date,AAA,BBB\n2020-01-01,1,2\n2020-01-02,9.9,2.1\n".write(to: bars, atomically: true, encoding: .utf8)
        // Two bars are too few for the walk-forward predictor: the rebuild fails, and the stale
        // cache is not handed out instead.
        #expect(throws: LabError.self) { try MarketSetup.predictionsFile(spec, bars: bars, root: dir, log: { lines.append($0) }) }
        #expect(lines.first?.hasPrefix("rebuilding tiny.predictions.csv.gz: the bars changed since it was built") == true, "\(lines)")
    }
}

/// Issue 13, accepted wrongly 4: a run records its data files (root, absolute paths, hashes) and
/// refuses to evaluate or resume on changed data.
@Suite struct RunInputsTests {
    @Test func changedOrMissingDataAreRefusedByName() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "Date,AAA,BBB\n2020-01-01,1,2\n".write(to: root.appendingPathComponent("bars.csv"), atomically: true, encoding: .utf8)
        try "timestamp,asset,p\n2020-01-01,AAA,0.1\n".write(to: root.appendingPathComponent("preds.csv"), atomically: true, encoding: .utf8)
        var spec = EnvironmentSpec()
        spec.kind = .market
        spec.data.bars = "bars.csv"
        spec.data.predictions = "preds.csv"
        spec.data.benchmark = ""
        let inputs = try RunInputs.capture(spec, root: root)
        #expect(inputs.root == root.standardizedFileURL.path)
        #expect(inputs.files.keys.sorted() == ["bars", "predictions"])
        #expect(inputs.files["bars"]?.path == root.appendingPathComponent("bars.csv").standardizedFileURL.path)
        let run = root.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try inputs.write(run: run)
        #expect(try RunInputs.read(run: run) == inputs)
        try inputs.verify(run: run)

        try "Date,AAA,BBB\n2020-01-01,1,2.5\n".write(to: root.appendingPathComponent("bars.csv"), atomically: true, encoding: .utf8)
        do {
            try inputs.verify(run: run)
            Issue.record("changed bars were accepted")
        } catch {
            #expect(error.description.contains("the bars file \(root.appendingPathComponent("bars.csv").standardizedFileURL.path) changed since the run was trained"))
        }
        try FileManager.default.removeItem(at: root.appendingPathComponent("preds.csv"))
        try "Date,AAA,BBB\n2020-01-01,1,2\n".write(to: root.appendingPathComponent("bars.csv"), atomically: true, encoding: .utf8)
        do {
            try inputs.verify(run: run)
            Issue.record("missing predictions were accepted")
        } catch {
            #expect(error.description.contains("which no longer exists"))
        }
    }
}
