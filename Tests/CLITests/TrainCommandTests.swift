import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
import CheckpointFormat

/// End-to-end CLI tests on tiny budgets: the built `marketgym` executable, as a user runs it.
@Suite(.serialized) struct TrainCommandTests {
    /// DQN on CartPole, small enough for a debug build: checkpoints every 400 steps.
    static let cartpole = ["--set", "training.totalSteps=1600", "--set", "training.checkpointEvery=400", "--set", "agent.learningStarts=200",
                           "--set", "agent.trainFrequency=4", "--set", "agent.gradientSteps=1", "--set", "agent.replay.capacity=5000",
                           "--set", "agent.network.hidden=[32, 32]", "--set", "evaluation.episodes=2", "--quiet"]

    @Test func trainEvaluateReportInspectOnTheBundledData() throws {
        let out = try makeTemporaryDirectory()
        let r = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--run-name", "q", "--quiet",
                                             "--set", "training.totalSteps=600", "--set", "training.checkpointEvery=300",
                                             "--set", "agent.learningStarts=100", "--set", "agent.replay.capacity=2000"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("fixedGross") && r.stdout.contains("test:"))
        let run = out.appendingPathComponent("q")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("summary.json"))) as? [String: Any])
        let test = try #require((summary["evaluation"] as? [String: Any])?["test"] as? [String: Double])
        #expect(test["sharpe"] != nil && test["maxDrawdown"] != nil)
        // The resolved config was the first file written: it names every default, e.g. SB3's max_grad_norm.
        let config = try String(contentsOf: run.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(config.contains("maxGradNorm: 10.0") && config.contains("totalSteps: 600"))

        let ev = try runProduct("marketgym", ["evaluate", run.path, "--split", "test"])
        #expect(ev.status == 0, "\(ev.stderr)")
        #expect(ev.stdout.contains("agent") && ev.stdout.contains("confidence"))

        let rep = try runProduct("marketgym", ["report", run.path])
        #expect(rep.status == 0, "\(rep.stderr)")
        let html = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        // Self-contained: no scripts, nothing fetched (the only URL is the SVG namespace).
        #expect(html.contains("<svg") && !html.contains("<script"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
        // The report's numbers are the summary's.
        let sharpe = String(format: "%.3f", test["sharpe"] ?? .nan)
        #expect(html.contains("<td>\(sharpe)</td>"))
        // Every inline SVG is well-formed XML.
        var rest = Substring(html)
        var count = 0
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let svg = String(rest[start.lowerBound..<end.upperBound])
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "SVG \(count) is not well-formed")
            count += 1
            rest = rest[end.upperBound...]
        }
        #expect(count >= 6)

        let best = run.appendingPathComponent("checkpoints/best.h5")
        let ins = try runProduct("marketgym", ["inspect", best.path])
        #expect(ins.status == 0)
        #expect(ins.stdout.contains("MarketGym checkpoint") && ins.stdout.contains("scheme sizing") && ins.stdout.contains("20 assets"))

        // The daemon's JSON-lines server: one good snapshot, one with the assets reordered.
        let assets = try Checkpoint.readPolicy(from: best).policy.assets
        let closes = (0..<30).map { t in assets.indices.map { 100 + Double(t) + Double($0) } }
        let preds = assets.indices.map { i in [0.01 * Double(i % 5 - 2), 0, 0] }
        func json(_ a: [String]) throws -> String {
            let object: [String: Any] = ["assets": a, "features": ["pred_h1", "pred_h5", "pred_h20"], "closes": closes, "predictions": preds, "id": "bar-1"]
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        let act = try runProduct("marketgym", ["act", best.path], stdin: try json(assets) + "\n" + json(assets.reversed()) + "\n")
        #expect(act.status == 0, "\(act.stderr)")
        let lines = act.stdout.split(separator: "\n").map { String($0) }
        #expect(lines.count == 2)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let weights = try #require(answer["weights"] as? [Double])
        #expect(weights.count == assets.count)
        #expect(abs(weights.reduce(0, +)) < 1e-9)  // dollar-neutral
        #expect(answer["policyVersion"] as? String != nil && answer["id"] as? String == "bar-1")
        #expect(lines[1].contains("\"error\"") && lines[1].contains("order"))
    }

    @Test func badSpecsFailWithErrorsThatSayWhatToFix() throws {
        let typo = try runProduct("marketgym", ["train", "quickstart", "--set", "env.reward.turnoverPenalti=0.1"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("env.reward.turnoverPenalti") && typo.stderr.contains("turnoverPenalty"))
        let bad = try runProduct("marketgym", ["train", "quickstart", "--set", "agent.batchSize=big"])
        #expect(bad.status == 1 && bad.stderr.contains("agent.batchSize"))
        let missing = try runProduct("marketgym", ["train", "no-such-experiment"])
        #expect(missing.status == 1 && missing.stderr.contains("Available:"))
        let noArgs = try runProduct("marketgym", ["train"])
        #expect(noArgs.status != 0 && noArgs.stderr.contains("--resume"))
    }

    @Test func checkEnvAndBacktest() throws {
        let check = try runProduct("marketgym", ["check-env", "Environments/synthetic.yaml"], currentDirectory: repositoryRoot())
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("0 failed"))
        let bt = try runProduct("marketgym", ["backtest", "Environments/synthetic.yaml", "--baseline", "confidence", "--split", "valid"], currentDirectory: repositoryRoot())
        #expect(bt.status == 0, "\(bt.stderr)")
        #expect(bt.stdout.contains("confidence") && bt.stdout.contains("per year"))
    }

    static let market = ["--set", "training.totalSteps=1600", "--set", "training.checkpointEvery=400", "--set", "agent.learningStarts=200",
                         "--set", "agent.replay.capacity=3000", "--set", "evaluation.splits=[valid]", "--quiet"]

    /// SIGKILL mid-run, then --resume: the final weights and metrics equal an uninterrupted run's
    /// (CartPole, and the market env on the bundled data: env state, replay and all generators restored).
    @Test(arguments: ["cartpole-dqn", "quickstart"])
    func killedRunResumesBitExactly(experiment: String) throws {
        let args = experiment == "quickstart" ? Self.market : Self.cartpole
        let out = try makeTemporaryDirectory()
        let straight = try runProduct("marketgym", ["train", experiment, "--out", out.path, "--run-name", "straight"] + args)
        #expect(straight.status == 0, "\(straight.stderr)")

        let process = Process()
        process.executableURL = productURL("marketgym")
        process.arguments = ["train", experiment, "--out", out.path, "--run-name", "killed"] + args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoints = out.appendingPathComponent("killed/checkpoints")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline && process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
            if names.contains("step-000000000800.h5") { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try runProduct("marketgym", ["train", "--resume", out.appendingPathComponent("killed").path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed from"))
        let a = try Checkpoint.read(from: out.appendingPathComponent("straight/checkpoints/step-000000001600.h5"))
        let b = try Checkpoint.read(from: out.appendingPathComponent("killed/checkpoints/step-000000001600.h5"))
        #expect(a.policyParameters == b.policyParameters)
        #expect(a.training?.networks == b.training?.networks)
        let m1 = try String(contentsOf: out.appendingPathComponent("straight/metrics.csv"), encoding: .utf8)
        let m2 = try String(contentsOf: out.appendingPathComponent("killed/metrics.csv"), encoding: .utf8)
        #expect(m1 == m2)
    }

    /// SIGINT (Ctrl-C) writes a checkpoint at the current step and exits with status 130; --resume finishes.
    @Test func interruptWritesACheckpointAndResumes() throws {
        let out = try makeTemporaryDirectory()
        let process = Process()
        process.executableURL = productURL("marketgym")
        process.arguments = ["train", "cartpole-dqn", "--out", out.path, "--run-name", "int"] + Self.cartpole
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoints = out.appendingPathComponent("int/checkpoints")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline && process.isRunning {
            if ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []).contains("step-000000000400.h5") { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 130 else {
            // The run may have finished before the signal arrived on a fast machine; then there is nothing to test.
            #expect(process.terminationStatus == 0, "\(text)")
            return
        }
        #expect(text.contains("interrupted at step") && text.contains("--resume"))
        let resumed = try runProduct("marketgym", ["train", "--resume", out.appendingPathComponent("int").path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("int/summary.json").path))
    }

    @Test func sweepWithTwoWorkersRunsAndResumes() throws {
        let out = try makeTemporaryDirectory()
        let sweep = out.appendingPathComponent("s.yaml")
        try """
        name: tiny
        experiment: cartpole-dqn
        seeds: [0, 1]
        select: {split: episodes, metric: meanReturn}
        overrides: {training.totalSteps: 400, training.checkpointEvery: 400, agent.learningStarts: 100, agent.replay.capacity: 1000, evaluation.episodes: 2}
        parameters:
          agent.gamma: [0.9, 0.99]
        """.write(to: sweep, atomically: true, encoding: .utf8)
        let first = try runProduct("marketgym", ["sweep", sweep.path, "--workers", "2", "--out", out.path], currentDirectory: repositoryRoot())
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("4 trials, 4 completed, 0 failed, 0 without result") && first.stdout.contains("best: c00"))
        let csv = try String(contentsOf: out.appendingPathComponent("sweep-tiny/results.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 5)
        let again = try runProduct("marketgym", ["sweep", sweep.path, "--workers", "2", "--out", out.path], currentDirectory: repositoryRoot())
        #expect(again.status == 0)
        #expect(again.stdout.contains("4 trials, 4 finished earlier, 0 to run"))
    }
}
