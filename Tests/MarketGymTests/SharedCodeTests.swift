import Testing
import MarketGym
import SeededRandom
import TestSupport

/// The env's building blocks are the standalone functions the trading daemon reuses.
@Suite struct SharedCodeTests {
    /// The env's traded book equals ActionScheme + NeutralityProjection called directly, and its
    /// observation equals ObservationBuilder called directly: bit for bit.
    @Test func envMatchesStandaloneFunctions() throws {
        var rng = Xoshiro256(seed: 31)
        let m = Fixtures.synthetic(assets: 7, bars: 200, seed: 12)
        for scheme in ActionSchemeKind.allCases {
            var c = Fixtures.config()
            c.action.scheme = scheme
            c.constraints.betaNeutral = true
            var env = try MarketEnv(data: m.data, features: m.features, benchmark: m.benchmark, config: c)
            let panel = env.panel
            let builder = try ObservationBuilder(panel: panel, config: c.observation)
            let projection = NeutralityProjection(c.constraints)
            let actionScheme = try ActionScheme(c.action, maxWeight: c.constraints.maxWeight, assetCount: 7, featureNames: panel.featureNames)
            _ = try env.reset(seed: 4, options: .none)
            for _ in 0..<60 {
                let t = env.bar
                let action = env.actionSpace.sample(using: &rng)
                var book = [Double](repeating: 0, count: 7)
                try book.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try actionScheme.rawBook(action, panel: panel, bar: t, into: b) }
                projection.project(&book, tradable: Array(panel.tradable[t * 7 ..< t * 7 + 7]), beta: Array(panel.beta[t * 7 ..< t * 7 + 7]))
                let r = try env.step(action)
                #expect(env.tradedWeights == book, "\(scheme) bar \(t)")
                var obs = [Float](repeating: 0, count: builder.count)
                var gross = 0.0, net = 0.0
                for x in env.weights { gross += abs(x); net += x }
                let snap = PortfolioSnapshot(gross: gross, net: net, drawdown: r.info.drawdown,
                                             time: Double(env.episodeSteps) / Double(c.episode.horizon), lastReturn: r.info.netReturn)
                env.weights.withUnsafeBufferPointer { w in obs.withUnsafeMutableBufferPointer { o in builder.write(bar: env.bar, weights: w, portfolio: snap, into: o) } }
                #expect(obs == r.observation, "\(scheme) observation at bar \(env.bar)")
                if r.isDone { _ = try env.reset(seed: nil, options: .none) }
            }
        }
    }

    /// Same seed, same actions: the same bits, step after step.
    @Test func trajectoriesAreBitReproducible() throws {
        let m = Fixtures.synthetic(assets: 5, bars: 300, seed: 3)
        var c = Fixtures.config()
        c.reward.differentialSharpeWeight = 0.5
        c.reward.variancePenalty = 2
        func run() throws -> [Double] {
            var rng = Xoshiro256(seed: 8)
            var env = try MarketEnv(data: m.data, features: m.features, benchmark: m.benchmark, config: c, seed: 77)
            var out: [Double] = []
            var obs = try env.reset(seed: nil, options: .none).observation
            for _ in 0..<500 {
                let r = try env.step(env.actionSpace.sample(using: &rng))
                out.append(r.reward)
                out.append(r.info.nav)
                out += obs.map(Double.init)
                obs = r.observation
                if r.isDone { obs = try env.reset(seed: nil, options: .none).observation }
            }
            return out
        }
        let a = try run(), b = try run()
        #expect(a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}
