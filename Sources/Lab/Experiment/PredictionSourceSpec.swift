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
///
/// Synthesized `Codable`: decoding a `MarketDataSpec` gives each list element these defaults
/// (`ConfigListElementDefaults`) and refuses an unknown key naming its path (`data.sources[1].stamp`).
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
}

extension MarketDataSpec: ConfigListElementDefaults {
    /// Each of `sources` starts from `PredictionSourceSpec()`.
    public static var listElementDefaults: [String: any Encodable] { ["sources": PredictionSourceSpec()] }
}
