import Foundation
import CheckpointFormat
import HDF5

/// How a training run ended.
public struct TrainingOutcome: Sendable {
    public enum Status: String, Sendable { case completed, interrupted }
    public var status: Status
    public var directory: URL
    public var step: Int
    /// The last checkpoint written.
    public var checkpoint: URL?
}

/// A run folder and the loop that fills it.
///
/// Layout of `runs/<name>-<timestamp>/`:
/// ```
/// config.yaml          the resolved experiment (written first, before anything else)
/// metrics.csv          step,tag,value (train/*, eval/*)
/// tensorboard/         TensorBoard event files
/// checkpoints/         step-<steps>.h5 (last K), best.h5 (best on validation)
/// evaluation/          per-split series for the report (CSV)
/// summary.json         final metrics per split, baselines, checkpoint paths (written last)
/// ```
/// Ctrl-C (SIGINT/SIGTERM) writes a checkpoint at the current step and returns `.interrupted`;
/// `--resume` continues from the newest complete checkpoint, bit-exactly.
public final class TrainingRun {
    public let directory: URL
    public let spec: ExperimentSpec
    public let tree: SpecValue
    /// The project root (relative data paths resolve against it).
    public let root: URL

    init(directory: URL, spec: ExperimentSpec, tree: SpecValue, root: URL) {
        self.directory = directory
        self.spec = spec
        self.tree = tree
        self.root = root
    }

    public var configURL: URL { directory.appendingPathComponent("config.yaml") }
    public var summaryURL: URL { directory.appendingPathComponent("summary.json") }
    public var store: CheckpointStore { CheckpointStore(runDirectory: directory, keepLast: spec.training.keepLast) }

    /// Creates a new run folder under `parent` and writes the resolved config into it first.
    /// - Parameter runName: the folder name; default `<name>-<UTC timestamp>`.
    /// - Throws: `LabError.io` when the folder exists already (use `--resume`) or cannot be written.
    public static func create(spec: ExperimentSpec, tree: SpecValue, root: URL, parent: URL, runName: String? = nil, now: Date = Date()) throws(LabError) -> TrainingRun {
        let dir = parent.appendingPathComponent(runName ?? "\(spec.name)-\(folderStamp(now))")
        let fm = FileManager.default
        if fm.fileExists(atPath: dir.appendingPathComponent("config.yaml").path) {
            throw .io(path: dir.path, detail: "a run already exists here. Continue it with `marketgym train --resume \(dir.path)`, or choose another --out/--run-name.")
        }
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw .io(path: dir.path, detail: "cannot create the run folder: \(error.localizedDescription)")
        }
        let run = TrainingRun(directory: dir, spec: spec, tree: tree, root: root)
        let header = "# Resolved experiment configuration, written by marketgym before training started.\n# Re-run with: marketgym train \(dir.path)/config.yaml\n"
        do { try (header + tree.yamlString()).write(to: run.configURL, atomically: true, encoding: .utf8) } catch {
            throw .io(path: run.configURL.path, detail: "cannot write: \(error.localizedDescription)")
        }
        return run
    }

    /// The UTC timestamp in run folder names, `yyyyMMdd-HHmmss`.
    static func folderStamp(_ now: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: now)
    }

    /// Opens an existing run folder (for `--resume`, `evaluate`, `report`).
    public static func open(_ directory: URL) throws(LabError) -> TrainingRun {
        let config = directory.appendingPathComponent("config.yaml")
        guard FileManager.default.fileExists(atPath: config.path) else {
            throw .badRun(path: directory.path, detail: "no config.yaml: not a MarketGym run folder (runs/<name>-<timestamp>/)")
        }
        // The root recorded at training (inputs.json) wins: a run written with --out outside the
        // project must read the same data wherever the command runs.
        let recorded = try RunInputs.read(run: directory).map { URL(fileURLWithPath: $0.root) }
        let loader = SpecLoader(root: recorded ?? SpecLoader.findRoot(from: directory) ?? SpecLoader.locate().root)
        let tree: SpecValue
        let spec: ExperimentSpec
        do {
            tree = try loader.tree(at: config)
            spec = try ExperimentSpec.decode(tree, file: config.path)
        } catch { throw .spec(error) }
        return TrainingRun(directory: directory, spec: spec, tree: tree, root: loader.root)
    }

    /// Trains (or resumes) to the budget, checkpointing on the way, then evaluates and writes the summary.
    /// - Parameters:
    ///   - context: the loaded environment.
    ///   - makeAgent: builds a fresh agent for the spec (seeded from `spec.seed`).
    ///   - resume: continue from the newest complete checkpoint in the folder.
    ///   - progress: the progress display.
    ///   - shouldStop: polled during training; true writes a checkpoint and returns `.interrupted`.
    ///   - pauseAtStep: stop at this step (a multiple of `checkpointEvery`, below `totalSteps`) with a
    ///     checkpoint and return `.interrupted`, as successive halving's rungs do; resuming continues
    ///     bit-exactly, as if the run had gone straight through.
    ///   - log: one line per event (checkpoints, evaluations).
    public func train(
        context: EnvironmentContext, makeAgent: () throws(LabError) -> any TrainableAgent, resume: Bool,
        progress: ProgressReporter? = nil, shouldStop: () -> Bool = { StopSignal.isRequested },
        pauseAtStep: Int? = nil, log: (String) -> Void = { print($0) }
    ) throws(LabError) -> TrainingOutcome {
        let agent = try makeAgent()
        let store = self.store
        var bestMetric = -Double.infinity
        if resume {
            try RunInputs.read(run: directory)?.verify(run: directory)
        } else {
            try RunInputs.capture(spec.env, root: root).write(run: directory)
        }
        if resume, store.stepFiles().isEmpty {
            // Stopped before its first checkpoint: nothing was trained that a restart would lose,
            // so continue means start over, in this folder, from the saved config.
            log("no checkpoint yet in \(directory.lastPathComponent)/checkpoints: starting from step 0 with the run's config.yaml")
        } else if resume {
            guard let (url, checkpoint) = store.latest(note: log) else {
                throw .badRun(path: directory.path, detail: "none of the checkpoints in checkpoints/ reads back completely (see the notes above), so the run cannot continue. Move the damaged files away to start this run over from step 0 with `marketgym train --resume \(directory.path)`, or start a new run with another --run-name.")
            }
            guard let training = checkpoint.training else { throw .badRun(path: url.path, detail: "a policy-only checkpoint cannot resume training") }
            do {
                try agent.restore(policy: checkpoint.policyParameters, training: training)
                if let replay = agent as? ReplayCheckpointing, spec.training.saveReplayBuffer {
                    let file = try HDF5File.open(url)
                    defer { try? file.close() }
                    try replay.readReplay(from: file)
                }
            } catch {
                throw .badRun(path: url.path, detail: "cannot resume: \(error)")
            }
            bestMetric = training.scalars["lab.bestMetric"] ?? -Double.infinity
            log("resumed from \(url.lastPathComponent) at step \(agent.step)")
        }
        let metrics = try MetricsLogger(runDirectory: directory, resumeAtStep: resume ? agent.step : nil)
        // A non-finite loss means the parameters are (or are about to be) NaN: stop at once, keep
        // the checkpoints already written, and write nothing from this state.
        var divergence: (tag: String, value: Double, step: Int)?
        let stopOrDiverged = { divergence != nil || shouldStop() }
        let total = spec.training.totalSteps
        var lastCheckpoint: URL?
        var lastReturn: Double?
        var lastLoss: Double?
        let envTree = tree["env"] ?? .mapping([])
        let policySpec = try context.policySpec(agent: agent, experiment: spec, envTree: envTree)

        func checkpoint() throws(LabError) -> Checkpoint {
            var training = agent.trainingState()
            training.scalars["lab.bestMetric"] = bestMetric
            var p = policySpec
            p.normalization = agent.observationNormalization
            return Checkpoint(algorithm: agent.algorithm, step: agent.step, episodes: agent.episodes, configYAML: tree.yamlString(),
                              policy: p, policyParameters: agent.policyParameters(), training: training)
        }

        let limit = min(total, pauseAtStep ?? total)
        while agent.step < limit {
            let every = spec.training.checkpointEvery
            let next = min(limit, (agent.step / every + 1) * every)
            do {
                try agent.train(untilStep: next, shouldStop: stopOrDiverged) { tag, value, step in
                    if divergence == nil, !value.isFinite, tag.hasPrefix("train/"), tag.hasSuffix("loss") { divergence = (tag, value, step) }
                    metrics.log(tag, value, step: step)
                    if tag == "train/episode_return" { lastReturn = value }
                    if tag == "train/loss" { lastLoss = value }
                    progress?.update(.init(step: step, totalSteps: total, episodeReturn: lastReturn, loss: lastLoss))
                }
            } catch {
                try metrics.flush()
                throw .badRun(path: directory.path, detail: "training failed at step \(agent.step): \(error)")
            }
            if let d = divergence {
                try metrics.flush()
                progress?.finish(.init(step: agent.step, totalSteps: total, episodeReturn: lastReturn, loss: d.value))
                throw .badRun(path: directory.path, detail: Self.divergenceMessage(d, lastCheckpoint: store.stepFiles().last?.url, learningRate: spec.agent.learningRateDescription))
            }
            let stopping = shouldStop()
            var isBest = false
            if spec.training.evaluateAtCheckpoints && !stopping {
                let score = try evaluateForSelection(agent: agent, context: context)
                metrics.log("eval/selection/\(spec.evaluation.selectMetric)", score, step: agent.step)
                if score > bestMetric {
                    bestMetric = score
                    isBest = true
                    log("step \(agent.step): new best \(spec.evaluation.selectMetric) \(String(format: "%.4f", score)) -> checkpoints/best.h5")
                }
            }
            // Metrics first: once a checkpoint at step s is visible, every metric up to s is on disk
            // (a SIGKILL right after the rename otherwise lost them, and --resume kept a gap).
            try metrics.flush()
            let c = try checkpoint()
            if isBest { try store.saveBest(c) }
            let replay = (agent as? ReplayCheckpointing).flatMap { a in spec.training.saveReplayBuffer ? a : nil }
            lastCheckpoint = try store.save(c, extra: replay.map { a in { file in try a.writeReplay(to: file) } })
            if stopping {
                progress?.finish(.init(step: agent.step, totalSteps: total, episodeReturn: lastReturn, loss: lastLoss))
                log("interrupted at step \(agent.step); checkpoint \(lastCheckpoint?.lastPathComponent ?? "-") written. Resume with: marketgym train --resume \(directory.path)")
                return TrainingOutcome(status: .interrupted, directory: directory, step: agent.step, checkpoint: lastCheckpoint)
            }
        }
        if lastCheckpoint == nil { lastCheckpoint = store.stepFiles().last?.url }
        if agent.step < total {
            log("paused at step \(agent.step) of \(total); checkpoint \(lastCheckpoint?.lastPathComponent ?? "-")")
            return TrainingOutcome(status: .interrupted, directory: directory, step: agent.step, checkpoint: lastCheckpoint)
        }
        progress?.finish(.init(step: agent.step, totalSteps: total, episodeReturn: lastReturn, loss: lastLoss))
        let report = try evaluate(agent: agent, context: context, log: log)
        // Sorted, so the metrics file is byte-identical across runs (dictionary order is not).
        for (split, values) in report.agentMetrics.sorted(by: { $0.key < $1.key }) {
            for (k, v) in values.sorted(by: { $0.key < $1.key }) where v.isFinite { metrics.log("eval/\(split)/\(k)", v, step: agent.step) }
        }
        try metrics.flush()
        try writeSummary(report, agent: agent, checkpoint: lastCheckpoint)
        return TrainingOutcome(status: .completed, directory: directory, step: agent.step, checkpoint: lastCheckpoint)
    }

    /// What a diverged run prints: the loss, the step, the checkpoint left intact and the fixes.
    static func divergenceMessage(_ d: (tag: String, value: Double, step: Int), lastCheckpoint: URL?, learningRate: String) -> String {
        let kept = lastCheckpoint.map { "The last good checkpoint, checkpoints/\($0.lastPathComponent), is intact; nothing was written after the divergence." }
            ?? "No checkpoint had been written yet; nothing was written after the divergence."
        return "training diverged: \(d.tag) was \(SpecValue.formatDouble(d.value)) at step \(d.step). \(kept) Lower agent.learningRate (now \(learningRate)) or agent.maxGradNorm, check the data for extreme prices (`marketgym data validate`), and start a new run."
    }

    /// The selection metric on the validation split (market) or over evaluation episodes (episodic envs).
    func evaluateForSelection(agent: any TrainableAgent, context: EnvironmentContext) throws(LabError) -> Double {
        let metric = spec.evaluation.selectMetric
        switch context {
        case .market(let setup):
            let e = try MarketEvaluator.evaluate(setup: setup, split: "valid", act: agent.act)
            guard let v = e.metricValues[metric] else { throw .badRun(path: "evaluation.selectMetric", detail: "unknown market metric '\(metric)'; use one of \(e.metricValues.keys.sorted().joined(separator: ", "))") }
            return v
        case .cartpole(let c):
            var env = EnvironmentContext.makeCartPole(c, seed: 0)
            let e = try EpisodicEvaluation.run(&env, episodes: spec.evaluation.episodes, seed: 1_000_000 &+ spec.seed, act: agent.act)
            guard let v = e.values[metric] else { throw .badRun(path: "evaluation.selectMetric", detail: "unknown episodic metric '\(metric)'; use meanReturn") }
            return v
        }
    }

    /// Final evaluation: the agent and the baselines on every configured split (market), or
    /// deterministic episodes (episodic envs). Writes the per-split CSV series for the report.
    public func evaluate(agent: any TrainableAgent, context: EnvironmentContext, log: (String) -> Void) throws(LabError) -> RunEvaluation {
        try RunEvaluation.evaluate(agent: agent, context: context, spec: spec, splits: spec.evaluation.splits,
                                   directory: directory.appendingPathComponent("evaluation"), log: log)
    }

    func writeSummary(_ report: RunEvaluation, agent: any TrainableAgent, checkpoint: URL?) throws(LabError) {
        func relative(_ url: URL?) -> Any {
            guard let url else { return NSNull() }
            let p = url.path, d = directory.path + "/"
            return p.hasPrefix(d) ? String(p.dropFirst(d.count)) : p
        }
        let best = store.bestURL
        let summary: [String: Any] = [
            "name": spec.name, "algorithm": agent.algorithm, "seed": Int(spec.seed), "status": "completed",
            "steps": agent.step, "episodes": agent.episodes, "environment": spec.env.kind.rawValue,
            "selectMetric": spec.evaluation.selectMetric,
            "evaluation": report.agentMetrics.mapValues { $0.filter { $0.value.isFinite } },
            "baselines": report.baselineMetrics.mapValues { $0.mapValues { $0.filter { $0.value.isFinite } } },
            "checkpoint": relative(checkpoint),
            "bestCheckpoint": FileManager.default.fileExists(atPath: best.path) ? relative(best) : NSNull(),
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: summaryURL, options: .atomic)
        } catch {
            throw .io(path: summaryURL.path, detail: "cannot write summary: \(error.localizedDescription)")
        }
    }
}

/// Metrics of a final evaluation: per split, the agent's and each baseline's.
public struct RunEvaluation: Sendable {
    public var agentMetrics: [String: [String: Double]] = [:]
    public var baselineMetrics: [String: [String: [String: Double]]] = [:]
    public init() {}

    /// Evaluates `agent` as a run's final evaluation does: on each of `splits` next to the spec's
    /// baselines (market), or over the spec's deterministic episodes (episodic envs), printing a table.
    /// - Parameter directory: where the CSV series go (`evaluation/` of a run folder), or nil for none.
    public static func evaluate(
        agent: any TrainableAgent, context: EnvironmentContext, spec: ExperimentSpec, splits: [String],
        directory: URL?, log: (String) -> Void
    ) throws(LabError) -> RunEvaluation {
        var out = RunEvaluation()
        if let directory {
            do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
                throw .io(path: directory.path, detail: "cannot create: \(error.localizedDescription)")
            }
        }
        switch context {
        case .market(let setup):
            for split in splits {
                var evals = [try MarketEvaluator.evaluate(setup: setup, split: split, act: agent.act)]
                for b in spec.evaluation.baselines {
                    evals.append(try MarketEvaluator.baseline(b, gross: spec.evaluation.baselineGross, setup: setup, split: split))
                }
                out.agentMetrics[split] = evals[0].metricValues
                for e in evals.dropFirst() { out.baselineMetrics[split, default: [:]][e.policy] = e.metricValues }
                if let directory { try EvaluationFiles.write(evals, assets: setup.panel.assets, split: split, directory: directory) }
                log(EvaluationFiles.table(evals, split: split))
            }
        case .cartpole(let c):
            var env = EnvironmentContext.makeCartPole(c, seed: 0)
            let e = try EpisodicEvaluation.run(&env, episodes: spec.evaluation.episodes, seed: 2_000_000 &+ spec.seed, act: agent.act)
            out.agentMetrics["episodes"] = e.values
            log(String(format: "evaluation: mean return %.1f ± %.1f over %d deterministic episodes", e.meanReturn, e.stdReturn, e.returns.count))
            if let directory {
                let csv = "episode,return,length\n" + zip(e.returns, e.lengths).enumerated().map { "\($0),\($1.0),\($1.1)" }.joined(separator: "\n") + "\n"
                do { try csv.write(to: directory.appendingPathComponent("episodes.csv"), atomically: true, encoding: .utf8) } catch {
                    throw .io(path: directory.path, detail: "cannot write episodes.csv: \(error.localizedDescription)")
                }
            }
        }
        return out
    }
}
