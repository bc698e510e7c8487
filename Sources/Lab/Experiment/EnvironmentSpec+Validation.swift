import Foundation

extension EnvironmentSpec {
    /// Checks every value of the preset before any data is read: the market configuration
    /// (`MarketEnvConfig.validate()`), the data settings and the synthetic market's size.
    /// - Throws: `SpecError.badValue` naming the file, the key path, the value and the fix.
    func validate(file: String, path: String) throws(SpecError) {
        do { try market.validate() } catch { throw SpecDecoder.describe(error, file: file, prefix: path) }
        let age = data.maxPredictionAgeDays
        guard age.isFinite, age >= 0, age <= ResourceBudget.maxPredictionAgeDays else {
            throw .badValue(file: file, path: "\(path).data.maxPredictionAgeDays", found: SpecValue.formatDouble(age),
                            expected: "a finite number of days in 0...\(Int(ResourceBudget.maxPredictionAgeDays)) (0 = no limit; the budget is a century)")
        }
        if kind == .synthetic { try synthetic.validate(file: file, path: "\(path).synthetic") }
    }
}

extension SyntheticSpec {
    func validate(file: String, path: String) throws(SpecError) {
        func bad(_ key: String, _ found: String, _ expected: String) -> SpecError {
            .badValue(file: file, path: "\(path).\(key)", found: found, expected: expected)
        }
        guard (2...100_000).contains(assets) else { throw bad("assets", String(assets), "an asset count in 2...100000") }
        guard bars >= 2, bars <= ResourceBudget.maxSyntheticCells / assets else {
            throw bad("bars", String(bars), "a bar count in 2...\(ResourceBudget.maxSyntheticCells / assets) (assets × bars ≤ \(ResourceBudget.maxSyntheticCells), the synthetic-market budget)")
        }
        for (key, v) in [("sigma", sigma), ("marketSigma", marketSigma)] where !(v.isFinite && v >= 0 && v < 1) {
            throw bad(key, SpecValue.formatDouble(v), "a finite per-bar volatility in [0, 1)")
        }
        guard !snrLevels.isEmpty, snrLevels.count <= 1_000 else { throw bad("snrLevels", "\(snrLevels.count) levels", "1 to 1000 levels") }
        if let i = snrLevels.firstIndex(where: { !$0.isFinite || abs($0) > 100 }) {
            throw bad("snrLevels[\(i)]", SpecValue.formatDouble(snrLevels[i]), "a finite signal-to-noise ratio within ±100")
        }
        guard switchProbability.isFinite, (0...1).contains(switchProbability) else {
            throw bad("switchProbability", SpecValue.formatDouble(switchProbability), "a probability in [0, 1]")
        }
    }
}
