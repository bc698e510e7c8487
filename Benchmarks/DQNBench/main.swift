// DQN benchmarks and learning checks (release build):
//   swift run -c release DQNBench cartpole [--seeds 0,1,2] [--double] [--steps 50000]
//   swift run -c release DQNBench replay-io [--transitions 1000000] [--obs 64] [--uncompressed-only]
//   swift run -c release DQNBench synthetic [--seeds 0,1,2] [--steps 100000]
//   swift run -c release DQNBench sp500 [--seed 0] [--steps 200000]
//   swift run -c release DQNBench market-speed [--seeds 0] [--steps 20000] [--root ..]   (S&P DQN sizing, steps/s)
//   swift run -c release DQNBench solve [--seeds 0,...] [--eval-every 2048] [--max-steps 50000]   (CartPole time to solve)
// Results print as one line per run; docs/dqn.md and docs/benchmarks/dqn.md quote them.
import Foundation
import Agents
import Gym
import HDF5
import Lab
import MarketGym
import SeededRandom

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func flag(_ name: String) -> Bool { CommandLine.arguments.contains(name) }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Process CPU time (all threads, user + system), seconds.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let command = CommandLine.arguments.dropFirst().first ?? "cartpole"
do {
    switch command {
    case "cartpole": try cartPoleZoo()
    case "replay-io": try replayIO()
    case "synthetic": try syntheticMarketCheck()
    case "sp500": try sp500Check()
    case "market-speed": try marketSpeed()
    case "solve": try solveCartPole()
    default:
        print("unknown command \(command); use cartpole, replay-io, synthetic, sp500, market-speed or solve")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
