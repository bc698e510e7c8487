import ArgumentParser
import Foundation
import Lab
import Predictors

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Audits that can gate a pipeline (exit status 2 on a finding).",
        subcommands: [CheckLookaheadCommand.self]
    )
}

struct CheckLookaheadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookahead",
        abstract: "Does a predictions file know the future? Exit 0: no finding; 2: findings; 1: bad input.",
        discussion: """
        For a predictions file (long CSV timestamp,asset,<features>) joined to bars as of each bar: the mean
        cross-sectional rank IC of each feature with the one-bar returns ending at the stamp bar + lag, for
        lags -k..+k, flagged where |IC| after the stamp exceeds --max-forward-ic, or |IC| with already finished
        returns exceeds --max-finished-ic; records stamped between bar closes; files whose provenance says
        `lookahead: injected`. With --builtin: the strong form for the built-in walk-forward predictions,
        rebuilt on bars truncated at random cuts; every value at or before a cut must be identical.

        Examples:
          marketgym check lookahead my-preds.csv.gz --bars Experiments/data/sp500-20-daily.csv.gz
          marketgym check lookahead --builtin --bars Experiments/data/sp500-20-daily.csv.gz --cuts 5
        """
    )

    @Argument(help: "The predictions file (omit with --builtin).") var predictions: String?
    @Option(help: "The bar file the predictions belong to.") var bars: String
    @Flag(help: "Check the built-in walk-forward predictor by truncation (the strong form).") var builtin = false
    @Option(help: "Truncation cuts for --builtin.") var cuts = 5
    @Option(help: "Seed of the cut draws for --builtin.") var seed: UInt64 = 0
    @Option(help: "Lags -k..+k in bars.") var maxLag = 5
    @Option(help: "Threshold on |IC| after the stamp.") var maxForwardIC = 0.2
    @Option(help: "Threshold on |IC| at and before the stamp.") var maxFinishedIC = 0.5

    func validate() throws {
        if builtin == (predictions != nil) { throw ValidationError("give a predictions file, or --builtin (not both)") }
        if cuts < 1 { throw ValidationError("--cuts must be at least 1") }
        if maxLag < 0 { throw ValidationError("--max-lag must be ≥ 0") }
    }

    func run() throws {
        let findings: [LookaheadAudit.Finding]
        do {
            let barData = try MarketData.load(contentsOf: URL(fileURLWithPath: bars))
            if builtin {
                let predictor = try WalkForwardPredictor()
                let result = try LookaheadAudit.truncationCheck(bars: barData, cuts: cuts, seed: seed) { b in try predictor.run(bars: b).table }
                print("built-in walk-forward predictions rebuilt on bars truncated after bars \(result.cuts.map(String.init).joined(separator: ", "))")
                findings = result.findings
                print(findings.isEmpty ? "no finding: every value at or before each cut is identical" : findings.map { "FINDING \($0)" }.joined(separator: "\n"))
            } else {
                let url = URL(fileURLWithPath: predictions ?? "")
                let table = try PredictionTable.load(contentsOf: url)
                let provURL = PredictionBuilder.provenanceURL(for: url)
                let provenance = (try? Data(contentsOf: provURL)).flatMap { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] }
                var options = LookaheadAudit.Options()
                options.maxLag = maxLag
                options.maxForwardIC = maxForwardIC
                options.maxFinishedIC = maxFinishedIC
                let report = try LookaheadAudit.audit(predictions: table, bars: barData, provenance: provenance, options: options)
                print(report.text, terminator: "")
                findings = report.findings
            }
        } catch {
            throw fail(error)
        }
        if !findings.isEmpty { throw ExitCode(2) }
    }
}
