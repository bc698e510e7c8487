import Foundation

/// The Probabilistic and Deflated Sharpe Ratios.
///
/// - PSR: D. H. Bailey and M. López de Prado, "The Sharpe Ratio Efficient Frontier", Journal of
///   Risk 15(2), 2012, eq. (11): the probability that the true Sharpe ratio exceeds a benchmark SR*,
///   given the observed per-period SR̂ over T returns with skewness γ₃ and (non-excess) kurtosis γ₄:
///
///       PSR(SR*) = Φ( (SR̂ − SR*) √(T − 1) / √(1 − γ₃ SR̂ + (γ₄ − 1)/4 · SR̂²) )
///
/// - DSR: D. H. Bailey and M. López de Prado, "The Deflated Sharpe Ratio: Correcting for Selection
///   Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 2014:
///   the PSR at SR* = SR₀, the expected maximum of N trials' Sharpe ratios under the null of no skill,
///
///       SR₀ = √V[SR_n] · ( (1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e)) ),   γ = Euler–Mascheroni.
///
/// All Sharpe ratios here are **per period** (not annualized): divide an annualized SR by
/// √(periods per year), and an annualized variance by periods per year. The paper's numerical
/// example (N = 100, V = 1/2 annualized, SR 2.5 annualized, T = 1250 daily, γ₃ = −3, γ₄ = 10 gives
/// SR₀ ≈ 0.1132 per day and DSR ≈ 0.9004) is reproduced in `SharpeInferenceTests`.
public enum SharpeInference {
    /// The Euler–Mascheroni constant.
    public static let eulerGamma = 0.5772156649015329

    /// PSR(SR*): the probability that the true per-period Sharpe ratio exceeds `benchmark`.
    /// - Parameters:
    ///   - sharpe: observed per-period SR̂.
    ///   - benchmark: SR* per period (0 asks "is it positive?").
    ///   - count: T, the number of returns.
    ///   - skewness: γ₃ of the returns.
    ///   - kurtosis: γ₄ of the returns, non-excess (3 for normal).
    public static func probabilisticSharpe(sharpe: Double, benchmark: Double = 0, count: Int, skewness: Double, kurtosis: Double) -> Double {
        precondition(count >= 2, "probabilisticSharpe: T = \(count)")
        let variance = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe
        // The variance term can go non-positive only for moments no return series has; treat as a point mass.
        guard variance > 0 else { return sharpe > benchmark ? 1 : 0 }
        return Distributions.normalCDF((sharpe - benchmark) * Double(count - 1).squareRoot() / variance.squareRoot())
    }

    /// PSR(SR*) of a return series, its moments estimated from the series.
    public static func probabilisticSharpe(returns: [Double], benchmark: Double = 0) -> Double {
        let m = SampleMoments(returns)
        return probabilisticSharpe(sharpe: m.sharpe, benchmark: benchmark, count: m.count, skewness: m.skewness, kurtosis: m.kurtosis)
    }

    /// SR₀, the expected maximum per-period Sharpe ratio of `trials` independent trials with no skill
    /// whose Sharpe ratios have variance `variance` (per period²). 0 for a single trial.
    public static func expectedMaximumSharpe(trials: Int, variance: Double) -> Double {
        precondition(trials >= 1 && variance >= 0, "expectedMaximumSharpe: N \(trials), V \(variance)")
        guard trials > 1 else { return 0 }
        let n = Double(trials)
        let z = (1 - eulerGamma) * Distributions.normalQuantile(1 - 1 / n) + eulerGamma * Distributions.normalQuantile(1 - 1 / (n * M_E))
        return variance.squareRoot() * z
    }

    /// DSR: the PSR of the selected strategy against SR₀ of `trials` trials with Sharpe variance `variance`.
    public static func deflatedSharpe(sharpe: Double, count: Int, skewness: Double, kurtosis: Double, trials: Int, variance: Double) -> Double {
        probabilisticSharpe(sharpe: sharpe, benchmark: expectedMaximumSharpe(trials: trials, variance: variance),
                            count: count, skewness: skewness, kurtosis: kurtosis)
    }
}
