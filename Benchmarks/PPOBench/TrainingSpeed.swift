import Agents
import Foundation
import Gym
import Lab
import MarketGym
import TrainingBenchSupport

/// `market-speed`: PPO (weights) on the S&P env for `--steps` env steps with PolicyGradientConfig's
/// defaults (SB3's PPO defaults: one env, nSteps 2048, batch 64, 10 epochs, lr 3e-4, [64, 64] tanh);
/// one line per seed.
@MainActor func runMarketSpeed() throws {
    let steps = stepsOverride ?? 20_480
    let setup = try MarketWorkload.load(root: URL(fileURLWithPath: overrides["--root"] ?? ".."))
    let config = MarketWorkload.config(setup, scheme: .weights)
    for seed in seeds {
        let agent = try PolicyGradientAgent(config: PolicyGradientConfig(), seed: seed, totalSteps: steps) { i in
            try setup.makeEnvironment(seed: seed &* 1_000 &+ UInt64(i), config: config)
        }
        try MarketWorkload.time(agent: agent, algo: "ppo", seed: seed, steps: steps)
    }
}

/// `solve`: time to solve CartPole-v1 with the RL Zoo PPO settings (`cartPoleConfig(.ppo)`),
/// evaluating 10 episodes every `--eval-every` steps (default 8,192 = 32 rollouts of 8 × 32),
/// up to `--max-steps` (the Zoo's 100k budget by default).
@MainActor func runSolve() throws {
    let (config, budget) = cartPoleConfig(.ppo)
    let maxSteps = overrides["--max-steps"].flatMap { Int($0) } ?? budget
    let every = overrides["--eval-every"].flatMap { Int($0) } ?? 8_192
    for seed in seeds {
        let agent = try PolicyGradientAgent(config: config, seed: seed, totalSteps: maxSteps) { _ in CartPole.v1() }
        let r = try TimeToSolve.run(agent: agent, evaluateEvery: every, maxSteps: maxSteps, evalSeed: 1_000 + seed * 100)
        print(r.line(side: "marketgym", algo: "ppo", seed: seed))
    }
}
