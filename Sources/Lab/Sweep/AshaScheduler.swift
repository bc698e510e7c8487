import Foundation

/// The decisions of asynchronous successive halving (ASHA; Li et al., "A System for Massively
/// Parallel Hyperparameter Tuning", MLSys 2020, Algorithm 2), with no I/O: which trial a free
/// worker runs next, given the results that have landed so far.
///
/// Algorithm 2, with a configuration's seeds as one unit:
/// ```
/// next():                                   a worker is free
///   if a decided job still has an unstarted seed: run it
///   job = get_job(); record it; run its first seed
/// get_job():
///   for k = K-1, ..., 1, 0:                 highest rung first
///     done = configurations with every seed completed at rung k, best mean first
///     candidates = first ⌊|done| / η⌋ of done
///     if some candidate is not yet promoted: return (it, rung k+1)   promotion, resumed from rung k
///   if a configuration has not started: return (the next one in order, rung 0)   grow the bottom rung
///   nothing to start
/// ```
/// A "job" is a configuration at a rung: one trial per seed (trial index `configuration * seeds +
/// seed position`). A configuration is ranked at rung k on the mean of its seeds' validation metric
/// once every seed has a completed result there (a failed or died seed keeps it out of the ranking).
/// "Draw a random configuration" takes the next one of the sweep's pre-drawn list (grid order, or
/// the seeded random draws), so the same results in the same order give the same decisions.
///
/// End rule (a finite list of configurations): when nothing runs and `get_job` has nothing, and no
/// configuration was started at the top rung, the best configuration of the highest rung that has a
/// ranked one is promoted, one rung at a time; so, like synchronous successive halving's "keep at
/// least one", some configuration always reaches the full budget (with 8 configurations and η = 3,
/// rung 1 holds 2 and ⌊2/3⌋ = 0 would promote none).
///
/// `synchronous: true` is synchronous successive halving instead (Li et al. 2020, Algorithm 1; the
/// baseline ASHA is measured against): rung k promotes only once it is complete (every configuration
/// that will reach it has ended there), then its best max(1, ⌊n/η⌋) at once; workers wait meanwhile.
///
/// - Complexity: `next()` is O(K · C log C) for C configurations and K rungs.
public struct AshaScheduler: Sendable, Equatable {
    /// A configuration at a rung.
    public struct Job: Sendable, Hashable {
        public var configuration: Int
        public var rung: Int
        public init(configuration: Int, rung: Int) { self.configuration = configuration; self.rung = rung }
    }
    /// One seed of a job: what one worker runs.
    public struct Task: Sendable, Hashable {
        public var configuration: Int
        public var seed: Int
        public var rung: Int
        public init(configuration: Int, seed: Int, rung: Int) { self.configuration = configuration; self.seed = seed; self.rung = rung }
    }
    /// What a free worker does.
    public enum Next: Sendable, Equatable {
        /// Run this task; `decided` is the job decided just now (nil when it was decided earlier).
        case run(Task, decided: Job?)
        /// Nothing to start until a running task ends.
        case wait
        /// Nothing runs and nothing is left to start.
        case finished
    }

    public let configurations: Int
    public let seeds: Int
    /// Number of rungs (K + 1); rung `rungCount - 1` is the full budget.
    public let rungCount: Int
    /// η.
    public let reductionFactor: Int
    /// True when a higher validation metric is better.
    public let maximize: Bool
    /// Synchronous successive halving (promotions wait for the whole rung).
    public let synchronous: Bool

    /// Jobs in the order they were decided.
    public private(set) var decided: [Job] = []
    private var started: [Set<Int>]                // per rung: configurations decided there
    private var values: [[Int: [Int: Double?]]]    // per rung, configuration -> seed -> metric (nil: failed or died)
    private var queue: [Task] = []                 // seeds of decided jobs not started yet
    public private(set) var running: Set<Task> = []
    private var nextBottom = 0

    public init(configurations: Int, seeds: Int, rungCount: Int, reductionFactor: Int, maximize: Bool, synchronous: Bool = false) {
        precondition(configurations >= 1 && seeds >= 1 && rungCount >= 1 && reductionFactor >= 2,
                     "AshaScheduler: configurations \(configurations), seeds \(seeds), rungs \(rungCount), eta \(reductionFactor)")
        self.configurations = configurations; self.seeds = seeds; self.rungCount = rungCount
        self.reductionFactor = reductionFactor; self.maximize = maximize; self.synchronous = synchronous
        started = Array(repeating: [], count: rungCount)
        values = Array(repeating: [:], count: rungCount)
    }

    /// Configurations decided at each rung, in decision order.
    public var rungs: [[Int]] { (0..<rungCount).map { k in decided.filter { $0.rung == k }.map(\.configuration) } }

    /// Configurations with every seed completed at `rung`, best mean first (ties: lower configuration).
    public func ranked(rung: Int) -> [(configuration: Int, mean: Double)] {
        var out: [(configuration: Int, mean: Double)] = []
        for (c, bySeed) in values[rung] where bySeed.count == seeds {
            let finite = bySeed.values.compactMap { $0 }
            guard finite.count == seeds else { continue }
            out.append((c, finite.reduce(0, +) / Double(seeds)))
        }
        return out.sorted { a, b in
            if a.mean != b.mean { return maximize ? a.mean > b.mean : a.mean < b.mean }
            return a.configuration < b.configuration
        }
    }

    /// Algorithm 2's `get_job`: the promotion from the highest rung, else a new configuration.
    public func job() -> Job? {
        if synchronous { return synchronousJob() }
        for k in stride(from: rungCount - 2, through: 0, by: -1) {
            let done = ranked(rung: k)
            let candidates = done.prefix(done.count / reductionFactor)
            if let c = candidates.first(where: { !started[k + 1].contains($0.configuration) }) { return Job(configuration: c.configuration, rung: k + 1) }
        }
        return nextBottom < configurations ? Job(configuration: nextBottom, rung: 0) : nil
    }

    /// Synchronous successive halving: the next promotion of the highest complete rung, else a new
    /// configuration, else nothing until a rung completes.
    func synchronousJob() -> Job? {
        if nextBottom < configurations { return Job(configuration: nextBottom, rung: 0) }
        for k in 0..<(rungCount - 1) {
            // Rung k is complete when nothing of it waits or runs; then its promotions are decided.
            guard !queue.contains(where: { $0.rung == k }), !running.contains(where: { $0.rung == k }) else { return nil }
            let done = ranked(rung: k)
            let keep = done.prefix(max(1, done.count / reductionFactor))
            if let c = keep.first(where: { !started[k + 1].contains($0.configuration) }) { return Job(configuration: c.configuration, rung: k + 1) }
        }
        return nil
    }

    /// The end rule: the best ranked configuration of the highest rung, promoted, when no one was
    /// started at the top rung.
    func endPromotion() -> Job? {
        guard started[rungCount - 1].isEmpty else { return nil }
        for k in stride(from: rungCount - 2, through: 0, by: -1) {
            if let c = ranked(rung: k).first(where: { !started[k + 1].contains($0.configuration) }) { return Job(configuration: c.configuration, rung: k + 1) }
        }
        return nil
    }

    /// Records a job as decided (its seeds join the queue). Used by `next()` and by a resume
    /// replaying the decisions on disk.
    public mutating func decide(_ job: Job) {
        precondition(job.rung >= 0 && job.rung < rungCount && job.configuration >= 0 && job.configuration < configurations, "AshaScheduler.decide: \(job)")
        guard !started[job.rung].contains(job.configuration) else { return }
        decided.append(job)
        started[job.rung].insert(job.configuration)
        if job.rung == 0 {
            while nextBottom < configurations && started[0].contains(nextBottom) { nextBottom += 1 }
        }
        queue += (0..<seeds).map { Task(configuration: job.configuration, seed: $0, rung: job.rung) }
    }

    /// What a free worker runs next (the task is then counted as running until `ended`).
    public mutating func next() -> Next {
        var fresh: Job?
        if queue.isEmpty {
            if let j = job() ?? (running.isEmpty && !synchronous ? endPromotion() : nil) {
                decide(j)
                fresh = j
            } else {
                return running.isEmpty ? .finished : .wait
            }
        }
        let t = queue.removeFirst()
        running.insert(t)
        return .run(t, decided: fresh)
    }

    /// Records how a task ended: its validation metric, or nil when it failed, died or has no metric.
    /// A resume calls it for the tasks of replayed jobs that have a result on disk (they leave the queue).
    public mutating func ended(_ task: Task, value: Double?) {
        running.remove(task)
        queue.removeAll { $0 == task }
        // `.some`: assigning a plain nil would remove the seed instead of recording "no value".
        values[task.rung][task.configuration, default: [:]][task.seed] = .some(value.flatMap { $0.isFinite ? $0 : nil })
    }
}
