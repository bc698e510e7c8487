import Foundation
import MarketGym

extension MarketDataSpec {
    /// Decodes `env.data` strictly; `bars` may be a path (string) or an inline bar-source spec
    /// (mapping), which is decoded strictly on its own (unknown keys name `<path>.bars.<key>`).
    /// - Throws: `SpecError` naming the file and key path.
    static func decode(_ tree: SpecValue, file: String, path: String) throws(SpecError) -> MarketDataSpec {
        var rest = tree
        var inline: BarSourceSpec? = nil
        if let bars = tree["bars"], case .mapping = bars {
            inline = try SpecDecoder.decode(BarSourceSpec.self, from: bars, defaults: BarSourceSpec(), file: file, path: "\(path).bars")
            rest = rest.removing("bars")
        }
        var spec = try SpecDecoder.decode(MarketDataSpec.self, from: rest, defaults: MarketDataSpec(), file: file, path: path)
        if let inline {
            spec.barSource = inline
            spec.bars = "<inline bar-source spec>"
        }
        try spec.validateSources(file: file, path: path)
        return spec
    }

    /// The section as a tree (for the resolved config): an inline bar-source spec under `bars`.
    func tree() throws(SpecError) -> SpecValue {
        var t = try SpecDecoder.encode(self)
        if let barSource { t = t.setting("bars", to: try SpecDecoder.encode(barSource)) }
        return t
    }

    /// Checks the named sources: valid, distinct names, a file each, durations and ages in range,
    /// and no single-source keys set beside them.
    func validateSources(file: String, path: String) throws(SpecError) {
        if let tf = timeframe, BarDuration.seconds(tf) == nil {
            throw .badValue(file: file, path: "\(path).timeframe", found: "'\(tf)'", expected: "a duration such as 1h, 2h, 4h, 90m, 1d")
        }
        guard !sources.isEmpty else { return }
        let defaults = MarketDataSpec()
        if predictions != defaults.predictions || maxPredictionAgeDays != defaults.maxPredictionAgeDays {
            throw .badValue(file: file, path: "\(path).predictions", found: "predictions/maxPredictionAgeDays set beside \(sources.count) sources",
                            expected: "either one predictions file (predictions, maxPredictionAgeDays) or named sources (sources: [{name, predictions, timeframe, maxAgeDays}]). Move the file into a source")
        }
        var seen = Set<String>()
        for (k, s) in sources.enumerated() {
            let at = "\(path).sources[\(k)]"
            guard PredictionSource.isValidName(s.name) else {
                throw .badValue(file: file, path: "\(at).name", found: "'\(s.name)'", expected: "a name of 1 to 32 letters, digits, _ or - (e.g. h1, h2, h4)")
            }
            guard seen.insert(s.name).inserted else {
                throw .badValue(file: file, path: "\(at).name", found: "'\(s.name)' (again)", expected: "a name no other source has")
            }
            guard !s.predictions.isEmpty else {
                throw .badValue(file: file, path: "\(at).predictions", found: "nothing", expected: "a predictions file (long CSV timestamp,asset,features... or .h5)")
            }
            if let tf = s.timeframe, BarDuration.seconds(tf) == nil {
                throw .badValue(file: file, path: "\(at).timeframe", found: "'\(tf)'", expected: "a duration such as 1h, 2h, 4h, 90m, 1d")
            }
            if s.stamps == .open && s.timeframe == nil {
                throw .badValue(file: file, path: "\(at).stamps", found: "open without a timeframe", expected: "a timeframe beside stamps: open (each stamp moves forward by one interval), e.g. timeframe: 2h")
            }
            guard s.maxAgeDays.isFinite, s.maxAgeDays >= 0, s.maxAgeDays <= ResourceBudget.maxPredictionAgeDays else {
                throw .badValue(file: file, path: "\(at).maxAgeDays", found: SpecValue.formatDouble(s.maxAgeDays),
                                expected: "a finite number of days in 0...\(Int(ResourceBudget.maxPredictionAgeDays)) (0 = no limit)")
            }
        }
    }
}
