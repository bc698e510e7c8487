import Foundation
import Testing
import TestSupport
@testable import Lab

@Suite(.serialized) struct SweepTests {
    private func spec(_ yaml: String) throws -> SweepSpec {
        try SweepSpec.parse(try SpecValue.parse(yaml: yaml, source: "s.yaml"), file: "s.yaml")
    }

    private func specError(_ yaml: String) -> String {
        do { _ = try spec(yaml); return "" } catch { return String(describing: error) }
    }

    @Test func gridIsEveryCombinationInFileOrder() throws {
        let s = try spec("experiment: quickstart\nseeds: [0, 1]\nparameters:\n  a: [1, 2]\n  b: [x, y, z]\n")
        let configs = s.configurations()
        #expect(configs.count == 6)
        #expect(s.trialCount == 12)
        #expect(configs.map { $0.map { SpecValue.scalarText($0.value) }.joined(separator: ",") } == ["1,x", "1,y", "1,z", "2,x", "2,y", "2,z"])
    }

    @Test func randomSearchIsSeededAndInRange() throws {
        let yaml = "experiment: q\nmethod: random\ntrials: 20\nparameters:\n  lr: {min: 1.0e-4, max: 1.0e-2, log: true}\n  n: {min: 1, max: 3}\n  c: {choices: [a, b]}\n"
        let a = try spec(yaml).configurations(), b = try spec(yaml).configurations()
        #expect(a.count == 20)
        #expect(a.map { $0.map(\.value) } == b.map { $0.map(\.value) })
        for c in a {
            guard case .double(let lr) = c[0].value, case .int(let n) = c[1].value else { Issue.record("kinds"); continue }
            #expect(lr >= 1e-4 && lr <= 1e-2)
            #expect((1...3).contains(n))
        }
    }

    @Test func badSweepsAreErrorsThatSayWhatToFix() throws {
        #expect(throws: SpecError.self) { try spec("parameters:\n  a: [1]\n") }                              // no experiment
        #expect(throws: SpecError.self) { try spec("experiment: q\nparameters:\n  a: {min: 0, max: 1}\n") } // range in a grid
        #expect(throws: SpecError.self) { try spec("experiment: q\nselect: {split: test}\nparameters:\n  a: [1]\n") }
        #expect(throws: SpecError.self) { try spec("experiment: q\nparamters:\n  a: [1]\n") }
    }

    /// Issue 13: selecting on `Test` (any case) is selecting on the test split.
    @Test func testSelectionGuardIgnoresCase() {
        for split in ["Test", "TEST", "tEsT"] {
            let e = specError("experiment: q\nselect: {split: \(split)}\nparameters:\n  a: [1]\n")
            #expect(e.contains("select.split") && e.contains("leaks the test set"), "\(split): \(e)")
        }
    }

    /// Issue 13: an unknown metric is refused with the allowed list (it used to rank on "n/a").
    @Test func unknownMetricIsRefusedWithTheAllowedList() {
        let e = specError("experiment: q\nselect: {metric: bogus}\nparameters:\n  a: [1]\n")
        #expect(e.contains("select.metric") && e.contains("'bogus'") && e.contains("sharpe") && e.contains("maxDrawdown"))
    }

    /// Issue 13: a repeated seed would be the same run counted twice in the mean.
    @Test func duplicateSeedsAreRefused() {
        let e = specError("experiment: q\nseeds: [0, 1, 0]\nparameters:\n  a: [1]\n")
        #expect(e.contains("seeds[2]") && e.contains("seed 0 twice"))
    }

    /// Issue 13: the name becomes a folder: no `../`, no `/`, nothing hidden.
    @Test func namesThatAreNotAFolderNameAreRefused() {
        for name in ["../escape", "a/b", ".hidden", "x y"] {
            let e = specError("name: \"\(name)\"\nexperiment: q\nparameters:\n  a: [1]\n")
            #expect(e.contains("'name'") && e.contains("folder name"), "\(name): \(e)")
        }
        #expect(specError("name: ok-1.2_b\nexperiment: q\nparameters:\n  a: [1]\n").isEmpty)
    }

    /// Issue 13 crash 11: a grid of 10^8 combinations and `trials: 100000000` are counted and refused
    /// before anything is allocated (this test would run out of memory otherwise).
    @Test func hugeSweepsAreCountedAndRefusedBeforeAllocating() {
        let ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
        let axes = (0..<8).map { "  k\($0): \(ten)" }.joined(separator: "\n")
        let grid = specError("experiment: q\nparameters:\n\(axes)\n")
        #expect(grid.contains("100000000 trials") && grid.contains("at most \(SweepSpec.maxTrials)"), "\(grid)")
        let overflow = specError("experiment: q\nparameters:\n" + (0..<20).map { "  k\($0): \(ten)" }.joined(separator: "\n") + "\n")
        #expect(overflow.contains("more trials than an Int holds"))
        let random = specError("experiment: q\nmethod: random\ntrials: 100000000\nparameters:\n  a: [1]\n")
        #expect(random.contains("'trials'") && random.contains("at most \(SweepSpec.maxTrials)"))
    }

    @Test func ashaBudgetsMustFormRungs() throws {
        let s = try spec("experiment: q\nsearch: asha\nasha: {minBudget: 100, maxBudget: 900, reductionFactor: 3}\nparameters:\n  a: [1, 2, 3]\n")
        #expect(s.asha?.rungs == [100, 300, 900])
        // A maximum budget below (or at) the first rung.
        let below = specError("experiment: q\nsearch: asha\nasha: {minBudget: 1000, maxBudget: 500}\nparameters:\n  a: [1]\n")
        #expect(below.contains("asha.maxBudget") && below.contains("above the first rung (minBudget 1000)"), "\(below)")
        let offLadder = specError("experiment: q\nsearch: asha\nasha: {minBudget: 100, maxBudget: 1000, reductionFactor: 3}\nparameters:\n  a: [1]\n")
        #expect(offLadder.contains("900") && offLadder.contains("2700"))
        #expect(specError("experiment: q\nsearch: asha\nparameters:\n  a: [1]\n").contains("'asha'"))
    }

    @Test func slurmSettingsRefuseWordsThatWouldBreakTheScript() throws {
        let s = try spec("experiment: q\nslurm: {partition: cpu, throttle: 3, memory: 4G, time: \"01:00:00\", extra: [\"--qos=low\"]}\nparameters:\n  a: [1]\n")
        #expect(s.slurm.partition == "cpu" && s.slurm.throttle == 3 && s.slurm.extra == ["--qos=low"])
        #expect(specError("experiment: q\nslurm: {partition: \"cpu\\n#SBATCH --x\"}\nparameters:\n  a: [1]\n").contains("slurm.partition"))
        #expect(specError("experiment: q\nslurm: {extra: [\"qos=low\"]}\nparameters:\n  a: [1]\n").contains("slurm.extra[0]"))
        #expect(specError("experiment: q\nslurm: {partiton: cpu}\nparameters:\n  a: [1]\n").contains("partition"))
    }

    @Test func sbatchScriptHasTheArrayThrottleResourcesAndOneThread() throws {
        var settings = SlurmSettings()
        settings.partition = "cpu"; settings.throttle = 4; settings.time = "00:30:00"; settings.extra = ["--qos=low"]
        let dir = URL(fileURLWithPath: "/shared/sweeps/it's")
        let ex = SlurmExecutor(folder: SweepFolder(dir), name: "rs", settings: settings, threads: 1, executable: URL(fileURLWithPath: "/opt/mg/marketgym"))
        let script = ex.script([0, 1, 2, 3, 7, 9, 10], budget: 300)
        let lines = script.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        #expect(lines.contains("#SBATCH --array=0-3,7,9-10%4"))
        #expect(lines.contains("#SBATCH --partition=cpu") && lines.contains("#SBATCH --time=00:30:00") && lines.contains("#SBATCH --qos=low"))
        #expect(lines.contains("#SBATCH --cpus-per-task=1") && lines.contains("#SBATCH --mem=2G"))
        #expect(lines.contains("export MARKETGYM_THREADS=1"))
        #expect(lines.last == "exec '/opt/mg/marketgym' sweep-trial '/shared/sweeps/it'\\''s' \"$SLURM_ARRAY_TASK_ID\" --budget 300")
        // Every #SBATCH line comes before the first command (sbatch stops reading them there).
        let firstCommand = try #require(lines.firstIndex { !$0.hasPrefix("#") })
        #expect(lines[firstCommand...].allSatisfy { !$0.hasPrefix("#SBATCH") })
    }

    @Test func noSbatchOnPathIsAClearError() throws {
        let dir = try makeTemporaryDirectory()
        let ex = SlurmExecutor(folder: SweepFolder(dir), name: "x", settings: SlurmSettings(), threads: 1,
                               executable: URL(fileURLWithPath: "/bin/true"), environment: ["PATH": dir.path])
        do {
            _ = try ex.submit([0], budget: nil)
            Issue.record("submitted without sbatch")
        } catch let e as SweepError {
            #expect(e == .commandNotFound(command: "sbatch", path: dir.path))
            #expect(e.description.contains("--executor local") && e.description.contains("--dry-run"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("slurm").path))
    }

    @Test func aSecondLockNamesTheHolder() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("sweep.lock")
        let first = try FileLock(url, purpose: "marketgym sweep demo")
        do {
            _ = try FileLock(url, purpose: "second")
            Issue.record("locked twice")
        } catch let SweepError.locked(file, holder) {
            #expect(file == url.path)
            #expect(holder.contains("pid \(getpid())") && holder.contains("marketgym sweep demo"))
        }
        withExtendedLifetime(first) {}
    }

    // MARK: - The trial contract with a fake trial (a shell script writing result.json)

    private func plans(_ s: SweepSpec, tag: String = "") -> [SweepTrialPlan] { s.fakePlans(tag: tag) }

    /// The fake trial: x=2 fails (writes a failed result) unless `allow-failed` exists; x=4 dies
    /// without a result unless `allow-died` exists; others complete with valid = 3 - (x-2.2)^2 + seed/10.
    private static let fakeTrial = """
    dir="$1"; i="$2"; x="$3"; seed="$4"; hash="$5"; out="$dir/trials/$i/result.json"
    if [ "$x" = "4" ] && [ ! -f "$dir/allow-died" ]; then exit 9; fi
    if [ "$x" = "2" ] && [ ! -f "$dir/allow-failed" ]; then
      printf '{"format":"marketgym-trial-result","version":1,"index":%s,"status":"failed","seed":%s,"metrics":{},"steps":0,"wallSeconds":0,"host":"h","error":"boom","configHash":"%s"}' "$i" "$seed" "$hash" > "$out.tmp"
      mv "$out.tmp" "$out"; exit 1
    fi
    valid=$(echo "$x $seed" | awk '{print 3 - ($1 - 2.2) * ($1 - 2.2) + $2 * 0.1}')
    test=$(echo "$x" | awk '{print -$1}')
    printf '{"format":"marketgym-trial-result","version":1,"index":%s,"status":"completed","seed":%s,"metrics":{"valid":{"sharpe":%s},"test":{"sharpe":%s}},"steps":100,"wallSeconds":0.1,"host":"h","checkpoint":"/c/%s.h5","configHash":"%s"}' "$i" "$seed" "$valid" "$test" "$i" "$hash" > "$out.tmp"
    mv "$out.tmp" "$out"
    """

    private func fakeRunner(_ s: SweepSpec, _ dir: URL, retryFailed: Bool = false, workers: Int = 2) -> SweepRunner {
        let ps = plans(s)
        let folder = SweepFolder(dir)
        let executor = LocalExecutor(folder: folder, workers: workers, threads: 1, shouldStop: { false }) { index, _ in
            let p = ps[index]
            return (URL(fileURLWithPath: "/bin/sh"), ["-c", Self.fakeTrial, "sh", dir.path, String(index), SpecValue.scalarText(p.assignments[0].value), String(p.seed), p.configHash])
        }
        return SweepRunner(spec: s, folder: folder, plans: ps, root: dir, executor: executor, retryFailed: retryFailed)
    }

    /// Resume = scan the results: a trial that died (no result) runs again; a failed one is kept and
    /// not retried unless asked; the leaderboard ranks configurations on their mean over seeds.
    @Test func resumeRerunsDiedTrialsAndKeepsFailedOnes() throws {
        let dir = try makeTemporaryDirectory()
        let s = try spec("experiment: q\nseeds: [0, 1]\nparameters:\n  x: [1, 2, 3, 4]\n")
        let first = try fakeRunner(s, dir).run(say: { _ in })
        #expect(first.results.count == 6)  // x=4 died twice
        #expect(first.results.values.filter { $0.status == .failed }.map(\.index).sorted() == [2, 3])
        let board = SweepLeaderboard(spec: s, folder: SweepFolder(dir), plans: plans(s))
        let ranked = board.ranking(Array(first.results.values))
        #expect(ranked.map(\.configuration) == [2, 0])  // x=3 (valid ~2.61) beats x=1 (valid ~1.61)
        #expect(ranked[0].seeds == 2 && isClose(ranked[0].selectValue, (2.36 + 2.46) / 2, relative: 1e-9))
        #expect(ranked[0].bestCheckpoint == "/c/5.h5")
        let text = try String(contentsOf: dir.appendingPathComponent("leaderboard.txt"), encoding: .utf8)
        #expect(text.contains("never used to select") && text.contains("failed: trial 2: boom") && text.contains("2 without result"))
        let csv = try String(contentsOf: dir.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 9 && csv.contains("\n6,3,0,pending,"))

        // Both may run now: the died ones run again, the failed ones stay failed (not retried).
        try Data().write(to: dir.appendingPathComponent("allow-died"))
        try Data().write(to: dir.appendingPathComponent("allow-failed"))
        let second = try fakeRunner(s, dir).run(say: { _ in })
        #expect(second.results.count == 8)
        #expect(second.results.values.filter { $0.status == .failed }.count == 2)
        // Asked to, the failed ones run again and x=2 (valid ~2.96) wins.
        let third = try fakeRunner(s, dir, retryFailed: true).run(say: { _ in })
        #expect(third.results.values.allSatisfy { $0.status == .completed })
        #expect(board.ranking(Array(third.results.values)).first?.configuration == 1)
    }

    /// Issue 13: rerunning after editing the grid must not reuse old results under new labels.
    @Test func aChangedPlanIsRefusedAndNothingIsOverwritten() throws {
        let dir = try makeTemporaryDirectory()
        let s = try spec("experiment: q\nparameters:\n  x: [1, 3]\n")
        _ = try fakeRunner(s, dir).run(say: { _ in })
        let before = try Data(contentsOf: dir.appendingPathComponent("trials/1/result.json"))
        let edited = try spec("experiment: q\nparameters:\n  x: [1, 5]\n")
        do {
            _ = try fakeRunner(edited, dir).run(say: { _ in })
            Issue.record("a changed plan was accepted")
        } catch let e as SweepError {
            guard case .planChanged(_, let detail) = e else { Issue.record("\(e)"); return }
            #expect(detail.contains("trial 1") && detail.contains("was `x: 3`, now `x: 5`"), "\(detail)")
            #expect(e.description.contains("--out"))
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent("trials/1/result.json")) == before)
        #expect(try String(contentsOf: SweepFolder(dir).configURL(1), encoding: .utf8).contains("x: 3"))
    }

    @Test func aFolderOfAnotherVersionIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let manifest = #"{"format": "marketgym-sweep", "version": 99, "trials": []}"#
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("sweep.json"))
        let s = try spec("experiment: q\nparameters:\n  x: [1]\n")
        #expect(throws: SweepError.foreignVersion(file: dir.appendingPathComponent("sweep.json").path, found: "99", expected: SweepFolder.formatVersion)) {
            _ = try fakeRunner(s, dir).run(say: { _ in })
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("sweep.json"), encoding: .utf8) == manifest)
    }

    /// Issue 13: a stop signal ends every running child (no orphans) and starts no new one.
    @Test func aStopEndsTheRunningTrialsAndStartsNoMore() throws {
        let dir = try makeTemporaryDirectory()
        let s = try spec("experiment: q\nparameters:\n  x: [1, 2, 3, 4]\n")
        let ps = plans(s)
        try SweepFolder(dir).prepare(name: "t", root: dir, threads: 1, plans: ps)
        let started = Date()
        let stop: @Sendable () -> Bool = { Date().timeIntervalSince(started) > 1.0 }
        let executor = LocalExecutor(folder: SweepFolder(dir), workers: 2, threads: 1, killAfter: 20, shouldStop: stop) { index, _ in
            (URL(fileURLWithPath: "/bin/sh"), ["-c", "echo $$ > \"$0/pid-$1\"; exec sleep 30", dir.path, String(index)])
        }
        let finished = try executor.run(ps.map(\.index), budget: nil, say: { _ in })
        #expect(!finished)
        #expect(Date().timeIntervalSince(started) < 10)  // SIGTERM ended them (SIGKILL would come at 21 s)
        let pidFiles = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("pid-") }
        #expect(pidFiles.sorted() == ["pid-0", "pid-1"])
        for f in pidFiles {
            let pid = try #require(Int32(String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(kill(pid, 0) != 0, "trial process \(pid) still runs")
        }
    }
}
