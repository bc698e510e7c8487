// DataBench: loading the bundled S&P data and building its predictions, for docs/benchmarks/data.md.
// Run: cd Benchmarks && swift run -c release DataBench [path/to/sp500-20-daily.csv.gz] [path/to/bars.h5] [--mlp]
// The HDF5 file is written from the CSV first (MarketDataConversion), so both sides read the same arrays.
// Compare with: .venv-bench/bin/python Benchmarks/scripts/pandas_bench.py (same files).
import Foundation
import HDF5
import MarketGym
import Predictors

/// Process CPU time (user + system, all threads), in milliseconds.
func cpuMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6
}

/// Median wall time and median CPU time of `body` over `runs` runs, in milliseconds, after `warmup` runs.
/// The machine is shared: wall time includes waiting for a core, CPU time does not; both are reported.
struct Timing {
    let wall: Double
    let cpu: Double
    var text: String { String(format: "%.3f ms wall, %.3f ms CPU", wall, cpu) }
}

func measure(runs: Int, warmup: Int = 2, _ body: () throws -> Void) rethrows -> Timing {
    let clock = ContinuousClock()
    for _ in 0..<warmup { try body() }
    var walls: [Double] = [], cpus: [Double] = []
    for _ in 0..<runs {
        let c0 = cpuMilliseconds()
        let elapsed = try clock.measure { try body() }
        cpus.append(cpuMilliseconds() - c0)
        walls.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
    }
    walls.sort()
    cpus.sort()
    return Timing(wall: walls[walls.count / 2], cpu: cpus[cpus.count / 2])
}

let runMLP = CommandLine.arguments.contains("--mlp")
// --profile-h5 PATH: only load PATH 2000 times (for `perf record`).
if let k = CommandLine.arguments.firstIndex(of: "--profile-h5"), k + 1 < CommandLine.arguments.count {
    let url = URL(fileURLWithPath: CommandLine.arguments[k + 1])
    for _ in 0..<2000 { _ = try? MarketData.load(contentsOf: url) }
    exit(0)
}
// --profile-csv PATH: only parse PATH (decompressed once) 300 times (for `perf record`).
if let k = CommandLine.arguments.firstIndex(of: "--profile-csv"), k + 1 < CommandLine.arguments.count,
   let raw = try? Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[k + 1])),
   let text = try? Gzip.decompress([UInt8](raw)) {
    for _ in 0..<300 { _ = try? MarketData.parseCSV(text) }
    exit(0)
}
// --crypto SPEC: only the crypto-hourly load + merge + resample benchmark (CryptoBench.swift).
if let k = CommandLine.arguments.firstIndex(of: "--crypto"), k + 1 < CommandLine.arguments.count {
    do { try runCryptoBench(specPath: CommandLine.arguments[k + 1]) } catch { print("DataBench: \(error)"); exit(1) }
    exit(0)
}
let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--mlp" }
let csvPath = arguments.first ?? "../Experiments/data/sp500-20-daily.csv.gz"
let csvURL = URL(fileURLWithPath: csvPath)
do {
    let bars = try MarketData.load(contentsOf: csvURL)
    print("DataBench: \(csvURL.lastPathComponent), \(bars.barCount) bars x \(bars.assetCount) assets")

    let raw = [UInt8](try Data(contentsOf: csvURL))
    let text = try Gzip.decompress(raw)
    let readMs = try measure(runs: 50) { _ = try Data(contentsOf: csvURL) }
    let gunzipMs = try measure(runs: 50) { _ = try Gzip.decompress(raw) }
    let parseMs = try measure(runs: 50) { _ = try MarketData.parseCSV(text) }
    let loadMs = try measure(runs: 50) { _ = try MarketData.load(contentsOf: csvURL) }
    print("load CSV.gz (MarketData.load, median of 50): \(loadMs.text)")
    print("  read file \(readMs.text)")
    print("  gunzip \(gunzipMs.text)")
    print("  parse \(parseMs.text)")

    if let h5Path = arguments.dropFirst().first {
        let h5URL = URL(fileURLWithPath: h5Path)
        let summary = try MarketDataConversion.convert(input: csvURL, output: h5URL)
        print("wrote \(h5URL.path) (\(summary.bytesWritten) bytes)")
        let h5Ms = try measure(runs: 200) { _ = try MarketData.load(contentsOf: h5URL) }
        print("load HDF5 (MarketData.load, median of 200): \(h5Ms.text)")
        let openMs = try measure(runs: 200) { _ = try HDF5File.open(h5URL) }
        let readMs = try measure(runs: 200) {
            let file = try HDF5File.open(h5URL)
            let group = try file.openGroup("bars")
            _ = try group.openDataset("close").read(as: Double.self)
            _ = try group.openDataset("timestamps").read(as: Int64.self)
            _ = try group.openDataset("assets").read(as: String.self)
        }
        let checksMs = measure(runs: 200) { _ = bars.softWarnings(); _ = bars.coverage() }
        let rawMs = try measure(runs: 200) { _ = [UInt8](try Data(contentsOf: h5URL)) }
        let initMs = try measure(runs: 200) { _ = try MarketData(assets: bars.assets, timestamps: bars.timestamps, close: bars.close) }
        print("  soft checks (not part of load; loadWithReport) \(checksMs.text)")
        print("  read the whole file as bytes (for comparison) \(rawMs.text)")
        print("  MarketData.init \(initMs.text)")
        print("  HDF5File open+close \(openMs.text)")
        print("  HDF5: open + read close, timestamps, assets \(readMs.text)")
    }

    let predictor = try WalkForwardPredictor()
    var run: PredictionRun?
    let buildMs = try measure(runs: 5, warmup: 1) { run = try predictor.run(bars: bars) }
    print("build predictions (ridge, horizons 1/5/20, yearly refit, median of 5): \(buildMs.text)")
    if let run {
        print("  \(run.table.recordCount) predictions, \(run.refits.count) refits")
        print(run.report.description)
    }
    if runMLP {
        var config = WalkForwardConfig()
        config.model = .mlp
        let mlp = try WalkForwardPredictor(config: config)
        var mlpRun: PredictionRun?
        let mlpMs = try measure(runs: 1, warmup: 0) { mlpRun = try mlp.run(bars: bars) }
        print("build predictions (MLP \(config.mlp.hiddenSizes), \(config.mlp.stepsPerRefit) Adam steps x batch \(config.mlp.batchSize) per refit and horizon, 1 run): \(mlpMs.text)")
        if let mlpRun { print(mlpRun.report.description.split(separator: "\n").prefix(5).joined(separator: "\n")) }
    }
} catch {
    print("DataBench: \(error)")
    exit(1)
}
