import ArgumentParser
import Foundation
import Lab

/// Options every command that takes a spec shares.
struct SpecOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key: path.to.key=value (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    func parsed() throws(SpecError) -> [SpecOverride] { try overrides.map { (o) throws(SpecError) in try SpecOverride(parsing: o) } }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained policy (a run folder's best checkpoint, or a checkpoint file) on a split, with baselines.",
        discussion: """
        Examples:
          marketgym evaluate runs/quickstart-20261122-031500 --split test
          marketgym evaluate runs/quickstart-20261122-031500/checkpoints/step-000000030000.h5 --split valid
        """
    )

    @Argument(help: "A run folder (uses checkpoints/best.h5, else the newest) or a checkpoint file.") var target: String
    @Option(help: "Split(s) to evaluate on, comma-separated: train, valid, test.") var split: String = "test"

    func run() throws {
        do {
            let url = try CheckpointEvaluation.resolve(target)
            let (spec, context, agent, checkpoint) = try CheckpointEvaluation.load(url, root: SpecLoader.locate().root)
            print("\(url.path): \(checkpoint.algorithm) after \(checkpoint.step) steps")
            _ = try RunEvaluation.evaluate(agent: agent, context: context, spec: spec, splits: split.split(separator: ",").map(String.init),
                                           directory: nil, log: { print($0) })
        } catch {
            throw fail(error)
        }
    }
}

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtest a non-RL baseline through the environment of a spec: metrics and a per-year table.",
        discussion: """
        Baselines: flat, fixedGross (the prediction book at a constant gross), confidence (gross proportional
        to the signal's confidence), combined (the weighted combined-signal book of env.action.signals, or of
        every prediction feature), agreement (positions only where the sources agree). Costs, neutrality and
        caps are the environment's own.

        Examples:
          marketgym backtest quickstart --baseline fixedGross --split test
          marketgym backtest Environments/synthetic.yaml --baseline confidence --gross 1.5
        """
    )

    @Argument(help: "An experiment or environment preset (name or path).") var spec: String
    @Option(help: "flat, fixedGross, confidence, combined or agreement.") var baseline: String = "fixedGross"
    @Option(help: "Split(s), comma-separated.") var split: String = "train,valid,test"
    @Option(help: "Gross exposure of the baseline (default 1).") var gross: Double = 1
    @OptionGroup var specOptions: SpecOptions

    func run() throws {
        do {
            let loader = SpecLoader.locate(spec: spec)
            let env = try loadEnvironment(loader: loader, argument: spec, overrides: try specOptions.parsed())
            guard case .market(let setup) = try EnvironmentContext.load(env, root: loader.root, log: { print($0) }) else {
                throw LabError.badRun(path: spec, detail: "backtests need a market or synthetic environment")
            }
            for s in split.split(separator: ",").map(String.init) {
                let e = try MarketEvaluator.baseline(baseline, gross: gross, setup: setup, split: s)
                print(EvaluationFiles.table([e], split: s))
                print("  per year: " + e.metrics.perYear.map { String(format: "%d %.1f%% (Sharpe %.2f)", $0.year, $0.totalReturn * 100, $0.sharpe) }.joined(separator: ", "))
            }
        } catch {
            throw fail(error)
        }
    }
}

/// An environment spec from an experiment (its `env`) or an environment preset, with overrides
/// given as `env.x.y=...` (experiment paths) or `x.y=...`.
func loadEnvironment(loader: SpecLoader, argument: String, overrides: [SpecOverride]) throws -> EnvironmentSpec {
    if let url = try? loader.file(for: argument, folder: "Experiments"), (try? loader.tree(at: url))?["env"] != nil {
        return try loader.experiment(argument, overrides: overrides).spec.env
    }
    let url = try loader.file(for: argument, folder: "Environments")
    var tree = try loader.tree(at: url)
    for o in overrides {
        let path = o.path.first == "env" ? Array(o.path.dropFirst()) : o.path
        tree = try SpecOverride(path: path.joined(separator: "."), value: o.value).apply(to: tree)
    }
    return try EnvironmentSpec.decode(tree, file: url.path, path: "env")
}

struct CheckEnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-env",
        abstract: "Run Gymnasium's environment checks on the environment of a spec.",
        discussion: """
        Checks: observations inside the space, seeded reset and step determinism, finite rewards, order
        enforcement, terminated/truncated handling, invalid actions rejected (docs/gym.md).

        Examples:
          marketgym check-env quickstart
          marketgym check-env Environments/synthetic.yaml --set action.scheme=weights
        """
    )

    @Argument(help: "An experiment or environment preset (name or path).") var spec: String
    @OptionGroup var specOptions: SpecOptions

    func run() throws {
        let report: EnvironmentCheckReport
        do {
            let loader = SpecLoader.locate(spec: spec)
            let env = try loadEnvironment(loader: loader, argument: spec, overrides: try specOptions.parsed())
            switch try EnvironmentContext.load(env, root: loader.root, log: { print($0) }) {
            case .market(let setup): report = checkEnvironment(try setup.makeEnvironment(seed: 0))
            case .cartpole(let c): report = checkEnvironment(EnvironmentContext.makeCartPole(c, seed: 0))
            }
        } catch {
            throw fail(error)
        }
        print(report)
        if !report.isPassing { throw ExitCode(1) }
    }
}

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a checkpoint, replay buffer or market-data HDF5 file in words, then its full tree.",
        discussion: "Example: marketgym inspect runs/quickstart-20261122-031500/checkpoints/best.h5"
    )

    @Argument(help: "An HDF5 file.") var file: String

    func run() throws {
        do { print(try FileInspector.describe(URL(fileURLWithPath: file)), terminator: "") } catch { throw fail(error) }
    }
}
