/// The daemon's input at one decision bar t: price history, the predictions known at t, and the
/// portfolio it holds — everything the env's observation at t is built from, nothing later.
///
/// Missing values are `.nan` (JSON `null`), with the market data's meaning: a missing close means
/// the asset is not tradable at that bar, a missing prediction means the asset has no valid
/// prediction. Whether non-finite values are accepted at all is `Policy.Options.nonFinite`.
///
/// ```swift
/// let snapshot = PolicySnapshot(assets: policy.spec.assets, features: policy.featureNames,
///                               closes: last21Bars, predictions: predictionsNow)
/// let target = try policy.targetWeights(for: snapshot)
/// ```
public struct PolicySnapshot: Sendable, Equatable, Codable {
    /// Asset names, in the policy's order (`Policy.spec.assets`); checked, never reordered.
    public var assets: [String]
    /// Prediction feature names, in the policy's order (`Policy.featureNames`); checked, never reordered.
    public var features: [String]
    /// Close prices, one row per bar, oldest first; the last row is the decision bar t. Each row has
    /// one value per asset. At least `Policy.requiredHistory` rows; extra older rows are ignored.
    public var closes: [[Double]]
    /// Prediction features known at t: one row per asset, one value per feature.
    public var predictions: [[Double]]
    /// Benchmark closes, one per row of `closes` (needed only by beta-neutral policies), or nil.
    public var benchmark: [Double]?
    /// The held (drifted) book, fraction of NAV per asset; nil means flat (all zero).
    public var weights: [Double]?
    /// 1 − NAV / peak NAV (the env's `portfolio.drawdown`).
    public var drawdown: Double
    /// Fraction of the episode elapsed (the env's `portfolio.time`); a daemon usually sends 0.
    public var time: Double
    /// The last bar's net return of the portfolio (the env's `portfolio.return`, unscaled).
    public var lastReturn: Double
    /// Free text echoed back in the answer (a timestamp, a request id); not used to act.
    public var id: String?

    /// A snapshot; see the properties for the meaning and layout of each argument.
    public init(assets: [String], features: [String], closes: [[Double]], predictions: [[Double]],
                benchmark: [Double]? = nil, weights: [Double]? = nil, drawdown: Double = 0, time: Double = 0,
                lastReturn: Double = 0, id: String? = nil) {
        self.assets = assets
        self.features = features
        self.closes = closes
        self.predictions = predictions
        self.benchmark = benchmark
        self.weights = weights
        self.drawdown = drawdown
        self.time = time
        self.lastReturn = lastReturn
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case assets, features, closes, predictions, benchmark, weights, drawdown, time, lastReturn, id
    }

    /// Decodes a snapshot; JSON `null` inside `closes`, `predictions`, `benchmark` and `weights`
    /// becomes `.nan`; `drawdown`, `time` and `lastReturn` default to 0.
    /// - Throws: `DecodingError` for a missing required key or a wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        assets = try c.decode([String].self, forKey: .assets)
        features = try c.decode([String].self, forKey: .features)
        closes = try c.decode([[Double?]].self, forKey: .closes).map { $0.map { $0 ?? .nan } }
        predictions = try c.decode([[Double?]].self, forKey: .predictions).map { $0.map { $0 ?? .nan } }
        benchmark = try c.decodeIfPresent([Double?].self, forKey: .benchmark)?.map { $0 ?? .nan }
        weights = try c.decodeIfPresent([Double?].self, forKey: .weights)?.map { $0 ?? .nan }
        drawdown = try c.decodeIfPresent(Double.self, forKey: .drawdown) ?? 0
        time = try c.decodeIfPresent(Double.self, forKey: .time) ?? 0
        lastReturn = try c.decodeIfPresent(Double.self, forKey: .lastReturn) ?? 0
        id = try c.decodeIfPresent(String.self, forKey: .id)
    }

    /// Encodes the snapshot; non-finite values become JSON `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func opt(_ x: Double) -> Double? { x.isFinite ? x : nil }
        try c.encode(assets, forKey: .assets)
        try c.encode(features, forKey: .features)
        try c.encode(closes.map { $0.map(opt) }, forKey: .closes)
        try c.encode(predictions.map { $0.map(opt) }, forKey: .predictions)
        try c.encodeIfPresent(benchmark?.map(opt), forKey: .benchmark)
        try c.encodeIfPresent(weights?.map(opt), forKey: .weights)
        try c.encode(drawdown, forKey: .drawdown)
        try c.encode(time, forKey: .time)
        try c.encode(lastReturn, forKey: .lastReturn)
        try c.encodeIfPresent(id, forKey: .id)
    }
}

/// The runtime's answer for one snapshot: the neutral target book and how it was chosen.
public struct TargetWeights: Sendable, Equatable, Codable {
    /// Asset names, in the order of `weights`.
    public var assets: [String]
    /// Target weight per asset (fraction of NAV): dollar-neutral (and beta-neutral when the policy
    /// is), within the gross and per-asset caps, zero on untradable assets.
    public var weights: [Double]
    /// The policy's action as numbers: the level index (sizing), per-asset level indices (perAsset),
    /// or the scores (weights); empty for a flat fallback.
    public var action: [Double]
    /// The version of the policy that answered (`Policy.version`).
    public var policyVersion: String
    /// Why a flat book was returned instead of the policy's (non-finite input under `.flat`), or nil.
    public var fallback: String?
    /// The snapshot's `id`, echoed.
    public var id: String?

    /// A result; see the properties.
    public init(assets: [String], weights: [Double], action: [Double], policyVersion: String, fallback: String? = nil, id: String? = nil) {
        self.assets = assets
        self.weights = weights
        self.action = action
        self.policyVersion = policyVersion
        self.fallback = fallback
        self.id = id
    }
}
