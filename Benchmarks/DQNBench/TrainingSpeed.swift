import Agents
import Foundation
import Gym
import Lab
import MarketGym
import TrainingBenchSupport

/// `market-speed`: DQN (sizing) on the S&P env for `--steps` env steps with the market-check
/// settings (`marketDQNConfig`, SB3 defaults except γ, buffer and start); one line per seed.
func marketSpeed() throws {
    let seeds = option("--seeds", "0").split(separator: ",").compactMap { UInt64($0) }
    let steps = Int(option("--steps", "20000")) ?? 20_000
    let setup = try MarketWorkload.load(root: URL(fileURLWithPath: option("--root", "..")))
    let config = MarketWorkload.config(setup, scheme: .sizing)
    for seed in seeds {
        let agent = try DQNAgent(config: marketDQNConfig(), seed: seed, totalSteps: steps) { i in
            try setup.makeEnvironment(seed: seed &* 1_000 &+ UInt64(i), config: config)
        }
        try MarketWorkload.time(agent: agent, algo: "dqn", seed: seed, steps: steps)
    }
}

/// `solve`: time to solve CartPole-v1 with the RL Zoo settings (`zooCartPoleConfig`), evaluating
/// 10 episodes every `--eval-every` steps (default 2,048: every 8th training round of 256 steps, so
/// both sides evaluate right after a round), up to `--max-steps` (the Zoo's 50k budget by default).
func solveCartPole() throws {
    let seeds = option("--seeds", "0").split(separator: ",").compactMap { UInt64($0) }
    let maxSteps = Int(option("--max-steps", "50000")) ?? 50_000
    let every = Int(option("--eval-every", "2048")) ?? 2_048
    var config = zooCartPoleConfig()
    config.doubleQ = flag("--double")   // plain DQN targets by default, as SB3
    for seed in seeds {
        let agent = try DQNAgent(config: config, seed: seed, totalSteps: maxSteps) { i in CartPole.v1(seed: seed &+ UInt64(i)) }
        let r = try TimeToSolve.run(agent: agent, evaluateEvery: every, maxSteps: maxSteps, evalSeed: 1_000 + seed * 100)
        print(r.line(side: "marketgym", algo: "dqn", seed: seed))
    }
}
