import Foundation
import MarketGym
import SeededRandom

/// Signal injection on real prices: predictions built from **realized future returns** plus noise,
/// with a chosen rank IC and a confidence feature that tracks the signal quality over time.
///
/// A method test, never a tradable signal: the file's provenance says `lookahead: injected`, which
/// `marketgym check lookahead` flags, and a policy trained on it carries that provenance, which
/// PolicyRuntime refuses to serve.
///
/// Construction, per bar t (stamped at t's close; bars without h forward bars get no record):
/// 1. The target is the forward return over `horizon` bars, `c[t+h]/c[t] − 1`, turned into
///    cross-sectional rank scores z_{t,i} = (r − (n+1)/2) / √((n² − 1)/12) with r the 0-based average
///    rank: standardized ranks (variance 1) less the constant 1/√((n² − 1)/12) (≈ 0.17 for 20 assets),
///    so the signal's strength does not depend on the returns' tails. The constant is the same for
///    every asset of a bar: it changes no rank, no IC and no demeaned book (the published study ran
///    with it; it is kept so that the study reproduces bit for bit).
/// 2. Signal quality regimes: runs of geometric length (mean `regimeLength` bars) alternate at random
///    between "on" (ρ_t = 2·IC) and "off" (ρ_t = 0), each with probability 1/2, so the mean of ρ_t is
///    the target IC (time-varying signal quality, as in the synthetic market). `IC = 0` gives ρ_t = 0.
/// 3. pred_{t,i} = ρ_t z_{t,i} + √(1 − ρ_t²) ε_{t,i}, ε standard normal: its Pearson correlation with z is
///    ρ_t, and its rank IC with the forward returns is close to ρ_t (the realized mean is measured and
///    written into the provenance).
/// 4. confidence_t (one value per bar, the same for every asset) = κ · q_t + (1 − κ) · u_t, where q_t
///    is 1 in "on" regimes and 0 in "off" ones, and u_t an independent regime series with the same
///    law: κ = `informativeness` ∈ [0, 1] sets how much confidence knows about the quality
///    (1: exactly; 0: not at all, same marginal distribution).
/// Seeded: the same bars, settings and seed give the same file, bit for bit.
public struct InjectedSignal: Sendable, Equatable, Codable {
    /// Target mean rank IC of the prediction with the forward return (0 ≤ IC ≤ 0.5).
    public var ic: Double
    /// κ ∈ [0, 1]: how informative the confidence feature is about the signal quality.
    public var informativeness: Double
    /// Forward-return horizon in bars. Default 1 (the env's daily step).
    public var horizon = 1
    /// Mean regime length in bars. Default 63 (a quarter of daily bars).
    public var regimeLength = 63.0
    public var seed: UInt64 = 0

    public init(ic: Double, informativeness: Double, horizon: Int = 1, regimeLength: Double = 63, seed: UInt64 = 0) {
        self.ic = ic
        self.informativeness = informativeness
        self.horizon = horizon
        self.regimeLength = regimeLength
        self.seed = seed
    }

    /// Checks the settings.
    public func validate() throws(PredictorError) {
        guard ic >= 0 && ic <= 0.5 else { throw .invalidConfig(field: "ic", value: "\(ic)", expected: "a target rank IC in [0, 0.5] (the on-regime correlation is 2·IC ≤ 1)") }
        guard informativeness >= 0 && informativeness <= 1 else { throw .invalidConfig(field: "informativeness", value: "\(informativeness)", expected: "a number in [0, 1]") }
        guard horizon >= 1 else { throw .invalidConfig(field: "horizon", value: "\(horizon)", expected: "at least 1 bar") }
        guard regimeLength >= 1 else { throw .invalidConfig(field: "regimeLength", value: "\(regimeLength)", expected: "at least 1 bar") }
    }

    /// Feature names in the file: the signal and the confidence.
    public static let featureNames = ["pred", "confidence"]

    /// Builds the injected predictions for `bars`.
    /// - Returns: the table and the realized mean rank IC of `pred` with the forward returns.
    public func build(bars: MarketData) throws(PredictorError) -> (table: PredictionTable, realizedIC: Double) {
        try validate()
        let t = bars.barCount, n = bars.assetCount, h = horizon
        var rng = Xoshiro256(seed: seed)
        func regimes() -> [Bool] {
            var out = [Bool](repeating: false, count: t)
            var on = rng.uniformDouble() < 0.5
            for k in 0..<t {
                if k > 0 && rng.uniformDouble() < 1 / regimeLength { on = rng.uniformDouble() < 0.5 }
                out[k] = on
            }
            return out
        }
        let quality = regimes()
        let decoy = regimes()
        var ts: [Int64] = [], ai: [Int32] = [], values: [Float] = []
        var icSum = 0.0, icCount = 0
        for b in 0..<max(0, t - h) {
            var idx: [Int] = [], fwd: [Double] = []
            for i in 0..<n {
                let p0 = bars.close[b * n + i], p1 = bars.close[(b + h) * n + i]
                if p0.isFinite && p1.isFinite && p0 > 0 { idx.append(i); fwd.append(p1 / p0 - 1) }
            }
            guard idx.count >= 2 else { continue }
            let ranks = averageRanks(fwd)
            let m = Double(idx.count)
            // Ranks scaled to variance 1 (the variance of 1…m is (m² − 1)/12); see step 1 for the constant.
            let scoreScale = ((m * m - 1) / 12).squareRoot()
            let rho = quality[b] ? 2 * ic : 0
            let noise = (1 - rho * rho).squareRoot()
            let conf = informativeness * (quality[b] ? 1 : 0) + (1 - informativeness) * (decoy[b] ? 1 : 0)
            var preds: [Double] = []
            for (k, i) in idx.enumerated() {
                let z = (ranks[k] - (m + 1) / 2) / scoreScale
                let p = rho * z + noise * rng.normal()
                preds.append(p)
                ts.append(bars.timestamps[b]); ai.append(Int32(i))
                values.append(Float(p)); values.append(Float(conf))
            }
            if idx.count >= 3, let rho = spearman(preds, fwd) {
                icSum += rho
                icCount += 1
            }
        }
        let table = PredictionTable(featureNames: Self.featureNames, assets: bars.assets, timestamps: ts, assetIndex: ai, values: values, source: "injected")
        return (table, icCount > 0 ? icSum / Double(icCount) : 0)
    }

    /// The provenance record written beside an injected file (`<name>.provenance.json`).
    public func provenance(inputFile: String, realizedIC: Double) -> [String: Any] {
        ["format": "marketgym-predictions-provenance", "lookahead": "injected",
         "method": "signal injection: realized forward returns (rank scores) plus noise; a method test, never tradable",
         "targetIC": ic, "realizedRankIC": realizedIC, "informativeness": informativeness, "horizon": horizon,
         "regimeLength": regimeLength, "seed": Int(seed), "features": Self.featureNames, "inputFile": inputFile,
         "stamping": "stamped at bar t's close but built from returns after t: look-ahead by construction"]
    }

    /// Builds from a bars file and writes the predictions (CSV, gzip for .gz) and their provenance JSON.
    /// - Returns: the realized mean rank IC.
    @discardableResult
    public static func write(bars barsURL: URL, output: URL, signal: InjectedSignal) throws(PredictorError) -> Double {
        let bars: MarketData
        do { bars = try MarketData.load(contentsOf: barsURL) } catch { throw .file(error) }
        let (table, realized) = try signal.build(bars: bars)
        do { try table.writeCSV(to: output, significantDigits: 5) } catch { throw .file(error) }
        let prov = signal.provenance(inputFile: barsURL.lastPathComponent, realizedIC: realized)
        let url = PredictionBuilder.provenanceURL(for: output)
        do {
            try JSONSerialization.data(withJSONObject: prov, options: [.prettyPrinted, .sortedKeys]).write(to: url, options: .atomic)
        } catch {
            throw .file(.unwritable(file: url.path, reason: error.localizedDescription))
        }
        return realized
    }

    /// Whether the predictions file at `url` is an injected one (its provenance says `lookahead: injected`).
    public static func isInjected(predictions url: URL) -> Bool {
        guard let data = try? Data(contentsOf: PredictionBuilder.provenanceURL(for: url)),
              let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return false }
        return json["lookahead"] as? String == "injected"
    }
}
