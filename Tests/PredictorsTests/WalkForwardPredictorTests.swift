import Foundation
import SeededRandom
import Testing
@testable import MarketGym
@testable import Predictors
import TestSupport

@Suite("Walk-forward predictor")
struct WalkForwardPredictorTests {
    /// A small configuration for synthetic data.
    func smallConfig() -> WalkForwardConfig {
        var config = WalkForwardConfig()
        config.horizons = [1, 3]
        config.lookbacks = [1, 5, 10]
        config.volatilityWindows = [5]
        config.rankLookbacks = [5]
        config.minimumTrainingBars = 60
        config.refit = .everyBars(40)
        return config
    }

    /// Random-walk closes with a planted short-term reversal: r[t+1] = -0.3 r[t] + noise.
    func bars(t: Int = 300, n: Int = 6, seed: UInt64 = 3) throws -> MarketData {
        var rng = Xoshiro256(seed: seed)
        var close = [Double](repeating: 100, count: t * n)
        var last = [Double](repeating: 0, count: n)
        for b in 1..<t {
            for i in 0..<n {
                let r = -0.3 * last[i] + 0.01 * rng.normal()
                last[i] = r
                close[b * n + i] = close[(b - 1) * n + i] * exp(r)
            }
        }
        let ts = (0..<t).map { Int64(1_262_304_000) + Int64($0) * 86_400 }
        return try MarketData(assets: (0..<n).map { "S\($0)" }, timestamps: ts, close: close)
    }

    /// Perturbs every close after each cut bar and checks that no prediction stamped at or before
    /// the cut changes (and that later ones do, so the perturbation is seen).
    static func expectNoLookAhead(_ config: WalkForwardConfig, base: MarketData, cuts: [Int],
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let predictor = try WalkForwardPredictor(config: config)
        let reference = try predictor.run(bars: base).table
        for cut in cuts {
            var close = base.close
            for k in ((cut + 1) * base.assetCount)..<close.count { close[k] *= 1.1 }
            let table = try predictor.run(bars: MarketData(assets: base.assets, timestamps: base.timestamps, close: close)).table
            let upTo = reference.timestamps.firstIndex { $0 > base.timestamps[cut] } ?? reference.recordCount
            let k = reference.featureCount
            #expect(Array(table.values.prefix(upTo * k)) == Array(reference.values.prefix(upTo * k)), "cut \(cut)",
                    sourceLocation: sourceLocation)
            #expect(table.values != reference.values, sourceLocation: sourceLocation)
        }
    }

    @Test("learns a planted reversal out of sample (positive rank IC at h=1)")
    func learns() throws {
        let run = try WalkForwardPredictor(config: smallConfig()).run(bars: bars())
        let h1 = run.report.horizons[0]
        #expect(h1.horizon == 1 && h1.bars > 200)
        #expect(h1.meanIC > 0.2, "mean IC \(h1.meanIC)")
        #expect(h1.tStat > 5)
    }

    @Test("refits on schedule with a purge gap of h bars; predictions stamped at their own bar")
    func purgeAndStamping() throws {
        let config = smallConfig()
        let data = try bars()
        let run = try WalkForwardPredictor(config: config).run(bars: data)
        #expect(run.refits.map(\.bar) == Array(stride(from: 60, to: 300, by: 40)))
        let n = data.assetCount, longest = config.longestLookback
        for refit in run.refits {
            #expect(refit.trainingEndBar == config.horizons.map { refit.bar - $0 - 1 })
            // Every (bar, asset) with full inputs and a label ending before the refit bar, and no other.
            #expect(refit.trainingSamples == config.horizons.map { (refit.bar - $0 - longest) * n })
        }
        #expect(run.table.timestamps.first == data.timestamps[60])
        #expect(run.table.timestamps.last == data.timestamps[299])
        #expect(run.table.recordCount == 240 * n)
        #expect(run.table.featureNames == ["pred_h1", "pred_h3"])
    }

    @Test("yearly refits land on the first bar of each calendar year after the minimum history")
    func yearly() throws {
        var config = smallConfig()
        config.refit = .yearly
        config.minimumTrainingBars = 100
        let data = try bars(t: 800)
        let refits = try WalkForwardPredictor(config: config).refitBars(timestamps: data.timestamps)
        // Daily stamps from 2010-01-01: years start at day 365 (2011), 730 (2012).
        #expect(refits == [100, 365, 730])
    }

    @Test("property: changing any close after bar t changes no prediction stamped at or before t")
    func noLookAhead() throws {
        let config = smallConfig()
        let base = try bars(t: 260, seed: 9)
        let predictor = try WalkForwardPredictor(config: config)
        let reference = try predictor.run(bars: base).table
        var rng = Xoshiro256(seed: 77)
        for trial in 0..<6 {
            let cut = 60 + rng.uniformInt(below: 190)
            var close = base.close
            for k in ((cut + 1) * base.assetCount)..<close.count where rng.uniformInt(below: 3) == 0 {
                close[k] *= 1 + 0.2 * (rng.uniformDouble() - 0.5)
            }
            let changed = try MarketData(assets: base.assets, timestamps: base.timestamps, close: close)
            let table = try predictor.run(bars: changed).table
            let limit = base.timestamps[cut]
            let upTo = reference.timestamps.firstIndex { $0 > limit } ?? reference.recordCount
            #expect(Array(table.timestamps.prefix(upTo)) == Array(reference.timestamps.prefix(upTo)))
            let k = reference.featureCount
            #expect(Array(table.values.prefix(upTo * k)) == Array(reference.values.prefix(upTo * k)),
                    "trial \(trial): a change after bar \(cut) moved a prediction stamped at or before it")
            #expect(table.values != reference.values, "trial \(trial): the perturbation must change later predictions")
        }
    }

    @Test("invalid configurations and too-short data throw")
    func invalid() throws {
        var config = WalkForwardConfig()
        config.horizons = [0]
        #expect(throws: PredictorError.self) { try WalkForwardPredictor(config: config) }
        config = WalkForwardConfig()
        config.refit = .everyBars(0)
        #expect(throws: PredictorError.self) { try WalkForwardPredictor(config: config) }
        let short = try bars(t: 100)
        #expect(throws: PredictorError.notEnoughData(bars: 100, needed: 756)) { try WalkForwardPredictor().run(bars: short) }
    }
}

@Suite("Prediction builder files")
struct PredictionBuilderTests {
    @Test("build writes CSV.gz or HDF5 plus provenance; both load back to the run's predictions")
    func writesFiles() throws {
        let dir = try makeTemporaryDirectory()
        let barsURL = dir.appendingPathComponent("bars.csv")
        var lines = ["Date,A,B,C,D"]
        var price = [100.0, 50, 20, 10]
        for b in 0..<400 {
            for i in 0..<4 { price[i] *= 1 + 0.01 * sin(Double(b * (i + 2)) * 0.7) }
            lines.append(Timestamp.iso(Int64(1_262_304_000 + b * 86_400), dateOnly: true) + "," + price.map { String($0) }.joined(separator: ","))
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: barsURL)
        var config = WalkForwardConfig()
        config.minimumTrainingBars = 300
        config.lookbacks = [1, 5]
        config.volatilityWindows = [10]
        config.rankLookbacks = [5]
        let h5 = try PredictionBuilder.build(bars: barsURL, output: dir.appendingPathComponent("p.h5"), config: config)
        let csv = try PredictionBuilder.build(bars: barsURL, output: dir.appendingPathComponent("p.csv.gz"), config: config)
        #expect(h5.run.table.recordCount == 100 * 4)
        #expect(try PredictionTable.load(contentsOf: h5.output) == h5.run.table)
        #expect(try PredictionTable.load(contentsOf: csv.output) == csv.run.table)
        #expect(csv.provenanceFile.lastPathComponent == "p.provenance.json")
        let decoded = try JSONDecoder().decode(PredictionProvenance.self, from: Data(contentsOf: csv.provenanceFile))
        #expect(decoded == csv.provenance)
        #expect(decoded.config == config && decoded.refits.map(\.bar) == [300, 365])
        #expect(decoded.inputHash == fnv1a64([UInt8](try Data(contentsOf: barsURL))))
        let script = """
        import sys, json, h5py
        with h5py.File(sys.argv[1], "r") as f:
            p = json.loads(f["predictions"].attrs["provenance"])
            print(p["model"], p["horizons"], p["inputHash"], f["predictions/values"].shape)
        """
        let result = try runPython(script: script, arguments: [h5.output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ridge [1, 5, 20] \(decoded.inputHash) (400, 3)\n")
        #expect(csv.description.contains("out-of-sample rank IC"))
    }
}

@Suite("Walk-forward MLP")
struct WalkForwardMLPTests {
    func config(steps: Int) -> WalkForwardConfig {
        var config = WalkForwardPredictorTests().smallConfig()
        config.model = .mlp
        config.mlp.hiddenSizes = [16]
        config.mlp.stepsPerRefit = steps
        config.mlp.batchSize = 64
        config.mlp.learningRate = 3e-3
        return config
    }

    @Test("learns the planted reversal out of sample; same seed gives the same bits, another seed differs")
    func learnsAndIsDeterministic() throws {
        let data = try WalkForwardPredictorTests().bars()
        let run = try WalkForwardPredictor(config: config(steps: 150)).run(bars: data)
        #expect(run.report.horizons[0].meanIC > 0.2, "mean IC \(run.report.horizons[0].meanIC)")
        let again = try WalkForwardPredictor(config: config(steps: 150)).run(bars: data)
        #expect(again.table.values == run.table.values)
        var other = config(steps: 150)
        other.mlp.seed = 1
        #expect(try WalkForwardPredictor(config: other).run(bars: data).table.values != run.table.values)
    }

    @Test("property: changing closes after bar t changes no MLP prediction stamped at or before t")
    func noLookAhead() throws {
        try WalkForwardPredictorTests.expectNoLookAhead(config(steps: 20), base: WalkForwardPredictorTests().bars(t: 220, seed: 4),
                                                        cuts: [70, 130, 190])
    }

    @Test("invalid MLP settings throw")
    func invalid() {
        var bad = config(steps: 10)
        bad.mlp.hiddenSizes = []
        #expect(throws: PredictorError.self) { try WalkForwardPredictor(config: bad) }
        bad = config(steps: 10)
        bad.mlp.learningRate = 0
        #expect(throws: PredictorError.self) { try WalkForwardPredictor(config: bad) }
    }
}
