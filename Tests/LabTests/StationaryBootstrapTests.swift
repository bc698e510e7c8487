import Foundation
import Testing
@testable import Lab

@Suite struct StationaryBootstrapTests {
    /// An AR(1) return series r_t = μ + φ (r_{t−1} − μ) + σ ε_t, started from its stationary law.
    static func ar1(count n: Int, mean mu: Double, phi: Double, sigma: Double, rng: inout Xoshiro256) -> [Double] {
        var x = mu + sigma / (1 - phi * phi).squareRoot() * rng.normal()
        var out = [Double]()
        out.reserveCapacity(n)
        for _ in 0..<n {
            out.append(x)
            x = mu + phi * (x - mu) + sigma * rng.normal()
        }
        return out
    }

    static func coverage(blockLength: Double?, reps: Int, n: Int, phi: Double) throws -> Double {
        var rng = Xoshiro256(seed: 1994)
        let mu = 0.0005
        var covered = 0
        for k in 0..<reps {
            let x = ar1(count: n, mean: mu, phi: phi, sigma: 0.01, rng: &rng)
            let b = StationaryBootstrap(meanBlockLength: blockLength ?? StationaryBootstrap.automaticBlockLength(count: n), replicates: 300, seed: UInt64(k))
            let ci = try b.meanInterval(x)
            if ci.lower <= mu && mu <= ci.upper { covered += 1 }
        }
        return Double(covered) / Double(reps)
    }

    /// Coverage of the 95% interval for the mean of an AR(1) series with φ = 0.5, n = 300.
    ///
    /// Expected range: with L = n^{1/3} ≈ 6.7 the stationary bootstrap's variance of the mean is
    /// Σ_k (1 − 1/L)^{|k|} ρ_k ≈ 2.48 (in units of Var r / n) against the true long-run 3.0 (Politis &
    /// Romano 1994, eq. for the SB variance), so the nominal 95% interval covers about
    /// P(|Z| < 1.96·√(2.48/3)) ≈ 0.925; with 150 replications (binomial sd ≈ 0.022) the accepted band
    /// is [0.86, 0.99]. The i.i.d. bootstrap (L = 1) ignores the dependence: its variance is 1.0, so it
    /// covers only about P(|Z| < 1.13) ≈ 0.74 — the test also checks that it falls clearly short.
    @Test func coverageOnAR1IsInItsExpectedRangeAndBeatsTheIIDBootstrap() throws {
        let block = try Self.coverage(blockLength: nil, reps: 150, n: 300, phi: 0.5)
        let iid = try Self.coverage(blockLength: 1, reps: 150, n: 300, phi: 0.5)
        #expect(block >= 0.86 && block <= 0.99, "stationary bootstrap coverage \(block)")
        #expect(iid < 0.84, "iid bootstrap coverage \(iid)")
        #expect(block - iid > 0.07, "block \(block) vs iid \(iid)")
    }

    @Test func blocksHaveTheirMeanLengthAndWrapCircularly() {
        let b = StationaryBootstrap(meanBlockLength: 5, replicates: 100, seed: 3)
        var rng = Xoshiro256(seed: 11)
        var blocks = 0, total = 0
        for _ in 0..<200 {
            let idx = b.indices(count: 1000, rng: &rng)
            #expect(idx.allSatisfy { (0..<1000).contains($0) })
            blocks += 1
            for k in 1..<idx.count where idx[k] != (idx[k - 1] + 1) % 1000 { blocks += 1 }
            total += idx.count
        }
        let mean = Double(total) / Double(blocks)
        #expect(abs(mean - 5) < 0.25, "mean block length \(mean)")
        #expect(StationaryBootstrap.automaticBlockLength(count: 1000) == pow(1000, 1.0 / 3.0))
    }

    @Test func sameSeedSameIntervalDifferentSeedDifferentDraws() throws {
        var rng = Xoshiro256(seed: 5)
        let x = Self.ar1(count: 200, mean: 0, phi: 0.3, sigma: 1, rng: &rng)
        let a = try StationaryBootstrap.automatic(count: 200, replicates: 500, seed: 9).meanInterval(x)
        let b = try StationaryBootstrap.automatic(count: 200, replicates: 500, seed: 9).meanInterval(x)
        let c = try StationaryBootstrap.automatic(count: 200, replicates: 500, seed: 10).meanInterval(x)
        #expect(a.lower.bitPattern == b.lower.bitPattern && a.upper.bitPattern == b.upper.bitPattern)
        #expect(a.lower != c.lower || a.upper != c.upper)
    }

    @Test func aSplitTooShortForTheBlockLengthIsRefusedWithTheMinimum() {
        let b = StationaryBootstrap(meanBlockLength: 20, replicates: 200)
        #expect(b.minimumCount == 40)
        #expect(throws: StatisticsError.seriesTooShort(what: "paired Sharpe difference", count: 30, minimum: 40, blockLength: 20)) {
            try SharpeDifference.paired(agent: Array(repeating: 0.01, count: 30), baseline: Array(repeating: 0, count: 30), periodsPerYear: 252, bootstrap: b)
        }
        let e = StatisticsError.seriesTooShort(what: "paired Sharpe difference", count: 30, minimum: 40, blockLength: 20)
        #expect(e.description.contains("at least 40"))
    }
}
