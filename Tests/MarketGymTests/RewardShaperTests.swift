import Testing
import MarketGym
import SeededRandom
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RewardShaperTests {
    /// Moody & Saffell define D_t as the first-order coefficient of the EWMA Sharpe ratio in η:
    /// S_t(η) = S_{t−1} + η D_t + O(η²). Checked by a finite difference in η.
    @Test func differentialSharpeIsTheDerivativeOfTheEWMASharpe() {
        var rng = Xoshiro256(seed: 3)
        var c = RewardConfig()
        c.logReturnWeight = 0
        c.differentialSharpeWeight = 1
        c.differentialSharpeDecay = 0.05
        var shaper = RewardShaper(c)
        var A = 0.0, B = 0.0
        for k in 0..<300 {
            let r = 0.001 + 0.01 * rng.normal()
            let d = shaper.terms(netReturn: r, turnover: 0, drawdown: 0, gross: 0).differentialSharpe
            if k > 10 {
                let s0 = A / (B - A * A).squareRoot()
                let h = 1e-6
                let a1 = A + h * (r - A), b1 = B + h * (r * r - B)
                let s1 = a1 / (b1 - a1 * a1).squareRoot()
                #expect(isClose(d, (s1 - s0) / h, relative: 1e-3, absolute: 1e-6), "step \(k): \(d) vs \((s1 - s0) / h)")
            }
            A += 0.05 * (r - A)
            B += 0.05 * (r * r - B)
        }
    }

    @Test func termsFollowTheirWeights() {
        var c = RewardConfig()
        c.turnoverPenalty = 2
        c.drawdownPenalty = 3
        c.variancePenalty = 5
        c.exposurePenalty = 7
        var s = RewardShaper(c)
        let t1 = s.terms(netReturn: 0.02, turnover: 0.5, drawdown: 0.1, gross: 1.5)
        #expect(isClose(t1.logReturn, log(1.02)))
        #expect(t1.turnover == -1 && isClose(t1.drawdown, -0.3) && isClose(t1.variance, -5 * 0.0004) && t1.exposure == -10.5)
        let t2 = s.terms(netReturn: -0.01, turnover: 0, drawdown: 0.05, gross: 0)
        #expect(t2.drawdown == 0)  // drawdown fell: no penalty
        #expect(isClose(t2.variance, -5 * pow(-0.01 - 0.01 * 0.02, 2)))
        #expect(isClose(t2.total, t2.logReturn + t2.variance))
    }
}
