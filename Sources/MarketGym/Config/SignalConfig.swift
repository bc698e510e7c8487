/// How several prediction features combine into the one signal the `sizing` book ranks on
/// (`SignalCombination`, docs/market-env.md "Signals combined").
public enum SignalCombineMode: String, Codable, Sendable, CaseIterable {
    /// Σ_s w_s z_s: the weighted sum of the sources' cross-sectional z-scores at the bar.
    case weighted
    /// Only assets on which every source's weighted z-score has the same sign, at (Σ_s w_s z_s)
    /// times the sources' consistency min_s |w_s z_s| / max_s |w_s z_s|.
    case agreement
}

/// One source of the `sizing` book's combined signal: a prediction feature and its weight.
///
/// ```yaml
/// action:
///   signals: [{feature: h1.pred, weight: 1}, {feature: h2.pred, weight: 0.5}]
///   combine: weighted
/// ```
public struct SignalWeight: Codable, Sendable, Equatable {
    /// A prediction feature name as the observation names carry it (`h1.pred`, `pred_h5`).
    public var feature: String = ""
    /// Its weight in the combination (any finite number; negative flips the source). Default 1.
    public var weight: Double = 1

    /// A source with its weight.
    public init(feature: String, weight: Double = 1) {
        self.feature = feature
        self.weight = weight
    }
}

extension ActionConfig: ConfigListElementDefaults {
    /// Each of `signals` starts from `SignalWeight(feature: "")` (weight 1).
    public static var listElementDefaults: [String: any Encodable] { ["signals": SignalWeight(feature: "")] }
}
