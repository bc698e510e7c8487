import Foundation
import Testing
import TestSupport

/// A real single-node Slurm (Debian's slurmctld, slurmd, munge) started by scripts/slurm-local in a
/// temporary folder for one test, stopped by PID at the end.
final class LocalSlurm {
    let directory: URL
    let environment: [String: String]

    init() throws {
        directory = try makeTemporaryDirectory(prefix: "marketgym-slurm")
        let r = try runProcess(repositoryRoot().appendingPathComponent("scripts/slurm-local"), ["start", directory.path])
        guard r.status == 0 else { throw SlurmStartError(output: r.stdout + r.stderr) }
        environment = ["SLURM_CONF": directory.appendingPathComponent("slurm.conf").path]
    }

    struct SlurmStartError: Error, CustomStringConvertible { let output: String; var description: String { "scripts/slurm-local start failed: \(output)" } }

    /// A Slurm client command against this cluster.
    func call(_ command: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [command] + arguments, environment: environment)
    }

    deinit { _ = try? runProcess(repositoryRoot().appendingPathComponent("scripts/slurm-local"), ["stop", directory.path]) }
}

/// `marketgym sweep` and `sweep-trial` end to end, on local processes and through a real Slurm.
@Suite(.serialized) struct SweepCommandTests {
    /// A quickstart DQN small enough for a debug build (trials of a few seconds).
    static func sweepFile(_ dir: URL, name: String, steps: Int = 200, every: Int = 100, seeds: String = "[0, 1]", extra: String = "",
                          parameters: String = "  env.reward.turnoverPenalty: [0.0, 0.001]\n  env.reward.drawdownPenalty: [0.0, 0.5]\n") throws -> URL {
        let url = dir.appendingPathComponent("\(name).yaml")
        let yaml = """
        name: \(name)
        experiment: quickstart
        seeds: \(seeds)
        select: {split: valid, metric: sharpe, mode: max}
        overrides:
          training.totalSteps: \(steps)
          training.checkpointEvery: \(every)
          agent.learningStarts: 50
          agent.replay.capacity: 1000
          evaluation.baselines: []
        \(extra)
        parameters:
        \(parameters)
        """
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func sweep(_ args: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProduct("marketgym", ["sweep"] + args, environment: environment, currentDirectory: repositoryRoot())
    }

    /// Starts `marketgym sweep ARGS` in the background, its output going to `log`.
    static func startSweep(_ args: [String], environment: [String: String] = [:], log: URL) throws -> (process: Process, log: FileHandle) {
        let process = Process()
        process.executableURL = productURL("marketgym")
        process.arguments = ["sweep"] + args
        process.currentDirectoryURL = repositoryRoot()
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, handle)
    }

    static func result(_ folder: URL, _ index: Int, name: String = "result.json") throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("trials/\(index)/\(name)"))) as? [String: Any])
    }

    static func metrics(_ r: [String: Any]) -> [String: [String: Double]] {
        (r["metrics"] as? [String: [String: Double]]) ?? [:]
    }

    /// Issue 16: a 4-configuration x 2-seed sweep through `--executor slurm` gives the local executor's
    /// results bit for bit (same metrics, same metrics.csv bytes, same leaderboard).
    @Test func slurmGivesTheLocalResultsBitForBit() throws {
        let slurm = try LocalSlurm()
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "bits")
        let local = try Self.sweep([file.path, "--out", dir.appendingPathComponent("local").path, "--workers", "2"])
        #expect(local.status == 0, "\(local.stdout)\(local.stderr)")
        let viaSlurm = try Self.sweep([file.path, "--out", dir.appendingPathComponent("slurm").path, "--executor", "slurm", "--poll-interval", "0.5"], environment: slurm.environment)
        #expect(viaSlurm.status == 0, "\(viaSlurm.stdout)\(viaSlurm.stderr)")
        #expect(viaSlurm.stdout.contains("submitted Slurm job") && viaSlurm.stdout.contains("8 done, 0 running, 0 pending, 0 failed"))
        let a = dir.appendingPathComponent("local/sweep-bits"), b = dir.appendingPathComponent("slurm/sweep-bits")
        for i in 0..<8 {
            let ra = try Self.result(a, i), rb = try Self.result(b, i)
            #expect(ra["status"] as? String == "completed" && rb["status"] as? String == "completed")
            #expect(!Self.metrics(ra).isEmpty && Self.metrics(ra) == Self.metrics(rb), "trial \(i)")
            #expect(ra["seed"] as? Int == i % 2 && rb["seed"] as? Int == i % 2)
            let ma = try Data(contentsOf: a.appendingPathComponent("trials/\(i)/run/metrics.csv"))
            #expect(ma == (try Data(contentsOf: b.appendingPathComponent("trials/\(i)/run/metrics.csv"))), "trial \(i) metrics.csv")
        }
        let boardA = try String(contentsOf: a.appendingPathComponent("leaderboard.txt"), encoding: .utf8)
        let boardB = try String(contentsOf: b.appendingPathComponent("leaderboard.txt"), encoding: .utf8)
        let rows = { (s: String) in s.split(separator: "\n").filter { $0.contains("seeds)") } }
        #expect(rows(boardA).count == 4 && rows(boardA) == rows(boardB))
        // The winner's selection-aware statistics (issue 14: Deflated Sharpe Ratio over the 4
        // configurations, validation-to-test rank correlation) under the winner, equal for both executors,
        // and the same winner as `study selection` reads from the folder.
        let selection = { (s: String) in s.split(separator: "\n").filter { $0.hasPrefix("selection (Sharpe on valid, 4 configurations") } }
        #expect(selection(boardA).count == 1 && selection(boardA) == selection(boardB), "\(boardA)")
        #expect(boardA.contains("Deflated Sharpe Ratio") && boardA.contains("rank correlation"))
        let study = try runProduct("marketgym", ["study", "selection", a.path], currentDirectory: repositoryRoot())
        #expect(study.status == 0, "\(study.stdout)\(study.stderr)")
        let best = boardA.split(separator: "\n").first { $0.hasPrefix("best: c") }.map { Int($0.dropFirst(7).prefix(3)) ?? -1 }
        let winner = study.stdout.split(separator: "\n").first { $0.hasPrefix("winner: config ") }.map { Int($0.dropFirst(15).prefix { $0.isNumber }) ?? -2 }
        #expect(best != nil && best == winner, "\(boardA)\n\(study.stdout)")
        // Every metric a trial reports is one a sweep may select on.
        let reported = Set(Self.metrics(try Self.result(a, 0))["valid"]?.keys.map { $0 } ?? []).subtracting(["steps", "years"])
        #expect(reported.isSubset(of: Set(["sharpe", "sortino", "annualReturn", "annualVolatility", "totalReturn", "maxDrawdown", "maxDrawdownDays",
                                           "calmar", "annualTurnover", "annualCostDrag", "averageGross", "averageNet", "hitRate", "beta", "correlation"])))
        // The generated script ran every task single-threaded.
        let scripts = try FileManager.default.contentsOfDirectory(atPath: b.appendingPathComponent("slurm").path).filter { $0.hasSuffix(".sh") }
        #expect(scripts.count == 1)
        let script = try String(contentsOf: b.appendingPathComponent("slurm/\(scripts[0])"), encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-7\n") && script.contains("export MARKETGYM_THREADS=1"))
    }

    /// Issue 16: a task killed with `scancel` mid-run leaves no result; the resume runs it (only it) again.
    @Test func aTaskCancelledMidRunIsRerunByTheResume() throws {
        let slurm = try LocalSlurm()
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "cancel", steps: 3000, every: 500, extra: "slurm: {throttle: 1}",
                                      parameters: "  env.reward.turnoverPenalty: [0.0]\n")
        let out = dir.appendingPathComponent("out")
        let log = dir.appendingPathComponent("sweep.log")
        let (process, handle) = try Self.startSweep([file.path, "--out", out.path, "--executor", "slurm", "--poll-interval", "0.5"], environment: slurm.environment, log: log)
        // Wait until task 0 runs and has trained past its first checkpoint, then cancel that task only.
        var cancelled = false
        let start = Date()
        while Date().timeIntervalSince(start) < 300 && !cancelled {
            let q = try slurm.call("squeue", ["-h", "-r", "-o", "%i %K %T"])
            if let line = q.stdout.split(separator: "\n").first(where: { $0.hasSuffix(" 0 RUNNING") }),
               FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep-cancel/trials/0/run/checkpoints/step-000000000500.h5").path) {
                let id = String(line.split(separator: " ")[0])
                #expect(try slurm.call("scancel", [id]).status == 0)
                cancelled = true
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(cancelled)
        process.waitUntilExit()
        try handle.close()
        let first = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 1, "\(first)")
        #expect(first.contains("no result from trial(s) 0 "), "\(first)")
        let folder = out.appendingPathComponent("sweep-cancel")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("trials/0/result.json").path))
        #expect(try Self.result(folder, 1)["status"] as? String == "completed")

        let second = try Self.sweep([file.path, "--out", out.path, "--executor", "slurm", "--poll-interval", "0.5"], environment: slurm.environment)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("1 finished earlier, 1 to run") && second.stdout.contains("array 0"), "\(second.stdout)")
        let r0 = try Self.result(folder, 0)
        #expect(r0["status"] as? String == "completed" && r0["steps"] as? Int == 3000)
    }

    /// Issue 16: Ctrl-C on a Slurm sweep cancels the array (scancel); finished results stay in place.
    @Test func interruptingASlurmSweepCancelsItsArray() throws {
        let slurm = try LocalSlurm()
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "ctrlc", steps: 3000, every: 500, extra: "slurm: {throttle: 1}",
                                      parameters: "  env.reward.turnoverPenalty: [0.0]\n")
        let out = dir.appendingPathComponent("out")
        let log = dir.appendingPathComponent("sweep.log")
        let (process, handle) = try Self.startSweep([file.path, "--out", out.path, "--executor", "slurm", "--poll-interval", "0.5"], environment: slurm.environment, log: log)
        let start = Date()
        var running = false
        while Date().timeIntervalSince(start) < 300 && !running {
            running = try slurm.call("squeue", ["-h", "-r", "-o", "%K %T"]).stdout.contains("0 RUNNING")
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(running)
        process.interrupt()  // SIGINT, as Ctrl-C
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 130, "\(text)")
        #expect(text.contains("stopping: scancel"), "\(text)")
        #expect(try slurm.call("squeue", ["-h"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep-ctrlc/sweep.json").path))
    }

    /// Issue 16: a trial that exits non-zero is reported, its error recorded, and not retried unless asked.
    @Test func aFailingTrialIsReportedAndNotRetried() throws {
        let slurm = try LocalSlurm()
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "fails", seeds: "[0]",
                                      parameters: "  env.data.benchmark: [Experiments/data/sp500-index-daily.csv.gz, Experiments/data/no-such-file.csv]\n")
        let out = dir.appendingPathComponent("out")
        let first = try Self.sweep([file.path, "--out", out.path, "--executor", "slurm", "--poll-interval", "0.5"], environment: slurm.environment)
        #expect(first.status == 1)
        #expect(first.stdout.contains("trial 1 FAILED") && first.stdout.contains("no-such-file.csv"), "\(first.stdout)")
        let folder = out.appendingPathComponent("sweep-fails")
        let failed = try Self.result(folder, 1)
        #expect(failed["status"] as? String == "failed" && (failed["error"] as? String ?? "").contains("no-such-file.csv"))
        #expect(try Self.result(folder, 0)["status"] as? String == "completed")
        let scripts = { try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("slurm").path).filter { $0.hasSuffix(".sh") }.count }
        #expect(try scripts() == 1)

        let again = try Self.sweep([file.path, "--out", out.path, "--executor", "slurm"], environment: slurm.environment)
        #expect(again.status == 1 && again.stdout.contains("2 finished earlier, 0 to run"), "\(again.stdout)")
        #expect(try scripts() == 1)  // nothing submitted
        #expect(again.stdout.contains("failed: trial 1"))

        let retry = try Self.sweep([file.path, "--out", out.path, "--executor", "slurm", "--retry-failed", "--poll-interval", "0.5"], environment: slurm.environment)
        #expect(retry.status == 1 && retry.stdout.contains("1 finished earlier, 1 to run"), "\(retry.stdout)")
        #expect(try scripts() == 2)
    }

    /// Issue 16 bad input: a partition that does not exist, and no sbatch on PATH: clear errors, nothing lost.
    @Test func aMissingPartitionOrSbatchIsAClearError() throws {
        let slurm = try LocalSlurm()
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "nopart", seeds: "[0]", extra: "slurm: {partition: nosuchpartition}",
                                      parameters: "  env.reward.turnoverPenalty: [0.0]\n")
        let out = dir.appendingPathComponent("out")
        let r = try Self.sweep([file.path, "--out", out.path, "--executor", "slurm"], environment: slurm.environment)
        #expect(r.status == 1)
        #expect(r.stderr.contains("sbatch --parsable") && r.stderr.lowercased().contains("invalid partition") && r.stderr.contains("slurm.partition") && r.stderr.contains("sinfo -s"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep-nopart/sweep.json").path))

        let noPath = try Self.sweep([file.path, "--out", out.path, "--executor", "slurm"], environment: ["PATH": "/nonexistent"])
        #expect(noPath.status == 1)
        #expect(noPath.stderr.contains("`sbatch` not found on PATH") && noPath.stderr.contains("--executor local"), "\(noPath.stderr)")

        let dry = try Self.sweep([file.path, "--out", dir.appendingPathComponent("dry").path, "--executor", "slurm", "--dry-run"], environment: ["PATH": "/nonexistent"])
        #expect(dry.status == 0 && dry.stdout.hasPrefix("#!/bin/bash") && dry.stdout.contains("#SBATCH --partition=nosuchpartition"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("dry").path))  // a dry run writes nothing

        // The same through asynchronous successive halving (its own submission loop).
        let asha = try Self.sweepFile(dir, name: "nopart-asha", steps: 300, every: 100, seeds: "[0]",
                                      extra: "search: asha\nasha: {minBudget: 100, maxBudget: 300}\nslurm: {partition: nosuchpartition}",
                                      parameters: "  env.reward.turnoverPenalty: [0.0, 0.001, 0.004]\n")
        let a = try Self.sweep([asha.path, "--out", out.path, "--executor", "slurm"], environment: slurm.environment)
        #expect(a.status == 1 && a.stderr.lowercased().contains("invalid partition") && a.stderr.contains("slurm.partition"), "\(a.stderr)")
        let aNoPath = try Self.sweep([asha.path, "--out", out.path, "--executor", "slurm"], environment: ["PATH": "/nonexistent"])
        #expect(aNoPath.status == 1 && aNoPath.stderr.contains("`sbatch` not found on PATH"), "\(aNoPath.stderr)")
        // The decision made before the refused submission is kept: the next run submits it first.
        #expect(try String(contentsOf: out.appendingPathComponent("sweep-nopart-asha/asha.jsonl"), encoding: .utf8) == "{\"configuration\": 0, \"rung\": 0}\n")
    }

    /// Issue 13/16: a second sweep on a folder in use is refused, naming the holder.
    @Test func twoSweepsOnOneFolderAreRefused() throws {
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "busy", steps: 3000, every: 1000, seeds: "[0]", parameters: "  env.reward.turnoverPenalty: [0.0]\n")
        let out = dir.appendingPathComponent("out")
        let (process, handle) = try Self.startSweep([file.path, "--out", out.path], log: dir.appendingPathComponent("sweep.log"))
        defer { try? handle.close() }
        let lock = out.appendingPathComponent("sweep-busy/sweep.lock")
        let start = Date()
        while Date().timeIntervalSince(start) < 60 && ((try? String(contentsOf: lock, encoding: .utf8)) ?? "").isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        let second = try Self.sweep([file.path, "--out", out.path])
        process.terminate()
        process.waitUntilExit()
        #expect(second.status == 1)
        #expect(second.stderr.contains("sweep.lock") && second.stderr.contains("pid \(process.processIdentifier)") && second.stderr.contains("marketgym sweep busy"), "\(second.stderr)")
        // The first sweep stopped its trial (SIGTERM): a checkpoint, no result; the lock is free again.
        #expect(process.terminationStatus == 130)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep-busy/trials/0/result.json").path))
        #expect(((try? String(contentsOf: lock, encoding: .utf8)) ?? "x").isEmpty)
    }

    /// Issue 13: a sweep killed with SIGKILL (it cannot stop its children) leaves no orphan: each trial
    /// notices its parent is gone and stops with a checkpoint and no result.
    @Test func aKilledSweepLeavesNoOrphanTrials() throws {
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "orphan", steps: 20000, every: 1000, seeds: "[0]", parameters: "  env.reward.turnoverPenalty: [0.0]\n")
        let out = dir.appendingPathComponent("out")
        let (process, handle) = try Self.startSweep([file.path, "--out", out.path], log: dir.appendingPathComponent("sweep.log"))
        defer { try? handle.close() }
        // The trial's lock names its pid once it runs.
        let lock = out.appendingPathComponent("sweep-orphan/trials/0/trial.lock")
        var trialPid: Int32?
        let start = Date()
        while Date().timeIntervalSince(start) < 120 && trialPid == nil {
            let text = (try? String(contentsOf: lock, encoding: .utf8)) ?? ""
            trialPid = text.split(separator: " ").dropFirst().first.flatMap { Int32($0) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let pid = try #require(trialPid)
        #expect(kill(pid, 0) == 0)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killed = Date()
        while Date().timeIntervalSince(killed) < 60 && kill(pid, 0) == 0 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(kill(pid, 0) != 0, "trial process \(pid) still runs after its sweep was killed")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep-orphan/trials/0/result.json").path))
    }

    /// Issue 16: successive halving promotes the best configuration and resumes it from its rung
    /// checkpoint; the promoted trial equals one trained straight through, bit for bit.
    @Test func ashaPromotesAndAPromotedTrialEqualsAStraightRun() throws {
        let dir = try makeTemporaryDirectory()
        let params = "  env.reward.turnoverPenalty: [0.0, 0.001, 0.004]\n"
        let asha = try Self.sweepFile(dir, name: "asha", steps: 300, every: 100, seeds: "[0]",
                                      extra: "search: asha\nasha: {minBudget: 100, maxBudget: 300, reductionFactor: 3}", parameters: params)
        let r = try Self.sweep([asha.path, "--out", dir.path, "--workers", "2"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("3 configuration(s) to 100 steps, 1 configuration(s) to 300 steps") && r.stdout.contains("500 environment steps, 55.6% of the full grid's 900"), "\(r.stdout)")
        let folder = dir.appendingPathComponent("sweep-asha")
        // The rung ranking, recomputed from the rung results, promoted the best validation Sharpe.
        let rung = try (0..<3).map { try Self.metrics(Self.result(folder, $0, name: "result-100.json"))["valid"]?["sharpe"] ?? -.infinity }
        let winner = try #require(rung.indices.max { rung[$0] < rung[$1] })
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("trials/\(winner)/result.json").path))
        #expect((0..<3).filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("trials/\($0)/result.json").path) } == [winner])

        // The same configuration trained straight through to 300 steps.
        let value = ["0.0", "0.001", "0.004"][winner]
        let straight = try Self.sweepFile(dir, name: "straight", steps: 300, every: 100, seeds: "[0]", parameters: "  env.reward.turnoverPenalty: [\(value)]\n")
        let s = try Self.sweep([straight.path, "--out", dir.path])
        #expect(s.status == 0, "\(s.stderr)")
        let a = try Self.result(folder, winner), b = try Self.result(dir.appendingPathComponent("sweep-straight"), 0)
        #expect(!Self.metrics(a).isEmpty && Self.metrics(a) == Self.metrics(b))
        #expect(a["steps"] as? Int == 300)
        let csvA = try Data(contentsOf: folder.appendingPathComponent("trials/\(winner)/run/metrics.csv"))
        let csvB = try Data(contentsOf: dir.appendingPathComponent("sweep-straight/trials/0/run/metrics.csv"))
        #expect(csvA == csvB)
    }

    /// Issue 16: asynchronous successive halving on a real Slurm. One slot (throttle 1): after the
    /// first three first-rung results, Algorithm 2 promotes the best of them before the fourth
    /// configuration starts (synchronous halving would run all four first); each decision is its own
    /// submission; the decisions and the promoted trials' results equal the local executor's, bit for bit.
    @Test func slurmRunsAshaAsynchronouslyWithTheLocalResults() throws {
        let slurm = try LocalSlurm()
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "async", steps: 300, every: 100, seeds: "[0]",
                                      extra: "search: asha\nasha: {minBudget: 100, maxBudget: 300, reductionFactor: 3}\nslurm: {throttle: 1}",
                                      parameters: "  env.reward.turnoverPenalty: [0.0, 0.001, 0.004, 0.01]\n")
        let r = try Self.sweep([file.path, "--out", dir.appendingPathComponent("slurm").path, "--executor", "slurm", "--poll-interval", "0.3"], environment: slurm.environment)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let folder = dir.appendingPathComponent("slurm/sweep-async")
        let journal = try String(contentsOf: folder.appendingPathComponent("asha.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        let rung = try (0..<3).map { try Self.metrics(Self.result(folder, $0, name: "result-100.json"))["valid"]?["sharpe"] ?? -.infinity }
        let best = try #require(rung.indices.max { rung[$0] != rung[$1] ? rung[$0] < rung[$1] : $0 > $1 })
        #expect(Array(journal.prefix(4)) == ["{\"configuration\": 0, \"rung\": 0}", "{\"configuration\": 1, \"rung\": 0}", "{\"configuration\": 2, \"rung\": 0}",
                                              "{\"configuration\": \(best), \"rung\": 1}"], "\(journal)")
        #expect(journal.count >= 5 && journal[4] == "{\"configuration\": 3, \"rung\": 0}", "\(journal)")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("slurm").path).filter { $0.hasSuffix(".sh") }
        #expect(scripts.count == journal.count)
        #expect(r.stdout.contains("asha: promote c00\(best) to rung 1 (300 steps)"), "\(r.stdout)")

        let local = try Self.sweep([file.path, "--out", dir.appendingPathComponent("local").path, "--workers", "1"])
        #expect(local.status == 0, "\(local.stdout)\(local.stderr)")
        let localFolder = dir.appendingPathComponent("local/sweep-async")
        #expect(try String(contentsOf: localFolder.appendingPathComponent("asha.jsonl"), encoding: .utf8) == journal.joined(separator: "\n") + "\n")
        for i in 0..<4 {
            let top = folder.appendingPathComponent("trials/\(i)/result.json")
            #expect(FileManager.default.fileExists(atPath: top.path) == FileManager.default.fileExists(atPath: localFolder.appendingPathComponent("trials/\(i)/result.json").path))
            guard FileManager.default.fileExists(atPath: top.path) else { continue }
            let a = try Self.result(folder, i), b = try Self.result(localFolder, i)
            #expect(!Self.metrics(a).isEmpty && Self.metrics(a) == Self.metrics(b) && a["steps"] as? Int == 300, "trial \(i)")
        }
    }

    /// Issue 13: an edited grid rerun on the same folder is refused instead of reusing old results; a
    /// trial already running is not started twice.
    @Test func anEditedSweepOrABusyTrialIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let file = try Self.sweepFile(dir, name: "edit", seeds: "[0]", parameters: "  env.reward.turnoverPenalty: [0.0]\n")
        #expect(try Self.sweep([file.path, "--out", dir.path]).status == 0)
        let before = try Data(contentsOf: dir.appendingPathComponent("sweep-edit/trials/0/result.json"))
        _ = try Self.sweepFile(dir, name: "edit", seeds: "[0]", parameters: "  env.reward.turnoverPenalty: [0.002]\n")
        let r = try Self.sweep([file.path, "--out", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("different trials") && r.stderr.contains("turnoverPenalty"), "\(r.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("sweep-edit/trials/0/result.json")) == before)

        // Issue 13: a second process on a trial that is running (an orphan of a killed sweep) is refused.
        let folder = dir.appendingPathComponent("sweep-edit")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [folder.appendingPathComponent("trials/0/trial.lock").path, "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.5)
        let second = try runProduct("marketgym", ["sweep-trial", folder.path, "0"])
        #expect(second.status == 2)
        #expect(second.stderr.contains("trials/0/trial.lock") && second.stderr.contains("in use by"), "\(second.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("trials/0/result.json")) == before)
        let bad = try runProduct("marketgym", ["sweep-trial", folder.path, "7"])
        #expect(bad.status == 2 && bad.stderr.contains("no trial '7'; this sweep has trials 0...0"), "\(bad.stderr)")
    }
}
