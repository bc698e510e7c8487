import Foundation
import Testing
@testable import Lab

@Suite struct SharpeDifferenceTests {
    static func noise(_ n: Int, seed: UInt64, scale: Double = 0.01, drift: Double = 0) -> [Double] {
        var rng = Xoshiro256(seed: seed)
        return (0..<n).map { _ in drift + scale * rng.normal() }
    }

    @Test func identicalPoliciesAreNotDistinguishable() throws {
        let x = Self.noise(500, seed: 1)
        let d = try SharpeDifference.paired(agent: x, baseline: x, periodsPerYear: 252, bootstrap: .automatic(count: 500, replicates: 300))
        #expect(d.estimate == 0 && d.lower == 0 && d.upper == 0)
        #expect(d.verdict == .notDistinguishable)
        #expect(d.words == "not distinguishable from")
    }

    @Test func aClearlyBetterAgentIsBetterAndTheReverseIsWorse() throws {
        let base = Self.noise(750, seed: 2)
        let agent = zip(base, Self.noise(750, seed: 3, scale: 0.002)).map { $0 + $1 + 0.002 }
        let b = StationaryBootstrap.automatic(count: 750, replicates: 400, seed: 4)
        let up = try SharpeDifference.paired(agent: agent, baseline: base, periodsPerYear: 252, bootstrap: b)
        #expect(up.verdict == .better, "\(up)")
        #expect(up.lower < up.estimate && up.estimate < up.upper)
        let expected = (periodSharpe(agent) - periodSharpe(base)) * 252.0.squareRoot()
        #expect(abs(up.estimate - expected) < 1e-12)
        let down = try SharpeDifference.paired(agent: base, baseline: agent, periodsPerYear: 252, bootstrap: b)
        #expect(down.verdict == .worse)
    }

    @Test func pooledIsTheMeanOverSeedsOfTheDifference() throws {
        let base = Self.noise(400, seed: 7)
        let seeds = (0..<3).map { Self.noise(400, seed: 10 + UInt64($0), drift: 0.0005) }
        let d = try SharpeDifference.pooled(agents: seeds, baseline: base, periodsPerYear: 252, bootstrap: .automatic(count: 400, replicates: 200))
        let expected = seeds.map { periodSharpe($0) - periodSharpe(base) }.reduce(0, +) / 3 * 252.0.squareRoot()
        #expect(abs(d.estimate - expected) < 1e-12)
        #expect(d.lower <= d.estimate && d.estimate <= d.upper)
    }

    @Test func mismatchedSeriesAreRefused() {
        #expect(throws: StatisticsError.lengthMismatch(what: "agent vs baseline returns", first: 99, second: 100)) {
            try SharpeDifference.paired(agent: Self.noise(99, seed: 1), baseline: Self.noise(100, seed: 2), periodsPerYear: 252, bootstrap: .automatic(count: 100))
        }
        var bad = Self.noise(100, seed: 1)
        bad[17] = .nan
        #expect(throws: StatisticsError.nonFinite(what: "returns of series 0", index: 17)) {
            try SharpeDifference.paired(agent: bad, baseline: Self.noise(100, seed: 2), periodsPerYear: 252, bootstrap: .automatic(count: 100))
        }
    }
}

@Suite struct SeedIntervalTests {
    @Test func intervalIsTheStudentTIntervalOfTheMean() {
        let v = [-0.62, -0.41, -0.55, -0.28, -0.66]
        let s = SeedInterval(v)
        let m = v.reduce(0, +) / 5
        let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 4).squareRoot()
        // t_{0.975, 4} = 2.7764451051977987 (SciPy golden in StatisticsGoldens).
        let t4 = StatisticsGoldens.tCases.first { $0.df == 4 && $0.p == 0.975 }?.t ?? .nan
        #expect(abs(s.mean - m) < 1e-15)
        #expect(abs((s.std ?? .nan) - sd) < 1e-15)
        #expect(abs((s.upper ?? .nan) - (m + t4 * sd / 5.0.squareRoot())) < 1e-9)
        #expect(abs((s.lower ?? .nan) - (m - t4 * sd / 5.0.squareRoot())) < 1e-9)
        #expect(s.missingReason == nil)
    }

    @Test func oneSeedGivesNoIntervalAndSaysSo() {
        let s = SeedInterval([0.3])
        #expect(s.std == nil && s.lower == nil && s.upper == nil)
        #expect(s.missingReason?.contains("at least two seeds") == true)
    }
}

@Suite struct SelectionStatisticsTests {
    @Test func winnerIsChosenOnValidationAndDeflatedByTheTrials() throws {
        let valid = [0.4, 1.3, 0.9, -0.2, 0.7]
        let test = [0.1, 0.5, 0.6, -0.4, 0.2]
        let returns = SharpeDifferenceTests.noise(500, seed: 21, drift: 0.001)
        let s = try SelectionStatistics.compute(validationSharpes: valid, testSharpes: test, winnerReturns: returns, periodsPerYear: 252)
        #expect(s.winner == 1)
        #expect(s.trials == 5)
        let m = valid.reduce(0, +) / 5
        #expect(abs(s.sharpeVariance - valid.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 4) < 1e-12)
        let mom = SampleMoments(returns)
        let dsr = SharpeInference.deflatedSharpe(sharpe: mom.sharpe, count: 500, skewness: mom.skewness, kurtosis: mom.kurtosis, trials: 5, variance: s.sharpeVariance / 252)
        #expect(abs(s.deflatedSharpe - dsr) < 1e-12)
        #expect(s.deflatedSharpe < s.probabilisticSharpe)
        // Ranks valid (2,5,4,1,3) vs test (2,4,5,1,3): Spearman 1 − 6·2/(5·24) = 0.9.
        #expect(abs((s.validationTestRankCorrelation ?? .nan) - 0.9) < 1e-12)
    }

    @Test func fewerThanTwoTrialsOrMismatchedListsAreRefused() {
        let r = SharpeDifferenceTests.noise(50, seed: 1)
        #expect(throws: StatisticsError.tooFewValues(what: "trials for the Deflated Sharpe Ratio", count: 1, minimum: 2)) {
            try SelectionStatistics.compute(validationSharpes: [1], testSharpes: [], winnerReturns: r, periodsPerYear: 252)
        }
        #expect(throws: StatisticsError.lengthMismatch(what: "validation vs test Sharpe ratios", first: 3, second: 2)) {
            try SelectionStatistics.compute(validationSharpes: [1, 2, 3], testSharpes: [1, 2], winnerReturns: r, periodsPerYear: 252)
        }
    }
}
