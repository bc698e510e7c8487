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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case feature, weight
    }

    /// Decodes one source; `weight` defaults to 1.
    /// - Throws: `ConfigError.unknownKey` for a key this config does not define; `DecodingError` for a wrong type.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self(feature: "")
        feature = try c.value(.feature, or: d.feature)
        weight = try c.value(.weight, or: d.weight)
    }
}
