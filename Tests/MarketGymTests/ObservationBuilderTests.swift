import Testing
import MarketGym
import SeededRandom
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ObservationBuilderTests {
    @Test func namesAndValuesAreWhereTheLayoutSays() throws {
        var rng = Xoshiro256(seed: 2)
        let m = Fixtures.synthetic(assets: 4, bars: 120, seed: 6)
        let (data, feats) = try Fixtures.withHoles(m, rng: &rng, fraction: 0.1)
        var c = Fixtures.config()
        c.action.scheme = .weights
        var env = try MarketEnv(data: data, features: feats, config: c)
        let names = env.observationNames
        let per = 5 + 2 + 3
        #expect(names.count == 4 * (per + 1) + 5 && env.observationSpace.count == names.count)
        #expect(names[0] == "S0.logret[t-0]" && names[4] == "S0.logret[t-4]" && names[5] == "S0.pred" && names[6] == "S0.snr")
        #expect(names[7] == "S0.vol" && names[8] == "S0.tradable" && names[9] == "S0.pred_ok" && names[4 * per] == "S0.weight" && names[4 * per + 3] == "S3.weight")
        #expect(names[per] == "S1.logret[t-0]" && names.suffix(5) == ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"])
        var obs = try env.reset(seed: 1, options: .none).observation
        var sawUntradable = false
        for _ in 0..<40 {
            let t = env.bar
            for i in 0..<4 {
                let o = i * per
                let a = data.close[t * 4 + i], b = t > 0 ? data.close[(t - 1) * 4 + i] : .nan
                let lr: Float = (a.isFinite && b.isFinite) ? Float(log(a / b)) * 100 : 0
                #expect(isClose(obs[o], max(-10, min(10, lr)), relative: 1e-5, absolute: 1e-6), "logret of asset \(i) at bar \(t)")
                let tradable = a.isFinite
                #expect(obs[o + 8] == (tradable ? 1 : 0))
                let z = feats.value(bar: t, asset: i, feature: 0)
                #expect(obs[o + 9] == (z.isFinite ? 1 : 0))
                #expect(obs[o + 5] == (z.isFinite ? max(-10, min(10, z)) : 0))
                #expect(isClose(obs[4 * per + i], Float(env.weights[i]), relative: 1e-6, absolute: 1e-7))
                if !tradable { sawUntradable = true }
            }
            #expect(obs.allSatisfy { $0.isFinite })
            let r = try env.step(env.actionSpace.sample(using: &rng))
            obs = r.observation
            if r.isDone { obs = try env.reset(seed: nil, options: .none).observation }
        }
        #expect(sawUntradable)
    }
}
