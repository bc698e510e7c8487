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

/// Mean return of `episodes` deterministic episodes on fresh CartPole-v1 copies (seeds 1000+e).
func evaluateCartPole<E: Environment>(_ agent: DQNAgent<E>, episodes: Int = 10) throws -> (mean: Double, returns: [Double]) {
    var returns: [Double] = []
    for e in 0..<episodes {
        var env = CartPole.v1()
        var (obs, _) = try env.reset(seed: 1_000 + UInt64(e))
        var total = 0.0
        while true {
            let r = try env.step(agent.act(obs))
            total += r.reward
            obs = r.observation
            if r.isDone { break }
        }
        returns.append(total)
    }
    return (returns.reduce(0, +) / Double(episodes), returns)
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
        let eval = try evaluateCartPole(agent)
        let recent = lastReturns.suffix(20)
        print(String(format: "cartpole seed %llu doubleQ %@ steps %d: train %.2f s, eval mean %.1f %@, last-20 train return %.1f",
                     seed, config.doubleQ ? "on" : "off", steps, seconds, eval.mean, eval.returns.map { String(Int($0)) }.joined(separator: "/"),
                     recent.reduce(0, +) / Double(max(recent.count, 1))))
    }
}
