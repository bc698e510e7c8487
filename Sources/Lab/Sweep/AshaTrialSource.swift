import Foundation
import Synchronization

/// Asynchronous successive halving over a sweep folder: an `AshaScheduler` whose decisions are
/// recorded in `asha.jsonl` and whose results are read from the rung result files, handed to an
/// executor as a `TrialSource`.
///
/// Resume: the decisions are rebuilt from the folder alone. Every job in `asha.jsonl` is decided
/// again in its order, and so is every job a rung result implies (a trial with
/// `result-<budget>.json` ran that rung; a folder without the journal resumes from its results).
/// Seeds of those jobs with a result are recorded as ended; the rest (stopped or died mid-rung)
/// run first, from their newest checkpoint; then Algorithm 2 goes on from the results on disk. With
/// one worker, a sweep stopped and resumed makes the same decisions as one run straight through.
public final class AshaTrialSource: TrialSource {
    public let asha: AshaSettings
    private let folder: SweepFolder
    private let plans: [Int: SweepTrialPlan]
    private let seeds: Int
    private let split: String, metric: String
    private let say: @Sendable (String) -> Void
    private let state: Mutex<(scheduler: AshaScheduler, error: LabError?)>

    /// Rebuilds the decisions from the folder.
    /// - Throws: `SweepError.damagedJournal` for a journal line that is not a decision of this sweep.
    public init(spec: SweepSpec, asha: AshaSettings, folder: SweepFolder, plans: [SweepTrialPlan], retryFailed: Bool,
                say: @escaping @Sendable (String) -> Void) throws {
        self.asha = asha; self.folder = folder; self.say = say
        self.plans = Dictionary(plans.map { ($0.index, $0) }) { a, _ in a }
        seeds = spec.seeds.count
        split = spec.selectSplit; metric = spec.selectMetric
        let configurations = Set(plans.map(\.configuration)).count
        let rungs = asha.rungs
        var scheduler = AshaScheduler(configurations: configurations, seeds: seeds, rungCount: rungs.count,
                                      reductionFactor: asha.reductionFactor, maximize: spec.maximize, synchronous: asha.synchronous)
        var jobs = try folder.ashaDecisions(configurations: configurations, rungs: rungs.count)
        for k in rungs.indices {
            for p in plans.sorted(by: { $0.index < $1.index }) where FileManager.default.fileExists(atPath: folder.resultURL(p.index, budget: Self.budget(k, rungs)).path) {
                let job = AshaScheduler.Job(configuration: p.configuration, rung: k)
                if !jobs.contains(job) { jobs.append(job) }
            }
        }
        for job in jobs { scheduler.decide(job) }
        for job in jobs {
            for s in 0..<seeds {
                let index = job.configuration * seeds + s
                guard let p = self.plans[index], let r = folder.result(index, budget: Self.budget(job.rung, rungs), configHash: p.configHash),
                      r.status == .completed || !retryFailed else { continue }
                scheduler.ended(AshaScheduler.Task(configuration: job.configuration, seed: s, rung: job.rung), value: Self.value(r, split: split, metric: metric))
            }
        }
        state = Mutex((scheduler, nil))
    }

    /// The budget argument of rung `k`: its steps, or nil (`result.json`) for the last rung.
    static func budget(_ k: Int, _ rungs: [Int]) -> Int? { k == rungs.count - 1 ? nil : rungs[k] }

    static func value(_ r: SweepTrialResult, split: String, metric: String) -> Double? {
        r.status == .completed ? r.metrics[split]?[metric] : nil
    }

    /// The decisions so far (a copy).
    public var scheduler: AshaScheduler { state.withLock { $0.scheduler } }
    /// A journal write that failed (the source then hands out nothing more).
    public var error: LabError? { state.withLock { $0.error } }

    public func next() -> NextTrial {
        let rungs = asha.rungs
        return state.withLock { s -> NextTrial in
            guard s.error == nil else { return .finished }
            switch s.scheduler.next() {
            case .wait: return .wait
            case .finished: return .finished
            case let .run(task, decided):
                if let job = decided {
                    do throws(LabError) { try folder.appendAshaDecision(job) } catch {
                        s.error = error
                        s.scheduler.ended(task, value: nil)
                        return .finished
                    }
                    say(job.rung == 0 ? "asha: start c\(String(format: "%03d", job.configuration)) at rung 0 (\(rungs[0]) steps)"
                                      : "asha: promote c\(String(format: "%03d", job.configuration)) to rung \(job.rung) (\(rungs[job.rung]) steps)")
                }
                return .run(index: task.configuration * seeds + task.seed, budget: Self.budget(task.rung, rungs))
            }
        }
    }

    public func ended(index: Int, budget: Int?) {
        let rungs = asha.rungs
        let k = budget.flatMap { rungs.firstIndex(of: $0) } ?? rungs.count - 1
        let r = plans[index].flatMap { folder.result(index, budget: budget, configHash: $0.configHash) }
        let task = AshaScheduler.Task(configuration: index / seeds, seed: index % seeds, rung: k)
        state.withLock { $0.scheduler.ended(task, value: r.flatMap { Self.value($0, split: split, metric: metric) }) }
    }
}
