// DataBench: loading the bundled S&P data and building its predictions, for docs/benchmarks/data.md.
// Run: cd Benchmarks && swift run -c release DataBench [path/to/sp500-20-daily.csv.gz] [path/to/bars.h5]
// Compare with: /work/venv-data/bin/python Benchmarks/scripts/pandas_bench.py (same files).
import Foundation
import MarketGym
import Predictors

/// Median wall time of `body` over `runs` runs, in milliseconds, after `warmup` runs.
func medianMilliseconds(runs: Int, warmup: Int = 2, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    for _ in 0..<runs {
        let elapsed = try clock.measure { try body() }
        times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
    }
    times.sort()
    return times[times.count / 2]
}

func format(_ ms: Double) -> String { String(format: "%.3f ms", ms) }

let arguments = CommandLine.arguments.dropFirst()
let csvPath = arguments.first ?? "../Experiments/data/sp500-20-daily.csv.gz"
let csvURL = URL(fileURLWithPath: csvPath)
do {
    let bars = try MarketData.load(contentsOf: csvURL)
    print("DataBench: \(csvURL.lastPathComponent), \(bars.barCount) bars x \(bars.assetCount) assets")

    let raw = [UInt8](try Data(contentsOf: csvURL))
    let text = try Gzip.decompress(raw)
    let readMs = try medianMilliseconds(runs: 50) { _ = try Data(contentsOf: csvURL) }
    let gunzipMs = try medianMilliseconds(runs: 50) { _ = try Gzip.decompress(raw) }
    let parseMs = try medianMilliseconds(runs: 50) { _ = try MarketData.parseCSV(text) }
    let loadMs = try medianMilliseconds(runs: 50) { _ = try MarketData.load(contentsOf: csvURL) }
    print("load CSV.gz (MarketData.load, median of 50): \(format(loadMs))")
    print("  of which: read file \(format(readMs)), gunzip \(format(gunzipMs)), parse \(format(parseMs))")

    if let h5Path = arguments.dropFirst().first {
        let h5URL = URL(fileURLWithPath: h5Path)
        let h5Ms = try medianMilliseconds(runs: 200) { _ = try MarketData.load(contentsOf: h5URL) }
        print("load HDF5 (MarketData.load, median of 200): \(format(h5Ms))")
    }

    let predictor = try WalkForwardPredictor()
    var run: PredictionRun?
    let buildMs = try medianMilliseconds(runs: 5, warmup: 1) { run = try predictor.run(bars: bars) }
    print("build predictions (ridge, horizons 1/5/20, yearly refit, median of 5): \(format(buildMs))")
    if let run {
        print("  \(run.table.recordCount) predictions, \(run.refits.count) refits")
        print(run.report.description)
    }
} catch {
    print("DataBench: \(error)")
    exit(1)
}
