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

/// The bundled crypto predictions at 1h, 2h and 4h: the walk-forward predictor run on the spec's
/// bars resampled to each timeframe (`marketgym features build --spec ... --timeframe`).
@Suite(.serialized) struct CryptoPredictionSourcesTests {
    static let folder = "Experiments/data/crypto-hourly"

    /// Rebuilding reproduces the committed files (CSV content and provenance, byte for byte), and
    /// prints the IC report per year.
    @Test(arguments: ["1h", "2h", "4h"]) func rebuildingReproducesTheCommittedPredictions(timeframe: String) throws {
        let out = try makeTemporaryDirectory()
        let file = out.appendingPathComponent("crypto-hourly.\(timeframe).predictions.csv.gz")
        let r = try runProduct("marketgym", ["features", "build", "--spec", "\(Self.folder)/crypto-hourly.bars.yaml", "--timeframe", timeframe, file.path],
                               currentDirectory: repositoryRoot())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| year | IC h=1 | IC h=5 | IC h=20 |") && r.stdout.contains("| 2021 |"), "\(r.stdout)")
        #expect(r.stdout.contains("input crypto-hourly.bars.yaml @\(timeframe) fnv1a64:"))
        let committed = repositoryRoot().appendingPathComponent("\(Self.folder)/crypto-hourly.\(timeframe).predictions.csv.gz")
        let gunzip = { (url: URL) throws -> String in
            let g = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-dc", url.path])
            return g.stdout
        }
        let rebuilt = try gunzip(file), want = try gunzip(committed)
        #expect(!want.isEmpty && rebuilt == want, "the committed \(timeframe) predictions differ from a rebuild: rerun the command above into \(Self.folder)")
        let provenance = { (dir: URL) in try Data(contentsOf: dir.appendingPathComponent("crypto-hourly.\(timeframe).predictions.provenance.json")) }
        #expect(try provenance(out) == provenance(repositoryRoot().appendingPathComponent(Self.folder)))
    }

    /// The three committed sources drive an env on the hourly bars: names carry the source, each
    /// 2h/4h stamp is a close of its grid, and a tiny experiment trains.
    @Test func threeSourcesOnTheHourlyBarsTrainATinyExperiment() throws {
        let out = try makeTemporaryDirectory()
        let sources = "[" + [("h1", "1h", "0.125"), ("h2", "2h", "0.25"), ("h4", "4h", "0.5")].map { name, tf, age in
            "{name: \(name), predictions: \(Self.folder)/crypto-hourly.\(tf).predictions.csv.gz, timeframe: \(tf), maxAgeDays: \(age)}"
        }.joined(separator: ", ") + "]"
        let r = try runProduct("marketgym", ["train", "quickstart", "--out", out.path, "--run-name", "s",
                                             "--set", "env.data.bars=\(Self.folder)/crypto-hourly.bars.yaml",
                                             "--set", "env.data.sources=\(sources)", "--set", "env.data.benchmark=''",
                                             "--set", "env.constraints.betaNeutral=false", "--set", "env.splits=\(BarSourceTrainTests.cryptoSplits)",
                                             "--set", "env.action.signalFeature=h1.pred_h1", "--set", "env.episode.horizon=200",
                                             "--set", "training.totalSteps=300", "--set", "training.checkpointEvery=300",
                                             "--set", "agent.learningStarts=100", "--set", "agent.replay.capacity=1000",
                                             "--set", "evaluation.baselines=[flat]"],
                               currentDirectory: repositoryRoot())
        #expect(r.status == 0, "\(r.stderr)")
        let checkpoint = try Checkpoint.read(from: out.appendingPathComponent("s/checkpoints/best.h5"))
        let names = checkpoint.policy.observationNames
        for source in ["h1", "h2", "h4"] { #expect(names.contains("BTC.\(source).pred_h5")) }
        let lastH1 = try #require(names.firstIndex(of: "BTC.h1.pred_h20")), firstH2 = try #require(names.firstIndex(of: "BTC.h2.pred_h1"))
        #expect(lastH1 + 1 == firstH2)
    }
}
