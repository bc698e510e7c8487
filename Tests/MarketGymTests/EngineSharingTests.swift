import Testing
import MarketGym
import SeededRandom
import TestSupport

@Suite struct EngineSharingTests {
    @Test func envsFromOnePanelAndConfigShareTables() throws {
        let m = Fixtures.synthetic(assets: 4, bars: 200, seed: 4)
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: nil, volatilityWindow: 10, betaWindow: 20)
        var c = Fixtures.config()
        let a = try MarketEnv(panel: panel, config: c, seed: 1)
        let b = try MarketEnv(panel: panel, config: c, seed: 2)
        #expect(a.observationBuilder === b.observationBuilder)
        c.costs.feeBps = 3
        let d = try MarketEnv(panel: panel, config: c, seed: 1)
        #expect(d.observationBuilder !== a.observationBuilder && d.config.costs.feeBps == 3)
    }
}

extension EngineSharingTests {
    /// Engines are freed with their last env (the cache holds them weakly: no cycle through the panel).
    @Test func enginesAreFreedWithTheirEnvs() throws {
        let m = Fixtures.synthetic(assets: 4, bars: 200, seed: 4)
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: nil, volatilityWindow: 10, betaWindow: 20)
        weak var builder: ObservationBuilder?
        do {
            let env = try MarketEnv(panel: panel, config: Fixtures.config(), seed: 1)
            builder = env.observationBuilder
            #expect(builder != nil)
        }
        #expect(builder == nil)
    }
}
