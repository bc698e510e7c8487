// Policy-gradient learning checks and PPO speed (docs/policy-gradient.md, docs/benchmarks/ppo.md).
//
//   cd Benchmarks && swift run -c release PPOBench cartpole [--algo ppo|a2c|reinforce] [--seeds 0,1,2] [--steps N]
//       CartPole-v1 with the RL Zoo hyperparameters (PPO; A2C: zoo; REINFORCE: ours, documented),
//       then 10 deterministic evaluation episodes per seed. Prints wall time of training and returns.
//   cd Benchmarks && swift run -c release PPOBench market [--seeds 0,1,2] [--steps N]
//       PPO on the synthetic market with the `weights` scheme; validation Sharpe vs fixed-gross baseline.
//       [--normalize] normalizes observations (running mean/var).
//       [--squash] tanh-squashes the Gaussian instead of clipping it.
//       [--no-costs] sets fees, slippage and borrow to 0 (a diagnostic: does PPO find the signal at all?).
//   ../Benchmarks/scripts/ppo_side_by_side.sh alternates `PPOBench cartpole` and the SB3 script.
import Agents
import Foundation
import Gym
import MarketGym
import SeededRandom

var mode = CommandLine.arguments.dropFirst().first ?? "cartpole"
var algo = PolicyGradientAlgorithm.ppo
var seeds: [UInt64] = [0, 1, 2]
var stepsOverride: Int?
var noCosts = false
var squash = false
var normalize = false
var args = CommandLine.arguments.dropFirst(2)
while let a = args.popFirst() {
    switch a {
    case "--algo": algo = PolicyGradientAlgorithm(rawValue: args.popFirst() ?? "") ?? algo
    case "--seeds": seeds = (args.popFirst() ?? "").split(separator: ",").compactMap { UInt64($0) }
    case "--steps": stepsOverride = Int(args.popFirst() ?? "")
    case "--no-costs": noCosts = true
    case "--squash": squash = true
    case "--normalize": normalize = true
    default: print("unknown argument \(a)"); exit(2)
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
/// Process CPU time in seconds (less sensitive than wall time to other processes on a shared machine).
func cpuNow() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }

/// RL Zoo `hyperparams/ppo.yml` CartPole-v1 / `a2c.yml` CartPole-v1; REINFORCE: our choice.
func cartPoleConfig(_ algo: PolicyGradientAlgorithm) -> (PolicyGradientConfig, Int) {
    switch algo {
    case .ppo:
        var c = PolicyGradientConfig()
        c.numEnvs = 8
        c.nSteps = 32
        c.batchSize = 256
        c.gaeLambda = 0.8
        c.gamma = 0.98
        c.nEpochs = 20
        c.entCoef = 0
        c.learningRate = .linear(1e-3)
        c.clipRange = .linear(0.2)
        return (c, 100_000)
    case .a2c:
        var c = PolicyGradientConfig.a2c()
        c.numEnvs = 8
        c.entCoef = 0
        return (c, 500_000)
    case .reinforce:
        var c = PolicyGradientConfig.reinforce()
        c.numEnvs = 8
        c.nSteps = 256
        c.gamma = 0.99
        c.learningRate = .constant(3e-3)
        return (c, 300_000)
    }
}

func evaluateCartPole<E: Environment>(_ agent: PolicyGradientAgent<E>, seed: UInt64, episodes: Int = 10) throws -> Double {
    var env = CartPole.v1()
    var total = 0.0
    for k in 0..<episodes {
        var obs = try env.reset(seed: 10_000 + seed * 100 + UInt64(k)).observation
        while true {
            let r = try env.step(agent.act(obs))
            total += r.reward
            obs = r.observation
            if r.isDone { break }
        }
    }
    return total / Double(episodes)
}

@MainActor func runCartPole() throws {
    let (config, defaultSteps) = cartPoleConfig(algo)
    let steps = stepsOverride ?? defaultSteps
    print("CartPole-v1 \(algo.rawValue): \(steps) steps, numEnvs \(config.numEnvs), nSteps \(config.nSteps), seeds \(seeds)")
    var passes = 0
    for seed in seeds {
        let agent = try PolicyGradientAgent(config: config, seed: seed, totalSteps: steps) { _ in CartPole.v1() }
        var recent: [Double] = []
        let t0 = now(), c0 = cpuNow()
        try agent.train(untilStep: steps, shouldStop: { false }) { tag, value, _ in
            if tag == "train/episode_return" { recent.append(value); if recent.count > 20 { recent.removeFirst() } }
        }
        let seconds = now() - t0, cpu = cpuNow() - c0
        let eval = try evaluateCartPole(agent, seed: seed)
        if eval >= 475 { passes += 1 }
        let trainMean = recent.isEmpty ? 0 : recent.reduce(0, +) / Double(recent.count)
        print(String(format: "seed %d: train %.2f s (cpu %.2f s), %d gradient steps, last-20 train return %.1f, eval mean return %.1f",
                     Int(seed), seconds, cpu, agent.gradientSteps, trainMean, eval))
    }
    print("eval >= 475: \(passes)/\(seeds.count) seeds")
}

@MainActor func runMarket() throws {
    // Synthetic market: 6 assets, 3000 daily bars (2000-2008), regime SNR 0 or 0.1.
    var rng = Xoshiro256(seed: 42)
    var sc = SyntheticMarket.Config()
    sc.assets = 6
    sc.bars = 3000
    sc.snrLevels = [0, 0.1]
    let market = SyntheticMarket(config: sc, rng: &rng)
    var env = MarketEnvConfig()
    env.splits.train = DateRange(from: "2000-01-01", to: "2005-12-31")
    env.splits.valid = DateRange(from: "2006-01-01", to: "2007-12-31")
    env.splits.test = DateRange(from: "2008-01-01", to: "2099-12-31")
    env.episode.split = "train"
    env.episode.horizon = 64
    env.observation.window = 5
    env.observation.volatilityWindow = 10
    env.constraints.betaWindow = 20
    env.constraints.maxWeight = 1
    env.constraints.maxGross = 2
    env.action.scheme = .weights
    env.action.confidenceFeature = "snr"
    if noCosts {
        env.costs.feeBps = 0
        env.costs.slippageBps = 0
        env.costs.borrowAnnualBps = 0
    }
    let panel = try MarketPanel(data: market.data, features: market.features, benchmark: market.benchmark,
                                volatilityWindow: 10, betaWindow: 20, confidenceFeature: "snr")
    let baseline = BacktestMetrics(try Baseline.fixedGross(1).backtest(panel: panel, config: env, split: "valid"))
    print(String(format: "fixed-gross 1 baseline, valid Sharpe %.3f (gross %.2f, turnover %.1f/yr)", baseline.sharpe, baseline.averageGross, baseline.annualTurnover))
    var config = PolicyGradientConfig()
    config.numEnvs = 8
    // The action moves only the next bar's return (plus costs through the held weights), so a
    // short horizon cuts the advantage's variance: gamma 0 makes it a contextual bandit.
    config.nSteps = 256
    config.batchSize = 256
    config.nEpochs = 10
    config.gamma = 0
    config.gaeLambda = 0
    config.learningRate = .constant(3e-4)
    config.logStdInit = -1
    if squash { config.continuousBound = .squash }
    config.normalizeObservations = normalize
    let steps = stepsOverride ?? 300_000
    var wins = 0
    for seed in seeds {
        let agent = try PolicyGradientAgent(config: config, seed: seed, totalSteps: steps) { i in
            try MarketEnv(panel: panel, config: env, seed: seed &* 1000 &+ UInt64(i))
        }
        let t0 = now()
        try agent.train(untilStep: steps, shouldStop: { false }, log: { _, _, _ in })
        var evalConfig = env
        evalConfig.episode.evaluation = true
        evalConfig.episode.maxDrawdown = 1
        var evalEnv = try MarketEnv(panel: panel, config: evalConfig)
        let record = try Backtest.run(env: &evalEnv, split: "valid") { _, obs in agent.act(obs) }
        let m = BacktestMetrics(record)
        if m.sharpe > baseline.sharpe { wins += 1 }
        print(String(format: "seed %d: train %.1f s, PPO valid Sharpe %.3f (gross %.2f, turnover %.1f/yr) vs baseline %.3f",
                     Int(seed), now() - t0, m.sharpe, m.averageGross, m.annualTurnover, baseline.sharpe))
    }
    print("PPO beats fixed gross on valid Sharpe: \(wins)/\(seeds.count) seeds")
}

do {
    switch mode {
    case "cartpole": try runCartPole()
    case "market": try runMarket()
    default: print("usage: PPOBench cartpole|market [--algo ppo|a2c|reinforce] [--seeds 0,1,2] [--steps N]"); exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
