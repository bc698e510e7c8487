import ArgumentParser
import Foundation
import Lab

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Grid, random or successive-halving search over spec keys x seeds, on local processes or a Slurm cluster; resumable.",
        discussion: """
        The sweep folder <out>/sweep-<name>/ holds the resolved sweep (sweep.json), one resolved config per
        trial (trials/<index>/config.yaml) and, when a trial ends, its result (trials/<index>/result.json).
        Each trial is one `marketgym sweep-trial SWEEP_DIR INDEX` process: --executor local runs them here,
        --executor slurm submits them as one job array. Rerunning the same command runs only the trials
        without a result (died or never started); failed trials are kept unless --retry-failed. Results:
        results.csv and a leaderboard ranked on the validation metric (mean over seeds; test shown beside,
        never used to select). search: asha promotes asynchronously (Li et al. 2020): whenever a worker frees,
        the best not-yet-promoted configuration of the highest rung (top 1/eta) resumes from its checkpoint,
        else a new configuration starts; decisions are kept in asha.jsonl and rebuilt on resume.

        Examples:
          marketgym sweep Experiments/sweeps/reward-shaping.yaml --workers 2
          marketgym sweep Experiments/sweeps/reward-shaping.yaml --executor slurm
          marketgym sweep Experiments/sweeps/reward-shaping.yaml --executor slurm --dry-run
          marketgym sweep Experiments/sweeps/reward-shaping-asha.yaml --workers 2
        """
    )

    enum Executor: String, ExpressibleByArgument, CaseIterable { case local, slurm }

    @Argument(help: "The sweep file.") var sweep: String
    @Option(help: "Where trials run: local (child processes) or slurm (a job array).") var executor: Executor = .local
    @Option(help: "Trials run in parallel (local executor); with --executor slurm and search: asha, the trials submitted at once when slurm.throttle is not set.") var workers: Int = 1
    @Option(help: "Folder that receives the sweep folder (default: runs/ under the project root). On a cluster: shared storage.") var out: String?
    @Flag(help: "Run failed trials again.") var retryFailed = false
    @Flag(help: "Print the sbatch script (slurm) or the trials (local) and submit nothing.") var dryRun = false
    @Option(help: "Seconds between squeue polls (slurm).") var pollInterval: Double = 1
    @OptionGroup var specOptions: SpecOptions

    func run() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard pollInterval > 0 && pollInterval.isFinite else { throw ValidationError("--poll-interval must be a positive number of seconds") }
        StopSignal.install()
        printBLASNote()
        do {
            let loader = SpecLoader.locate(spec: sweep)
            let url = try loader.file(for: sweep, folder: "Experiments/sweeps")
            var spec = try SweepSpec.parse(try loader.tree(at: url), file: url.path)
            spec.overrides += try specOptions.parsed()
            let experiment = try loader.file(for: spec.experiment, folder: "Experiments")
            // Resolve the experiment once up front, so a bad spec fails here and not in every trial.
            let base = try loader.experiment(experiment.path, overrides: spec.overrides)
            if let asha = spec.asha {
                let every = base.spec.training.checkpointEvery
                for b in asha.rungs.dropLast() where b % every != 0 {
                    throw SweepError.badSetting(file: url.path, path: "asha.minBudget", found: "rung \(b) with training.checkpointEvery \(every)",
                                                expected: "rungs that are multiples of training.checkpointEvery (a promoted trial resumes from the rung's checkpoint); e.g. add `training.checkpointEvery: \(asha.minBudget)` under overrides")
                }
            }
            let plans = try spec.plans(loader: loader, experiment: experiment)
            let dir = (out.map { URL(fileURLWithPath: $0) } ?? loader.root.appendingPathComponent("runs")).appendingPathComponent("sweep-\(spec.name)")
            let folder = SweepFolder(dir.standardizedFileURL)
            // This very executable runs the trials (found even when started through PATH).
            let exe = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            let chosen: any SweepExecutor
            switch executor {
            case .local:
                chosen = LocalExecutor(folder: folder, workers: workers, threads: spec.threads) { index, budget in
                    (exe, ["sweep-trial", folder.directory.path, String(index)] + (budget.map { ["--budget", String($0)] } ?? []))
                }
            case .slurm:
                chosen = SlurmExecutor(folder: folder, name: spec.name, settings: spec.slurm, threads: spec.threads, executable: exe, pollInterval: pollInterval, slots: workers)
            }
            if dryRun {
                let budget = spec.asha.map { $0.rungs.count > 1 ? $0.rungs[0] : nil } ?? nil
                let pending = FileManager.default.fileExists(atPath: folder.manifestURL.path)
                    ? folder.pending(plans, budget: budget, retryFailed: retryFailed) : plans.map(\.index)
                if let slurm = chosen as? SlurmExecutor {
                    print(slurm.script(pending, budget: budget), terminator: "")
                } else {
                    for p in plans where pending.contains(p.index) { print("trial \(p.index): \(p.label) seed \(p.seed)") }
                }
                return
            }
            print("sweep \(spec.name): \(plans.count) trials (\(spec.method.rawValue)), executor \(executor.rawValue), folder \(folder.directory.path)")
            let runner = SweepRunner(spec: spec, folder: folder, plans: plans, root: loader.root, executor: chosen, retryFailed: retryFailed)
            let outcome = try runner.run()
            print(SweepLeaderboard(spec: spec, folder: folder, plans: plans, selectionStatistics: outcome.selection).text(outcome), terminator: "")
            print("results: \(folder.directory.appendingPathComponent("results.csv").path)")
            if !outcome.finished { throw ExitCode(130) }
            // A failed trial, or one that died without a result, makes the sweep incomplete.
            if outcome.results.values.contains(where: { $0.status == .failed }) || !outcome.missing.isEmpty || !outcome.failedAtRung.isEmpty { throw ExitCode(1) }
        } catch let e as ExitCode {
            throw e
        } catch {
            throw fail(error)
        }
    }
}
