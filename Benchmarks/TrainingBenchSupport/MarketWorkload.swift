import Agents
import Foundation
import Lab
import MarketGym

/// The market training workload of issue 15: the bundled S&P env (`EnvironmentSpec()` defaults:
/// 20 assets, 1990–2014 train split, walk-forward ridge predictions, window 10, horizon 252),
/// trained for a fixed number of environment steps. The peer is SB3 on the NumPy port of the same
/// env (`Benchmarks/scripts/sb3_market.py`); docs/benchmarks/market-training.md lists every difference.
public enum MarketWorkload {
    /// Loads the S&P setup from the repository root `root` (the folder holding `Experiments/`).
    public static func load(root: URL) throws -> MarketSetup {
        try MarketSetup.load(EnvironmentSpec(), root: root)
    }

    /// The env config with `scheme` (sizing for DQN, weights for PPO), everything else default.
    public static func config(_ setup: MarketSetup, scheme: ActionSchemeKind) -> MarketEnvConfig {
        var c = setup.config
        c.action.scheme = scheme
        return c
    }

    /// Trains `agent` to `steps` and prints one `market ...` line: wall, CPU, env steps per second.
    public static func time(agent: any TrainableAgent, algo: String, seed: UInt64, steps: Int) throws {
        let t0 = BenchClock.wall(), c0 = BenchClock.processCPU()
        var episodes = 0
        try agent.train(untilStep: steps, shouldStop: { false }) { tag, _, _ in if tag == "train/episode_return" { episodes += 1 } }
        let wall = BenchClock.wall() - t0, cpu = BenchClock.processCPU() - c0
        print(String(format: "market side=marketgym algo=%@ seed=%llu steps=%d episodes=%d wall_s=%.3f cpu_s=%.3f steps_per_s=%.1f",
                     algo, seed, agent.step, episodes, wall, cpu, Double(agent.step) / wall))
    }
}
