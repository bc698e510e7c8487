import Foundation
import Agents
import Gym
import HDF5
import Lab
import MarketGym
import SeededRandom

/// RL Baselines3 Zoo's DQN hyperparameters for CartPole-v1 (`hyperparams/dqn.yml`).
func zooCartPoleConfig() -> DQNConfig {
    var c = DQNConfig()
    c.learningRate = .constant(2.3e-3)
    c.batchSize = 64
    c.replay.capacity = 100_000
    c.learningStarts = 1_000
    c.gamma = 0.99
    c.targetUpdateInterval = 10
    c.trainFrequency = 256
    c.gradientSteps = 128
    c.explorationFraction = 0.16
    c.explorationFinalEps = 0.04
    c.network = NetworkConfig(hidden: [256, 256])
    return c
}

func cartPoleZoo() throws {
    let seeds = option("--seeds", "0,1,2").split(separator: ",").compactMap { UInt64($0) }
    let steps = Int(option("--steps", "50000")) ?? 50_000
    var config = zooCartPoleConfig()
    config.doubleQ = flag("--double")
    for seed in seeds {
        let agent = try DQNAgent(config: config, seed: seed, totalSteps: steps) { i in CartPole.v1(seed: seed &+ UInt64(i)) }
        var lastReturns: [Double] = []
        let t0 = now()
        try agent.train(untilStep: steps, shouldStop: { false }) { tag, v, _ in
            if tag == "train/episode_return" { lastReturns.append(v) }
        }
        let seconds = now() - t0
        // 10 deterministic episodes of CartPole-v1, seeds 1000..1009 (Lab's episodic evaluation).
        var evalEnv = CartPole.v1()
        let eval = try EpisodicEvaluation.run(&evalEnv, episodes: 10, seed: 1_000, act: agent.act)
        let recent = lastReturns.suffix(20)
        print(String(format: "cartpole seed %llu doubleQ %@ steps %d: train %.2f s, eval mean %.1f %@, last-20 train return %.1f",
                     seed, config.doubleQ ? "on" : "off", steps, seconds, eval.meanReturn, eval.returns.map { String(Int($0)) }.joined(separator: "/"),
                     recent.reduce(0, +) / Double(max(recent.count, 1))))
    }
}
