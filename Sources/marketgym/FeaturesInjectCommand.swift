import ArgumentParser
import Foundation
import Predictors

struct FeaturesInject: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Signal injection (a method test): predictions built from realized future returns plus noise.",
        discussion: """
        Writes `pred` (rank IC ≈ --ic with the forward return, in on/off quality regimes) and `confidence`
        (how much it knows about the regime: --informativeness 0..1) and a provenance file saying
        `lookahead: injected`: `check lookahead` flags such files and PolicyRuntime refuses policies trained on
        them. See docs/research.md.

        Example:
          marketgym features inject Experiments/data/sp500-20-daily.csv.gz /tmp/inj.csv.gz --ic 0.05 --informativeness 1
        """
    )

    @Argument(help: "The bar file.") var bars: String
    @Argument(help: "The predictions file to write (.csv or .csv.gz).") var output: String
    @Option(help: "Target mean rank IC, 0..0.5.") var ic: Double
    @Option(help: "How informative confidence is about the signal quality, 0..1.") var informativeness: Double = 1
    @Option(help: "Forward-return horizon in bars.") var horizon = 1
    @Option(help: "Mean length of a signal-quality regime in bars.") var regimeLength = 63.0
    @Option(help: "Seed of the noise and the regimes.") var seed: UInt64 = 0

    func run() throws {
        do {
            let signal = InjectedSignal(ic: ic, informativeness: informativeness, horizon: horizon, regimeLength: regimeLength, seed: seed)
            let realized = try InjectedSignal.write(bars: URL(fileURLWithPath: bars), output: URL(fileURLWithPath: output), signal: signal)
            print("wrote \(output) (lookahead: injected; realized mean rank IC \(String(format: "%.4f", realized)))")
        } catch {
            throw fail(error)
        }
    }
}
