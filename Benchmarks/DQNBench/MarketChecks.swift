import Foundation
import Agents
import Gym
import HDF5
import Lab
import MarketGym
import SeededRandom

/// The DQN settings of the market learning checks (sizing scheme): SB3 defaults except where a
/// daily-bar sizing task needs otherwise (shorter horizon of credit: γ 0.9 by default; smaller
/// buffer and earlier start for a 100k-step budget). `--lr` and `--gamma` override.
func marketDQNConfig() -> DQNConfig {
    var c = DQNConfig()
    c.learningRate = .constant(Double(option("--lr", "1e-4")) ?? 1e-4)
    c.replay.capacity = 100_000
    c.learningStarts = 5_000
    c.batchSize = 64
    c.gamma = Double(option("--gamma", "0.9")) ?? 0.9
    c.trainFrequency = 4
    c.gradientSteps = 1
    c.targetUpdateInterval = 1_000
    c.explorationFraction = 0.2
    c.explorationFinalEps = 0.02
    c.network = NetworkConfig(hidden: [64, 64])
    return c
}

/// Trains a DQN sizing agent on `setup` and backtests it and the baselines on `splits`.
func marketCheck(name: String, setup: MarketSetup, seeds: [UInt64], steps: Int, splits: [String]) throws {
    var config = setup.config
    config.action.scheme = .sizing
    let evalConfig: MarketEnvConfig = {
        var c = config
        c.episode.evaluation = true
        c.episode.maxDrawdown = 1
        return c
    }()
    func fmt(_ m: BacktestMetrics) -> String {
        String(format: "Sharpe %.2f, ann. return %.2f%%, vol %.2f%%, max DD %.2f%%, avg gross %.2f, turnover/yr %.1f",
               m.sharpe, 100 * m.annualizedReturn, 100 * m.annualizedVolatility, 100 * m.maxDrawdown, m.averageGross, m.annualTurnover)
    }
    for split in splits {
        for baseline in [Baseline.flat, .fixedGross(1), .confidenceProportional(baseGross: 1)] {
            let m = BacktestMetrics(try baseline.backtest(panel: setup.panel, config: config, split: split))
            print("\(name) \(split) baseline \(baseline): \(fmt(m))")
        }
    }
    for seed in seeds {
        let t0 = now()
        let agent = try DQNAgent(config: marketDQNConfig(), seed: seed, totalSteps: steps) { i in
            try setup.makeEnvironment(seed: seed &* 1_000 &+ UInt64(i), config: config)
        }
        var returns: [Double] = []
        try agent.train(untilStep: steps, shouldStop: { false }) { tag, v, _ in if tag == "train/episode_return" { returns.append(v) } }
        let seconds = now() - t0
        for split in splits {
            var env = try setup.makeEnvironment(seed: 0, config: evalConfig)
            let record = try Backtest.run(env: &env, split: split) { _, obs in agent.act(obs) }
            print("\(name) \(split) DQN seed \(seed) (\(steps) steps, \(String(format: "%.0f", seconds)) s): \(fmt(BacktestMetrics(record)))")
        }
    }
}

func syntheticMarketCheck() throws {
    let seeds = option("--seeds", "0,1,2").split(separator: ",").compactMap { UInt64($0) }
    let steps = Int(option("--steps", "100000")) ?? 100_000
    var spec = EnvironmentSpec()
    spec.kind = .synthetic
    spec.market.splits.train = DateRange(from: "2000-01-01", to: "2004-12-31")
    spec.market.splits.valid = DateRange(from: "2005-01-01", to: "2005-12-31")
    spec.market.splits.test = DateRange(from: "2006-01-01", to: "2099-12-31")
    let setup = try MarketSetup.load(spec, root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    try marketCheck(name: "synthetic", setup: setup, seeds: seeds, steps: steps, splits: ["valid", "test"])
}

func sp500Check() throws {
    let seeds = option("--seeds", "0").split(separator: ",").compactMap { UInt64($0) }
    let steps = Int(option("--steps", "200000")) ?? 200_000
    let root = URL(fileURLWithPath: option("--root", ".."))
    let setup = try MarketSetup.load(EnvironmentSpec(), root: root)
    try marketCheck(name: "sp500", setup: setup, seeds: seeds, steps: steps, splits: ["valid", "test"])
}
