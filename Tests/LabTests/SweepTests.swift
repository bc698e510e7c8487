import Foundation
import Testing
import TestSupport
@testable import Lab

@Suite struct SweepTests {
    private func spec(_ yaml: String) throws -> SweepSpec {
        try SweepSpec.parse(try SpecValue.parse(yaml: yaml, source: "s.yaml"), file: "s.yaml")
    }

    @Test func gridIsEveryCombinationInFileOrder() throws {
        let s = try spec("experiment: quickstart\nseeds: [0, 1]\nparameters:\n  a: [1, 2]\n  b: [x, y, z]\n")
        let configs = s.configurations()
        #expect(configs.count == 6)
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

    /// Runs a fake trainer (a shell script) in 2 workers: one configuration crashes, the rest write
    /// summaries; the leaderboard ranks on validation; a rerun skips finished trials and retries the crash.
    @Test func runsInParallelReportsCrashesAndResumes() throws {
        let dir = try makeTemporaryDirectory()
        let s = try spec("experiment: q\nseeds: [0, 1]\nparameters:\n  x: [1, 2, 3]\n")
        let script = """
        out="$1"; x="$2"; seed="$3"
        if [ "$x" = "2" ] && [ ! -f "$out/../../allow-crashed" ]; then echo boom >&2; exit 3; fi
        valid=$(echo "$x $seed" | awk '{print 3 - ($1 - 2.2) * ($1 - 2.2) + $2 * 0.1}')
        test=$(echo "$x" | awk '{print -$1}')
        printf '{"evaluation": {"valid": {"sharpe": %s}, "test": {"sharpe": %s}}, "checkpoint": "checkpoints/best.h5"}' "$valid" "$test" > "$out/summary.json"
        """
        let runner = SweepRunner(spec: s, directory: dir, workers: 2) { trial in
            let x = SpecValue.scalarText(trial.assignments[0].value)
            return (URL(fileURLWithPath: "/bin/sh"), ["-c", script, "sh", trial.directory.path, x, String(trial.seed)])
        }
        let first = try runner.run(log: { _ in })
        #expect(first.filter { $0.status == .failed }.count == 2)
        #expect(first.filter { $0.status == .completed }.count == 4)
        let ranked = runner.ranking(first)
        #expect(ranked.map(\.configuration) == [2, 0])  // x=3 (valid ~2.4) beats x=1 (valid ~1.6)
        #expect(ranked[0].bestCheckpoint == dir.appendingPathComponent("trials/c002-s1/checkpoints/best.h5").path)
        let board = try String(contentsOf: dir.appendingPathComponent("leaderboard.txt"), encoding: .utf8)
        #expect(board.contains("never used to select"))
        #expect(board.contains("failed: c001-s0"))
        let csv = try String(contentsOf: dir.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 7)

        try Data().write(to: dir.appendingPathComponent("allow-crashed"))
        let second = try runner.run(log: { _ in })
        #expect(second.filter { $0.status == .skipped }.count == 4)
        #expect(second.filter { $0.status == .completed }.count == 2)
        #expect(runner.ranking(second).first?.configuration == 1)  // x=2 (valid ~3.0) now wins
    }
}
