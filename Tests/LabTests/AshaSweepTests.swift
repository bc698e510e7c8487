import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Lab

/// Asynchronous successive halving over a sweep folder with a fake trial (a shell script writing the
/// rung result): the decisions on disk, the resume, random draws.
@Suite(.serialized) struct AshaSweepTests {
    private func spec(_ yaml: String) throws -> SweepSpec {
        try SweepSpec.parse(try SpecValue.parse(yaml: yaml, source: "s.yaml"), file: "s.yaml")
    }

    /// 9 values of x x 2 seeds, rungs 100 / 300 / 900 steps, η = 3.
    private let yaml = "experiment: q\nsearch: asha\nasha: {minBudget: 100, maxBudget: 900, reductionFactor: 3}\nseeds: [0, 1]\nparameters:\n  x: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"

    private func plans(_ s: SweepSpec) -> [SweepTrialPlan] { s.fakePlans() }

    /// The fake trial: valid = 3 - (x - 5.2)^2 / 4 + seed / 10 + steps * (x mod 3) / 1000, so the
    /// ranking changes between rungs; `result-<budget>.json` for a rung, `result.json` at the end.
    /// x = 5 at rung 300 fails when the file `fail-5` exists.
    private static let fakeTrial = """
    dir="$1"; i="$2"; x="$3"; seed="$4"; hash="$5"; budget="$6"
    name=result.json; steps=900
    if [ -n "$budget" ]; then name="result-$budget.json"; steps="$budget"; fi
    out="$dir/trials/$i/$name"
    if [ "$x" = "5" ] && [ "$budget" = "300" ] && [ -f "$dir/fail-5" ]; then
      printf '{"format":"marketgym-trial-result","version":1,"index":%s,"status":"failed","seed":%s,"metrics":{},"steps":0,"wallSeconds":0,"host":"h","error":"boom","configHash":"%s"}' "$i" "$seed" "$hash" > "$out.tmp"
      mv "$out.tmp" "$out"; exit 1
    fi
    valid=$(echo "$x $seed $steps" | awk '{print 3 - ($1 - 5.2) * ($1 - 5.2) / 4 + $2 * 0.1 + $3 * ($1 % 3) / 1000}')
    printf '{"format":"marketgym-trial-result","version":1,"index":%s,"status":"completed","seed":%s,"metrics":{"valid":{"sharpe":%s},"test":{"sharpe":%s}},"steps":%s,"wallSeconds":0.1,"host":"h","checkpoint":"/c/%s.h5","configHash":"%s"}' "$i" "$seed" "$valid" "$x" "$steps" "$i" "$hash" > "$out.tmp"
    mv "$out.tmp" "$out"
    """

    private func runner(_ s: SweepSpec, _ dir: URL, workers: Int = 1, retryFailed: Bool = false, stop: @escaping @Sendable () -> Bool = { false }) -> SweepRunner {
        let ps = plans(s)
        let folder = SweepFolder(dir)
        let executor = LocalExecutor(folder: folder, workers: workers, threads: 1, shouldStop: stop) { index, budget in
            let p = ps[index]
            return (URL(fileURLWithPath: "/bin/sh"), ["-c", Self.fakeTrial, "sh", dir.path, String(index), SpecValue.scalarText(p.assignments[0].value),
                                                      String(p.seed), p.configHash, budget.map(String.init) ?? ""])
        }
        return SweepRunner(spec: s, folder: folder, plans: ps, root: dir, executor: executor, retryFailed: retryFailed)
    }

    private func resultCount(_ dir: URL) -> Int {
        let trials = dir.appendingPathComponent("trials")
        let all = (try? FileManager.default.subpathsOfDirectory(atPath: trials.path)) ?? []
        return all.filter { $0.hasSuffix(".json") && $0.contains("result") }.count
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// A sweep stopped in the middle of a job (one seed of a decided configuration done, the other
    /// not started) and resumed makes the same decisions and the same leaderboard as one run
    /// straight through (one worker, so the completion order is the same).
    @Test func aStoppedSweepResumesToTheSameLeaderboard() throws {
        let s = try spec(yaml)
        let straight = try makeTemporaryDirectory()
        let a = try runner(s, straight).run(say: { _ in })
        #expect(a.finished && a.missing.isEmpty)
        // 9 to 100 steps, promotions during the bottom rung and at its end; at least one to 900.
        #expect(a.rungs.map(\.budget) == [100, 300, 900])
        #expect(a.rungs[0].configurations.count == 9 && a.rungs[1].configurations.count >= 3 && !a.rungs[2].configurations.isEmpty)

        for stopAt in [5, 13] {
            let dir = try makeTemporaryDirectory()
            let count = Mutex(0)
            let stop: @Sendable () -> Bool = { [self] in count.withLock { $0 = resultCount(dir); return $0 >= stopAt } }
            let first = try runner(s, dir, stop: stop).run(say: { _ in })
            #expect(!first.finished)
            #expect(resultCount(dir) == stopAt)
            // The journal holds a decided job whose second seed has no result yet.
            let journal = try text(SweepFolder(dir).ashaJournalURL)
            #expect(journal.split(separator: "\n").count == (stopAt + 1) / 2, "\(journal)")
            var said: [String] = []
            let lines = Mutex<[String]>([])
            let second = try runner(s, dir).run(say: { l in lines.withLock { $0.append(l) } })
            said = lines.withLock { $0 }
            #expect(second.finished && second.missing.isEmpty)
            #expect(said.contains { $0.contains("\((stopAt + 1) / 2) job(s) decided earlier") }, "\(said)")
            #expect(try text(SweepFolder(dir).ashaJournalURL) == (try text(SweepFolder(straight).ashaJournalURL)), "stopped at \(stopAt)")
            // The same text, up to the folder's own path.
            let boardResumed = try text(dir.appendingPathComponent("leaderboard.txt")).replacingOccurrences(of: dir.path, with: "DIR")
            let boardStraight = try text(straight.appendingPathComponent("leaderboard.txt")).replacingOccurrences(of: straight.path, with: "DIR")
            #expect(boardResumed == boardStraight, "\(boardResumed)\n---\n\(boardStraight)")
            #expect(second.stepsUsed == a.stepsUsed)
        }
    }

    /// The decisions are rebuilt from the rung results alone: without `asha.jsonl`, the rebuilt
    /// scheduler has the same configurations on every rung and nothing left to run.
    @Test func theDecisionsAreRebuiltFromTheResultsOnDisk() throws {
        let s = try spec(yaml)
        let dir = try makeTemporaryDirectory()
        let outcome = try runner(s, dir, workers: 3).run(say: { _ in })
        #expect(outcome.finished)
        let folder = SweepFolder(dir)
        let withJournal = try AshaTrialSource(spec: s, asha: try #require(s.asha), folder: folder, plans: plans(s), retryFailed: false, say: { _ in })
        try FileManager.default.removeItem(at: folder.ashaJournalURL)
        let fromResults = try AshaTrialSource(spec: s, asha: try #require(s.asha), folder: folder, plans: plans(s), retryFailed: false, say: { _ in })
        #expect(withJournal.scheduler.rungs == outcome.rungs.map(\.configurations))
        #expect(fromResults.scheduler.rungs.map(Set.init) == outcome.rungs.map { Set($0.configurations) })
        #expect(fromResults.next() == .finished && withJournal.next() == .finished)
        // A resume of the finished sweep runs nothing and gives the same leaderboard.
        let before = try text(dir.appendingPathComponent("leaderboard.txt"))
        let again = try runner(s, dir).run(say: { _ in })
        let after = try text(dir.appendingPathComponent("leaderboard.txt"))
        #expect(again.finished && after == before)
    }

    /// A damaged journal line is refused naming file:line, and nothing is changed; a torn last line
    /// (the process died while appending) is skipped.
    @Test func aDamagedJournalIsRefusedAndATornLastLineSkipped() throws {
        let s = try spec(yaml)
        let dir = try makeTemporaryDirectory()
        let folder = SweepFolder(dir)
        try folder.prepare(name: "t", root: dir, threads: 1, plans: plans(s))
        try Data("{\"configuration\": 0, \"rung\": 0}\n{\"configuration\": 40, \"rung\": 0}\n".utf8).write(to: folder.ashaJournalURL)
        do {
            _ = try runner(s, dir).run(say: { _ in })
            Issue.record("a damaged journal was accepted")
        } catch let e as SweepError {
            guard case let .damagedJournal(file, line, _, expected) = e else { Issue.record("\(e)"); return }
            #expect(file == folder.ashaJournalURL.path && line == 2 && expected.contains("0...8"))
            #expect(e.description.contains("asha.jsonl:2") && e.description.contains("--out"))
        }
        #expect(resultCount(dir) == 0)
        try Data("{\"configuration\": 3, \"rung\": 0}\n{\"configuration\": 1, \"ru".utf8).write(to: folder.ashaJournalURL)
        let source = try AshaTrialSource(spec: s, asha: try #require(s.asha), folder: folder, plans: plans(s), retryFailed: false, say: { _ in })
        #expect(source.scheduler.decided == [AshaScheduler.Job(configuration: 3, rung: 0)])
        #expect(source.next() == .run(index: 6, budget: 100))  // the recorded job's seeds run first
    }

    /// A failed trial at a rung keeps its configuration out of the ranking there and is reported;
    /// it is retried only when asked.
    @Test func aFailedRungTrialIsReportedAndRetriedOnlyWhenAsked() throws {
        let s = try spec(yaml)
        let dir = try makeTemporaryDirectory()
        try Data().write(to: dir.appendingPathComponent("fail-5"))
        let lines = Mutex<[String]>([])
        let first = try runner(s, dir).run(say: { l in lines.withLock { $0.append(l) } })
        let rung1 = first.rungs[1].configurations
        try #require(rung1.contains(4), "x = 5 (configuration 4) is promoted to rung 1 in this setup: \(first.rungs)")
        #expect(lines.withLock { $0 }.contains { $0.contains("FAILED at rung 1 (300 steps): boom") })
        #expect(!first.rungs[2].configurations.contains(4))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("fail-5"))
        let kept = try runner(s, dir).run(say: { _ in })
        #expect(kept.rungs.map(\.configurations) == first.rungs.map(\.configurations))
        let retried = try runner(s, dir, retryFailed: true).run(say: { _ in })
        #expect(try #require(SweepFolder(dir).result(8, budget: 300, configHash: plans(s)[8].configHash)).status == .completed)
        #expect(retried.finished)
    }

    /// Successive halving over random draws: `trials: N` with ranges draws N configurations from the
    /// seeded sampler (the same draws as method: random); without `trials`, a range is refused.
    @Test func ashaOverRandomDraws() throws {
        let r = try spec("experiment: q\nsearch: asha\ntrials: 12\nsamplerSeed: 7\nasha: {minBudget: 100, maxBudget: 900}\nparameters:\n  lr: {min: 1.0e-4, max: 1.0e-2, log: true}\n  c: [a, b]\n")
        #expect(r.drawsRandomly && r.configurationCount == 12 && r.configurations().count == 12)
        let random = try spec("experiment: q\nmethod: random\ntrials: 12\nsamplerSeed: 7\nparameters:\n  lr: {min: 1.0e-4, max: 1.0e-2, log: true}\n  c: [a, b]\n")
        #expect(r.configurations().map { $0.map(\.value) } == random.configurations().map { $0.map(\.value) })
        for c in r.configurations() {
            guard case .double(let lr) = c[0].value else { Issue.record("kind"); continue }
            #expect(lr >= 1e-4 && lr <= 1e-2)
        }
        do {
            _ = try spec("experiment: q\nsearch: asha\nasha: {minBudget: 100, maxBudget: 900}\nparameters:\n  lr: {min: 1.0e-4, max: 1.0e-2}\n")
            Issue.record("a range without trials was accepted")
        } catch {
            #expect("\(error)".contains("method: asha with `trials: N`"), "\(error)")
        }
        // A grid asha sweep is unchanged: every combination.
        #expect(try spec(yaml).configurationCount == 9)
    }
}
