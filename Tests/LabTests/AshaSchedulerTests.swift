import Foundation
import Testing
import SeededRandom
import TestSupport
@testable import Lab

/// The decisions of asynchronous successive halving (Li et al. 2020, Algorithm 2), driven with an
/// injected completion order.
@Suite struct AshaSchedulerTests {
    typealias Job = AshaScheduler.Job
    typealias Task = AshaScheduler.Task

    private func run(_ s: inout AshaScheduler) -> Task? {
        if case let .run(t, _) = s.next() { return t }
        return nil
    }

    /// A trace worked by hand from Algorithm 2: 9 configurations, η = 3, rungs 0-2, 2 workers,
    /// validation values (higher is better) given per configuration and rung. Each step lists what
    /// get_job sees. c1 is promoted after only 3 first-rung results (synchronous successive halving
    /// would wait for all 9).
    @Test func aHandWorkedTraceOfAlgorithm2() {
        var s = AshaScheduler(configurations: 9, seeds: 1, rungCount: 3, reductionFactor: 3, maximize: true)
        let r0: [Double] = [0.5, 0.9, 0.1, 0.7, 0.95, 0.2, 0.3, 0.8, 0.4]
        func end(_ c: Int, _ k: Int, _ v: Double) { s.ended(Task(configuration: c, seed: 0, rung: k), value: v) }
        func expectNext(_ c: Int, _ k: Int, _ note: Comment) {
            let t = run(&s)
            #expect(t == Task(configuration: c, seed: 0, rung: k), note)
        }
        expectNext(0, 0, "empty rungs: start c0")
        expectNext(1, 0, "start c1")
        end(1, 0, r0[1]); expectNext(2, 0, "rung 0 has 1 result, floor(1/3) = 0 promotable: start c2")
        end(0, 0, r0[0]); expectNext(3, 0, "2 results: none promotable: start c3")
        end(2, 0, r0[2]); expectNext(1, 1, "3 results {c1 .9, c0 .5, c2 .1}: top 1 = c1: promote")
        end(3, 0, r0[3]); expectNext(4, 0, "4 results: top 1 = c1, already promoted: start c4")
        end(4, 0, r0[4]); expectNext(4, 1, "5 results: top 1 = c4 (.95): promote")
        end(1, 1, 0.6); expectNext(5, 0, "rung 1 {c1}: 0 promotable; rung 0 top 1 = c4 promoted: start c5")
        end(5, 0, r0[5]); expectNext(6, 0, "rung 0, 6 results: top 2 = c4, c1, both promoted: start c6")
        end(4, 1, 0.75); expectNext(7, 0, "rung 1 {c1 .6, c4 .75}: 0 promotable: start c7")
        end(6, 0, r0[6]); expectNext(8, 0, "rung 0, 7 results: top 2 promoted: start c8 (the last)")
        end(7, 0, r0[7])
        #expect(s.next() == .wait, "8 results: top 2 = c4, c1 promoted; no configuration left; c8 runs: wait")
        end(8, 0, r0[8]); expectNext(7, 1, "9 results: top 3 = c4, c1, c7: promote c7")
        #expect(s.next() == .wait, "rung 1 {c4, c1}: 0 promotable; c7 runs: wait")
        end(7, 1, 0.65); expectNext(4, 2, "rung 1, 3 results {c4 .75, c7 .65, c1 .6}: top 1 = c4: promote to the top rung")
        #expect(s.next() == .wait)
        end(4, 2, 1.0)
        #expect(s.next() == .finished)
        #expect(s.rungs == [Array(0..<9), [1, 4, 7], [4]])
        #expect(s.decided.map { "\($0.configuration)@\($0.rung)" } == ["0@0", "1@0", "2@0", "3@0", "1@1", "4@0", "4@1", "5@0", "6@0", "7@0", "8@0", "7@1", "4@2"])
    }

    /// Seeds as an axis: a configuration is a job of one trial per seed; it is ranked on its mean once
    /// every seed has finished; a failed seed keeps it out; lower is better with maximize false.
    @Test func seedsAreOneJobRankedOnTheirMean() {
        var s = AshaScheduler(configurations: 4, seeds: 2, rungCount: 2, reductionFactor: 3, maximize: false)
        var started: [Task] = []
        for _ in 0..<6 { if let t = run(&s) { started.append(t) } }
        #expect(started.map { "\($0.configuration).\($0.seed)" } == ["0.0", "0.1", "1.0", "1.1", "2.0", "2.1"])
        // c0: mean 1.5; c1: one seed failed; c2: mean 1.0 but only after its second seed.
        s.ended(Task(configuration: 0, seed: 0, rung: 0), value: 1.0)
        s.ended(Task(configuration: 0, seed: 1, rung: 0), value: 2.0)
        s.ended(Task(configuration: 1, seed: 0, rung: 0), value: 0.1)
        s.ended(Task(configuration: 1, seed: 1, rung: 0), value: nil)
        s.ended(Task(configuration: 2, seed: 0, rung: 0), value: 0.5)
        #expect(s.ranked(rung: 0).map(\.configuration) == [0])
        #expect(run(&s) == Task(configuration: 3, seed: 0, rung: 0), "1 ranked: start c3")
        s.ended(Task(configuration: 2, seed: 1, rung: 0), value: 1.5)
        #expect(s.ranked(rung: 0).map(\.configuration) == [2, 0])
        #expect(run(&s) == Task(configuration: 3, seed: 1, rung: 0), "the decided job's second seed comes before any new decision")
        s.ended(Task(configuration: 3, seed: 0, rung: 0), value: 3.0)
        s.ended(Task(configuration: 3, seed: 1, rung: 0), value: 3.0)
        // 3 ranked (c2 1.0, c0 1.5, c3 3.0): top 1 = c2, both seeds, resumed to rung 1.
        #expect(run(&s) == Task(configuration: 2, seed: 0, rung: 1))
        #expect(run(&s) == Task(configuration: 2, seed: 1, rung: 1))
        #expect(s.next() == .wait)
    }

    /// The end rule: 8 configurations, η = 3, 3 rungs, one worker, first-rung value -c (c0 best):
    /// promotions at 3 results (c0) and 6 (c1); at 8, ⌊8/3⌋ = 2 are both promoted and rung 1 holds 2
    /// configurations, of which ⌊2/3⌋ = 0 would go on. Once nothing runs, the best of rung 1 (c1,
    /// value 2 against c0's 0) goes to the top rung, and then the sweep is finished.
    @Test func theEndRuleSendsTheBestOfTheHighestRungToTheTop() {
        var s = AshaScheduler(configurations: 8, seeds: 1, rungCount: 3, reductionFactor: 3, maximize: true)
        var order: [String] = []
        while case let .run(t, _) = s.next() {
            order.append("\(t.configuration)@\(t.rung)")
            s.ended(t, value: t.rung == 1 ? [0.0, 2.0][t.configuration] : -Double(t.configuration))
        }
        #expect(s.next() == .finished)
        #expect(order == ["0@0", "1@0", "2@0", "0@1", "3@0", "4@0", "5@0", "1@1", "6@0", "7@0", "1@2"])
        #expect(s.rungs == [Array(0..<8), [0, 1], [1]])
    }

    /// Synchronous successive halving (Algorithm 1, the baseline): nothing is promoted before the
    /// rung is complete; then its best max(1, ⌊n/η⌋) go up at once, best first. Same values as the
    /// end-rule test: rung 1 gets c0 and c1 (⌊8/3⌋ = 2), rung 2 the better of them at rung 1 (c1).
    @Test func synchronousHalvingWaitsForTheWholeRung() {
        var s = AshaScheduler(configurations: 8, seeds: 1, rungCount: 3, reductionFactor: 3, maximize: true, synchronous: true)
        var order: [String] = []
        // Two workers, both take a task before either ends: the second waits once the bottom rung is handed out.
        var pending: [Task] = []
        while true {
            while pending.count < 2, case let .run(t, _) = s.next() { pending.append(t); order.append("\(t.configuration)@\(t.rung)") }
            guard !pending.isEmpty else { break }
            let t = pending.removeFirst()
            s.ended(t, value: t.rung == 1 ? [0.0, 2.0][t.configuration] : -Double(t.configuration))
        }
        #expect(s.next() == .finished)
        #expect(order == ["0@0", "1@0", "2@0", "3@0", "4@0", "5@0", "6@0", "7@0", "0@1", "1@1", "1@2"])
    }

    /// Many completion orders: the scheduler's decisions equal a literal transcription of Algorithm 2
    /// (one seed; workers 1-4; random durations and values from a seeded generator).
    @Test func equalsALiteralTranscriptionOfAlgorithm2UnderRandomCompletionOrders() {
        for trial in 0..<200 {
            var rng = Xoshiro256(seed: UInt64(trial))
            let n = 9 + rng.uniformInt(below: 10), eta = 2 + rng.uniformInt(below: 2), rungCount = 2 + rng.uniformInt(below: 2)
            let workers = 1 + rng.uniformInt(below: 4)
            var values: [[Double]] = [], durations: [[Double]] = []
            for _ in 0..<rungCount {
                values.append((0..<n).map { _ in Double(rng.uniformInt(below: 1000)) / 100 })
                durations.append((0..<n).map { _ in 1 + rng.uniformDouble() })
            }
            let ours = simulate(workers: workers, values: values, durations: durations) { () -> (next: () -> Job?, ended: (Job, Double) -> Void) in
                let box = Box(AshaScheduler(configurations: n, seeds: 1, rungCount: rungCount, reductionFactor: eta, maximize: true))
                return ({
                    if case let .run(t, _) = box.value.next() { return Job(configuration: t.configuration, rung: t.rung) }
                    return nil
                }, { j, v in box.value.ended(Task(configuration: j.configuration, seed: 0, rung: j.rung), value: v) })
            }
            let reference = simulate(workers: workers, values: values, durations: durations) { () -> (next: () -> Job?, ended: (Job, Double) -> Void) in
                let a = LiteralAlgorithm2(n: n, eta: eta, rungCount: rungCount)
                return ({ a.getJob() }, { j, v in a.rung[j.rung].append((j.configuration, v)) })
            }
            // The literal algorithm has no end rule (Li et al. draw configurations without end): the
            // decisions agree up to the point where ours adds the end rule's.
            #expect(Array(ours.prefix(reference.count)) == reference, "trial \(trial): n \(n) eta \(eta) rungs \(rungCount) workers \(workers)")
            #expect(ours.count >= reference.count)
        }
    }

    final class Box<T> { var value: T; init(_ v: T) { value = v } }

    /// Algorithm 2 of Li et al. (2020) as printed, for one seed and a finite list of configurations
    /// drawn in order; minimum early-stopping rate s = 0; higher value is better.
    final class LiteralAlgorithm2 {
        let n: Int, eta: Int, rungCount: Int
        var rung: [[(c: Int, value: Double)]]
        var promoted: [Set<Int>]
        var drawn = 0
        init(n: Int, eta: Int, rungCount: Int) {
            self.n = n; self.eta = eta; self.rungCount = rungCount
            rung = Array(repeating: [], count: rungCount); promoted = Array(repeating: [], count: rungCount)
        }
        func getJob() -> Job? {
            // for k = floor(log_eta(R/r)) - s - 1, ..., 1, 0
            for k in stride(from: rungCount - 2, through: 0, by: -1) {
                // candidates = top_k(rung k, |rung k| / eta)
                let sorted = rung[k].sorted { $0.value != $1.value ? $0.value > $1.value : $0.c < $1.c }
                let candidates = sorted.prefix(rung[k].count / eta)
                // promotable = {t in candidates: t not already promoted}
                if let t = candidates.first(where: { !promoted[k].contains($0.c) }) {
                    promoted[k].insert(t.c)
                    return Job(configuration: t.c, rung: k + 1)
                }
            }
            // Draw a new configuration (grow the bottom rung); none left: nothing.
            guard drawn < n else { return nil }
            drawn += 1
            return Job(configuration: drawn - 1, rung: 0)
        }
    }

    /// Event simulation: `workers` workers, each asking for a job when free; a job of configuration c
    /// at rung k takes durations[k][c] and reports values[k][c]. Idle workers ask again whenever any
    /// job ends (in worker order). Returns the jobs in the order they were handed out.
    private func simulate(workers: Int, values: [[Double]], durations: [[Double]],
                          make: () -> (next: () -> Job?, ended: (Job, Double) -> Void)) -> [Job] {
        let (next, ended) = make()
        var log: [Job] = []
        var busy: [(end: Double, worker: Int, job: Job)] = []
        var idle = Array(0..<workers)
        var now = 0.0
        while true {
            var stillIdle: [Int] = []
            for w in idle {
                if let j = next() {
                    log.append(j)
                    busy.append((now + durations[j.rung][j.configuration], w, j))
                } else { stillIdle.append(w) }
            }
            idle = stillIdle
            guard let first = busy.indices.min(by: { busy[$0].end != busy[$1].end ? busy[$0].end < busy[$1].end : busy[$0].worker < busy[$1].worker }) else { break }
            let done = busy.remove(at: first)
            now = done.end
            ended(done.job, values[done.job.rung][done.job.configuration])
            idle = ([done.worker] + idle).sorted()
        }
        return log
    }
}
