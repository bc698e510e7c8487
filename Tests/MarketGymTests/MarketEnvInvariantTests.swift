import Testing
import MarketGym
import SeededRandom
import TestSupport

/// Property tests: invariants after every step, over random actions, seeds and configurations.
@Suite struct MarketEnvInvariantTests {
    /// Configurations the property tests sweep: each scheme, beta-neutral on/off, threshold, costs.
    static func variants() -> [(String, MarketEnvConfig)] {
        var out: [(String, MarketEnvConfig)] = []
        for scheme in ActionSchemeKind.allCases {
            for beta in [false, true] {
                var c = Fixtures.config()
                c.action.scheme = scheme
                c.constraints.betaNeutral = beta
                c.constraints.maxWeight = 0.3
                c.constraints.maxGross = 1.5
                c.costs.slippageScalesWithVolatility = beta
                c.costs.fundingAnnualBps = 40
                out.append(("\(scheme) beta=\(beta)", c))
            }
        }
        var t = Fixtures.config()
        t.action.scheme = .weights
        t.constraints.rebalanceThreshold = 0.3
        t.action.confidenceFeature = "snr"
        t.constraints.thresholdScalesWithConfidence = true
        out.append(("weights threshold", t))
        return out
    }

    @Test func invariantsHoldEveryStep() throws {
        var rng = Xoshiro256(seed: 7)
        let market = Fixtures.synthetic(assets: 6, bars: 300, seed: 3)
        let (data, feats) = try Fixtures.withHoles(market, rng: &rng, fraction: 0.04)
        var steps = 0
        for (name, config) in Self.variants() {
            var env = try MarketEnv(data: data, features: feats, benchmark: market.benchmark, config: config, seed: 11)
            let panel = env.panel
            let n = panel.assetCount
            var obs = try env.reset(seed: UInt64(steps), options: .none).observation
            for _ in 0..<400 {
                #expect(obs.allSatisfy { $0.isFinite }, "\(name): non-finite observation")
                #expect(env.observationSpace.contains(obs), "\(name): observation outside its space")
                let t = env.bar
                let held = env.weights
                let action = env.actionSpace.sample(using: &rng)
                let r = try env.step(action)
                steps += 1
                let w = env.tradedWeights
                let info = r.info
                // Dollar-neutral, caps, untradable at zero.
                #expect(abs(w.reduce(0, +)) <= 1e-9, "\(name): Σw = \(w.reduce(0, +))")
                #expect(w.reduce(0) { $0 + abs($1) } <= config.constraints.maxGross + 1e-12, "\(name): gross \(info.gross)")
                #expect(w.allSatisfy { abs($0) <= config.constraints.maxWeight + 1e-12 }, "\(name): per-asset cap broken \(w)")
                for i in 0..<n where !panel.tradable[t * n + i] { #expect(w[i] == 0, "\(name): untradable asset \(i) at bar \(t) has weight \(w[i])") }
                if config.constraints.betaNeutral {
                    var b = 0.0
                    for i in 0..<n { b += w[i] * panel.beta[t * n + i] }
                    #expect(abs(b) <= 1e-9, "\(name): beta exposure \(b)")
                }
                // NAV identity: NAV' = NAV (1 + Σ w r) − NAV · costs, returns recomputed from the closes.
                var g = 0.0
                for i in 0..<n {
                    let a = data.close[t * n + i], b = data.close[(t + 1) * n + i]
                    if a.isFinite && b.isFinite { g += w[i] * (b / a - 1) }
                }
                let expected = info.navBefore * (1 + g) - info.navBefore * info.cost
                #expect(isClose(info.nav, max(expected, 0), relative: 1e-12, absolute: 1e-14), "\(name): NAV \(info.nav) vs \(expected)")
                // Turnover and trade costs.
                var l1 = 0.0
                for i in 0..<n { l1 += abs(w[i] - held[i]) }
                #expect(isClose(info.turnover, l1, relative: 1e-12, absolute: 1e-15))
                // Each cost from its definition: bps of traded notional, annual bps × real time on short / long notional.
                let years = Double(data.timestamps[t + 1] - data.timestamps[t]) / (365.25 * 86_400)
                var slip = 0.0, short = 0.0, long = 0.0
                for i in 0..<n {
                    let dw = abs(w[i] - held[i])
                    slip += config.costs.slippageScalesWithVolatility ? dw * panel.volatility[t * n + i] / config.costs.slippageVolatilityReference : dw
                    if w[i] < 0 { short -= w[i] } else { long += w[i] }
                }
                #expect(isClose(info.fee, config.costs.feeBps * 1e-4 * l1, relative: 1e-12, absolute: 1e-18))
                #expect(isClose(info.slippage, config.costs.slippageBps * 1e-4 * slip, relative: 1e-12, absolute: 1e-18))
                #expect(isClose(info.borrow, config.costs.borrowAnnualBps * 1e-4 * short * years, relative: 1e-12, absolute: 1e-18))
                #expect(isClose(info.funding, config.costs.fundingAnnualBps * 1e-4 * long * years, relative: 1e-12, absolute: 1e-18))
                if l1 == 0 { #expect(info.fee == 0 && info.slippage == 0, "\(name): zero trade cost \(info.fee + info.slippage)") }
                #expect(info.reward.total.isFinite && r.reward.isFinite && r.reward == info.reward.total)
                // Drift: the held book is the traded book moved with prices.
                if info.nav > 0 {
                    for i in 0..<n {
                        let a = data.close[t * n + i], b = data.close[(t + 1) * n + i]
                        let ri = (a.isFinite && b.isFinite) ? b / a - 1 : 0
                        #expect(isClose(env.weights[i], w[i] * (1 + ri) / (1 + info.netReturn), relative: 1e-9, absolute: 1e-14))
                    }
                }
                obs = r.observation
                if r.isDone { obs = try env.reset(seed: nil, options: .none).observation }
            }
        }
        #expect(steps == 400 * Self.variants().count)
    }

    @Test func flatBookCostsNothingAndEarnsNothing() throws {
        let market = Fixtures.synthetic()
        var c = Fixtures.config()
        c.costs.feeBps = 10
        c.costs.borrowAnnualBps = 100
        var env = try MarketEnv(data: market.data, features: market.features, config: c)
        _ = try env.reset(seed: 1, options: .none)
        for _ in 0..<30 {
            let r = try env.step(.discrete(0))
            #expect(r.info.cost == 0 && r.info.turnover == 0 && r.info.netReturn == 0 && r.reward == 0)
            if r.isDone { break }
        }
    }

    @Test func nextOpenExecutionAccounting() throws {
        var rng = Xoshiro256(seed: 5)
        let market = Fixtures.synthetic(assets: 5, bars: 200, seed: 9, withOpens: true)
        var c = Fixtures.config()
        c.costs.execution = .nextOpen
        c.action.scheme = .weights
        var env = try MarketEnv(data: market.data, features: market.features, config: c)
        _ = try env.reset(seed: 2, options: .none)
        let n = 5
        guard let open = market.data.open else { Issue.record("no opens"); return }
        for _ in 0..<100 {
            let t = env.bar
            let held = env.weights
            let r = try env.step(env.actionSpace.sample(using: &rng))
            let w = env.tradedWeights
            var g1 = 0.0, g2 = 0.0
            for i in 0..<n {
                g1 += held[i] * (open[(t + 1) * n + i] / market.data.close[t * n + i] - 1)
                g2 += w[i] * (market.data.close[(t + 1) * n + i] / open[(t + 1) * n + i] - 1)
            }
            // Costs are reported as fractions of the decision-bar NAV.
            let expected = r.info.navBefore * ((1 + g1) * (1 + g2) - r.info.cost * (1 + g2) / (1 + g2))
            let navTrade = r.info.navBefore * (1 + g1)
            let exact = navTrade * (1 + g2) - r.info.navBefore * r.info.cost
            #expect(isClose(r.info.nav, exact, relative: 1e-12), "NAV \(r.info.nav) vs \(exact) (\(expected))")
            #expect(abs(w.reduce(0, +)) <= 1e-9)
            if r.isDone { _ = try env.reset(seed: nil, options: .none) }
        }
    }

    @Test func drawdownTerminatesAndHorizonTruncates() throws {
        let market = Fixtures.synthetic(assets: 4, bars: 300, seed: 2)
        var c = Fixtures.config()
        c.episode.horizon = 10
        c.episode.maxDrawdown = 1
        var env = try MarketEnv(data: market.data, features: market.features, config: c)
        _ = try env.reset(seed: 3, options: .none)
        var k = 0, last: StepResult<MarketStepInfo>?
        repeat { last = try env.step(.discrete(4)); k += 1 } while !(last?.isDone ?? true)
        #expect(k == 10 && last?.truncated == true && last?.terminated == false)
        #expect(throws: EnvironmentError.self) { _ = try env.step(.discrete(0)) }

        c.episode.maxDrawdown = 0.001
        c.costs.feeBps = 500
        env = try MarketEnv(data: market.data, features: market.features, config: c)
        _ = try env.reset(seed: 3, options: .none)
        let r = try env.step(.discrete(4))
        #expect(r.terminated && !r.truncated && r.info.drawdown >= 0.001)
    }

    @Test func seededResetIsReproducibleAndEvaluationWalksTheSplit() throws {
        let market = Fixtures.synthetic(assets: 4, bars: 300, seed: 2)
        var c = Fixtures.config()
        c.splits.train = DateRange(from: "2000-01-01", to: "2000-06-30")
        c.splits.valid = DateRange(from: "2000-07-01", to: "2000-09-30")
        var a = try MarketEnv(data: market.data, features: market.features, config: c)
        var b = try MarketEnv(data: market.data, features: market.features, config: c, seed: 99)
        var starts: Set<Int> = []
        for s in 0..<20 as Range<UInt64> {
            let x = try a.reset(seed: s, options: .none)
            let y = try b.reset(seed: s, options: .none)
            #expect(x.observation == y.observation && x.info.bar == y.info.bar)
            starts.insert(x.info.bar)
        }
        #expect(starts.count > 5, "random starts should vary, got \(starts)")
        let valid = try DataSplit.named("valid", config: c.splits, timestamps: market.data.timestamps)
        let e = try a.reset(seed: nil, options: ResetOptions(values: ["evaluation": 1], strings: ["split": "valid"]))
        #expect(e.info.bar == valid.bars.lowerBound)
        var k = 0
        while true { let r = try a.step(.discrete(2)); k += 1; if r.isDone { #expect(r.truncated); break } }
        #expect(k == valid.bars.count - 1)
        #expect(throws: EnvironmentError.self) { _ = try a.reset(seed: nil, options: ResetOptions(values: ["bogus": 1])) }
    }
}
