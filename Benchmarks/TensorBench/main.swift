// TensorBench: DQN and PPO training steps and single-observation inference on TensorCore/NeuralNet.
// Prints one JSON object per case (times in microseconds). Side-by-side peer:
// Benchmarks/scripts/torch_bench.py; driver: Benchmarks/scripts/run_tensor_bench.sh.
//
//   swift run -c release TensorBench [--threads 2] [--seconds 1.5] [--only dqn_64x256x256x11_b32,...]
import CheckpointFormat
import Foundation
import NeuralNet
import TensorBenchMallocCounter

struct Options {
    var threads = 2
    var seconds = 1.5
    var only: Set<String> = []
    var singleThreadBelow = BLAS.singleThreadBelowFlops
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
        switch a {
        case "--threads": o.threads = Int(args.next() ?? "") ?? o.threads
        case "--seconds": o.seconds = Double(args.next() ?? "") ?? o.seconds
        case "--single-thread-below": o.singleThreadBelow = Int(args.next() ?? "") ?? o.singleThreadBelow
        case "--only": o.only = Set((args.next() ?? "").split(separator: ",").map(String.init))
        default:
            FileHandle.standardError.write(Data("unknown argument \(a); usage: TensorBench [--threads N] [--seconds S] [--only case,...]\n".utf8))
            exit(2)
        }
    }
    return o
}

/// Writes one line to standard output unbuffered, so alternating runs interleave cleanly.
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

@inline(__always) func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU time of the whole process (all threads), in nanoseconds: insensitive to time slices lost to
/// other processes, so it estimates the quiet-machine cost on a loaded machine.
func processCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Runs `body` repeatedly: warm-up, then timed single iterations for about `seconds`; reports
/// median, p99 and mean per iteration and heap allocations per iteration in the timed phase.
func measure(_ name: String, seconds: Double, warmup: Int = 30, _ body: () -> Void) {
    for _ in 0..<warmup { body() }
    var samples: [Double] = []
    samples.reserveCapacity(1_000_000)
    let allocsBefore = malloc_counter_count()
    let cpuStart = processCPUNanoseconds()
    let start = nowNanoseconds()
    let budget = UInt64(seconds * 1e9)
    repeat {
        let t0 = nowNanoseconds()
        body()
        samples.append(Double(nowNanoseconds() - t0) / 1000)
    } while nowNanoseconds() - start < budget || samples.count < 20
    let cpuPerIteration = Double(processCPUNanoseconds() - cpuStart) / 1000 / Double(samples.count)
    let allocs = Int(malloc_counter_count() - allocsBefore)
    let sorted = samples.sorted()
    let median = sorted[sorted.count / 2]
    let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    let mean = samples.reduce(0, +) / Double(samples.count)
    let allocText = malloc_counter_available() != 0 ? String(format: "%.3f", Double(allocs) / Double(samples.count)) : "null"
    emit(String(format: "{\"impl\": \"swift\", \"case\": \"%@\", \"median_us\": %.2f, \"p99_us\": %.2f, \"mean_us\": %.2f, \"cpu_us\": %.2f, \"iterations\": %d, \"allocs_per_iter\": %@, \"coretype\": \"%@\", \"blas\": \"%@\"}",
                 name, median, p99, mean, cpuPerIteration, samples.count, allocText, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset", BLAS.kernels))
}

/// One DQN training step as an agent would write it (CleanRL dqn.py): online forward, target
/// forward without gradients, TD target, Huber loss on Q(s, a), backward, Adam.
final class DQNStep {
    let online: Sequential, target: Sequential
    let adam: Adam
    let tape = Tape()
    let obs: Tensor, nextObs: Tensor, rewards: Tensor, notDone: Tensor
    let actions: [Int]
    let gamma: Float = 0.99

    init(sizes: [Int], batch: Int, seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        online = Sequential.mlp(sizes, rng: &rng)
        target = Sequential.mlp(sizes, rng: &rng)
        target.copyParameters(from: online)
        target.setRequiresGrad(false)
        adam = Adam(online.namedParameters(prefix: "q"), learningRate: 1e-4)
        obs = Tensor.normal([batch, sizes[0]], rng: &rng)
        nextObs = Tensor.normal([batch, sizes[0]], rng: &rng)
        rewards = Tensor.normal([batch], rng: &rng)
        notDone = Tensor.ones([batch])
        actions = (0..<batch).map { _ in rng.uniformInt(below: sizes[sizes.count - 1]) }
    }

    func step() {
        tape.reset()
        let nextQ = target(tape.constant(nextObs)).max(axis: 1)      // constant: target params are frozen
        let tdTarget = nextQ * notDone * gamma + rewards
        let q = online(tape.constant(obs)).gather(actions, axis: 1)
        let loss = Loss.huber(q, tdTarget)
        tape.backward(loss)
        adam.step()
    }
}

/// One PPO minibatch step (CleanRL ppo.py): categorical actor and critic, clipped surrogate, value
/// loss, entropy bonus, global-norm clipping at 0.5, Adam.
final class PPOStep {
    let actor: Sequential, critic: Sequential
    let adam: Adam
    let params: [NamedParameter]
    let tape = Tape()
    let obs: Tensor, oldLogProb: Tensor, advantages: Tensor, negAdvantages: Tensor, returns: Tensor
    let actions: [Int]

    init(obsSize: Int, hidden: Int, actionCount: Int, batch: Int, seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        actor = Sequential.mlp([obsSize, hidden, hidden, actionCount], activation: .tanh,
                               weightInit: .orthogonal(gain: Initializer.reluGain), outputWeightInit: .orthogonal(gain: 0.01),
                               biasInit: .zeros, rng: &rng)
        critic = Sequential.mlp([obsSize, hidden, hidden, 1], activation: .tanh,
                                weightInit: .orthogonal(gain: Initializer.reluGain), outputWeightInit: .orthogonal(gain: 1),
                                biasInit: .zeros, rng: &rng)
        params = actor.namedParameters(prefix: "actor") + critic.namedParameters(prefix: "critic")
        adam = Adam(params, learningRate: 2.5e-4, epsilon: 1e-5)
        obs = Tensor.normal([batch, obsSize], rng: &rng)
        actions = (0..<batch).map { _ in rng.uniformInt(below: actionCount) }
        oldLogProb = Tensor.normal([batch], mean: -log(Float(actionCount)), std: 0.1, rng: &rng)
        advantages = Tensor.normal([batch], rng: &rng)
        negAdvantages = advantages * -1
        returns = Tensor.normal([batch], rng: &rng)
    }

    func step() {
        tape.reset()
        let x = tape.constant(obs)
        let dist = Categorical(logits: actor(x))
        let ratio = (dist.logProb(actions) - oldLogProb).exp()
        let pg = (ratio * negAdvantages).maximum(ratio.clamped(min: 0.8, max: 1.2) * negAdvantages).mean()
        let value = critic(x).reshaped([-1])
        let vLoss = 0.5 * (value - returns).squared().mean()
        let loss = pg - 0.01 * dist.entropy().mean() + 0.5 * vLoss
        tape.backward(loss)
        clipGradientNorm(params, maxNorm: 0.5)
        adam.step()
    }
}

let options = parseOptions()
BLAS.maxThreads = options.threads
Parallelism.threads = options.threads  // TensorCore's own GEMM split / worker thread (1 or 2)
BLAS.singleThreadBelowFlops = options.singleThreadBelow
func wanted(_ name: String) -> Bool { options.only.isEmpty || options.only.contains(name) }

for (sizes, batch) in [([64, 256, 256, 11], 32), ([64, 256, 256, 11], 256), ([64, 256, 256, 11], 1024), ([4, 256, 256, 2], 64)] {
    let name = "dqn_\(sizes.map(String.init).joined(separator: "x"))_b\(batch)"
    guard wanted(name) else { continue }
    let bench = DQNStep(sizes: sizes, batch: batch, seed: 1)
    measure(name, seconds: options.seconds) { bench.step() }
}

if wanted("ppo_64x64x64_b256") {
    let bench = PPOStep(obsSize: 64, hidden: 64, actionCount: 11, batch: 256, seed: 2)
    measure("ppo_64x64x64_b256", seconds: options.seconds) { bench.step() }
}

if wanted("infer_64x256x256x11_b1") {
    // The acting forward pass agents and the daemon share (CheckpointFormat's PolicyForward), over
    // the network's live parameters: one GEMV per layer into preallocated scratch.
    var rng = Xoshiro256(seed: 3)
    let net = Sequential.mlp([64, 256, 256, 11], rng: &rng)
    var byName: [String: Parameter] = [:]
    for p in net.namedParameters(prefix: "actor") { byName[p.name] = p.parameter }
    do {
        let forward = try PolicyForward(network: .categorical, hidden: [256, 256], activation: "relu", dueling: false,
                                        observationSize: 64, perAsset: nil, actionKind: .discrete, actionShape: [11],
                                        actionLow: [], actionHigh: [], continuousBound: "", shapes: byName.mapValues(\.value.shape))
        let weights = forward.parameterNames.compactMap { byName[$0]?.value }
        let observation = (0..<64).map { _ in rng.normalFloat() }
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: forward.outputCount)
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: forward.scratchCount(rows: 1))
        var sink: Float = 0
        observation.withUnsafeBufferPointer { obs in
            weights.withUnsafeBufferPointer { w in
                measure("infer_64x256x256x11_b1", seconds: options.seconds, warmup: 1000) {
                    forward.run(obs, rows: 1, weights: { w[$0] }, into: out, scratch: scratch)
                    sink += out[0]
                }
            }
        }
        if sink.isNaN { print("#", sink) }
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
}

runSequenceCases(seconds: options.seconds, wanted: wanted)  // SequenceBench.swift
