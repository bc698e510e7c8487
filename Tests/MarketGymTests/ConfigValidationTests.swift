import Foundation
import Testing
@testable import MarketGym

/// `MarketEnvConfig.validate()`, `SplitConfig.validate()` and the guards behind them (issue 13,
/// crashes 3-5 and 7, accepted wrongly 10): each bad value is refused by key path and rule.
@Suite struct ConfigValidationTests {
    func path(_ mutate: (inout MarketEnvConfig) -> Void) -> String? {
        var c = MarketEnvConfig()
        mutate(&c)
        do { try c.validate(); return nil } catch {
            guard case let .invalidValue(path, _, _) = error else { return "wrong case" }
            return path
        }
    }

    @Test func defaultsPass() throws {
        try MarketEnvConfig().validate()
    }

    @Test func eachBadValueIsRefusedByItsPath() {
        #expect(path { $0.observation.window = 4_000_000_000_000 } == "observation.window")
        #expect(path { $0.observation.window = 0 } == "observation.window")
        #expect(path { $0.observation.window = MarketEnvConfig.maxWindow } == nil)
        #expect(path { $0.observation.clip = .nan } == "observation.clip")
        #expect(path { $0.constraints.maxGross = .infinity } == "constraints.maxGross")
        #expect(path { $0.constraints.maxGross = 1e300 } == "constraints.maxGross")
        #expect(path { $0.constraints.maxGross = .nan } == "constraints.maxGross")
        #expect(path { $0.constraints.maxWeight = -1 } == "constraints.maxWeight")
        #expect(path { $0.constraints.betaWindow = Int.max } == "constraints.betaWindow")
        #expect(path { $0.universe = ["AAA", "AAA"] } == "universe[1]")
        #expect(path { $0.universe = ["AAA", ""] } == "universe[1]")
        #expect(path { $0.reward.variancePenalty = .nan } == "reward.variancePenalty")
        #expect(path { $0.reward.varianceDecay = 0 } == "reward.varianceDecay")
        #expect(path { $0.costs.slippageBps = -1 } == "costs.slippageBps")
        #expect(path { $0.episode.split = "Test" } == "episode.split")
        #expect(path { $0.episode.initialNAV = .infinity } == "episode.initialNAV")
        #expect(path { $0.action.grossLevels = [0, .nan] } == "action.grossLevels[1]")
        #expect(path { $0.action.grossLevels = [-1, 1] } == "action.grossLevels[0]")
        #expect(path { $0.splits.walkForwardTestYear = 100_000_000_000_000 } == "splits.walkForwardTestYear")
        #expect(path { $0.splits.walkForwardTestYear = -2020 } == "splits.walkForwardTestYear")
        #expect(path { $0.splits.walkForwardTestYear = Int.max } == "splits.walkForwardTestYear")
        #expect(path { $0.splits.walkForwardTestYear = 2020 } == nil)
        #expect(path { $0.splits.walkForwardTestYear = 2020; $0.splits.walkForwardValidYears = 2019 } == "splits.walkForwardValidYears")
    }

    @Test func splitRangesMustBeDatesInOrderAndDisjoint() {
        #expect(path { $0.splits.test = DateRange(from: "2014-06-01", to: "2022-12-31") } == "splits.test")
        #expect(path { $0.splits.valid = DateRange(from: "2010-01-01", to: "2011-12-31") } == "splits.valid")
        #expect(path { $0.splits.test = DateRange(from: "2016-01-01", to: "2016-12-31") } == "splits.test")
        #expect(path { $0.splits.train = DateRange(from: "2014-12-31", to: "1990-01-01") } == "splits.train")
        #expect(path { $0.splits.train.from = "1990-13-01" } == "splits.train.from")
        // Touching but not overlapping is fine.
        #expect(path { $0.splits.valid = DateRange(from: "2015-01-01", to: "2018-12-31") } == nil)
    }

    @Test func walkForwardFoldRefusesYearsOutsideTheCalendarInsteadOfTrapping() {
        let stamps: [Int64] = (0..<100).map { 1_577_836_800 + Int64($0) * 86_400 }
        for year in [100_000_000_000_000, -1, Int.max, Int.min, 0] {
            #expect(throws: SplitError.yearOutOfRange(testYear: year, validYears: 1)) {
                _ = try DataSplit.walkForwardFold(testYear: year, validYears: 1, timestamps: stamps)
            }
        }
        #expect(throws: SplitError.self) { _ = try DataSplit.walkForwardFold(testYear: 2020, validYears: Int.max, timestamps: stamps) }
    }

    @Test func baselinesRefuseGrossLevelsTheyCannotRun() throws {
        let m = Fixtures.synthetic()
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: nil)
        for (g, maxGross) in [(Double.nan, 2.0), (1, .infinity), (1, 1e300), (-1, 2), (.infinity, 2)] {
            var c = Fixtures.config()
            c.constraints.maxGross = maxGross
            #expect(throws: MarketEnvError.self) { _ = try Baseline.fixedGross(g).backtest(panel: panel, config: c, split: "all") }
        }
        // evaluationConfig no longer traps on a bad maxGross called directly.
        var c = MarketEnvConfig()
        c.constraints.maxGross = .infinity
        #expect(Baseline.evaluationConfig(c).action.grossLevels.count == Int(MarketEnvConfig.maxGrossLimit / Baseline.gridStep) + 1)
        c.constraints.maxGross = .nan
        #expect(Baseline.evaluationConfig(c).action.grossLevels == [0])
    }
}
