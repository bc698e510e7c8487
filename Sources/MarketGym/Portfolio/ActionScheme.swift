/// Turns an agent's action into a raw book (weights per asset before `NeutralityProjection`).
///
/// - `sizing`: `Discrete(grossLevels.count)`. The book's direction comes from the prediction
///   features: the combined signal (`SignalCombination`: one feature, or several weighted or in
///   agreement), cross-sectionally demeaned over assets with a valid prediction, normalized to
///   Σ|s| = 1, then scaled to the chosen gross level. The agent decides only how big to bet.
/// - `perAsset`: `MultiDiscrete([levels.count] * N)`; w_i = level · maxWeight.
/// - `weights`: `Box([-1, 1]^N)`; w_i = score · maxWeight (scores outside [-1, 1] are invalid).
///
/// Pure and allocation-free, shared with `PolicyRuntime`.
public struct ActionScheme: Sendable, Equatable {
    /// The scheme, its levels, the per-asset cap and N.
    public let kind: ActionSchemeKind
    public let grossLevels: [Double]
    public let perAssetLevels: [Double]
    public let maxWeight: Double
    public let assetCount: Int
    /// The `sizing` book's signal sources and how they combine.
    public let signals: SignalCombination

    /// - Parameters:
    ///   - featureNames: the prediction feature names, in order (the panel's or the daemon's), that
    ///     `config.signals` / `config.signalFeature` name.
    /// - Throws: `MarketEnvError.invalidConfig` for empty or non-finite levels; the errors of
    ///   `SignalCombination.init` for the signal sources.
    public init(_ config: ActionConfig, maxWeight: Double, assetCount: Int, featureNames: [String]) throws(MarketEnvError) {
        guard !config.grossLevels.isEmpty, config.grossLevels.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw .invalidConfig(path: "action.grossLevels", found: "\(config.grossLevels)", expected: "a non-empty list of finite gross levels ≥ 0")
        }
        guard !config.perAssetLevels.isEmpty, config.perAssetLevels.allSatisfy({ $0.isFinite && abs($0) <= 1 }) else {
            throw .invalidConfig(path: "action.perAssetLevels", found: "\(config.perAssetLevels)", expected: "a non-empty list of levels in [-1, 1]")
        }
        kind = config.scheme
        grossLevels = config.grossLevels
        perAssetLevels = config.perAssetLevels
        self.maxWeight = maxWeight
        self.assetCount = assetCount
        signals = try SignalCombination(config, featureNames: featureNames)
    }

    /// The action space of this scheme.
    public var actionSpace: ActionSpace {
        switch kind {
        case .sizing: return .discrete(DiscreteSpace(grossLevels.count))
        case .perAsset: return .multiDiscrete(MultiDiscreteSpace([Int](repeating: perAssetLevels.count, count: assetCount)))
        case .weights: return .box(BoxSpace(low: -1, high: 1, shape: [assetCount]))
        }
    }

    /// Throws unless `action` is of this scheme's kind and inside its space. Nothing is written, so
    /// a rejected action leaves the caller's state as it was.
    /// - Throws: `EnvironmentError.invalidAction` naming the problem.
    public func validate(_ action: Action) throws(EnvironmentError) {
        let n = assetCount
        switch (kind, action) {
        case (.sizing, .discrete(let a)):
            guard a >= 0 && a < grossLevels.count else { throw .invalidAction("sizing level \(a) outside 0..<\(grossLevels.count)") }
        case (.perAsset, .multiDiscrete(let a)):
            guard a.count == n else { throw .invalidAction("perAsset action has \(a.count) entries, expected \(n)") }
            for (i, k) in a.enumerated() where k < 0 || k >= perAssetLevels.count {
                throw .invalidAction("perAsset level \(k) at asset \(i) outside 0..<\(perAssetLevels.count)")
            }
        case (.weights, .continuous(let a)):
            guard a.count == n else { throw .invalidAction("weights action has \(a.count) entries, expected \(n)") }
            for (i, x) in a.enumerated() where !(x >= -1 && x <= 1) {
                throw .invalidAction("weights score \(x) at asset \(i) outside [-1, 1]")
            }
        default:
            throw .invalidAction("action \(action) does not match the \(kind.rawValue) scheme")
        }
    }

    /// Writes the raw book for `action` at bar `t` into `w`.
    /// - Throws: `EnvironmentError.invalidAction` (before writing anything) when the action is not of
    ///   this scheme or out of range.
    public func rawBook(_ action: Action, panel: MarketPanel, bar t: Int, into w: UnsafeMutableBufferPointer<Double>) throws(EnvironmentError) {
        try validate(action)
        switch action {
        case .discrete(let a):
            predictionBook(panel: panel, bar: t, gross: grossLevels[a], into: w)
        case .multiDiscrete, .continuous:
            directBook(action, into: w)
        }
    }

    /// The prediction-driven long-short book at `gross` (`SignalCombination`): the demeaned
    /// combined signal over assets with a valid prediction, normalized to Σ|s| = gross; zero
    /// everywhere when the signal has no dispersion.
    /// - Returns: the combined signal's strength S_t (mean absolute deviation over the book's assets).
    @discardableResult
    public func predictionBook(panel: MarketPanel, bar t: Int, gross: Double, into w: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = panel.assetCount, k = panel.featureCount
        return panel.features.withUnsafeBufferPointer { f in
            panel.featuresPresent.withUnsafeBufferPointer { ok in
                panel.tradable.withUnsafeBufferPointer { tr in
                    guard let fb = f.baseAddress, let ob = ok.baseAddress, let tb = tr.baseAddress else { return 0 }
                    return signals.book(count: n, row: fb + t * n * k, stride: k, tradable: tb + t * n, present: ob + t * n, gross: gross, into: w)
                }
            }
        }
    }
}
