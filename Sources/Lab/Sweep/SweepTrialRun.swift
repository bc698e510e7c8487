import Foundation

/// Runs exactly one trial of a sweep folder in this process: what `marketgym sweep-trial SWEEP_DIR
/// INDEX` does, and all a scheduler needs to call.
///
/// The trial's folder is locked while it runs (a second process on the same trial is refused). A
/// trial whose earlier process died continues from its newest checkpoint (bit-exact); a fresh one
/// starts a run in `trials/<index>/run/`. When training ends, `result.json` is written atomically:
/// `completed` with the evaluation metrics, or `failed` with the error. A stop signal (Ctrl-C,
/// `scancel`) writes a checkpoint and no result, so the next resume runs the trial again.
public enum SweepTrialRun {
    /// How the process ended.
    public enum Outcome: Sendable, Equatable {
        case completed(SweepTrialResult)
        case failed(SweepTrialResult)
        /// Stopped by a signal: a checkpoint, no result.
        case interrupted
    }

    /// - Parameters:
    ///   - directory: the sweep folder.
    ///   - index: the trial index as given on the command line.
    ///   - budget: train only to this step (a successive-halving rung) and write `result-<budget>.json`.
    /// - Throws: errors about the sweep folder itself (not a sweep, wrong version, no such trial,
    ///   locked); errors of the trial's own run become a `failed` result instead.
    public static func run(directory: URL, index text: String, budget: Int? = nil, log: (String) -> Void) throws -> Outcome {
        let folder = SweepFolder(directory)
        let manifest = try folder.manifest()
        guard let index = Int(text), let entry = manifest.trials.first(where: { $0.index == index }) else {
            throw SweepError.noSuchTrial(folder: directory.path, index: text, count: manifest.trials.count)
        }
        let lock = try FileLock(folder.trialDirectory(index).appendingPathComponent("trial.lock"), purpose: "marketgym sweep-trial \(directory.path) \(index)")
        defer { withExtendedLifetime(lock) {} }
        let configURL = folder.configURL(index)
        guard let yaml = try? String(contentsOf: configURL, encoding: .utf8) else {
            throw LabError.io(path: configURL.path, detail: "cannot read the trial's config; the sweep folder is incomplete: rerun `marketgym sweep` to rewrite it")
        }
        let plan = SweepTrialPlan(index: index, configuration: entry.configuration, seed: entry.seed, assignments: [], configYAML: yaml)
        guard plan.configHash == entry.configHash else {
            throw SweepError.planChanged(file: configURL.path, detail: "the file was edited after the sweep was planned (hash \(plan.configHash), sweep.json says \(entry.configHash))")
        }
        // A duplicate task (a scheduler rerunning a task that finished meanwhile) changes nothing.
        if let done = folder.result(index, budget: budget, configHash: entry.configHash), done.status == .completed {
            log("trial \(index) finished earlier; result \(folder.resultURL(index, budget: budget).path)")
            return .completed(done)
        }
        let started = Date()
        let host = ProcessInfo.processInfo.hostName
        func result(_ status: SweepTrialResult.Status, metrics: [String: [String: Double]] = [:], steps: Int = 0, checkpoint: String? = nil, error: String? = nil) -> SweepTrialResult {
            SweepTrialResult(index: index, status: status, seed: entry.seed, metrics: metrics, steps: steps, wallSeconds: Date().timeIntervalSince(started),
                             host: host, checkpoint: checkpoint, error: error, configHash: entry.configHash)
        }
        do {
            let root = URL(fileURLWithPath: manifest.root)
            let loader = SpecLoader(root: root)
            let tree = try loader.tree(at: configURL)
            let spec = try ExperimentSpec.decode(tree, file: configURL.path)
            if let budget {
                guard budget > 0, budget < spec.training.totalSteps, budget % spec.training.checkpointEvery == 0 else {
                    throw SweepError.badSetting(file: configURL.path, path: "budget", found: "\(budget) (training.totalSteps \(spec.training.totalSteps), checkpointEvery \(spec.training.checkpointEvery))",
                                                expected: "a rung below totalSteps and a multiple of training.checkpointEvery, so the promoted trial resumes exactly where a straight run would checkpoint")
                }
            }
            let runDir = folder.runDirectory(index)
            let resume = FileManager.default.fileExists(atPath: runDir.appendingPathComponent("config.yaml").path)
                && TrainingRun(directory: runDir, spec: spec, tree: tree, root: root).store.latest() != nil
            let run: TrainingRun
            if resume {
                run = TrainingRun(directory: runDir, spec: spec, tree: tree, root: root)
            } else {
                try? FileManager.default.removeItem(at: runDir)
                run = try TrainingRun.create(spec: spec, tree: tree, root: root, parent: folder.trialDirectory(index), runName: "run")
            }
            let context = try EnvironmentContext.load(spec.env, root: root, log: log)
            let outcome = try run.train(context: context, makeAgent: { () throws(LabError) in try AgentFactory.make(spec, context: context) },
                                        resume: resume, progress: nil, pauseAtStep: budget, log: log)
            if let budget, outcome.step == budget {
                // A rung: evaluate the rung's checkpoint on every split (selection reads validation only).
                let url = run.store.url(step: budget)
                let loaded = try CheckpointEvaluation.load(url, root: root)
                let e = try RunEvaluation.evaluate(agent: loaded.agent, context: loaded.context, spec: spec, splits: spec.evaluation.splits, directory: nil, log: { _ in })
                let r = result(.completed, metrics: e.agentMetrics, steps: budget, checkpoint: url.path)
                try folder.write(r, budget: budget)
                return .completed(r)
            }
            guard outcome.status == .completed else { return .interrupted }
            let summary = RunReport.readJSON(run.summaryURL) ?? [:]
            let metrics = (summary["evaluation"] as? [String: Any] ?? [:]).mapValues(RunReport.numbers)
            let checkpoint = (summary["bestCheckpoint"] as? String ?? summary["checkpoint"] as? String).map { $0.hasPrefix("/") ? $0 : runDir.appendingPathComponent($0).path }
            let r = result(.completed, metrics: metrics, steps: outcome.step, checkpoint: checkpoint)
            try folder.write(r)
            return .completed(r)
        } catch {
            if StopSignal.isRequested { return .interrupted }
            let r = result(.failed, error: (error as? LocalizedError)?.errorDescription ?? "\(error)")
            try folder.write(r, budget: budget)
            return .failed(r)
        }
    }
}
