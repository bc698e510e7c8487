import MarketGym

/// When the walk-forward predictor refits its models.
public enum RefitCadence: Codable, Sendable, Equatable, CustomStringConvertible {
    /// At the first bar of each calendar year (UTC).
    case yearly
    /// Every `n` bars, starting at the first eligible bar.
    case everyBars(Int)

    public var description: String {
        switch self {
        case .yearly: return "yearly (first bar of each calendar year)"
        case let .everyBars(n): return "every \(n) bars"
        }
    }
}

/// The model family fitted at each refit.
public enum PredictorModel: String, Codable, Sendable, Equatable {
    /// Ridge regression on standardized inputs, closed form (Hoerl & Kennard 1970).
    case ridge
    /// A small MLP trained with Adam on TensorCore (`MLPConfig`).
    case mlp
    /// An LSTM over windows of past inputs (`SequenceModelConfig`; Hochreiter & Schmidhuber 1997).
    case lstm
    /// A bidirectional LSTM over the window (Schuster & Paliwal 1997); the window is all past, so
    /// reading it both ways looks at no future bar.
    case bilstm
    /// A GRU over the window (Cho et al. 2014).
    case gru
    /// An LSTM with additive attention pooling over the window's steps (Bahdanau et al. 2015).
    case lstmAttention
    /// A temporal convolutional network of causal dilated convolutions (Bai et al. 2018).
    case tcn

    /// Whether the model reads windows of `sequence.length` bars.
    public var isSequence: Bool { self != .ridge && self != .mlp }
}

/// Configuration of the walk-forward predictor (`marketgym features build`).
///
/// Inputs per asset are computed from data up to and including the bar they describe; targets are
/// forward log returns; models are refitted on an expanding window with a purge gap of h bars.
public struct WalkForwardConfig: Codable, Sendable, Equatable {
    /// Forward-return horizons to predict, in bars. Default [1, 5, 20] (issue 8: a day, a week, a month of daily bars).
    public var horizons: [Int] = [1, 5, 20]
    /// Lookbacks of the past log-return inputs `mom_L = log(c[t] / c[t-L])`, in bars.
    /// Default [1, 5, 20, 60, 250]: day, week, month, quarter, year (the short-term reversal and
    /// momentum horizons of Jegadeesh 1990 and Jegadeesh & Titman 1993).
    public var lookbacks: [Int] = [1, 5, 20, 60, 250]
    /// Windows of the realized-volatility inputs (standard deviation of daily log returns), in bars. Default [20, 60].
    public var volatilityWindows: [Int] = [20, 60]
    /// Lookbacks whose past return is also given as a cross-sectional rank in [-0.5, 0.5], in bars.
    /// Default [5, 20, 250] (ranks make the inputs comparable across market regimes).
    public var rankLookbacks: [Int] = [5, 20, 250]
    /// When models are refitted. Default `.yearly` (issue 8).
    public var refit: RefitCadence = .yearly
    /// Bars of history required before the first refit, in bars. Default 756 (three years of daily
    /// bars: one year is used up by the longest lookback, two remain for training).
    public var minimumTrainingBars: Int = 756
    /// Ridge penalty on standardized inputs (dimensionless, added to the input correlation matrix's
    /// diagonal). Default 0.1: mild shrinkage for strongly correlated overlapping-return inputs; not tuned.
    public var ridgePenalty: Double = 0.1
    /// Subtract the cross-sectional mean from each bar's targets before fitting. Default true: the
    /// environment trades market-neutral books, so only relative returns matter.
    public var demeanTargets: Bool = true
    /// The model. Default `.ridge` (closed form, exactly reproducible; the bundled predictions use it).
    public var model: PredictorModel = .ridge
    /// Settings used when `model == .mlp`.
    public var mlp = MLPConfig()
    /// Settings used by the sequence models (`lstm`, `bilstm`, `gru`, `lstmAttention`, `tcn`).
    /// Written to config files only once set (absent means the defaults), so configs and provenance
    /// files written before the sequence models existed read and re-encode byte for byte.
    public var sequence: SequenceModelConfig {
        get { sequenceSettings ?? SequenceModelConfig() }
        set { sequenceSettings = newValue }
    }
    var sequenceSettings: SequenceModelConfig?

    enum CodingKeys: String, CodingKey {
        case horizons, lookbacks, volatilityWindows, rankLookbacks, refit, minimumTrainingBars, ridgePenalty, demeanTargets
        case model, mlp
        case sequenceSettings = "sequence"
    }

    /// Creates the default configuration.
    public init() {}

    /// Names of the inputs, in model order.
    public var inputNames: [String] {
        lookbacks.map { "mom_\($0)" } + volatilityWindows.map { "vol_\($0)" } + rankLookbacks.map { "rank_mom_\($0)" }
    }

    /// Names of the output features, one per horizon (`pred_h1`, ...).
    public var featureNames: [String] { horizons.map { "pred_h\($0)" } }

    /// The longest history an input needs, in bars.
    public var longestLookback: Int {
        max(lookbacks.max() ?? 0, volatilityWindows.max() ?? 0, rankLookbacks.max() ?? 0)
    }

    /// Checks the configuration.
    /// - Throws: `PredictorError.invalidConfig` naming the field and the fix.
    public func validate() throws(PredictorError) {
        if horizons.isEmpty || horizons.contains(where: { $0 < 1 }) || Set(horizons).count != horizons.count {
            throw .invalidConfig(field: "horizons", value: "\(horizons)", expected: "distinct whole numbers of bars >= 1, e.g. [1, 5, 20]")
        }
        if lookbacks.isEmpty && volatilityWindows.isEmpty && rankLookbacks.isEmpty {
            throw .invalidConfig(field: "lookbacks", value: "[]", expected: "at least one input (lookbacks, volatilityWindows or rankLookbacks)")
        }
        if lookbacks.contains(where: { $0 < 1 }) || rankLookbacks.contains(where: { $0 < 1 }) {
            throw .invalidConfig(field: "lookbacks", value: "\(lookbacks) / \(rankLookbacks)", expected: "lookbacks >= 1 bar")
        }
        if volatilityWindows.contains(where: { $0 < 2 }) {
            throw .invalidConfig(field: "volatilityWindows", value: "\(volatilityWindows)", expected: "windows >= 2 bars")
        }
        if case let .everyBars(n) = refit, n < 1 {
            throw .invalidConfig(field: "refit", value: "everyBars(\(n))", expected: "a cadence of at least 1 bar")
        }
        if minimumTrainingBars < 1 {
            throw .invalidConfig(field: "minimumTrainingBars", value: "\(minimumTrainingBars)", expected: "at least 1 bar")
        }
        if model == .mlp {
            if mlp.hiddenSizes.isEmpty || mlp.hiddenSizes.contains(where: { $0 < 1 }) {
                throw .invalidConfig(field: "mlp.hiddenSizes", value: "\(mlp.hiddenSizes)", expected: "one or more widths >= 1, e.g. [32, 16]")
            }
            if !(mlp.learningRate > 0) || !mlp.learningRate.isFinite {
                throw .invalidConfig(field: "mlp.learningRate", value: "\(mlp.learningRate)", expected: "a finite number > 0, e.g. 0.001")
            }
            if mlp.batchSize < 1 || mlp.stepsPerRefit < 0 {
                throw .invalidConfig(field: "mlp.batchSize/stepsPerRefit", value: "\(mlp.batchSize)/\(mlp.stepsPerRefit)", expected: "batchSize >= 1 and stepsPerRefit >= 0")
            }
        }
        if model.isSequence { try sequence.validate() }
        if !(ridgePenalty >= 0) || !ridgePenalty.isFinite {
            throw .invalidConfig(field: "ridgePenalty", value: "\(ridgePenalty)", expected: "a finite number >= 0")
        }
    }
}

/// Errors of the walk-forward predictor.
public enum PredictorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration field is out of range.
    case invalidConfig(field: String, value: String, expected: String)
    /// The bars are too short for the first refit.
    case notEnoughData(bars: Int, needed: Int)
    /// Reading or writing a file failed.
    case file(DataFileError)

    public var description: String {
        switch self {
        case let .invalidConfig(field, value, expected):
            return "predictor config: '\(field)' is \(value); expected \(expected). Fix it in the spec or with --set."
        case let .notEnoughData(bars, needed):
            return "predictor: the data have \(bars) bars, but the first refit needs more than \(needed) bars of history plus a year or cadence to predict. Use longer data or lower minimumTrainingBars."
        case let .file(error):
            return error.description
        }
    }
}
