import ArgumentParser
import Foundation
import Lab
import TensorCore

@main
struct MarketGymCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marketgym",
        abstract: "A Gym-style RL gym and agent trainer for multi-asset, market-neutral trading.",
        discussion: """
        Examples:
          marketgym data info Experiments/data/sp500-20-daily.csv.gz
          marketgym data validate my-bars.csv --extreme-return 0.3
          marketgym check lookahead my-preds.csv.gz --bars Experiments/data/sp500-20-daily.csv.gz
        """,
        subcommands: [TrainCommand.self, EvaluateCommand.self, ReportCommand.self, ActCommand.self, BacktestCommand.self, SweepCommand.self, SweepTrialCommand.self, CheckEnvCommand.self, CheckCommand.self, StudyCommand.self, InspectCommand.self, DataCommand.self, FeaturesCommand.self]
    )
}

/// Prints a user error to standard error and exits with status 1 (no stack trace, no crash).
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(String(describing: error))\n".utf8))
    return ExitCode(1)
}

/// Says on standard error what MarketGym chose for OpenBLAS's kernels, when it chose (a CPU the
/// OpenBLAS build does not know: `BLAS.kernelNote`); silent when OpenBLAS's own choice stands.
func printBLASNote() {
    if let note = BLAS.kernelNote { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
}
