// Policy-gradient learning checks and PPO speed (docs/policy-gradient.md, docs/benchmarks/ppo.md).
//
//   cd Benchmarks && swift run -c release PPOBench cartpole [--algo ppo|a2c|reinforce] [--seeds 0,1,2] [--steps N]
//       CartPole-v1 with the RL Zoo hyperparameters (PPO; A2C: zoo; REINFORCE: ours, documented),
//       then 10 deterministic evaluation episodes per seed. Prints wall time of training and returns.
//   cd Benchmarks && swift run -c release PPOBench market [--seeds 0,1,2] [--steps N]
//       PPO on the synthetic market with the `weights` scheme; validation and test Sharpe vs the
//       fixed-gross baseline (the issue-6 learning check). Defaults: the per-asset ReLU actor and
//       settings of docs/policy-gradient.md ("Learning checks").
//       [--flat] the first attempt's settings instead (flat tanh MLP over a 5-bar window, SB3-like PPO).
//       [--normalize] normalizes observations (running mean/var; on by default, off with --flat).
//       [--squash] tanh-squashes the Gaussian instead of clipping it (on by default, off with --flat).
//       [--no-costs] sets fees, slippage and borrow to 0 (a diagnostic: does PPO find the signal at all?).
//       [--diag] prints the book's correlation with the prediction book and its gross per SNR regime.
//       Overrides: --window --horizon --envs --n-steps --batch --epochs --gamma --lr [--lr-final] --log-std
//       --ent --clip --target-kl --vf --max-grad-norm --adv-norm 0|1 --hidden 32,32 --activation relu|tanh
//       --actor mlp|perAsset --turnover-penalty --exposure-penalty --reward-scale.
//   cd Benchmarks && swift run -c release PPOBench market-speed [--seeds 0] [--steps 20480] [--root ..]
//       PPO (weights) on the S&P env, SB3 default settings: wall time and env steps/s (TrainingSpeed.swift).
//   cd Benchmarks && swift run -c release PPOBench solve [--seeds 0,...] [--eval-every 8192] [--max-steps 100000]
//       Time to solve CartPole-v1 (evaluation mean >= 475), Zoo settings (TrainingSpeed.swift).
//   ../Benchmarks/scripts/ppo_side_by_side.sh alternates `PPOBench cartpole` and the SB3 script.
import Agents
import Foundation
import Gym
import Lab
import MarketGym
import SeededRandom

var mode = CommandLine.arguments.dropFirst().first ?? "cartpole"
var algo = PolicyGradientAlgorithm.ppo
var seeds: [UInt64] = [0, 1, 2]
var stepsOverride: Int?
var noCosts = false
var squash = false
var normalize = false
var flat = false
/// Market-check overrides (nil: the documented defaults in `runMarket`).
var overrides: [String: String] = [:]
let overrideKeys: Set<String> = ["--window", "--log-std", "--lr", "--lr-final", "--n-steps", "--batch", "--epochs", "--envs",
                                 "--turnover-penalty", "--hidden", "--ent", "--gamma", "--horizon", "--clip", "--target-kl", "--activation", "--vf", "--max-grad-norm", "--adv-norm", "--actor", "--reward-scale", "--exposure-penalty",
                                 "--root", "--eval-every", "--max-steps"]
var diagnostics = false
var args = CommandLine.arguments.dropFirst(2)
while let a = args.popFirst() {
    if overrideKeys.contains(a) { overrides[a] = args.popFirst() ?? ""; continue }
    switch a {
    case "--diag": diagnostics = true
    case "--algo": algo = PolicyGradientAlgorithm(rawValue: args.popFirst() ?? "") ?? algo
    case "--seeds": seeds = (args.popFirst() ?? "").split(separator: ",").compactMap { UInt64($0) }
    case "--steps": stepsOverride = Int(args.popFirst() ?? "")
    case "--no-costs": noCosts = true
    case "--squash": squash = true
    case "--normalize": normalize = true
    case "--flat": flat = true
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
        // 10 deterministic episodes of CartPole-v1, seeds 10000 + 100·seed + k (Lab's episodic evaluation).
        var evalEnv = CartPole.v1()
        let eval = try EpisodicEvaluation.run(&evalEnv, episodes: 10, seed: 10_000 + seed * 100, act: agent.act).meanReturn
        if eval >= 475 { passes += 1 }
        let trainMean = recent.isEmpty ? 0 : recent.reduce(0, +) / Double(recent.count)
        print(String(format: "seed %d: train %.2f s (cpu %.2f s), %d gradient steps, last-20 train return %.1f, eval mean return %.1f",
                     Int(seed), seconds, cpu, agent.gradientSteps, trainMean, eval))
    }
    print("eval >= 475: \(passes)/\(seeds.count) seeds")
}

@MainActor func double(_ key: String, _ fallback: Double) -> Double { overrides[key].flatMap { Double($0) } ?? fallback }
@MainActor func int(_ key: String, _ fallback: Int) -> Int { overrides[key].flatMap { Int($0) } ?? fallback }

/// Correlation of the policy's (projected) book with the prediction book and its gross, per SNR
/// regime, over a backtest: does the policy follow `pred`, and does it size with `snr`?
struct BookDiagnostics {
    var sums = [Double](repeating: 0, count: 2 * 5)   // per regime: n, Σxy, Σxx, Σyy, Σgross
    mutating func add(book: [Double], prediction: [Double], on: Bool) {
        let n = Double(prediction.count)
        let zbar = prediction.reduce(0, +) / n
        let k = on ? 5 : 0
        sums[k] += 1
        var g = 0.0
        for i in book.indices {
            let y = prediction[i] - zbar
            sums[k + 1] += book[i] * y; sums[k + 2] += book[i] * book[i]; sums[k + 3] += y * y
            g += abs(book[i])
        }
        sums[k + 4] += g
    }
    func describe() -> String {
        func one(_ k: Int) -> String {
            let corr = sums[k + 1] / max(1e-12, (sums[k + 2] * sums[k + 3]).squareRoot())
            return String(format: "corr(book, z-zbar) %.3f, mean gross %.2f", corr, sums[k + 4] / max(1, sums[k]))
        }
        return "snr=0: \(one(0)); snr>0: \(one(5))"
    }
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
    env.episode.horizon = int("--horizon", 64)
    env.observation.window = int("--window", flat ? 5 : 1)
    env.observation.volatilityWindow = 10
    env.constraints.betaWindow = 20
    env.constraints.maxWeight = 1
    env.constraints.maxGross = 2
    env.action.scheme = .weights
    env.action.confidenceFeature = "snr"
    env.reward.turnoverPenalty = double("--turnover-penalty", 0)
    // Per-asset default: 10 bps per unit of gross per bar, a shaping term of the training reward only
    // (the backtests score plain net returns). With SNR 0 a position earns nothing, so this teaches the
    // policy to stand aside in that regime; with SNR 0.1 the book earns ~11 bps per unit, more than it.
    env.reward.exposurePenalty = double("--exposure-penalty", flat ? 0 : 0.001)
    // Rewards in percent (log return × 100) keep the critic's targets near 1, where Adam's absolute
    // step size is small next to them; the advantages are normalized, so the actor does not see the scale.
    env.reward.logReturnWeight = double("--reward-scale", 1)
    if noCosts {
        env.costs.feeBps = 0
        env.costs.slippageBps = 0
        env.costs.borrowAnnualBps = 0
    }
    let panel = try MarketPanel(data: market.data, features: market.features, benchmark: market.benchmark,
                                volatilityWindow: 10, betaWindow: 20, confidenceFeature: "snr")
    // Baselines and the policy are scored with the same costs; the turnover penalty shapes only the training reward.
    var scoring = env
    scoring.reward = RewardConfig()
    let splits = ["valid", "test"]
    var baseline: [String: Double] = [:]
    for split in splits {
        for b in [Baseline.fixedGross(1), .confidenceProportional(baseGross: 1)] {
            let m = BacktestMetrics(try b.backtest(panel: panel, config: scoring, split: split))
            if case .fixedGross = b { baseline[split] = m.sharpe }
            print(String(format: "%@ %@: Sharpe %.3f (gross %.2f, turnover %.1f/yr)", b.description, split, m.sharpe, m.averageGross, m.annualTurnover))
        }
    }
    var config = PolicyGradientConfig()
    config.numEnvs = int("--envs", 8)
    // The action moves only the next bar's return (plus costs through the held weights), so a
    // short horizon cuts the advantage's variance: gamma 0 makes it a contextual bandit.
    // Per-asset defaults: big rollouts and minibatches, few epochs and a small step size, so each
    // update follows the rollout's signal rather than its noise (per-sample SNR is ~0.04 here).
    config.nSteps = int("--n-steps", flat ? 256 : 1024)
    config.batchSize = int("--batch", flat ? 256 : 1024)
    config.nEpochs = int("--epochs", flat ? 10 : 4)
    config.gamma = double("--gamma", 0)
    config.gaeLambda = 0
    let lr = double("--lr", flat ? 3e-4 : 1e-4)
    config.learningRate = overrides["--lr-final"] != nil ? .linear(lr, to: double("--lr-final", 0)) : .constant(lr)
    config.logStdInit = double("--log-std", -1)
    config.entCoef = double("--ent", 0)
    config.clipRange = .constant(double("--clip", 0.2))
    config.targetKL = overrides["--target-kl"].flatMap { Double($0) }
    config.vfCoef = double("--vf", 0.5)
    config.maxGradNorm = double("--max-grad-norm", 0.5)
    config.normalizeAdvantage = int("--adv-norm", 1) != 0
    if !flat {
        // One small ReLU MLP shared by the assets: ReLU units gate on the SNR input (trade when it is
        // high, hold when it is 0) far more readily than tanh units, which the SNR would have to saturate.
        config.actorArchitecture = .perAsset
        config.network = NetworkConfig(hidden: [32, 32], activation: .relu)
        squash = true
        normalize = true
    }
    if let h = overrides["--hidden"] { config.network.hidden = h.split(separator: ",").compactMap { Int($0) } }
    if let a = overrides["--activation"], let kind = ActivationKind(rawValue: a) { config.network.activation = kind }
    if let a = overrides["--actor"], let arch = ActorArchitecture(rawValue: a) { config.actorArchitecture = arch }
    if squash { config.continuousBound = .squash }
    config.normalizeObservations = normalize
    let steps = stepsOverride ?? (flat ? 300_000 : 2_000_000)
    print("settings: \(flat ? "--flat " : "")\(overrides.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " ")) normalize \(normalize) squash \(squash) no-costs \(noCosts) steps \(steps)")
    var wins = 0
    for seed in seeds {
        let agent = try PolicyGradientAgent(config: config, seed: seed, totalSteps: steps) { i in
            try MarketEnv(panel: panel, config: env, seed: seed &* 1000 &+ UInt64(i))
        }
        var logStd = 0.0, explained = 0.0
        let t0 = now(), c0 = cpuNow()
        try agent.train(untilStep: steps, shouldStop: { false }, log: { tag, value, _ in
            if tag == "train/explained_variance" { explained = value }
        })
        let seconds = now() - t0, cpu = cpuNow() - c0
        if let p = agent.model.logStd { logStd = p.value.scalars.map(Double.init).reduce(0, +) / Double(p.value.count) }
        var evalConfig = scoring
        evalConfig.episode.evaluation = true
        evalConfig.episode.maxDrawdown = 1
        var line = String(format: "seed %d: train %.1f s (cpu %.1f s), mean log-std %.2f, explained var %.3f", Int(seed), seconds, cpu, logStd, explained)
        for split in splits {
            var evalEnv = try MarketEnv(panel: panel, config: evalConfig)
            var diag = BookDiagnostics()
            let n = panel.assetCount, k = panel.featureCount
            let predIndex = panel.featureNames.firstIndex(of: "pred") ?? 0
            var pending: (bar: Int, z: [Double], on: Bool)?
            let record = try Backtest.run(env: &evalEnv, split: split) { env, obs in
                // The book traded at the previous bar (after projection), scored against that bar's z.
                if let p = pending { diag.add(book: env.tradedWeights, prediction: p.z, on: p.on) }
                let t = env.bar
                let z = (0..<n).map { Double(panel.features[(t * n + $0) * k + predIndex]) }
                pending = (t, z, market.snr[t] > 0)
                return agent.act(obs)
            }
            let m = BacktestMetrics(record)
            let base = baseline[split] ?? .nan
            if split == "valid" && m.sharpe > base { wins += 1 }
            line += String(format: "\n  %@: PPO Sharpe %.3f (gross %.2f, turnover %.1f/yr) vs fixed gross %.3f", split, m.sharpe, m.averageGross, m.annualTurnover, base)
            if diagnostics { line += "\n    " + diag.describe() }
        }
        print(line)
    }
    print("PPO beats fixed gross on valid Sharpe: \(wins)/\(seeds.count) seeds")
}

do {
    switch mode {
    case "cartpole": try runCartPole()
    case "market": try runMarket()
    case "market-speed": try runMarketSpeed()
    case "solve": try runSolve()
    default: print("usage: PPOBench cartpole|market|market-speed|solve [--algo ppo|a2c|reinforce] [--seeds 0,1,2] [--steps N]"); exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
