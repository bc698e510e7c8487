import Agents
import Foundation
import Gym
import Lab

/// Time to solve: trains in chunks of `evaluateEvery` environment steps and after each chunk runs
/// `episodes` deterministic evaluation episodes; stops at the first evaluation whose mean return
/// reaches `threshold` (CartPole-v1: 475, Gymnasium's `reward_threshold`) or at `maxSteps`.
///
/// Chunked training is the same run as one long `train(untilStep:)` call: the agent's loop polls
/// only its own counters, so stopping and continuing changes nothing (Lab's bit-exact resume relies
/// on this). The clock runs during training only; evaluation time is reported apart, the same way
/// SB3's side (`Benchmarks/scripts/sb3_time_to_solve.py`) pauses its clock around its evaluations.
public struct TimeToSolve: Sendable {
    /// Training wall time (s) until the solving evaluation, or until `maxSteps` when unsolved.
    public var trainSeconds: Double
    /// Training process CPU time (s), same span.
    public var trainCPUSeconds: Double
    /// Wall time (s) spent in evaluations.
    public var evalSeconds: Double
    /// Environment steps trained when solved (or at the end).
    public var steps: Int
    /// Whether an evaluation reached the threshold.
    public var solved: Bool
    /// Mean return of the last evaluation.
    public var lastEvalReturn: Double

    /// One line for the driver (`Benchmarks/scripts/run_all.py` parses `key=value` pairs).
    public func line(side: String, algo: String, seed: UInt64) -> String {
        String(format: "solve side=%@ algo=%@ seed=%llu solved=%d steps=%d train_s=%.3f train_cpu_s=%.3f eval_s=%.3f last_eval=%.1f",
               side, algo, seed, solved ? 1 : 0, steps, trainSeconds, trainCPUSeconds, evalSeconds, lastEvalReturn)
    }

    /// Runs the loop on `agent`, evaluating on fresh `CartPole.v1()` episodes seeded `evalSeed...`.
    public static func run(agent: any TrainableAgent, evaluateEvery: Int, maxSteps: Int, episodes: Int = 10,
                           evalSeed: UInt64, threshold: Double = 475) throws -> TimeToSolve {
        var result = TimeToSolve(trainSeconds: 0, trainCPUSeconds: 0, evalSeconds: 0, steps: 0, solved: false, lastEvalReturn: 0)
        var next = evaluateEvery
        while agent.step < maxSteps {
            let t0 = BenchClock.wall(), c0 = BenchClock.processCPU()
            try agent.train(untilStep: min(next, maxSteps), shouldStop: { false }, log: { _, _, _ in })
            result.trainSeconds += BenchClock.wall() - t0
            result.trainCPUSeconds += BenchClock.processCPU() - c0
            next = agent.step + evaluateEvery
            let e0 = BenchClock.wall()
            var env = CartPole.v1()
            let eval = try EpisodicEvaluation.run(&env, episodes: episodes, seed: evalSeed, act: { agent.act($0) })
            result.evalSeconds += BenchClock.wall() - e0
            result.steps = agent.step
            result.lastEvalReturn = eval.meanReturn
            if eval.meanReturn >= threshold { result.solved = true; break }
        }
        return result
    }
}

/// Clocks shared by the training benchmarks.
public enum BenchClock {
    /// Monotonic wall clock, seconds.
    public static func wall() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    /// CPU time of the whole process (all threads, user + system), seconds.
    public static func processCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
