import Foundation
import Testing
import MarketGym
import SeededRandom
import TestSupport

/// The precomputed trailing statistics against numpy.
@Suite struct MarketPanelTests {
    @Test func volatilityAndBetaMatchNumpy() throws {
        let m = Fixtures.synthetic(assets: 3, bars: 120, seed: 8)
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: m.benchmark, volatilityWindow: 10, betaWindow: 30)
        let closes = m.data.close.map { String($0) }.joined(separator: ",")
        let bench = m.benchmark.map { String($0) }.joined(separator: ",")
        let script = """
        import sys, numpy as np
        c = np.array([float(x) for x in sys.argv[1].split(',')]).reshape(120, 3)
        b = np.array([float(x) for x in sys.argv[2].split(',')])
        lr = np.zeros_like(c); lr[1:] = np.log(c[1:] / c[:-1])
        bl = np.zeros_like(b); bl[1:] = np.log(b[1:] / b[:-1])
        out = []
        for t in [15, 40, 77, 119]:
            w = lr[max(0, t - 9):t + 1]
            vol = w.std(axis=0, ddof=1)
            x = bl[max(0, t - 29):t + 1]; y = lr[max(0, t - 29):t + 1]
            beta = [np.cov(x, y[:, i], ddof=1)[0, 1] / np.var(x, ddof=1) for i in range(3)]
            out += list(vol) + beta
        print(','.join(repr(float(v)) for v in out))
        """
        let r = try runPython(script: script, arguments: [closes, bench])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Double($0) }
        try #require(ref.count == 24)
        var k = 0
        for t in [15, 40, 77, 119] {
            for i in 0..<3 { #expect(isClose(panel.volatility[t * 3 + i], ref[k + i], relative: 1e-5), "vol t=\(t) i=\(i)") }
            for i in 0..<3 { #expect(isClose(panel.beta[t * 3 + i], ref[k + 3 + i], relative: 1e-5), "beta t=\(t) i=\(i)") }
            k += 6
        }
    }
}
