// Market env stepping speed: one env; 64 envs stepped in a loop with preallocated buffers, through
// Gym's SyncVectorEnvironment, and through MarketVectorEnv (the lockstep batch stepper).
// Setup (the brief's): 20 assets, window 10, 3 prediction features, sizing actions, default costs.
// Run: cd Benchmarks && swift run -c release EnvBench [--bars 5000] [--steps 2000000] [--scheme sizing|perAsset|weights]
//      [--mode both | a comma-separated list of single,vector,gym,batch]
//      [--write-csv DIR]  (writes the synthetic market as CSV for Benchmarks/scripts/env_bench.py)
//      [--preset crypto-neutral]  (instead of the synthetic market: the env an environment preset builds,
//      loaded exactly as `marketgym train` loads it; crypto-neutral = the bundled hourly Binance bars,
//      4 assets, 3 prediction sources at 1h/2h/4h, stepping its train split)
import Foundation
import Lab
import MarketGym
import SeededRandom

var bars = 5000, totalSteps = 2_000_000, vectorSize = 64, repeats = 3
var scheme = ActionSchemeKind.sizing
var csvDir: String?
var mode = "both"
var preset: String?
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--bars": bars = Int(args.popFirst() ?? "") ?? bars
    case "--steps": totalSteps = Int(args.popFirst() ?? "") ?? totalSteps
    case "--envs": vectorSize = Int(args.popFirst() ?? "") ?? vectorSize
    case "--repeats": repeats = Int(args.popFirst() ?? "") ?? repeats
    case "--scheme": scheme = ActionSchemeKind(rawValue: args.popFirst() ?? "") ?? scheme
    case "--write-csv": csvDir = args.popFirst()
    case "--mode": mode = args.popFirst() ?? mode
    case "--preset": preset = args.popFirst()
    default: print("unknown argument \(a)"); exit(2)
    }
}

var rng = Xoshiro256(seed: 1)
var sc = SyntheticMarket.Config()
sc.assets = 20
sc.bars = bars
let market = SyntheticMarket(config: sc, rng: &rng)
// Three prediction features: the synthetic `pred` and `snr`, plus a noisy copy of `pred`.
let n = 20, k0 = market.features.featureCount
var values = [Float](repeating: 0, count: bars * n * 3)
for j in 0..<(bars * n) {
    values[j * 3] = market.features.values[j * k0]
    values[j * 3 + 1] = market.features.values[j * k0 + 1]
    values[j * 3 + 2] = market.features.values[j * k0] + Float(rng.normal())
}
let features = FeatureMatrix(names: ["pred_h1", "snr", "pred_h5"], assets: market.data.assets, barCount: bars, values: values)

if let dir = csvDir {
    var s = "Date," + market.data.assets.joined(separator: ",") + "\n"
    for t in 0..<bars {
        s += CivilDate(epochSeconds: market.data.timestamps[t]).description
        for i in 0..<n { s += "," + String(market.data.close[t * n + i]) }
        s += "\n"
    }
    try s.write(toFile: dir + "/synthetic-20.csv", atomically: true, encoding: .utf8)
    var f = "bar,asset,pred_h1,snr,pred_h5\n"
    for t in 0..<bars { for i in 0..<n { f += "\(t),\(i),\(values[(t * n + i) * 3]),\(values[(t * n + i) * 3 + 1]),\(values[(t * n + i) * 3 + 2])\n" } }
    try f.write(toFile: dir + "/synthetic-20-features.csv", atomically: true, encoding: .utf8)
    print("wrote \(dir)/synthetic-20.csv and synthetic-20-features.csv")
    exit(0)
}

var config = MarketEnvConfig()
config.splits.train = DateRange(from: "1900-01-01", to: "2999-12-31")
config.observation.window = 10
config.action.scheme = scheme
config.episode.horizon = 252
/// The env of an environment preset (`Environments/<name>.yaml`), built by the Lab as `train` builds it.
func presetEnvironment(_ name: String) throws -> (env: MarketEnv, setup: MarketSetup) {
    let loader = SpecLoader.locate()
    let url = try loader.file(for: name, folder: "Environments")
    let spec = try EnvironmentSpec.decode(try loader.tree(at: url), file: url.path)
    let setup = try MarketSetup.load(spec, root: loader.root)
    return (try setup.makeEnvironment(seed: 1), setup)
}

let template: MarketEnv
var header = "MarketEnv: \(n) assets, window 10, 3 features"
do {
    if let preset {
        let (env, setup) = try presetEnvironment(preset)
        template = env
        let c = setup.config, p = setup.panel
        header = "MarketEnv preset \(preset): \(p.assetCount) assets (\(setup.data.assets.joined(separator: ", "))), \(p.barCount) bars, window \(c.observation.window), "
            + "features \(p.featureNames.joined(separator: " ")), threshold \(c.constraints.rebalanceThreshold)"
        scheme = c.action.scheme
        bars = p.barCount
    } else {
        template = try MarketEnv(data: market.data, features: features, benchmark: market.benchmark, config: config, seed: 1)
    }
} catch {
    print("error: \(error)"); exit(1)
}
let obsCount = template.observationSpace.count
// Actions prebuilt so the loop measures the env, not action construction.
let actions: [Action] = (0..<1024).map { _ in template.actionSpace.sample(using: &rng) }

func median(_ x: [Double]) -> Double { let s = x.sorted(); return s[s.count / 2] }

/// CPU time of this thread, seconds: robust to other processes sharing the cores (wall time is not).
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Steps per second by wall clock and by thread CPU time.
struct Rate { var wall: Double; var cpu: Double }

func runSingle(template: MarketEnv, actions: [Action], totalSteps: Int) throws -> Rate {
    let obsCount = template.observationSpace.count
    var env = template
    var obs = [Float](repeating: 0, count: obsCount)
    var checksum = 0.0
    let clock = ContinuousClock()
    var cpu0 = 0.0, cpu1 = 0.0
    let elapsed = try obs.withUnsafeMutableBufferPointer { buf in
        try clock.measure {
            cpu0 = threadCPUSeconds()
            defer { cpu1 = threadCPUSeconds() }
            _ = try env.reset(seed: 1, options: .none, into: buf)
            for s in 0..<totalSteps {
                let out = try env.step(actions[s & 1023], into: buf)
                checksum += out.reward
                if out.terminated || out.truncated { _ = try env.reset(seed: nil, options: .none, into: buf) }
            }
        }
    }
    if checksum.isNaN { print("NaN reward") }
    return Rate(wall: Double(totalSteps) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18),
                cpu: Double(totalSteps) / (cpu1 - cpu0))
}

func runVector(template: MarketEnv, actions: [Action], totalSteps: Int, vectorSize: Int) throws -> Rate {
    let obsCount = template.observationSpace.count
    var envs = (0..<vectorSize).map { _ in template }
    var obs = [Float](repeating: 0, count: obsCount * vectorSize)
    let rounds = totalSteps / vectorSize
    var checksum = 0.0
    let clock = ContinuousClock()
    var cpu0 = 0.0, cpu1 = 0.0
    let elapsed = try obs.withUnsafeMutableBufferPointer { all in
        for e in 0..<vectorSize {
            let slice = UnsafeMutableBufferPointer(rebasing: all[e * obsCount ..< (e + 1) * obsCount])
            _ = try envs[e].reset(seed: UInt64(e), options: .none, into: slice)
        }
        return try clock.measure {
            cpu0 = threadCPUSeconds()
            defer { cpu1 = threadCPUSeconds() }
            for r in 0..<rounds {
                for e in 0..<vectorSize {
                    let slice = UnsafeMutableBufferPointer(rebasing: all[e * obsCount ..< (e + 1) * obsCount])
                    let out = try envs[e].step(actions[(r &+ e) & 1023], into: slice)
                    checksum += out.reward
                    if out.terminated || out.truncated { _ = try envs[e].reset(seed: nil, options: .none, into: slice) }
                }
            }
        }
    }
    if checksum.isNaN { print("NaN reward") }
    return Rate(wall: Double(rounds * vectorSize) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18),
                cpu: Double(rounds * vectorSize) / (cpu1 - cpu0))
}

/// 64 envs through a vector env: Gym's `SyncVectorEnvironment` (same-step autoreset, its own
/// buffers) or `MarketVectorEnv` (the lockstep batch stepper, same autoreset).
func runVectorEnv<V: VectorEnvironment>(_ env: V, actions: [Action], totalSteps: Int) throws -> Rate {
    var venv = env
    let vectorSize = venv.environmentCount
    try venv.reset(seed: 1)
    let rounds = totalSteps / vectorSize
    var batches: [[Action]] = (0..<16).map { b in (0..<vectorSize).map { actions[(b * vectorSize + $0) & 1023] } }
    var checksum = 0.0
    let clock = ContinuousClock()
    var cpu0 = 0.0, cpu1 = 0.0
    let elapsed = try clock.measure {
        cpu0 = threadCPUSeconds()
        defer { cpu1 = threadCPUSeconds() }
        for r in 0..<rounds {
            try venv.step(batches[r & 15])
            checksum += venv.rewards[r % vectorSize]
        }
    }
    batches.removeAll()
    if checksum.isNaN { print("NaN reward") }
    return Rate(wall: Double(rounds * vectorSize) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18),
                cpu: Double(rounds * vectorSize) / (cpu1 - cpu0))
}

print("\(header), observation \(obsCount) floats, scheme \(scheme.rawValue), \(bars) bars, \(totalSteps) steps, median of \(repeats)")
do {
    var single: [Rate] = [], vector: [Rate] = [], gym: [Rate] = [], batch: [Rate] = []
    // `both` (the default) runs everything; else a comma-separated list of single, vector, gym, batch.
    let modes = Set(mode == "both" ? ["single", "vector", "gym", "batch"] : mode.split(separator: ",").map(String.init))
    if modes.contains("single") { for _ in 0..<repeats { single.append(try runSingle(template: template, actions: actions, totalSteps: totalSteps)) } }
    if modes.contains("vector") { for _ in 0..<repeats { vector.append(try runVector(template: template, actions: actions, totalSteps: totalSteps, vectorSize: vectorSize)) } }
    if modes.contains("gym") { for _ in 0..<repeats { gym.append(try runVectorEnv(SyncVectorEnvironment((0..<vectorSize).map { template.reseeded(UInt64($0)) }), actions: actions, totalSteps: totalSteps)) } }
    if modes.contains("batch") { for _ in 0..<repeats { batch.append(try runVectorEnv(MarketVectorEnv(count: vectorSize, template: template), actions: actions, totalSteps: totalSteps)) } }
    func line(_ label: String, _ r: [Rate]) {
        print(label.padding(toLength: 18, withPad: " ", startingAt: 0)
              + String(format: "wall %10.0f steps/s (median; runs %@)   cpu-time %10.0f steps/s (median)",
                       median(r.map(\.wall)), r.map { String(format: "%.0f", $0.wall) }.joined(separator: ", "), median(r.map(\.cpu))))
    }
    if !single.isEmpty { line("single env:", single) }
    if !vector.isEmpty { line("\(vectorSize) envs (loop):", vector) }
    if !gym.isEmpty { line("\(vectorSize) envs (Gym):", gym) }
    if !batch.isEmpty { line("\(vectorSize) envs (batch):", batch) }
} catch {
    print("error: \(error)"); exit(1)
}
