import MarketGym
import SeededRandom

/// One refit of the walk-forward predictor.
public struct RefitRecord: Codable, Sendable, Equatable {
    /// The first bar the refitted models predict (index into the bars).
    public let bar: Int
    /// That bar's timestamp, ISO.
    public let date: String
    /// Per horizon: the last training bar (its target ends at bar `bar - 1`), i.e. `bar - h - 1`.
    public let trainingEndBar: [Int]
    /// Per horizon: the number of (bar, asset) training samples.
    public let trainingSamples: [Int]
}

/// The output of a walk-forward run: the stamped predictions, the refits, and the out-of-sample IC.
public struct PredictionRun: Sendable {
    /// Predictions, one record per (bar, asset) with valid inputs from the first refit on, stamped
    /// at the bar whose close they were computed from.
    public let table: PredictionTable
    /// The refits, in order.
    public let refits: [RefitRecord]
    /// Out-of-sample Spearman rank IC per horizon.
    public let report: ICReport
    /// Sequence models only: (bar, asset) samples with valid inputs at their own bar whose window
    /// holds a missing input at an earlier bar, skipped (not filled), counted over every horizon's
    /// training samples and every predicted bar. 0 for ridge and the MLP.
    public let skippedWindows: Int
}

/// A model fitted at one refit for one horizon.
enum FittedModel {
    case ridge(RidgeModel)
    case mlp(MLPModel)
    case sequence(SequenceModel)

    func predict(_ x: UnsafeBufferPointer<Double>, rows: [Int], inputCount p: Int) -> [Double] {
        switch self {
        case let .ridge(model): return rows.map { model.predict(x, offset: $0 * p) }
        case let .mlp(model): return model.predict(x, rows: rows, inputCount: p)
        case let .sequence(model): return model.predict(x, rows: rows, inputCount: p)
        }
    }
}

/// The walk-forward ML predictor that makes the bundled prediction features honestly.
///
/// Algorithm (López de Prado 2018, ch. 7, "purged" walk-forward; the expanding window of
/// Campbell & Thompson 2008):
/// 1. Inputs at bar t come from closes at bars <= t (`PredictorInputs`); the target of horizon h
///    at bar s is `log(c[s+h] / c[s])`, optionally demeaned across assets.
/// 2. Refit bars R_0 < R_1 < ... come from the cadence (calendar years by default), the first at
///    or after `minimumTrainingBars`. They depend on timestamps only, never on prices.
/// 3. At refit R, the horizon-h model trains on every sample s < R - h (expanding window), so its
///    last label ends at bar R - 1 and the h bars before R are purged: no training label overlaps
///    the first predicted bar.
/// 4. That model predicts bars R ..< R_next from their own inputs; a prediction computed from data
///    through bar t's close is stamped with bar t's timestamp.
/// So a prediction stamped at t depends on closes at bars <= t only (tested by perturbing the future).
///
/// Models: ridge (default; closed form from running sums), a small MLP (`config.model = .mlp`,
/// trained with Adam from a seeded fresh initialization at each refit, see `MLPConfig`), or a
/// sequence model (`lstm`, `bilstm`, `gru`, `lstmAttention`, `tcn`; `SequenceModelConfig`) reading
/// the window of the last `sequence.length` bars of each asset's inputs, with early stopping on the
/// time-ordered tail of each training window. A sample or prediction whose window has a missing
/// input is skipped and counted (`PredictionRun.skippedWindows`).
public struct WalkForwardPredictor: Sendable {
    /// The configuration.
    public let config: WalkForwardConfig

    /// Creates a predictor.
    /// - Throws: `PredictorError.invalidConfig` when the configuration is out of range.
    public init(config: WalkForwardConfig = WalkForwardConfig()) throws(PredictorError) {
        try config.validate()
        self.config = config
    }

    /// The refit bars for a timeline: the first bar of each calendar year (or every n bars) at or
    /// after `minimumTrainingBars`.
    public func refitBars(timestamps: [Int64]) -> [Int] {
        let start = config.minimumTrainingBars
        guard start < timestamps.count else { return [] }
        switch config.refit {
        case .yearly:
            var bars = [start]
            var year = Timestamp.year(of: timestamps[start])
            for b in (start + 1)..<max(start + 1, timestamps.count) {
                let y = Timestamp.year(of: timestamps[b])
                if y != year { bars.append(b); year = y }
            }
            return bars
        case let .everyBars(n):
            return Array(stride(from: start, to: timestamps.count, by: n))
        }
    }

    /// Runs the walk-forward fit and prediction over the bars.
    /// - Parameter bars: the bars (closes are used; missing closes mean no sample and no prediction).
    /// - Returns: the predictions, the refits and the out-of-sample IC report.
    /// - Throws: `PredictorError.notEnoughData` when no refit fits in the data;
    ///   `PredictorError.invalidConfig` when a sequence window is longer than the history before the first refit.
    /// - Complexity: O(T·N·(P² + W)) for T bars, N assets, P inputs, W the volatility windows.
    public func run(bars: MarketData) throws(PredictorError) -> PredictionRun {
        let refits = refitBars(timestamps: bars.timestamps)
        guard !refits.isEmpty else { throw .notEnoughData(bars: bars.barCount, needed: config.minimumTrainingBars) }
        let data = PredictorInputs(bars: bars, config: config)
        let n = data.assetCount, t = data.barCount, p = data.inputCount
        let horizons = config.horizons
        let length = config.model.isSequence ? config.sequence.length : 1
        let available = refits[0] - config.longestLookback
        if length > available {
            throw .invalidConfig(field: "sequence.length", value: "\(length) bars",
                                 expected: "at most \(max(available, 0)) bars: the bars with inputs before the first refit (bar \(refits[0])); shorten the window or raise minimumTrainingBars")
        }
        // Consecutive bars with valid inputs ending at each (bar, asset): a window is complete when >= length.
        var run = [Int](repeating: 0, count: t * n)
        for b in 0..<t { for i in 0..<n where data.inputsValid[b * n + i] { run[b * n + i] = (b > 0 ? run[(b - 1) * n + i] : 0) + 1 } }
        var skippedWindows = 0
        var accumulators = horizons.map { _ in RidgeAccumulator(inputCount: p) }
        var nextSample = [Int](repeating: 0, count: horizons.count)  // next bar to add, per horizon
        var windows = [[(row: Int, y: Double)]](repeating: [], count: horizons.count)  // training rows (MLP only)
        var models = [FittedModel?](repeating: nil, count: horizons.count)
        var records: [RefitRecord] = []
        var rng = Xoshiro256(seed: config.model.isSequence ? config.sequence.seed : config.mlp.seed)

        var timestamps: [Int64] = []
        var assetIndex: [Int32] = []
        var values: [Float] = []
        data.inputs.withUnsafeBufferPointer { x in
            for (j, refit) in refits.enumerated() {
                // Grow each horizon's training window to samples s < refit - h (purge gap of h bars).
                for (k, h) in horizons.enumerated() {
                    let end = max(0, refit - h)
                    let y = data.targets[k]
                    while nextSample[k] < end {
                        let s = nextSample[k]
                        for i in 0..<n where data.inputsValid[s * n + i] && y[s * n + i].isFinite {
                            if run[s * n + i] < length {
                                skippedWindows += 1
                                continue
                            }
                            accumulators[k].add(x, offset: (s * n + i) * p, y: y[s * n + i])
                            if config.model != .ridge { windows[k].append((s * n + i, y[s * n + i])) }
                        }
                        nextSample[k] += 1
                    }
                    switch config.model {
                    case .ridge:
                        models[k] = accumulators[k].fit(penalty: config.ridgePenalty).map(FittedModel.ridge)
                    case .mlp:
                        models[k] = windows[k].count < p + 2 ? nil : .mlp(MLPModel.fit(
                            inputs: x, inputCount: p, samples: windows[k], moments: accumulators[k].moments(),
                            config: config.mlp, rng: &rng))
                    case .lstm, .bilstm, .gru, .lstmAttention, .tcn:
                        models[k] = windows[k].count < p + 2 ? nil : .sequence(SequenceModel.fit(
                            model: config.model, inputs: x, inputCount: p, assetCount: n, horizon: h, samples: windows[k],
                            moments: accumulators[k].moments(), config: config.sequence, rng: &rng))
                    }
                }
                records.append(RefitRecord(
                    bar: refit, date: Timestamp.iso(bars.timestamps[refit], dateOnly: bars.timestamps[refit] % 86_400 == 0),
                    trainingEndBar: horizons.map { refit - $0 - 1 }, trainingSamples: accumulators.map(\.count)))
                // Predict bars refit ..< next refit, stamped at their own bar.
                let stop = j + 1 < refits.count ? refits[j + 1] : t
                var rows: [Int] = []
                for b in refit..<stop {
                    for i in 0..<n where data.inputsValid[b * n + i] {
                        if run[b * n + i] < length {
                            skippedWindows += 1
                            continue
                        }
                        rows.append(b * n + i)
                        timestamps.append(bars.timestamps[b])
                        assetIndex.append(Int32(i))
                    }
                }
                let predictions = models.map { model in
                    model?.predict(x, rows: rows, inputCount: p) ?? [Double](repeating: .nan, count: rows.count)
                }
                for r in rows.indices {
                    for k in horizons.indices { values.append(Float(predictions[k][r])) }
                }
            }
        }
        let table = PredictionTable(featureNames: config.featureNames, assets: bars.assets, timestamps: timestamps,
                                    assetIndex: assetIndex, values: values, source: "walk-forward \(config.model.rawValue)")
        let report = ICReport(predictions: table, bars: bars, horizons: horizons)
        return PredictionRun(table: table, refits: records, report: report, skippedWindows: skippedWindows)
    }
}
