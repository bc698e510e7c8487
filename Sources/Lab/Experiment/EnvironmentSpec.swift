import Foundation

/// Which environment an experiment trains on.
public enum EnvironmentKind: String, Codable, Sendable, CaseIterable {
    /// The multi-asset market-neutral environment on real (or user) bars.
    case market
    /// The same environment on a synthetic market with a known optimal position size.
    case synthetic
    /// Gymnasium CartPole-v1 (for checking agents against published scores).
    case cartpole
}

/// Where a market environment's data come from. Relative paths resolve against the project root
/// (the folder holding `Experiments/`), so presets work from any working directory.
public struct MarketDataSpec: Codable, Sendable, Equatable {
    /// Bar file (any layout `marketgym data info` reads), or a bar-source spec file (`.yaml`/`.yml`,
    /// docs/data.md "Bar-source specs"), whose relative `files` resolve against the spec's folder.
    /// In a preset `bars:` may also hold the spec inline (a mapping, decoded into `barSource`).
    /// Default: the bundled S&P 20-stock daily closes.
    public var bars: String = "Experiments/data/sp500-20-daily.csv.gz"
    /// The bar-source spec written inline under `data.bars` (relative `files` resolve against the
    /// project root), or nil. Default nil.
    public var barSource: BarSourceSpec? = nil
    /// Resample the loaded bars to this timeframe (`2h`, `4h`, `1d`; see `MarketData.resampled`),
    /// overriding a spec's own `timeframe`. Default nil: the spec's timeframe, else as read.
    public var timeframe: String? = nil
    /// Named prediction sources (`h1`, `h2`, ...), each its own file, timeframe and maximum age,
    /// each joined as of the bar on its own; their features are observed as `<asset>.<source>.<feature>`.
    /// When non-empty, `predictions` and `maxPredictionAgeDays` must stay at their defaults.
    /// Default none: the single `predictions` source, named by its feature columns as before.
    public var sources: [PredictionSourceSpec] = []
    /// Benchmark closes (one column), for beta and comparisons; empty for none. Default: the bundled S&P 500 index.
    public var benchmark: String = "Experiments/data/sp500-index-daily.csv.gz"
    /// Prediction features: a predictions file (long CSV `timestamp,asset,features...`), or
    /// `builtin` for the walk-forward ridge predictions stored next to the bars as
    /// `<bars>.predictions.csv.gz` (built and cached on first use). Default `builtin`.
    public var predictions: String = "builtin"
    /// Oldest a prediction may be and still count, in days; 0 for no limit. Default 0.
    public var maxPredictionAgeDays: Double = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case bars, timeframe, benchmark, predictions, maxPredictionAgeDays, sources
    }
}

/// Settings of the synthetic market (see `SyntheticMarket` and docs/market-env.md).
public struct SyntheticSpec: Codable, Sendable, Equatable {
    /// Number of assets. Default 20.
    public var assets: Int = 20
    /// Number of bars. Default 2520 (ten years of daily bars).
    public var bars: Int = 2520
    /// Idiosyncratic per-bar volatility. Default 0.01.
    public var sigma: Double = 0.01
    /// Market-factor per-bar volatility. Default 0.01.
    public var marketSigma: Double = 0.01
    /// Regime signal-to-noise levels. Default [0, 0.06].
    public var snrLevels: [Double] = [0, 0.06]
    /// Per-bar probability of redrawing the regime. Default 0.02.
    public var switchProbability: Double = 0.02
    /// Seed of the generated market (fixed, independent of the training seed, so every seed trains on the same market). Default 1234.
    public var dataSeed: UInt64 = 1234

    public init() {}

    var generatorConfig: SyntheticMarket.Config {
        var c = SyntheticMarket.Config()
        c.assets = assets
        c.bars = bars
        c.sigma = sigma
        c.marketSigma = marketSigma
        c.snrLevels = snrLevels
        c.switchProbability = switchProbability
        return c
    }
}

/// CartPole settings.
public struct CartPoleSpec: Codable, Sendable, Equatable {
    /// Truncation horizon, steps. Default 500: Gymnasium CartPole-v1.
    public var maxEpisodeSteps: Int = 500
    public init() {}
}

/// An environment preset, decoded from YAML:
///
/// ```yaml
/// kind: market                 # market | synthetic | cartpole
/// data: {bars: ..., benchmark: ..., predictions: builtin}
/// costs: {feeBps: 1}           # any MarketEnvConfig key, at top level
/// reward: {turnoverPenalty: 0.001}
/// ```
public struct EnvironmentSpec: Sendable, Equatable {
    public var kind: EnvironmentKind = .market
    public var data = MarketDataSpec()
    public var synthetic = SyntheticSpec()
    public var cartpole = CartPoleSpec()
    /// The market environment's configuration (market and synthetic kinds).
    public var market = MarketEnvConfig()

    public init() {}

    static let ownKeys = ["kind", "data", "synthetic", "cartpole"]

    /// Decodes a preset tree strictly (unknown keys name their path).
    public static func decode(_ tree: SpecValue, file: String, path: String = "environment") throws(SpecError) -> EnvironmentSpec {
        try SpecDecoder.requireMapping(tree, file: file, path: path)
        var spec = EnvironmentSpec()
        if let k = tree["kind"] {
            guard case .string(let s) = k, let kind = EnvironmentKind(rawValue: s) else {
                throw .badValue(file: file, path: "\(path).kind", found: SpecValue.scalarText(k),
                                expected: EnvironmentKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            spec.kind = kind
        }
        if let d = tree["data"] { spec.data = try MarketDataSpec.decode(d, file: file, path: "\(path).data") }
        if let s = tree["synthetic"] { spec.synthetic = try SpecDecoder.decode(SyntheticSpec.self, from: s, defaults: SyntheticSpec(), file: file, path: "\(path).synthetic") }
        if let c = tree["cartpole"] { spec.cartpole = try SpecDecoder.decode(CartPoleSpec.self, from: c, defaults: CartPoleSpec(), file: file, path: "\(path).cartpole") }
        var rest = tree
        for k in ownKeys { rest = rest.removing(k) }
        if spec.kind == .cartpole, let stray = rest.keys.first {
            throw .unknownKey(file: file, path: "\(path).\(stray)", suggestion: nil, allowed: ownKeys)
        }
        spec.market = try SpecDecoder.decode(MarketEnvConfig.self, from: rest, defaults: MarketEnvConfig(), file: file, path: path)
        try spec.validate(file: file, path: path)
        return spec
    }

    /// The preset as a tree (for the resolved config).
    public func tree() throws(SpecError) -> SpecValue {
        var t = SpecValue.mapping([("kind", .string(kind.rawValue))])
        switch kind {
        case .cartpole:
            t = t.setting("cartpole", to: try SpecDecoder.encode(cartpole))
        case .market, .synthetic:
            if kind == .market { t = t.setting("data", to: try data.tree()) }
            if kind == .synthetic { t = t.setting("synthetic", to: try SpecDecoder.encode(synthetic)) }
            if case .mapping(let pairs) = try SpecDecoder.encode(market) {
                for (k, v) in pairs { t = t.setting(k, to: v) }
            }
        }
        return t
    }
}
