import Foundation

/// Drives a sweep over its folder: plans once, then runs what is pending on an executor, rung by
/// rung for successive halving, and writes `results.csv` and `leaderboard.txt`.
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
    }

    /// Writes or checks the folder, takes its lock and runs every pending trial.
    /// - Throws: `SweepError` (locked, foreign version, changed plan, scheduler), `LabError`.
    public func run(say: @escaping @Sendable (String) -> Void = { print($0) }) throws -> Outcome {
        try FileManager.default.createDirectory(at: folder.directory, withIntermediateDirectories: true)
        let lock = try FileLock(folder.lockURL, purpose: "marketgym sweep \(spec.name)")
        defer { withExtendedLifetime(lock) {} }
        try folder.prepare(name: spec.name, root: root, threads: spec.threads, plans: plans)
        var outcome = try spec.asha == nil ? runAll(say: say) : runSuccessiveHalving(say: say)
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

    /// Successive halving (Li et al. 2020), rung by rung: every configuration trains to the first
    /// budget; the best 1/η of those with every seed finished (mean validation metric) resume from
    /// their checkpoint to the next budget; the last rung is the full budget.
    private func runSuccessiveHalving(say: @escaping @Sendable (String) -> Void) throws -> Outcome {
        guard let asha = spec.asha else { return try runAll(say: say) }
        let rungs = asha.rungs
        var candidates = Array(Set(plans.map(\.configuration))).sorted()
        var rungLog: [(budget: Int, configurations: [Int])] = []
        var reached: [Int: Int] = [:]  // trial index -> steps trained
        var finished = true
        for (r, budget) in rungs.enumerated() {
            let isLast = r == rungs.count - 1
            let b: Int? = isLast ? nil : budget
            let trials = plans.filter { candidates.contains($0.configuration) }
            let pending = folder.pending(trials, budget: b, retryFailed: retryFailed)
            say("rung \(r) (\(budget) steps): \(candidates.count) configuration(s), \(trials.count - pending.count) trial(s) finished earlier, \(pending.count) to run")
            rungLog.append((budget, candidates))
            finished = try executor.run(pending, budget: b, say: say)
            let results = collect(budget: b)
            reportMissing(pending, results: results, say: say)
            for t in trials where results[t.index] != nil { reached[t.index] = budget }
            if !finished || isLast { break }
            // Rank configurations whose seeds all finished at this rung; promote the top 1/η.
            let board = SweepLeaderboard(spec: spec, folder: folder, plans: plans)
            let ranked = board.ranking(trials.compactMap { results[$0.index] }).filter { $0.seeds == spec.seeds.count }
            let keep = max(1, ranked.count / asha.reductionFactor)
            candidates = ranked.prefix(keep).map(\.configuration).sorted()
            if candidates.isEmpty { say("rung \(r): no configuration finished every seed; stopping"); break }
        }
        let configurations = Set(plans.map(\.configuration)).count
        let final = collect(budget: nil)
        let lastRung = rungLog.count == rungs.count ? Set(rungLog[rungLog.count - 1].configurations) : []
        let missing = rungLog.count == rungs.count ? plans.filter { lastRung.contains($0.configuration) && final[$0.index] == nil }.map(\.index)
                                                   : plans.map(\.index).filter { final[$0] == nil }
        return Outcome(results: final, finished: finished, rungs: rungLog, stepsUsed: reached.values.reduce(0, +),
                       stepsFullGrid: configurations * spec.seeds.count * asha.maxBudget, missing: missing)
    }
}
