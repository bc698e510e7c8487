import ArgumentParser
import Foundation
import Lab
import Predictors

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Research studies that answer one question with a table (docs/research.md).",
        subcommands: [SignalInjectionStudyCommand.self, SelectionStudyCommand.self]
    )
}

struct SignalInjectionStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal-injection",
        abstract: "How much does RL sizing add over fixed-gross and confidence sizing, as a function of signal IC and confidence quality?",
        discussion: """
        For every (IC, informativeness) cell: writes injected predictions (`features inject`, lookahead: injected)
        built on the experiment's bars, trains the experiment on them for every seed (`train --seeds`), and
        tabulates the agent's Sharpe against fixed gross and confidence-proportional sizing with paired
        stationary-bootstrap intervals. Resumable: finished cells and seeds are not rerun. Writes study.md,
        study.json and study.svg (the difference intervals) into --out.

        Example:
          marketgym study signal-injection --seeds 0-2 --workers 2 --out runs/signal-injection
        """
    )

    @Option(help: "The experiment trained in every cell.") var experiment = "signal-injection"
    @Option(help: "Target rank ICs, comma-separated.") var ics = "0,0.02,0.05,0.1"
    @Option(help: "Confidence informativeness levels (0..1), comma-separated.") var informativeness = "0,1"
    @Option(help: "Seeds per cell (e.g. 0-2).") var seeds = "0-2"
    @Option(help: "Seeds trained at once.") var workers = 1
    @Option(help: "The study folder.") var out = "runs/signal-injection"
    @Option(help: "Split the table reports (the agent is selected on valid).") var split = "test"
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key of the experiment (repeatable).", valueName: "key=value")) var overrides: [String] = []

    static func numbers(_ text: String, _ name: String) throws -> [Double] {
        let v = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ $0 != nil }) else { throw ValidationError("--\(name) must be numbers separated by commas, got '\(text)'") }
        return v.compactMap { $0 }
    }

    func run() throws {
        let icList = try Self.numbers(ics, "ics"), kappaList = try Self.numbers(informativeness, "informativeness")
        guard let exe = Bundle.main.executableURL else { throw ValidationError("cannot locate the marketgym executable") }
        do {
            let loader = SpecLoader.locate(spec: experiment)
            let (spec, _, _) = try loader.experiment(experiment, overrides: try overrides.map { (o) throws(SpecError) in try SpecOverride(parsing: o) })
            let barsURL = spec.env.data.bars.hasPrefix("/") ? URL(fileURLWithPath: spec.env.data.bars) : loader.root.appendingPathComponent(spec.env.data.bars)
            let outDir = URL(fileURLWithPath: out).absoluteURL
            try FileManager.default.createDirectory(at: outDir.appendingPathComponent("predictions"), withIntermediateDirectories: true)
            var rows: [SignalInjectionStudy.Row] = []
            for ic in icList {
                for kappa in kappaList {
                    let cell = String(format: "ic%.3f-k%.2f", ic, kappa)
                    let preds = outDir.appendingPathComponent("predictions/\(cell).csv.gz")
                    let prov = PredictionBuilder.provenanceURL(for: preds)
                    if !FileManager.default.fileExists(atPath: prov.path) {
                        let realized = try InjectedSignal.write(bars: barsURL, output: preds, signal: InjectedSignal(ic: ic, informativeness: kappa))
                        print("\(cell): injected predictions written (realized rank IC \(String(format: "%.4f", realized)))")
                    }
                    let realized = ((try? Data(contentsOf: prov)).flatMap { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] })?["realizedRankIC"] as? Double
                    let p = Process()
                    p.executableURL = exe
                    p.arguments = ["train", experiment, "--seeds", seeds, "--workers", String(workers), "--out", outDir.path, "--run-name", cell, "--quiet",
                                   "--set", "env.data.predictions=\(preds.path)"] + overrides.flatMap { ["--set", $0] }
                    print("\(cell): training seeds \(seeds)")
                    try p.run()
                    p.waitUntilExit()
                    if p.terminationStatus == 130 { throw ExitCode(130) }
                    guard p.terminationStatus == 0 else { throw ValidationError("\(cell): training failed (status \(p.terminationStatus)); see \(outDir.path)/\(cell)/logs") }
                    let row = try SignalInjectionStudy.row(group: try SeedGroup.open(outDir.appendingPathComponent(cell)), ic: ic, informativeness: kappa, realizedIC: realized, split: split)
                    rows.append(row)
                    let table = SignalInjectionStudy.markdown(rows)
                    try table.write(to: outDir.appendingPathComponent("study.md"), atomically: true, encoding: .utf8)
                    let enc = JSONEncoder()
                    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try enc.encode(rows).write(to: outDir.appendingPathComponent("study.json"), options: .atomic)
                    try SignalInjectionStudy.chart(rows).write(to: outDir.appendingPathComponent("study.svg"), atomically: true, encoding: .utf8)
                }
            }
            print(SignalInjectionStudy.markdown(rows))
        } catch let e as ExitCode {
            throw e
        } catch let e as ValidationError {
            throw e
        } catch {
            throw fail(error)
        }
    }
}

struct SelectionStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selection",
        abstract: "A finished sweep's winner, deflated: the Deflated Sharpe Ratio and the validation-to-test rank correlation.",
        discussion: """
        Reads the sweep's trial runs (sweep.json and trials/<index>/run/), ranks configurations on their mean
        validation Sharpe over seeds (test beside, never used to choose), and writes selection.json.

        Example:
          marketgym sweep Experiments/sweeps/reward-shaping.yaml --workers 2
          marketgym study selection runs/sweeps/reward-shaping-20261204-010000
        """
    )

    @Argument(help: "A finished sweep folder.") var sweepFolder: String

    func run() throws {
        do {
            let dir = URL(fileURLWithPath: sweepFolder)
            let (trials, s) = try SweepSelection.compute(sweepDirectory: dir)
            for t in trials {
                print(String(format: "config %3d (seeds %@): valid Sharpe %+.3f  test Sharpe %@", t.configuration, t.seeds.map(String.init).joined(separator: ",") as NSString,
                             t.validationSharpe, (t.testSharpe.map { String(format: "%+.3f", $0) } ?? "-") as NSString))
            }
            print(String(format: "winner: config %d; %d trials, variance of their validation Sharpe %.4f, expected maximum under no skill %.3f", trials[s.winner].configuration, s.trials, s.sharpeVariance, s.expectedMaximumSharpe))
            print(String(format: "winner's validation Sharpe %.3f; PSR(SR > 0) %.3f; Deflated Sharpe Ratio %.3f", s.winnerSharpe, s.probabilisticSharpe, s.deflatedSharpe))
            print("validation-to-test rank correlation (Spearman): " + (s.validationTestRankCorrelation.map { String(format: "%.3f", $0) } ?? "n/a (needs 3 trials and a test split)"))
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(s).write(to: dir.appendingPathComponent("selection.json"), options: .atomic)
        } catch {
            throw fail(error)
        }
    }
}
