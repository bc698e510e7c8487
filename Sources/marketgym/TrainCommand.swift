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
          marketgym train quickstart --seeds 0-4 --workers 2 --report
        """
    )

    @Argument(help: "Experiment name (Experiments/<name>.yaml) or path to a spec file.")
    var spec: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a key: path.to.key=value (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Training seed (overrides the spec's seed).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Run several seeds (e.g. 0-4 or 0,2,5) as one aggregated run with across-seed intervals (overrides the spec's seeds).", valueName: "list"))
    var seeds: String?

    @Option(help: "Seeds trained at once, as separate processes (with --seeds or a spec's seeds). Default 1.")
    var workers: Int = 1

    @Flag(help: .hidden)
    var singleSeed = false

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
        if seeds != nil && seed != nil { throw ValidationError("give either --seed N or --seeds LIST, not both") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if resume != nil && seeds != nil { throw ValidationError("--seeds cannot change a multi-seed run being resumed (its seeds are fixed in group.json)") }
        if resume != nil && (!overrides.isEmpty || seed != nil) { throw ValidationError("--set and --seed cannot change a run being resumed (the resolved config is fixed)") }
    }

    func run() throws {
        StopSignal.install()
        printBLASNote()
        do {
            let run: TrainingRun
            let context: EnvironmentContext
            let resuming = resume != nil
            if let resume, SeedGroup.isGroup(URL(fileURLWithPath: resume)) {
                let dir = URL(fileURLWithPath: resume)
                return try runGroup(try SeedGroup.open(dir), root: SpecLoader.findRoot(from: dir) ?? SpecLoader.locate().root)
            }
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
                let seedList = try seeds.map { (text) throws(SpecError) in try SeedList.parse(text) } ?? (singleSeed || seed != nil ? [] : loaded.spec.seeds)
                if !seedList.isEmpty {
                    let yaml = "# Resolved experiment of a multi-seed run (each seed: --seed k), written by marketgym before training started.\n" + loaded.tree.yamlString()
                    let group = try SeedGroup.create(name: loaded.spec.name, seeds: seedList, experimentYAML: yaml, parent: parent, runName: runName)
                    print("multi-seed run folder: \(group.directory.path) (seeds \(seedList.map(String.init).joined(separator: ",")), \(workers) at once)")
                    return try runGroup(group, root: loader.root)
                }
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
