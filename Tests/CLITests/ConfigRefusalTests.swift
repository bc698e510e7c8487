import Foundation
import Testing
import TestSupport

/// Issue 13, configuration part: each input that crashed `marketgym train` or was accepted wrongly,
/// run through the built executable exactly as reported, now refused before any data is read with
/// a message naming the key, the value, the limit and the fix. Each case fails in milliseconds
/// (the spec is checked before the data load), so the suite stays fast in a debug build.
@Suite(.serialized) struct ConfigRefusalTests {
    /// `--set` value, then fragments the error must contain (key, value as written back, limit or rule).
    static let refusals: [(set: String, expect: [String])] = [
        ("env.observation.window=4000000000000", ["env.observation.window", "4000000000000", "1...10000", "Fix"]),          // crash 3
        ("env.constraints.maxGross=.inf", ["env.constraints.maxGross", ".inf", "[0, 100]"]),                               // crash 4
        ("env.constraints.maxGross=1e300", ["env.constraints.maxGross", "1.0e+300", "[0, 100]"]),
        ("env.splits.walkForwardTestYear=100000000000000", ["env.splits.walkForwardTestYear", "100000000000000", "1...9999"]), // crash 5
        ("env.splits.walkForwardTestYear=-1", ["env.splits.walkForwardTestYear", "-1", "1...9999"]),
        ("env.splits.walkForwardTestYear=9223372036854775807", ["env.splits.walkForwardTestYear", "9223372036854775807", "1...9999"]),
        ("env.data.maxPredictionAgeDays=.inf", ["env.data.maxPredictionAgeDays", ".inf", "0...36525"]),                    // crash 6
        ("env.data.maxPredictionAgeDays=1e300", ["env.data.maxPredictionAgeDays", "1.0e+300", "0...36525"]),
        ("env.data.maxPredictionAgeDays=-1", ["env.data.maxPredictionAgeDays", "-1.0", "0...36525"]),                      // accepted 10
        ("env.data.maxPredictionAgeDays=.nan", ["env.data.maxPredictionAgeDays", ".nan", "0...36525"]),
        ("evaluation.baselineGross=.nan", ["evaluation.baselineGross", ".nan", "[0, 2.0]"]),                               // crash 7
        ("evaluation.baselineGross=-0.5", ["evaluation.baselineGross", "-0.5", "[0, 2.0]"]),                               // accepted 10
        ("agent.replay.capacity=10000000000", ["agent.replay.capacity", "10000000000", "1...100000000", "--set agent.replay.capacity="]), // crash 8
        ("agent.network.hidden=[100000000]", ["agent.network.hidden[0]", "100000000", "16777216"]),                        // crash 9
        ("agent.network.hidden=[8192, 8192, 8192]", ["agent.network.hidden", "16777216 parameters", "Fix"]),
        ("agent.batchSize=100000000", ["agent.batchSize", "100000000", "1...65536", "--set agent.batchSize="]),
        ("agent.learningRate.initial=.inf", ["agent.learningRate.initial", ".inf", "> 0"]),                               // accepted 8
        ("agent.learningRate={kind: linear, initial: 0.001, final: -0.001}", ["agent.learningRate.final", "-0.001", ">= 0"]),
        ("agent.adamEpsilon=0", ["agent.adamEpsilon", "0.0", "> 0"]),
        ("agent.adamEpsilon=-1e-8", ["agent.adamEpsilon", "-1.0e-08", "> 0"]),
        ("agent.adamEpsilon=.nan", ["agent.adamEpsilon", ".nan", "> 0"]),
        ("env.universe=[AAPL, AAPL]", ["env.universe[1]", "AAPL", "each asset once"]),                                    // accepted 10
        ("env.splits.test.from=2014-06-01", ["env.splits.test", "overlaps splits.train", "do not overlap"]),
        ("env.reward.turnoverPenalty=.nan", ["env.reward.turnoverPenalty", ".nan", "finite"]),                            // message: NaN weights
        ("agent.learningRate.kind=exp", ["agent.learningRate.kind", "exp", "one of constant, linear, cosine"]),           // message: enum
    ]

    @Test func everyReportedSetIsRefusedByKeyValueAndLimit() throws {
        let out = try makeTemporaryDirectory()
        for (set, fragments) in Self.refusals {
            let r = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--set", set, "--quiet"])
            #expect(r.status == 1, "\(set): status \(r.status)\n\(r.stderr)")
            for f in fragments { #expect(r.stderr.contains(f), "\(set): '\(f)' missing from: \(r.stderr)") }
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Cannot initialize"), "\(set): \(r.stderr)")
        }
        // Nothing was created for a refused spec.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    /// Crashes 8 and 9 past the spec checks, and accepted wrongly 9: refusals that need the data
    /// (observation size, benchmark dates) come before the run folder is created, so nothing is
    /// left behind that `--resume` would be advised to continue.
    @Test func dataDependentRefusalsLeaveNoRunFolder() throws {
        let out = try makeTemporaryDirectory()
        let cases: [([String], [String])] = [
            (["agent.replay.capacity=100000000"], ["replay buffer needs", "GiB", "--set agent.replay.capacity="]),
            (["env.observation.window=10000", "agent.network.hidden=[4096]"], ["agent.network.hidden", "200145 observation elements", "16777216"]),
            (["env.constraints.betaNeutral=true", "env.data.benchmark=Experiments/data/factor-etfs-daily.csv.gz"],
             ["does not cover the bars from 1990-01-02 to 2013-12-31", "betaNeutral"]),
        ]
        for (sets, fragments) in cases {
            let r = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--quiet"] + sets.flatMap { ["--set", $0] })
            #expect(r.status == 1, "\(sets): \(r.stderr)")
            for f in fragments { #expect(r.stderr.contains(f), "\(sets): '\(f)' missing from: \(r.stderr)") }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    /// Crashes 4 and 7 through `backtest`, whose `--gross` bypasses the spec: refused, not trapped.
    @Test func backtestRefusesAGrossItCannotRun() throws {
        for gross in ["nan", "inf", "1e300", "-1"] {
            let r = try runProduct("marketgym", ["backtest", "Environments/synthetic.yaml", "--baseline", "fixedGross", "--gross=\(gross)", "--split", "valid"],
                                   currentDirectory: repositoryRoot())
            #expect(r.status == 1, "\(gross): \(r.stderr)")
            #expect(r.stderr.contains("backtest --gross") && r.stderr.contains("[0, 100]"), "\(gross): \(r.stderr)")
        }
    }

    /// Crash 10: the nested-alias expansion (8 levels of 10) is refused at the first anchor, at once.
    @Test func yamlAliasBombIsRefusedBeforeExpansion() throws {
        let dir = try makeTemporaryDirectory()
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = Array("abcdefghi").map(String.init)
        for i in 1...8 { lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 10).joined(separator: ", ") + "]") }
        let bomb = dir.appendingPathComponent("bomb.yaml")
        try (lines.joined(separator: "\n") + "\n").write(to: bomb, atomically: true, encoding: .utf8)
        let r = try runProduct("marketgym", ["train", bomb.path, "--out", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bomb.yaml") && r.stderr.contains("line 1") && r.stderr.contains("anchors and aliases"), "\(r.stderr)")
    }

    /// Accepted wrongly 5: a file named like a preset in the working directory does not replace
    /// the preset; `train` names every file it used; the file is used only when written as a path.
    @Test func aFileNamedLikeAPresetDoesNotReplaceIt() throws {
        let cwd = try makeTemporaryDirectory()
        // A decoy agent preset (batchSize 7) and a decoy experiment under the preset names.
        try "algorithm: dqn\nbatchSize: 7\n".write(to: cwd.appendingPathComponent("dqn-cartpole"), atomically: true, encoding: .utf8)
        try "name: decoy\nenv: cartpole\nagent: {algorithm: dqn, batchSize: 7}\n".write(to: cwd.appendingPathComponent("cartpole-dqn"), atomically: true, encoding: .utf8)
        let spec = repositoryRoot().appendingPathComponent("Experiments/cartpole-dqn.yaml").path
        let r = try runProduct("marketgym", ["train", spec, "--out", cwd.path, "--run-name", "r"] + TrainCommandTests.cartpole
                               + ["--set", "training.totalSteps=400"], currentDirectory: cwd)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("using experiment Experiments/cartpole-dqn.yaml") && r.stdout.contains("agent preset Agents/dqn-cartpole.yaml"), "\(r.stdout)")
        let config = try String(contentsOf: cwd.appendingPathComponent("r/config.yaml"), encoding: .utf8)
        #expect(!config.contains("batchSize: 7") && config.contains("name: cartpole-dqn"))

        // A bare name from a folder outside any project: not read from the working directory.
        let bare = try runProduct("marketgym", ["train", "cartpole-dqn", "--out", cwd.path], currentDirectory: cwd)
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("no preset Experiments/cartpole-dqn.yaml") && bare.stderr.contains("./cartpole-dqn"), "\(bare.stderr)")
    }

    /// Misleading message: a non-YAML file given as a spec (`../../etc/passwd`) is refused quoting
    /// at most 40 characters of it, and nothing is trained.
    @Test func aTextFileAsASpecIsRefusedQuotingOneShortExcerpt() throws {
        let dir = try makeTemporaryDirectory()
        let text = (0..<200).map { "user\($0):x:\($0):\($0)::/home/user\($0):/bin/sh" }.joined(separator: "\n") + "\n"
        let file = dir.appendingPathComponent("passwd")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = try runProduct("marketgym", ["train", file.path, "--out", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not a YAML mapping") && r.stderr.contains("user0:x:0:0"), "\(r.stderr)")
        #expect(!r.stderr.contains("user2:") && r.stderr.count < 600, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path))
    }

    /// Accepted wrongly 8 (training part): a diverging run stops with an error (status 1) at the
    /// first non-finite loss, its last good checkpoint intact and nothing written after it.
    @Test func divergingTrainingStopsAndKeepsTheLastGoodCheckpoint() throws {
        let out = try makeTemporaryDirectory()
        // Learning starts after the first checkpoint (step 400); the rate then explodes.
        let r = try runProduct("marketgym", ["train", "cartpole-dqn", "--out", out.path, "--run-name", "div"] + TrainCommandTests.cartpole
                               + ["--set", "agent.learningStarts=500", "--set", "agent.learningRate={kind: linear, initial: 1e30, final: 1e30}"])
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("div/checkpoints").path).filter { $0.hasPrefix("step-") }
        #expect(checkpoints.count == 1 && checkpoints.first?.hasSuffix("400.h5") == true, "\(checkpoints)")
        let last = try #require(checkpoints.first)
        #expect(r.stderr.contains("training diverged: train/loss was") && r.stderr.contains("checkpoints/\(last), is intact"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("div/summary.json").path))
        let inspect = try runProduct("marketgym", ["inspect", out.appendingPathComponent("div/checkpoints/\(last)").path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
    }

    /// Misleading message: `train` into an existing run folder says "continue it with --resume",
    /// and `--resume` then does continue it, also when it stopped before its first checkpoint.
    @Test func trainAndResumeGiveConsistentAdviceForOneFolder() throws {
        let out = try makeTemporaryDirectory()
        let args = ["train", "cartpole-dqn", "--out", out.path, "--run-name", "r"] + TrainCommandTests.cartpole + ["--set", "training.totalSteps=400"]
        // A run folder as a run killed before its first checkpoint leaves it: config.yaml only.
        let first = try runProduct("marketgym", args)
        #expect(first.status == 0, "\(first.stderr)")
        let run = out.appendingPathComponent("r")
        for name in ["checkpoints", "metrics.csv", "summary.json", "tensorboard", "evaluation"] {
            try? FileManager.default.removeItem(at: run.appendingPathComponent(name))
        }
        let again = try runProduct("marketgym", args)
        #expect(again.status == 1)
        #expect(again.stderr.contains("Continue it with `marketgym train --resume \(run.path)`"), "\(again.stderr)")
        let resumed = try runProduct("marketgym", ["train", "--resume", run.path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("starting from step 0"))
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path))
    }
}
