import Foundation
import Testing
@testable import Lab

/// The research statistics against references no one here wrote: SciPy/NumPy goldens
/// (scripts/goldens/statistics_goldens.py) and the Deflated Sharpe Ratio paper's numerical example.
@Suite struct StatisticsReferenceTests {
    @Test func normalCDFAndQuantileMatchSciPy() {
        for (x, p) in zip(StatisticsGoldens.normalX, StatisticsGoldens.normalCDF) {
            #expect(abs(Distributions.normalCDF(x) - p) <= 1e-14 + 1e-12 * p, "Φ(\(x))")
        }
        for (p, z) in zip(StatisticsGoldens.normalP, StatisticsGoldens.normalQuantile) {
            #expect(abs(Distributions.normalQuantile(p) - z) <= 1e-9 * max(1, abs(z)), "Φ⁻¹(\(p))")
        }
    }

    @Test func studentTQuantilesMatchSciPy() {
        for c in StatisticsGoldens.tCases {
            #expect(abs(Distributions.studentTQuantile(c.p, df: c.df) - c.t) <= 1e-9 * max(1, abs(c.t)), "t(\(c.p), \(c.df))")
        }
    }

    @Test func sampleMomentsMatchSciPy() {
        let m = SampleMoments(StatisticsGoldens.series)
        #expect(abs(m.mean - StatisticsGoldens.seriesMean) < 1e-15)
        #expect(abs(m.std - StatisticsGoldens.seriesStd) < 1e-14)
        #expect(abs(m.skewness - StatisticsGoldens.seriesSkew) < 1e-11)
        #expect(abs(m.kurtosis - StatisticsGoldens.seriesKurtosis) < 1e-11)
        #expect(abs(periodSharpe(StatisticsGoldens.series) - StatisticsGoldens.seriesMean / StatisticsGoldens.seriesStd) < 1e-12)
    }

    @Test func spearmanWithTiesMatchesSciPy() throws {
        #expect(RankCorrelation.ranks(StatisticsGoldens.rankX) == StatisticsGoldens.ranksX)
        let rho = try #require(try RankCorrelation.spearman(StatisticsGoldens.rankX, StatisticsGoldens.rankY))
        #expect(abs(rho - StatisticsGoldens.spearman) < 1e-12)
    }

    @Test func percentileQuantileMatchesNumPy() {
        let s = StatisticsGoldens.quantileValues.sorted()
        for c in StatisticsGoldens.quantiles {
            #expect(abs(StationaryBootstrap.quantile(sorted: s, c.q) - c.value) < 1e-12, "q \(c.q)")
        }
    }

    /// Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", numerical example: N = 100
    /// independent trials whose annualized Sharpe ratios have variance 1/2; the selected strategy has
    /// annualized SR 2.5 over T = 1,250 daily returns (250 a year), skewness −3 and kurtosis 10.
    /// The paper finds SR₀ ≈ 0.1132 (per day) and DSR ≈ 0.9004: not significant at 95%.
    @Test func deflatedSharpeReproducesThePapersNumericalExample() {
        let daysPerYear = 250.0
        let sr0 = SharpeInference.expectedMaximumSharpe(trials: 100, variance: 0.5 / daysPerYear)
        #expect(abs(sr0 - 0.1132) < 5e-5, "SR0 \(sr0)")
        let dsr = SharpeInference.deflatedSharpe(sharpe: 2.5 / daysPerYear.squareRoot(), count: 1250, skewness: -3, kurtosis: 10,
                                                 trials: 100, variance: 0.5 / daysPerYear)
        #expect(abs(dsr - 0.9004) < 5e-5, "DSR \(dsr)")
        #expect(dsr < 0.95)
    }

    /// The PSR is a probability statement about the true Sharpe ratio: for i.i.d. normal returns whose
    /// true per-period SR is exactly SR*, PSR(SR*) > 0.95 must happen about 5% of the time (the
    /// sampling distribution is the reference, not our formula).
    @Test func probabilisticSharpeIsCalibratedOnSimulatedReturns() {
        var rng = Xoshiro256(seed: 2012)
        let trueSR = 0.05, reps = 400, n = 500
        var exceed = 0
        for _ in 0..<reps {
            let r = (0..<n).map { _ in 0.01 * (trueSR + rng.normal()) }
            if SharpeInference.probabilisticSharpe(returns: r, benchmark: trueSR) > 0.95 { exceed += 1 }
        }
        let rate = Double(exceed) / Double(reps)
        // Binomial(400, 0.05): sd 0.011; the band is about ±3 sd.
        #expect(rate > 0.017 && rate < 0.085, "false-positive rate \(rate)")
    }

    @Test func psrPenalizesNegativeSkewAndFatTails() {
        let normal = SharpeInference.probabilisticSharpe(sharpe: 0.1, count: 250, skewness: 0, kurtosis: 3)
        let skewed = SharpeInference.probabilisticSharpe(sharpe: 0.1, count: 250, skewness: -2, kurtosis: 10)
        #expect(skewed < normal)
        #expect(SharpeInference.expectedMaximumSharpe(trials: 1, variance: 1) == 0)
    }
}
