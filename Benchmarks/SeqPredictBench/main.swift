// SeqPredictBench: wall time and out-of-sample rank IC per year of the walk-forward predictor over
// the bundled S&P data (31 yearly refits), for each model (issue 17; docs/predictions.md).
// Prints one JSON object per model: wall and process CPU seconds (CPU time is what a loaded machine
// does not inflate), with the machine's load average at start and end.
//
//   swift run -c release SeqPredictBench [--models ridge,mlp,lstm,bilstm,gru,lstmAttention,tcn] [--threads 1]
//       [--bars ../Experiments/data/sp500-20-daily.csv.gz] [--max-steps 300]
// --max-steps caps the Adam steps per refit of the sequence models (SequenceModelConfig.maxStepsPerRefit,
// default 300): a smaller compute budget, to be stated beside any figure measured with it.
import Foundation
import MarketGym
import Predictors
import TensorCore

/// CPU time of the whole process (all threads), seconds.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "n/a"
}

var models: [PredictorModel] = [.ridge, .mlp, .lstm, .bilstm, .gru, .lstmAttention, .tcn]
var barsPath = "../Experiments/data/sp500-20-daily.csv.gz"
var threads = 1
var maxSteps: Int? = nil
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--models": models = (args.next() ?? "").split(separator: ",").compactMap { PredictorModel(rawValue: String($0)) }
    case "--bars": barsPath = args.next() ?? barsPath
    case "--threads": threads = Int(args.next() ?? "") ?? threads
    case "--max-steps": maxSteps = Int(args.next() ?? "")
    default:
        FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8))
        exit(2)
    }
}
BLAS.maxThreads = threads
Parallelism.threads = threads

do {
    let bars = try MarketData.load(contentsOf: URL(fileURLWithPath: barsPath))
    for model in models {
        var config = WalkForwardConfig()
        config.model = model
        if let maxSteps { config.sequence.maxStepsPerRefit = maxSteps }
        let loadBefore = loadAverage()
        let start = Date(), cpuStart = processCPUSeconds()
        let run = try WalkForwardPredictor(config: config).run(bars: bars)
        let seconds = Date().timeIntervalSince(start), cpu = processCPUSeconds() - cpuStart
        var record: [String: Any] = [
            "model": model.rawValue, "seconds": (seconds * 10).rounded() / 10, "cpu_seconds": (cpu * 10).rounded() / 10,
            "max_steps_per_refit": config.sequence.maxStepsPerRefit, "refits": run.refits.count,
            "skipped_windows": run.skippedWindows, "load_before": loadBefore, "load_after": loadAverage(), "threads": threads,
        ]
        for h in run.report.horizons {
            record["h\(h.horizon)_mean_ic"] = h.meanIC
            record["h\(h.horizon)_t_nonoverlapping"] = h.tStatNonOverlapping
            record["h\(h.horizon)_per_year"] = Dictionary(uniqueKeysWithValues: h.perYear.map { ("\($0.year)", $0.meanIC) })
        }
        let json = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
        fflush(nil)  // one line per model as it finishes, also when stdout is a file
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
