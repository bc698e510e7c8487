import Foundation

/// Drives a sweep over its folder: plans once, then runs what is pending on an executor (for
/// successive halving, asynchronously as results land), and writes `results.csv` and `leaderboard.txt`.
///
/// Resumable: a rerun scans the results; trials that died (no result) run again, `failed` ones are
/// kept unless `retryFailed`. One sweep at a time per folder (`sweep.lock` names the holder).
public final class SweepRunner: Sendable {
    public let spec: SweepSpec
    public let folder: SweepFolder
    public let plans: [SweepTrialPlan]
    public let executor: any SweepExecutor
    public let retryFailed: Bool
    /// The project root recorded for the trials (their relative data paths resolve against it).
    public let root: URL

    public init(spec: SweepSpec, folder: SweepFolder, plans: [SweepTrialPlan], root: URL, executor: any SweepExecutor, retryFailed: Bool = false) {
        self.spec = spec; self.folder = folder; self.plans = plans; self.root = root; self.executor = executor; self.retryFailed = retryFailed
    }

    /// What a sweep produced.
    public struct Outcome: Sendable {
        /// Final results by trial index (trials without one are missing).
        public var results: [Int: SweepTrialResult]
        /// False when a stop signal ended it early.
        public var finished: Bool
        /// Successive halving: per rung, its budget and the configurations that ran it.
        public var rungs: [(budget: Int, configurations: [Int])]
        /// Environment steps the trials trained, and what the full grid at the top budget would have.
        public var stepsUsed: Int
        public var stepsFullGrid: Int
        /// Trials that should have a final result and have none (died, stopped; successive halving:
        /// of the last rung only, as the others stopped early by design).
        public var missing: [Int]
        /// The winner's selection-aware statistics line (`SweepLeaderboard.selectionLine`), computed
        /// once when the run ends.
        public var selection: SweepLeaderboard.SelectionStatisticsLine? = nil
        /// Successive halving: trials whose result at a lower rung is `failed` (reported; they make
        /// the sweep incomplete like a failed final result).
        public var failedAtRung: [Int] = []
    }

    /// Writes or checks the folder, takes its lock and runs every pending trial.
    /// - Throws: `SweepError` (locked, foreign version, changed plan, scheduler), `LabError`.
    public func run(say: @escaping @Sendable (String) -> Void = { print($0) }) throws -> Outcome {
        try FileManager.default.createDirectory(at: folder.directory, withIntermediateDirectories: true)
        let lock = try FileLock(folder.lockURL, purpose: "marketgym sweep \(spec.name)")
        defer { withExtendedLifetime(lock) {} }
        try folder.prepare(name: spec.name, root: root, threads: spec.threads, plans: plans)
        var outcome = try spec.asha.map { try runSuccessiveHalving($0, say: say) } ?? runAll(say: say)
        outcome.selection = SweepLeaderboard.selectionLine(folder: folder, split: spec.selectSplit)
        try SweepLeaderboard(spec: spec, folder: folder, plans: plans, selectionStatistics: outcome.selection).write(outcome)
        return outcome
    }

    private func runAll(say: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let pending = folder.pending(plans, retryFailed: retryFailed)
        say("sweep \(spec.name): \(plans.count) trials, \(plans.count - pending.count) finished earlier, \(pending.count) to run")
        let finished = try executor.run(pending, budget: nil, say: say)
        let results = collect(budget: nil)
        reportMissing(pending, results: results, say: say)
        let steps = results.values.reduce(0) { $0 + $1.steps }
        return Outcome(results: results, finished: finished, rungs: [], stepsUsed: steps, stepsFullGrid: steps,
                       missing: plans.map(\.index).filter { results[$0] == nil })
    }

    func collect(budget: Int?) -> [Int: SweepTrialResult] {
        var out: [Int: SweepTrialResult] = [:]
        for p in plans { if let r = folder.result(p.index, budget: budget, configHash: p.configHash) { out[p.index] = r } }
        return out
    }

    private func reportMissing(_ ran: [Int], results: [Int: SweepTrialResult], say: (String) -> Void) {
        let died = ran.filter { results[$0] == nil }
        if !died.isEmpty { say("no result from trial(s) \(died.map(String.init).joined(separator: ", ")) (stopped or died); rerun the sweep to run them again") }
        let failed = ran.filter { results[$0]?.status == .failed }
        for i in failed { say("trial \(i) FAILED: \(results[i]?.error ?? "")") }
    }

    /// Asynchronous successive halving (Li et al. 2020, Algorithm 2; `AshaScheduler`): whenever a
    /// worker frees, it promotes the best not-yet-promoted configuration of the highest rung (top 1/η
    /// of that rung's completed configurations, mean over seeds) and resumes it from its rung
    /// checkpoint, or else starts the next configuration at the first rung. Decisions go to
    /// `asha.jsonl`; a rerun rebuilds them from the folder (`AshaTrialSource`).
    private func runSuccessiveHalving(_ asha: AshaSettings, say: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let rungs = asha.rungs
        let source = try AshaTrialSource(spec: spec, asha: asha, folder: folder, plans: plans, retryFailed: retryFailed, say: say)
        let before = source.scheduler
        say("\(asha.synchronous ? "synchronous" : "asynchronous") successive halving: rungs \(rungs.map(String.init).joined(separator: ", ")) steps, reduction factor \(asha.reductionFactor); "
            + "\(before.decided.count) job(s) decided earlier (asha.jsonl and the rung results)")
        let finished = try executor.run(source, say: say)
        if let error = source.error { throw error }
        let scheduler = source.scheduler
        let decided = scheduler.rungs
        var stepsUsed = 0
        var missing: Set<Int> = []
        var failed: [String] = [], failedAtRung: [Int] = []
        for (k, configurations) in decided.enumerated() {
            for c in configurations {
                for s in 0..<spec.seeds.count {
                    let index = c * spec.seeds.count + s
                    guard let p = plans.first(where: { $0.index == index }) else { continue }
                    if let r = folder.result(index, budget: AshaTrialSource.budget(k, rungs), configHash: p.configHash) {
                        // A promoted trial trains only from the rung below to this one.
                        if r.status == .completed { stepsUsed += r.steps - (k == 0 ? 0 : rungs[k - 1]) }
                        else {
                            let lower = k < rungs.count - 1
                            failed.append("trial \(index) FAILED\(lower ? " at rung \(k) (\(rungs[k]) steps)" : ""): \(r.error ?? "")")
                            if lower { failedAtRung.append(index) }
                        }
                    } else { missing.insert(index) }
                }
            }
        }
        if !missing.isEmpty { say("no result from trial(s) \(missing.sorted().map(String.init).joined(separator: ", ")) (stopped or died); rerun the sweep to run them again") }
        failed.forEach(say)
        let final = collect(budget: nil)
        let configurations = Set(plans.map(\.configuration)).count
        return Outcome(results: final, finished: finished, rungs: zip(rungs, decided).map { (budget: $0, configurations: $1) },
                       stepsUsed: stepsUsed, stepsFullGrid: configurations * spec.seeds.count * asha.maxBudget, missing: missing.sorted(),
                       failedAtRung: failedAtRung)
    }
}
