import MarketGym

/// One named prediction source of a market environment (`env.data.sources`, docs/data.md
/// "Several prediction sources"): its own file, timeframe and maximum age, joined as of the bar on
/// its own, observed as `<asset>.<name>.<feature>` (`BTC.h2.pred`).
///
/// ```yaml
/// data:
///   bars: Experiments/data/crypto-hourly/crypto-hourly.bars.yaml
///   sources:
///     - {name: h1, predictions: preds-1h.csv.gz, timeframe: 1h, maxAgeDays: 0.125}
///     - {name: h2, predictions: preds-2h.csv.gz, timeframe: 2h, maxAgeDays: 0.25}
/// ```
public struct PredictionSourceSpec: Codable, Sendable, Equatable {
    /// The source's name, the middle part of its observation names. Letters, digits, `_` and `-`;
    /// must differ from every other source's. Required (default empty is refused).
    public var name: String = ""
    /// The predictions file (long CSV `timestamp,asset,features...` or HDF5), relative to the
    /// project root. Required (default empty is refused).
    public var predictions: String = ""
    /// The bar length the predictions are made on (`1h`, `2h`, `4h`, `1d`). Every stamp must be the
    /// close of an interval of this length on the grid anchored at UTC midnight, at or after the
    /// close of the first such interval the bars reach (a prediction is known at its bar's close).
    /// Default nil: neither check (stamps are taken as closes as they are).
    public var timeframe: String? = nil
    /// Whether the file stamps a prediction at its interval's open (moved to the close, + timeframe)
    /// or at its close (kept). Default nil: close.
    public var stamps: BarStamps? = nil
    /// Oldest a prediction of this source may be and still count, in days; 0 for no limit. Default 0.
    public var maxAgeDays: Double = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, predictions, timeframe, stamps, maxAgeDays
    }

    /// Decodes one list element strictly: absent keys take their defaults, an unknown key is a
    /// `ConfigError.unknownKey` naming its path (`data.sources[1].stamp`).
    public init(from decoder: any Decoder) throws {
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let known = CodingKeys.allCases.map(\.rawValue)
        for key in try decoder.container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
            let path = decoder.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .reduce("") { acc, part in part.hasPrefix("[") ? acc + part : (acc.isEmpty ? part : acc + "." + part) }
            throw ConfigError.unknownKey(path: path, key: key.stringValue, known: known)
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PredictionSourceSpec()
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? d.name
        predictions = try c.decodeIfPresent(String.self, forKey: .predictions) ?? d.predictions
        timeframe = try c.decodeIfPresent(String.self, forKey: .timeframe) ?? d.timeframe
        stamps = try c.decodeIfPresent(BarStamps.self, forKey: .stamps) ?? d.stamps
        maxAgeDays = try c.decodeIfPresent(Double.self, forKey: .maxAgeDays) ?? d.maxAgeDays
    }
}
