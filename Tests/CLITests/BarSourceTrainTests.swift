import Foundation
import Testing
import TestSupport
import CheckpointFormat

/// Experiments name a bar-source spec: the bundled crypto spec, resampled on load by
/// `env.data.timeframe`, trains through a tiny experiment and prints what the loader inferred.
@Suite(.serialized) struct BarSourceTrainTests {
    static let cryptoSplits = "{train: {from: 2018-01-01, to: 2019-12-31}, valid: {from: 2020-01-01, to: 2020-12-31}, test: {from: 2021-01-01, to: 2021-12-31}}"

    @Test func theBundledCryptoSpecTrainsThroughATinyExperiment() throws {
        let out = try makeTemporaryDirectory()
        let r = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--run-name", "c",
                                             "--set", "env.data.bars=Experiments/data/crypto-hourly/crypto-hourly.bars.yaml",
                                             "--set", "env.data.timeframe=4h", "--set", "env.data.benchmark=''",
                                             "--set", "env.constraints.betaNeutral=false", "--set", "env.splits=\(Self.cryptoSplits)",
                                             "--set", "env.episode.horizon=120",
                                             "--set", "training.totalSteps=300", "--set", "training.checkpointEvery=300",
                                             "--set", "agent.learningStarts=100", "--set", "agent.replay.capacity=1000",
                                             "--set", "evaluation.baselines=[flat]"],
                               currentDirectory: repositoryRoot())
        #expect(r.status == 0, "\(r.stderr)")
        // What the loader inferred is printed on load, as `marketgym data load` prints it.
        #expect(r.stdout.contains("stamps: bar open, moved to the close (+1h)"), "\(r.stdout)")
        #expect(r.stdout.contains("duplicates: ") && r.stdout.contains("newest first"))
        #expect(r.stdout.contains("resampled 1h -> 4h"), "\(r.stdout)")
        #expect(r.stdout.contains("panel: ") && r.stdout.contains("x 4 assets (ADA, BNB, BTC, ETH)"), "\(r.stdout)")
        let checkpoint = try Checkpoint.read(from: out.appendingPathComponent("c/checkpoints/best.h5"))
        #expect(checkpoint.policy.assets == ["ADA", "BNB", "BTC", "ETH"])
        #expect(checkpoint.policy.observationNames.contains("BTC.pred_h5"))
        let config = try String(contentsOf: out.appendingPathComponent("c/config.yaml"), encoding: .utf8)
        #expect(config.contains("crypto-hourly.bars.yaml") && config.contains("timeframe: 4h"))
    }

    /// An inline spec under `env.data.bars` is decoded strictly: an unknown key names its path.
    @Test func anInlineSpecWithATypoIsRefusedNamingTheKey() throws {
        let out = try makeTemporaryDirectory()
        let r = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--run-name", "x",
                                             "--set", "env.data.bars={files: [x.csv], stamp: open}"],
                               currentDirectory: repositoryRoot())
        #expect(r.status != 0)
        #expect(r.stderr.contains("env.data.bars.stamp") || r.stderr.contains("environment.data.bars.stamp"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("x").path))
    }
}
