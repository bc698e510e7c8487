import ArgumentParser
import Foundation
import Lab

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an agent from an experiment spec; evaluate it out of sample against baselines.",
        discussion: """
        Creates runs/<name>-<timestamp>/ with config.yaml (the resolved spec, written first), metrics
        (CSV and TensorBoard), checkpoints, the evaluation on the validation and test splits, and
        summary.json. Ctrl-C writes a checkpoint and exits; --resume continues exactly.

        Examples:
          marketgym train quickstart
          marketgym train Experiments/cartpole-dqn.yaml --seed 1
          marketgym train quickstart --set env.reward.turnoverPenalty=0.002 --set agent.batchSize=128
          marketgym train --resume runs/quickstart-20261122-031500
        """
    )

    @Argument(help: "Experiment name (Experiments/<name>.yaml) or path to a spec file.")
    var spec: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key: path.to.key=value (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Training seed (overrides the spec's seed).")
    var seed: UInt64?

    @Option(help: "Folder that receives the run folder (default: runs/ under the project root).")
    var out: String?

    @Option(help: "Name of the run folder (default: <name>-<UTC timestamp>).")
    var runName: String?

    @Option(help: "Continue the run in this folder from its newest complete checkpoint.")
    var resume: String?

    @Flag(help: "Print no progress (summary lines only).")
    var quiet = false

    @Flag(help: "Write report.html into the run folder when training completes.")
    var report = false

    func validate() throws {
        if spec == nil && resume == nil { throw ValidationError("give an experiment (e.g. `marketgym train quickstart`) or --resume RUN_DIR") }
        if spec != nil && resume != nil { throw ValidationError("give either an experiment or --resume RUN_DIR, not both") }
        if resume != nil && (!overrides.isEmpty || seed != nil) { throw ValidationError("--set and --seed cannot change a run being resumed (the resolved config is fixed)") }
    }

    func run() throws {
        StopSignal.install()
        do {
            let run: TrainingRun
            let context: EnvironmentContext
            let resuming = resume != nil
            if let resume {
                run = try TrainingRun.open(URL(fileURLWithPath: resume))
                context = try EnvironmentContext.load(run.spec.env, root: run.root, log: { print($0) })
            } else {
                let loader = SpecLoader.locate(spec: spec)
                var extra = try overrides.map { (o) throws(SpecError) in try SpecOverride(parsing: o) }
                if let seed { extra.append(try SpecOverride(parsing: "seed=\(seed)")) }
                let loaded = try loader.load(spec ?? "", overrides: extra)
                print(loaded.sourcesLine(root: loader.root))
                // Data and sizes are checked before the run folder exists, so a refused experiment
                // leaves nothing behind to be "continued".
                context = try EnvironmentContext.load(loaded.spec.env, root: loader.root, log: { print($0) })
                try AgentFactory.checkBudget(loaded.spec, context: context)
                let parent = out.map { URL(fileURLWithPath: $0) } ?? loader.root.appendingPathComponent("runs")
                run = try TrainingRun.create(spec: loaded.spec, tree: loaded.tree, root: loader.root, parent: parent, runName: runName)
                print("run folder: \(run.directory.path)")
            }
            let progress = ProgressReporter(label: run.spec.name, quiet: quiet)
            let outcome = try run.train(context: context, makeAgent: { () throws(LabError) in try AgentFactory.make(run.spec, context: context) },
                                        resume: resuming, progress: progress, log: { print($0) })
            switch outcome.status {
            case .completed:
                print("done: \(outcome.step) steps; summary \(run.summaryURL.path)")
                if report { print("report: \(try RunReport.write(runDirectory: run.directory).path)") }
            case .interrupted:
                throw ExitCode(130)
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail(error)
        }
    }
}
