// CartPole stepping speed: one environment, and 64 copies in a SyncVectorEnvironment (plain and
// with VectorNormalize). Compare with Benchmarks/GymBench/gymnasium_cartpole.py on the same machine.
// Run: cd Benchmarks && swift run -c release GymBench
import Gym
import SeededRandom
#if canImport(Glibc)
import Glibc
#endif

/// Median of three timed runs, in environment steps per second.
func measure(_ label: String, envSteps: Int, _ body: () throws -> Double) rethrows {
    var rates: [Double] = []
    var checksum = 0.0
    for _ in 0..<3 {
        let clock = ContinuousClock()
        var sink = 0.0
        let elapsed = try clock.measure { sink = try body() }
        checksum += sink
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        rates.append(Double(envSteps) / seconds)
    }
    rates.sort()
    let ns = 1e9 / rates[1]
    print("\(label): \(Int(rates[1])) env steps/s (median of 3; \((ns * 10).rounded() / 10) ns per env step; min \(Int(rates[0])), max \(Int(rates[2])); checksum \(checksum))")
}

func randomActions(_ n: Int, seed: UInt64) -> [Int] {
    var rng = Xoshiro256(seed: seed)
    return (0..<n).map { _ in rng.uniformInt(below: 2) }
}

/// `GymBench allocations N`: runs N steps of each stepping path and exits, so that heap
/// allocation counts can be compared between two N under valgrind (equal counts: the step paths allocate nothing).
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "allocations", let n = Int(CommandLine.arguments[2]) {
    var env = CartPole.v1()
    var obs = [Float](repeating: 0, count: 4)
    var vec = SyncVectorEnvironment(count: 64) { _ in CartPole.v1() }
    var normalized = VectorNormalize(SyncVectorEnvironment(count: 64) { _ in CartPole.v1() })
    var actions = [Action](repeating: .discrete(0), count: 64)
    try obs.withUnsafeMutableBufferPointer { (buf) throws(EnvironmentError) in
        _ = try env.reset(seed: 0, options: .none, into: buf)
        for t in 0..<n where try env.step(.discrete(t % 3 == 0 ? 1 : 0), into: buf).isDone {
            _ = try env.reset(seed: nil, options: .none, into: buf)
        }
    }
    try vec.reset(seed: 0)
    try normalized.reset(seed: 0)
    for t in 0..<n {
        for i in 0..<64 { actions[i] = .discrete((t + i) % 3 == 0 ? 1 : 0) }
        try vec.step(actions)
        try normalized.step(actions)
    }
    print("ran \(n) steps; ended rows at the last step: \(vec.ended.filter { $0 }.count), \(normalized.ended.filter { $0 }.count)")
    exit(0)
}

let singleSteps = 2_000_000
let singleActions = randomActions(singleSteps, seed: 1)
try measure("CartPole-v1, 1 env, step into buffer", envSteps: singleSteps) {
    var env = CartPole.v1()
    var obs = [Float](repeating: 0, count: 4)
    var total = 0.0
    try obs.withUnsafeMutableBufferPointer { (buf) throws(EnvironmentError) in
        _ = try env.reset(seed: 0, options: .none, into: buf)
        for a in singleActions {
            let out = try env.step(.discrete(a), into: buf)
            total += out.reward
            if out.isDone { _ = try env.reset(seed: nil, options: .none, into: buf) }
        }
    }
    return total
}

try measure("CartPole-v1, 1 env, array-returning step", envSteps: singleSteps) {
    var env = CartPole.v1()
    _ = try env.reset(seed: 0)
    var total = 0.0
    for a in singleActions {
        let out = try env.step(.discrete(a))
        total += out.reward
        if out.isDone { _ = try env.reset() }
    }
    return total
}

let m = 64
let vectorSteps = 30_000
let vectorActions = randomActions(m * vectorSteps, seed: 2)
/// Steps `vec` (reset with seed 0) through the shared random actions; returns env 0's total reward.
func stepVector<V: VectorEnvironment>(_ vec: V) throws -> Double {
    var vec = vec
    try vec.reset(seed: 0)
    var actions = [Action](repeating: .discrete(0), count: m)
    var total = 0.0
    for t in 0..<vectorSteps {
        for i in 0..<m { actions[i] = .discrete(vectorActions[t * m + i]) }
        try vec.step(actions)
        total += vec.rewards[0]
    }
    return total
}

try measure("CartPole-v1, 64 envs, SyncVectorEnvironment", envSteps: m * vectorSteps) {
    try stepVector(SyncVectorEnvironment(count: m) { _ in CartPole.v1() })
}

try measure("CartPole-v1, 64 envs, VectorNormalize(SyncVectorEnvironment)", envSteps: m * vectorSteps) {
    try stepVector(VectorNormalize(SyncVectorEnvironment(count: m) { _ in CartPole.v1() }))
}
