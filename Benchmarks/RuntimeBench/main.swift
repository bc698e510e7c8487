// RuntimeBench: latency of the trading daemon's call, `Policy.targetWeights(for:)`, for 20 assets and
// a DQN MLP [345 → 256 → 256 → 5] (sizing levels), single-threaded, one snapshot at a time: the
// full call (pooled context, the caller's context, a stream of consecutive bars) and its parts, with
// wall-clock percentiles, process CPU time and heap allocations per call (malloc counter).
//
//   swift build -c release --product RuntimeBench && .build/release/RuntimeBench [OUT_DIR]
//
// Writes OUT_DIR/runtime_bench_policy.h5 (the checkpoint), its parameters as CSV, and
// OUT_DIR/runtime_bench_obs.csv (the observations the runtime built), which Benchmarks/scripts/sb3_predict_latency.py loads into an
// SB3 DQN to time `model.predict` on the same network side by side (docs/benchmarks/runtime.md).
import CheckpointFormat
import Foundation
import MarketGym
import PolicyRuntime
import SeededRandom
import TensorBenchMallocCounter

let out = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : FileManager.default.temporaryDirectory.path)
let assets = (0..<20).map { String(format: "A%02d", $0) }
let featureNames = ["pred_h1", "pred_h5", "pred_h20"]
var rng = Xoshiro256(seed: 2026)

// A market with the bundled data's shape (20 assets, 3 prediction features) to get the env's spec.
let T = 300, n = assets.count, k = featureNames.count
var price = [Double](repeating: 100, count: n), closes: [Double] = []
for _ in 0..<T {
    price = price.map { $0 * (1 + 0.02 * (rng.uniformDouble() - 0.5)) }
    closes += price
}
let data = try MarketData(assets: assets, timestamps: (0..<T).map { Int64($0) * 86_400 }, close: closes)
let fm = FeatureMatrix(names: featureNames, assets: assets, barCount: T, values: (0..<(T * n * k)).map { _ in 0.01 * (rng.uniformFloat() - 0.5) })
var config = MarketEnvConfig()
config.episode.split = "all"
let env = try MarketEnv(data: data, features: fm, config: config)
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
let hidden = [256, 256]
let spec = PolicySpec(algorithm: "dqn", environment: "market", assets: assets, observationNames: env.observationNames,
                      actionKind: .discrete, actionShape: [config.action.grossLevels.count], actionScheme: "sizing",
                      actionLevels: config.action.grossLevels, network: .qValues, hidden: hidden, activation: "relu",
                      environmentConfig: String(decoding: try encoder.encode(config), as: UTF8.self))
// PyTorch's nn.Linear initialization, U(±1/√fan_in).
@MainActor func layer(_ name: String, _ i: Int, _ o: Int) -> [NamedTensor] {
    let b = 1 / Float(i).squareRoot()
    return [NamedTensor(name: name + ".weight", shape: [o, i], values: (0..<(i * o)).map { _ in (rng.uniformFloat() * 2 - 1) * b }),
            NamedTensor(name: name + ".bias", shape: [o], values: (0..<o).map { _ in (rng.uniformFloat() * 2 - 1) * b })]
}
let obsSize = spec.observationSize
let params = layer("q.trunk.layers.0", obsSize, 256) + layer("q.trunk.layers.2", 256, 256) + layer("q.head.0", 256, spec.actionShape[0])
let url = out.appendingPathComponent("runtime_bench_policy.h5")
try Checkpoint(algorithm: "dqn", step: 0, episodes: 0, configYAML: "{}", policy: spec, policyParameters: params).write(to: url)
let policy = try Policy.load(contentsOf: url)
// The same parameters as text (shortest round-trip decimals: exact float32), for the SB3 peer
// without h5py in its venv; rows of a weight are its output units.
for p in params {
    let cols = p.shape.count == 2 ? p.shape[1] : p.shape[0]
    let rows = p.values.count / cols
    let text = (0..<rows).map { r in p.values[(r * cols)..<((r + 1) * cols)].map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
    try text.write(to: out.appendingPathComponent("runtime_bench_\(p.name).csv"), atomically: true, encoding: .utf8)
}

// 256 distinct snapshots (21 bars of closes each, as a daemon sends), cycled through.
let snapshots: [PolicySnapshot] = (0..<256).map { _ in
    var p = (0..<n).map { _ in 50 + 100 * rng.uniformDouble() }
    var rows: [[Double]] = []
    for _ in 0..<policy.requiredHistory {
        p = p.map { $0 * (1 + 0.03 * (rng.uniformDouble() - 0.5)) }
        rows.append(p)
    }
    let preds = (0..<n).map { _ in (0..<k).map { _ in 0.02 * (rng.uniformDouble() - 0.5) } }
    let w = (0..<n).map { _ in 0.1 * (rng.uniformDouble() - 0.5) }
    return PolicySnapshot(assets: assets, features: featureNames, closes: rows, predictions: preds, weights: w, drawdown: 0.01)
}
let observations = try snapshots.map { try policy.observation(for: $0) }
try observations.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
    .write(to: out.appendingPathComponent("runtime_bench_obs.csv"), atomically: true, encoding: .utf8)
let greedy = try observations.map { obs -> Int in
    if case .discrete(let a) = try policy.act(observation: obs) { return a } else { return -1 }
}
try greedy.map(String.init).joined(separator: "\n").write(to: out.appendingPathComponent("runtime_bench_actions.txt"), atomically: true, encoding: .utf8)

func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func cpuNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Times `calls` calls one by one (after 2,000 warm-up calls): wall-clock median/p90/p99/p99.9,
/// the process CPU time per call (mean; it excludes time the scheduler gave other processes) and
/// heap allocations per call (malloc counter; "n/a" where it cannot count).
@MainActor func measure(_ label: String, calls: Int, _ body: (Int) throws -> Void) rethrows {
    for i in 0..<2_000 { try body(i) } // warm-up
    var times = [Double](repeating: 0, count: calls)
    let allocs0 = malloc_counter_count(), cpu0 = cpuNanos()
    for i in 0..<calls {
        let t0 = nanos()
        try body(i)
        times[i] = Double(nanos() - t0) / 1_000
    }
    let cpu = Double(cpuNanos() - cpu0) / 1_000 / Double(calls)
    let allocs = malloc_counter_available() != 0 ? String(format: "%.2f", Double(malloc_counter_count() - allocs0) / Double(calls)) : "n/a"
    times.sort()
    func q(_ p: Double) -> Double { times[min(calls - 1, Int(p * Double(calls)))] }
    print(String(format: "%-48@ median %7.2f µs   p90 %7.2f µs   p99 %7.2f µs   p99.9 %7.2f µs   cpu %6.2f µs   allocs %@  (%d calls)",
                 label as NSString, q(0.5), q(0.9), q(0.99), q(0.999), cpu, allocs as NSString, calls))
}

print("RuntimeBench: \(n) assets, observation \(obsSize), MLP \([obsSize] + hidden + [spec.actionShape[0]]), OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset")")
let calls = 50_000
var sink = 0.0
let context = policy.makeContext()
// A daemon's stream: consecutive bars of one price path (each snapshot the previous one shifted by
// a bar, so the bar window reuses its log returns), cycled through (1 jump in 256).
var streamPrice = (0..<n).map { _ in 50 + 100 * rng.uniformDouble() }, path: [[Double]] = []
for _ in 0..<(256 + policy.requiredHistory) {
    streamPrice = streamPrice.map { $0 * (1 + 0.03 * (rng.uniformDouble() - 0.5)) }
    path.append(streamPrice)
}
let stream = (0..<256).map { s in
    PolicySnapshot(assets: assets, features: featureNames, closes: Array(path[(s + 1)..<(s + 1 + policy.requiredHistory)]),
                   predictions: snapshots[s].predictions, weights: snapshots[s].weights, drawdown: 0.01)
}
let streamContext = policy.makeContext()
let levels = config.action.grossLevels.count
// Parts: the full call = observation (checks, copy, bar window, observation) + network + book.
try measure("targetWeights(for: snapshot) [full call]", calls: calls) { i in
    sink += try policy.targetWeights(for: snapshots[i & 255]).weights[0]
}
try measure("targetWeights(for:context:) [full call]", calls: calls) { i in
    sink += try policy.targetWeights(for: snapshots[i & 255], context: context).weights[0]
}
try measure("targetWeights(for:context:) [consecutive bars]", calls: calls) { i in
    sink += try policy.targetWeights(for: stream[i & 255], context: streamContext).weights[0]
}
try measure("observation(for: snapshot) [checks + env obs]", calls: calls) { i in
    sink += Double(try policy.observation(for: snapshots[i & 255])[0])
}
try measure("targetWeights(for:action:) [obs + book]", calls: calls) { i in
    sink += try policy.targetWeights(for: snapshots[i & 255], action: .discrete(greedy[i & 255] % levels)).weights[0]
}
try measure("act(observation:context:) [network + argmax]", calls: calls) { i in
    if case .discrete(let a) = try policy.act(observation: observations[i & 255], context: context) { sink += Double(a) }
}
try measure("act(observation:) [network + argmax]", calls: calls) { i in
    if case .discrete(let a) = try policy.act(observation: observations[i & 255]) { sink += Double(a) }
}
let json = try snapshots.prefix(16).map { try JSONEncoder().encode($0) }
try measure("JSON line → targetWeights → JSON line", calls: 20_000) { i in
    let s = try JSONDecoder().decode(PolicySnapshot.self, from: json[i & 15])
    sink += Double(try JSONEncoder().encode(try policy.targetWeights(for: s)).count)
}
print("checksum \(sink)")
