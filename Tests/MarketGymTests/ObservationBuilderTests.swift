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
        #expect(names.count == 4 * (5 + 2 + 4) + 5 && env.observationSpace.count == names.count && Set(names).count == names.count)
        // Lag-major returns, then predictions, state, weights, portfolio.
        #expect(names[0] == "S0.logret[t-0]" && names[3] == "S3.logret[t-0]" && names[4] == "S0.logret[t-1]" && names[19] == "S3.logret[t-4]")
        #expect(names[20] == "S0.pred" && names[21] == "S0.snr" && names[27] == "S3.snr")
        #expect(names[28] == "S0.vol" && names[29] == "S0.tradable" && names[30] == "S0.pred_ok" && names[39] == "S3.pred_ok")
        #expect(names[40] == "S0.weight" && names[43] == "S3.weight")
        #expect(names.suffix(5) == ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"])
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        func at(_ obs: [Float], _ name: String) throws -> Float { obs[try #require(index[name], "no element named \(name)")] }
        var obs = try env.reset(seed: 1, options: .none).observation
        var sawUntradable = false
        for _ in 0..<40 {
            let t = env.bar
            for i in 0..<4 {
                for j in 0..<5 {
                    let s = t - j
                    let a = s >= 0 ? data.close[s * 4 + i] : .nan, b = s > 0 ? data.close[(s - 1) * 4 + i] : .nan
                    let lr: Float = (a.isFinite && b.isFinite) ? Float(log(a / b)) * 100 : 0
                    #expect(isClose(try at(obs, "S\(i).logret[t-\(j)]"), max(-10, min(10, lr)), relative: 1e-5, absolute: 1e-6), "S\(i) lag \(j) at bar \(t)")
                }
                let tradable = data.close[t * 4 + i].isFinite
                #expect(try at(obs, "S\(i).tradable") == (tradable ? 1 : 0))
                let z = feats.value(bar: t, asset: i, feature: 0)
                #expect(try at(obs, "S\(i).pred_ok") == (z.isFinite ? 1 : 0))
                #expect(try at(obs, "S\(i).pred") == (z.isFinite ? max(-10, min(10, z)) : 0))
                #expect(isClose(try at(obs, "S\(i).weight"), Float(env.weights[i]), relative: 1e-6, absolute: 1e-7))
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
