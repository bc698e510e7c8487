import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
import CheckpointFormat

/// Issue 13 through the CLI: damaged checkpoints (crash 12) and a full disk during a checkpoint
/// write (crash 14), as a user meets them.
@Suite(.serialized) struct FileReliabilityCommandTests {
    static let cartpole = TrainCommandTests.cartpole

    /// Changes three bytes of a file's HDF5 metadata (past the 512-byte integrity header).
    func damage(_ url: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        for i in 700..<703 { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: url)
    }

    @Test func inspectEvaluateAndActRefuseADamagedCheckpoint() throws {
        let out = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let train = try runProduct("marketgym", ["train", "cartpole-dqn", "--out", out.path, "--run-name", "r"] + Self.cartpole)
        #expect(train.status == 0, "\(train.stderr)")
        let best = out.appendingPathComponent("r/checkpoints/best.h5")
        try damage(best)
        for arguments in [["inspect", best.path], ["evaluate", best.path], ["act", best.path]] {
            let r = try runProduct("marketgym", arguments, stdin: "{}\n")
            #expect(r.status == 1, "\(arguments[0]): status \(r.status)\n\(r.stderr)")
            #expect(r.stderr.contains("is damaged and was not opened") && r.stderr.contains("CRC-32"), "\(arguments[0]): \(r.stderr)")
            #expect(r.stderr.contains(best.path))
        }
    }

    @Test func resumeSkipsADamagedNewestCheckpoint() throws {
        let out = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = out.appendingPathComponent("r")
        let train = try runProduct("marketgym", ["train", "cartpole-dqn", "--out", out.path, "--run-name", "r"] + Self.cartpole)
        #expect(train.status == 0, "\(train.stderr)")
        let newest = run.appendingPathComponent("checkpoints/step-000000001600.h5")
        let straight = try Checkpoint.read(from: newest)
        try damage(newest)
        let resumed = try runProduct("marketgym", ["train", "--resume", run.path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("skipping step-000000001600.h5") && resumed.stdout.contains("damaged"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("resumed from step-000000001200.h5"), "\(resumed.stdout)")
        // Training from 1200 again rewrote a good step-1600, equal to the straight run's.
        let again = try Checkpoint.read(from: newest)
        #expect(again.policyParameters == straight.policyParameters)
    }

    /// A run folder too small for the checkpoints: a tmpfs of 250 KiB when this process may mount
    /// one (root with CAP_SYS_ADMIN), else a file-size limit (`ulimit -f`, SIGXFSZ ignored) on the
    /// process, which fails the same `write` with EFBIG instead of ENOSPC.
    @Test func aFullDiskStopsTheRunWithTheMessageAndKeepsEveryFinishedFile() throws {
        let out = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let mount = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "mount -t tmpfs -o size=250k tmpfs '\(out.path)' 2>&1"])
        let mounted = mount.status == 0
        defer { if mounted { _ = try? runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "umount '\(out.path)'"]) } }
        let train = ["train", "cartpole-dqn", "--out", out.path, "--run-name", "full"] + Self.cartpole
        let r: (status: Int32, stdout: String, stderr: String)
        if mounted {
            r = try runProduct("marketgym", train)
        } else {
            // 100 KiB per file: the step-400 checkpoint (~90 KB) fits, the step-800 one (~110 KB) does not.
            let quoted = ([productURL("marketgym").path] + train).map { "'\($0)'" }.joined(separator: " ")
            r = try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", "trap '' XFSZ; ulimit -f 100; exec \(quoted)"])
        }
        #expect(r.status == 1, "status \(r.status)\n\(r.stderr)")
        #expect(r.stderr.contains("No space left on device") || r.stderr.contains("File too large"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("crashed"))
        let folder = out.appendingPathComponent("full/checkpoints")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.contains(".tmp-") }, "temporaries left: \(names)")
        #expect(names.contains("best.h5"))
        for name in names where name.hasSuffix(".h5") {
            #expect(throws: Never.self, "\(name) no longer loads") { try Checkpoint.read(from: folder.appendingPathComponent(name)) }
        }
    }

    /// Issue 13, accepted wrongly 4: a run written with --out outside the project is evaluated on
    /// the same data from any folder (the root is recorded in inputs.json).
    @Test func aRunOutsideTheProjectEvaluatesTheSameFromAnyFolder() throws {
        let out = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let train = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--run-name", "q", "--quiet",
                                                 "--set", "training.totalSteps=300", "--set", "training.checkpointEvery=300",
                                                 "--set", "agent.learningStarts=100", "--set", "agent.replay.capacity=1000",
                                                 "--set", "evaluation.splits=[valid]"])
        #expect(train.status == 0, "\(train.stderr)")
        let run = out.appendingPathComponent("q")
        let inputs = try String(contentsOf: run.appendingPathComponent("inputs.json"), encoding: .utf8)
        #expect(inputs.contains("sp500-20-daily.csv.gz") && inputs.contains("fnv1a64:"))
        let fromProject = try runProduct("marketgym", ["evaluate", run.path, "--split", "valid"], currentDirectory: repositoryRoot())
        let elsewhere = try runProduct("marketgym", ["evaluate", run.path, "--split", "valid"], currentDirectory: out)
        #expect(fromProject.status == 0, "\(fromProject.stderr)")
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
        #expect(!fromProject.stdout.isEmpty && fromProject.stdout == elsewhere.stdout)
    }
}
