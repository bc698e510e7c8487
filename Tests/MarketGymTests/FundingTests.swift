import Foundation
import Testing
import Gym
import MarketGym
import SeededRandom
import TestSupport

/// Funding charged from a funding-rate series at its real interval (`costs.fundingSeries`):
/// hand-computed charges, the stamp convention, the file's format and refusals, and the vector env.
@Suite struct FundingTests {
    static let hour: Int64 = 3_600
    /// 2021-01-01T00:00:00Z.
    static let start: Int64 = 1_609_459_200

    /// Hourly bars from 00:00 to 23:00 at constant prices (no drift), assets A and B.
    static func flatMarket(hours: Int = 24) throws -> (MarketData, FeatureMatrix) {
        let data = try MarketData(assets: ["A", "B"], timestamps: (0..<hours).map { start + Int64($0) * hour },
                                  close: [Double](repeating: 100, count: 2 * hours))
        let feats = FeatureMatrix(names: ["pred"], assets: ["A", "B"], barCount: hours, values: (0..<(2 * hours)).map { Float($0 % 2) })
        return (data, feats)
    }

    static func rates(_ events: [(hours: Double, asset: Int32, rate: Float)]) throws -> FundingRates {
        let table = PredictionTable(featureNames: ["rate"], assets: ["A", "B"], timestamps: events.map { start + Int64($0.hours * 3_600) },
                                    assetIndex: events.map(\.asset), values: events.map(\.rate))
        return try FundingRates(table: table)
    }

    /// perAsset books on 2 assets: action [2, 0] is long A / short B at ±0.5, [0, 2] the reverse; no other cost.
    static func config() -> MarketEnvConfig {
        var c = MarketEnvConfig()
        c.splits.train = DateRange(from: "2021-01-01", to: "2021-12-31")
        c.action.scheme = .perAsset
        c.constraints.maxWeight = 0.5
        c.constraints.maxGross = 1
        c.costs.feeBps = 0
        c.costs.slippageBps = 0
        c.costs.borrowAnnualBps = 0
        c.observation.window = 2
        c.observation.volatilityWindow = 2
        c.constraints.betaWindow = 2
        c.episode.horizon = 1_000
        c.episode.evaluation = true
        return c
    }

    @Test func chargesAreTheHeldBookTimesTheRatesStampedInTheStep() throws {
        let (data, feats) = try Self.flatMarket()
        // 08:00: A +1 bp, B +3 bp; 08:30 (between bars): A +2 bp; 16:00: A −2 bp, B +1 bp.
        let funding = try Self.rates([(8, 0, 0.0001), (8, 1, 0.0003), (8.5, 0, 0.0002), (16, 0, -0.0002), (16, 1, 0.0001)])
        let panel = try MarketPanel(data: data, features: feats, benchmark: nil, volatilityWindow: 2, betaWindow: 2, funding: funding)
        var c = Self.config()
        c.costs.fundingSeries = "funding.csv"
        var env = try MarketEnv(panel: panel, config: c)
        _ = try env.reset(seed: 0, options: ResetOptions(values: ["start": 1]))
        var expectedNAV = 1.0
        var charged: [Int: Double] = [:]
        while true {
            let t = env.bar
            // Long A / short B until the 08:00 decision, then the reverse: the 08:00 event is charged
            // on the book held into 08:00 (decided at 07:00), the 08:30 event on the reversed book.
            let action: Action = t < 8 ? .multiDiscrete([2, 0]) : .multiDiscrete([0, 2])
            let r = try env.step(action)
            let wA = t < 8 ? 0.5 : -0.5
            let hand: Double
            switch t {
            case 7: hand = wA * 0.0001 - wA * 0.0003        // step (07:00, 08:00]: long A pays 1 bp·0.5, short B receives 3 bp·0.5
            case 8: hand = wA * 0.0002                       // (08:00, 09:00]: the 08:30 event, book reversed: short A receives
            case 15: hand = wA * -0.0002 - wA * 0.0001      // (15:00, 16:00]: short A pays 2 bp·0.5, long B pays 1 bp·0.5
            default: hand = 0
            }
            #expect(abs(r.info.funding - hand) < 1e-18, "bar \(t): funding \(r.info.funding), by hand \(hand)")
            if hand != 0 { charged[t] = r.info.funding }
            expectedNAV *= 1 - hand
            #expect(abs(r.info.netReturn + hand) < 1e-15 && r.info.grossReturn == 0)
            if r.isDone { break }
        }
        // −0.5 bp received, then −1 bp received at 08:30 (short A), then +1.5 bp paid at 16:00.
        #expect(charged.count == 3)
        #expect(abs(charged[7, default: 0] - -0.0001) < 1e-18 && abs(charged[8, default: 0] - -0.0001) < 1e-18 && abs(charged[15, default: 0] - 0.00015) < 1e-18)
        #expect(abs(env.nav - expectedNAV) < 1e-15, "NAV \(env.nav), by hand \(expectedNAV)")
    }

    @Test func theBacktestRecordCountsFundingAsACost() throws {
        let (data, feats) = try Self.flatMarket()
        let funding = try Self.rates([(8, 0, 0.0004), (8, 1, 0.0004), (16, 0, 0.0004), (16, 1, -0.0004)])
        let panel = try MarketPanel(data: data, features: feats, benchmark: nil, volatilityWindow: 2, betaWindow: 2, funding: funding)
        var env = try MarketEnv(panel: panel, config: Self.config())
        let record = try Backtest.run(env: &env, split: "train") { _, _ in .multiDiscrete([2, 0]) }
        // Long A / short B throughout: 08:00 nets to 0; 16:00 charges 0.5·4 bp + 0.5·4 bp = 4 bp.
        #expect(abs(record.funding.reduce(0, +) - 0.0004) < 1e-18, "\(record.funding)")
        #expect(record.costs == record.funding)
        #expect(record.funding.filter { $0 != 0 }.count == 1)
    }

    @Test func theVectorEnvChargesTheSameBits() throws {
        var rng = Xoshiro256(seed: 4)
        let market = Fixtures.synthetic(assets: 5, bars: 240, seed: 3)
        // A rate every 8 hours of the daily market's time: three events per bar, random signs.
        var events: [(Int64, Int32, Float)] = []
        for t in 0..<market.data.barCount {
            for e in 0..<3 {
                for i in 0..<5 { events.append((market.data.timestamps[t] + Int64(e) * 8 * Self.hour, Int32(i), Float(rng.normal() * 0.0002))) }
            }
        }
        let table = PredictionTable(featureNames: ["rate"], assets: market.data.assets, timestamps: events.map(\.0),
                                    assetIndex: events.map(\.1), values: events.map(\.2))
        for scheme in ActionSchemeKind.allCases {
            var c = Fixtures.config()
            c.action.scheme = scheme
            c.constraints.rebalanceThreshold = scheme == .sizing ? 0.2 : 0
            let panel = try MarketPanel(data: market.data, features: market.features, benchmark: nil, volatilityWindow: c.observation.volatilityWindow,
                                        betaWindow: c.constraints.betaWindow, funding: try FundingRates(table: table))
            let template = try MarketEnv(panel: panel, config: c)
            var reference = SyncVectorEnvironment((0..<3).map { template.reseeded(UInt64($0)) })
            var batch = MarketVectorEnv(count: 3, template: template)
            try reference.reset(seed: 12)
            try batch.reset(seed: 12)
            var nonzero = 0
            for _ in 0..<120 {
                let actions = (0..<3).map { _ in template.actionSpace.sample(using: &rng) }
                try reference.step(actions)
                try batch.step(actions)
                #expect(batch.infos == reference.infos, "\(scheme)")
                #expect(batch.rewards.map(\.bitPattern) == reference.rewards.map(\.bitPattern))
                nonzero += batch.stepInfos.filter { $0.funding != 0 }.count
            }
            #expect(nonzero > 100, "\(scheme): \(nonzero) steps charged funding")
        }
    }

    @Test func theSyntheticExampleFileLoads() throws {
        let url = repositoryRoot().appendingPathComponent("Tests/Goldens/data/funding-synthetic.csv")
        let rates = try FundingRates.load(contentsOf: url)
        #expect(rates.assets.sorted() == ["BTC", "ETH"])
        #expect(rates.timestamps.count == 12)
        // Exactly the decimals written: 0.0001 is the Double 0.0001.
        let first = try #require(rates.timestamps.indices.first { rates.assets[Int(rates.assetIndex[$0])] == "BTC" })
        #expect(rates.rates[first] == 0.0001)
        // Per hourly bar: the 08:00 rates land on the 08:00 bar's row.
        let bars = (0..<24).map { Self.start + Int64($0) * Self.hour }
        let perBar = try rates.perBar(timestamps: bars, assets: ["BTC", "ETH"])
        #expect(perBar[8 * 2] == 0.0001 && perBar[8 * 2 + 1] == -0.00005)
        #expect(perBar[16 * 2] == 0.00025 && perBar[16 * 2 + 1] == 0.0001)
        // The 00:00 event of the first day sits on the first bar: no step holds a book then.
        #expect(perBar[0] == 0 && perBar[1] == 0)
        #expect(perBar.filter { $0 != 0 }.count == 4)
    }

    @Test func badFilesAreRefusedWithTheFix() throws {
        func refusal(_ csv: String) -> String {
            do { _ = try FundingRates(table: try PredictionTable.parseCSV(Array(csv.utf8), source: "f.csv")); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("timestamp,asset,rate,mark\n2021-01-01T08:00:00Z,BTC,0.0001,30000\n").contains("one value column"))
        #expect(refusal("timestamp,asset,rate\n2021-01-01T08:00:00Z,BTC,\n").contains("BTC at 2021-01-01T08:00:00Z is empty"))
        #expect(refusal("timestamp,asset,rate\n2021-01-01T08:00:00Z,BTC,1.5\n").contains("fractions (0.0001 = 1 bp)"))
        #expect(refusal("timestamp,asset,rate\n2021-01-01T08:00:00Z,BTC,0.0001\n") == "accepted")
        let btc = try FundingRates(table: try PredictionTable.parseCSV(Array("timestamp,asset,rate\n2021-01-01T08:00:00Z,BTC,0.0001\n".utf8), source: "f.csv"))
        #expect(throws: FundingRatesError.noRates(file: "f.csv", asset: "ETH", known: ["BTC"])) { _ = try btc.perBar(timestamps: [0, 1], assets: ["BTC", "ETH"]) }
        // A config naming a series over a panel without one is refused.
        let (data, feats) = try Self.flatMarket()
        var c = Self.config()
        c.costs.fundingSeries = "funding.csv"
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: data, features: feats, benchmark: nil, config: c) }
    }
}
