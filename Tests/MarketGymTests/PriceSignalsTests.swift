import Testing
import MarketGym
import SeededRandom
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite struct PriceSignalsTests {
    @Test func valuesFollowTheirDefinitionsAndIgnoreTheFuture() throws {
        let m = Fixtures.synthetic(assets: 4, bars: 300, seed: 5)
        let f = PriceSignals.features(m.data)
        let n = 4
        let c = m.data.close
        for t in [4, 5, 125, 126, 250] {
            for i in 0..<n {
                let rev = f.value(bar: t, asset: i, feature: 0), mom = f.value(bar: t, asset: i, feature: 1)
                if t >= 5 { #expect(isClose(rev, Float(-log(c[t * n + i] / c[(t - 5) * n + i])), relative: 1e-5)) } else { #expect(rev.isNaN) }
                if t >= 126 { #expect(isClose(mom, Float(log(c[(t - 5) * n + i] / c[(t - 126) * n + i])), relative: 1e-5)) } else { #expect(mom.isNaN) }
            }
        }
        // Perturb everything after bar 200: features up to bar 200 are unchanged.
        var close = c
        for j in (201 * n)..<close.count { close[j] *= 1.5 }
        let f2 = PriceSignals.features(try MarketData(assets: m.data.assets, timestamps: m.data.timestamps, close: close))
        let upTo = 201 * n * 3
        #expect(zip(f.values[..<upTo], f2.values[..<upTo]).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(f.values[upTo...] != f2.values[upTo...])
    }
}
