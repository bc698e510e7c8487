import Foundation
import SeededRandom
import Testing
@testable import MarketGym
@testable import Predictors
import TestSupport

@Suite("Walk-forward sequence models")
struct WalkForwardSequenceTests {
    func config(_ model: PredictorModel, steps: Int = 60) -> WalkForwardConfig {
        var config = WalkForwardPredictorTests().smallConfig()
        config.model = model
        config.sequence.length = 5
        config.sequence.hiddenSize = 8
        config.sequence.layers = model == .tcn ? 2 : 1
        config.sequence.batchSize = 32
        config.sequence.maxStepsPerRefit = steps
        config.sequence.evaluateEvery = 10
        config.sequence.learningRate = 1e-2
        return config
    }

    @Test("every sequence model learns the planted reversal out of sample, same schedule and stamps as ridge",
          arguments: [PredictorModel.lstm, .bilstm, .gru, .lstmAttention, .tcn])
    func learnsWithRidgesScheduleAndStamps(_ model: PredictorModel) throws {
        let data = try WalkForwardPredictorTests().bars()
        let run = try WalkForwardPredictor(config: config(model, steps: 100)).run(bars: data)
        let ridge = try WalkForwardPredictor(config: WalkForwardPredictorTests().smallConfig()).run(bars: data)
        #expect(run.refits.map(\.bar) == ridge.refits.map(\.bar))
        #expect(run.refits.map(\.trainingEndBar) == ridge.refits.map(\.trainingEndBar))
        // No missing closes: only the first length - 1 bars with inputs lack a whole window (one
        // training sample per asset and horizon each); every predicted bar has one, so the same records.
        let cfg = config(model)
        #expect(run.skippedWindows == cfg.horizons.count * data.assetCount * (cfg.sequence.length - 1))
        #expect(run.table.timestamps == ridge.table.timestamps && run.table.assetIndex == ridge.table.assetIndex)
        #expect(run.report.horizons[0].meanIC > 0.1, "\(model) mean IC \(run.report.horizons[0].meanIC), ridge \(ridge.report.horizons[0].meanIC)")
    }

    @Test("same seed gives the same bits; another seed differs")
    func deterministic() throws {
        let data = try WalkForwardPredictorTests().bars(t: 160)
        let a = try WalkForwardPredictor(config: config(.bilstm, steps: 20)).run(bars: data)
        let b = try WalkForwardPredictor(config: config(.bilstm, steps: 20)).run(bars: data)
        #expect(a.table.values.map(\.bitPattern) == b.table.values.map(\.bitPattern))
        var other = config(.bilstm, steps: 20)
        other.sequence.seed = 9
        #expect(try WalkForwardPredictor(config: other).run(bars: data).table.values != a.table.values)
    }

    @Test("property: changing closes after bar t changes no Bi-LSTM prediction stamped at or before t")
    func noLookAhead() throws {
        try WalkForwardPredictorTests.expectNoLookAhead(config(.bilstm, steps: 20), base: WalkForwardPredictorTests().bars(t: 200, seed: 4),
                                                        cuts: [90, 150])
    }

    @Test("a window with a missing close is skipped and counted, never filled")
    func missingValuesAreSkippedAndCounted() throws {
        let base = try WalkForwardPredictorTests().bars(t: 200)
        var close = base.close
        let (n, hole) = (base.assetCount, 130)
        close[hole * n] = .nan  // asset 0 at bar 130
        let data = try MarketData(assets: base.assets, timestamps: base.timestamps, close: close)
        var cfg = config(.gru, steps: 10)
        cfg.horizons = [1]
        let run = try WalkForwardPredictor(config: cfg).run(bars: data)
        var ridgeConfig = cfg
        ridgeConfig.model = .ridge
        let ridge = try WalkForwardPredictor(config: ridgeConfig).run(bars: data)
        // Independently: (bar, asset) with valid inputs whose 5-bar window reaches a bar without them.
        let inputs = PredictorInputs(bars: data, config: cfg)
        func incomplete(_ b: Int, _ i: Int) -> Bool {
            inputs.inputsValid[b * n + i] && ((b - 4)...b).contains { $0 < 0 || !inputs.inputsValid[$0 * n + i] }
        }
        let lastEnd = (run.refits.last?.bar ?? 0) - 1  // horizon 1: training samples s < last refit - 1
        var trained = 0, predicted = 0
        for b in 0..<data.barCount {
            for i in 0..<n where incomplete(b, i) {
                if b >= 60 { predicted += 1 }
                if b < lastEnd && inputs.targets[0][b * n + i].isFinite { trained += 1 }
            }
        }
        #expect(predicted >= 4, "the hole must cost at least the 4 windows after the inputs come back")
        #expect(ridge.table.recordCount - run.table.recordCount == predicted)
        #expect(run.skippedWindows == predicted + trained)
        let incompleteBars = (60..<data.barCount).filter { incomplete($0, 0) }
        let stamps = Set(zip(run.table.timestamps, run.table.assetIndex).filter { $0.1 == 0 }.map(\.0))
        for b in incompleteBars { #expect(!stamps.contains(data.timestamps[b])) }
    }

    @Test("bad settings: window 0, hidden 0, window longer than the history")
    func badInput() throws {
        var bad = config(.lstm)
        bad.sequence.length = 0
        #expect(throws: PredictorError.invalidConfig(field: "sequence.length", value: "0", expected: "a window of at least 1 bar, e.g. 20")) {
            try WalkForwardPredictor(config: bad)
        }
        bad = config(.gru)
        bad.sequence.hiddenSize = 0
        #expect(throws: PredictorError.self) { try WalkForwardPredictor(config: bad) }
        bad = config(.tcn)
        bad.sequence.length = 51  // first refit at bar 60, inputs from bar 10: 50 bars of history
        do {
            _ = try WalkForwardPredictor(config: bad).run(bars: WalkForwardPredictorTests().bars(t: 120))
            Issue.record("a 51-bar window before 50 bars of history was accepted")
        } catch let error as PredictorError {
            #expect(error.description.contains("at most 50 bars"), "\(error)")
        }
    }
}
