import Foundation
import Testing
import TestSupport

/// The multi-seed `train`, `check lookahead` and signal injection, run as a user runs them.
@Suite(.serialized) struct SeedsAndChecksCommandTests {
    static let tiny = ["--set", "training.totalSteps=400", "--set", "training.checkpointEvery=200", "--set", "agent.learningStarts=100",
                       "--set", "agent.replay.capacity=1000", "--quiet"]

    @Test func quickstartWithSeedsAggregatesResumesAndReportsTheVerdict() throws {
        let out = try makeTemporaryDirectory()
        let r = try runProduct("marketgym", ["train", "quickstart", "--seeds", "0-1", "--workers", "2", "--report", "--out", out.path, "--run-name", "g"] + Self.tiny)
        #expect(r.status == 0, "\(r.stderr)\n\(r.stdout)")
        let group = out.appendingPathComponent("g")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: group.appendingPathComponent("aggregate.json"))) as? [String: Any])
        #expect(json["seeds"] as? [Int] == [0, 1])
        let splits = try #require(json["splits"] as? [[String: Any]])
        #expect(splits.map { $0["split"] as? String } == ["valid", "test"])
        // The agent's test Sharpe across seeds is the mean of the two seeds' summaries.
        var sharpes: [Double] = []
        for s in 0...1 {
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: group.appendingPathComponent("seed-\(s)/summary.json"))) as? [String: Any])
            sharpes.append(try #require(((summary["evaluation"] as? [String: Any])?["test"] as? [String: Any])?["sharpe"] as? Double))
        }
        let testSharpe = try #require((splits[1]["agent"] as? [String: Any])?["sharpe"] as? [String: Any])
        #expect(abs((testSharpe["mean"] as? Double ?? .nan) - (sharpes[0] + sharpes[1]) / 2) < 1e-12)
        #expect(testSharpe["lower"] != nil && testSharpe["upper"] != nil)
        let verdict = try #require(json["verdict"] as? [String])
        #expect(verdict.count == 2 && verdict.allSatisfy { $0.contains("the best baseline") && ($0.contains("better than") || $0.contains("worse than") || $0.contains("not distinguishable from")) })
        let html = try String(contentsOf: group.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Is the agent better than the best baseline?") && html.contains(verdict[1]))
        #expect(html.contains("Monthly returns") && html.contains("Rolling Sharpe") && html.contains("min–max over 2 seeds") && html.contains("Per year"))
        #expect(!html.contains("<script"))
        // Resumable: a second run skips both finished seeds and rewrites the same aggregate.
        let before = try Data(contentsOf: group.appendingPathComponent("aggregate.json"))
        let again = try runProduct("marketgym", ["train", "--resume", group.path, "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("seed 0: finished already, skipped") && again.stdout.contains("seed 1: finished already, skipped"))
        #expect(try Data(contentsOf: group.appendingPathComponent("aggregate.json")) == before)
    }

    @Test func duplicateSeedsAndOneSeedAreHandledAsDocumented() throws {
        let out = try makeTemporaryDirectory()
        let dup = try runProduct("marketgym", ["train", "quickstart", "--seeds", "0,1,0", "--out", out.path] + Self.tiny)
        #expect(dup.status != 0)
        #expect(dup.stderr.contains("seed 0 twice"))
        let one = try runProduct("marketgym", ["train", "quickstart", "--seeds", "3", "--out", out.path, "--run-name", "one"] + Self.tiny)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("no across-seed interval is drawn"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("one/aggregate.json"))) as? [String: Any])
        let test = try #require(((json["splits"] as? [[String: Any]])?.last?["agent"] as? [String: Any])?["sharpe"] as? [String: Any])
        #expect(test["lower"] == nil && test["std"] == nil && test["mean"] != nil)
    }

    @Test func checkLookaheadGatesInjectedFilesAndNamesAssetMismatches() throws {
        let dir = try makeTemporaryDirectory()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bars = root.appendingPathComponent("Experiments/data/sp500-20-daily.csv.gz").path
        let inj = dir.appendingPathComponent("inj.csv.gz").path
        let w = try runProduct("marketgym", ["features", "inject", bars, inj, "--ic", "0.05", "--informativeness", "1"])
        #expect(w.status == 0, "\(w.stderr)")
        let flagged = try runProduct("marketgym", ["check", "lookahead", inj, "--bars", bars, "--max-lag", "1"])
        #expect(flagged.status == 2)
        #expect(flagged.stdout.contains("FINDING injected"))
        let other = dir.appendingPathComponent("other.csv")
        try "timestamp,asset,pred\n2020-01-02,NOTANASSET,0.1\n".write(to: other, atomically: true, encoding: .utf8)
        let bad = try runProduct("marketgym", ["check", "lookahead", other.path, "--bars", bars])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("NOTANASSET") && bad.stderr.contains("other.csv"))
    }
}
