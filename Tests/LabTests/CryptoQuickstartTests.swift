import Foundation
import Testing
import TestSupport
import Lab

/// `Experiments/crypto-quickstart.yaml` end to end on a tiny budget: the bundled raw Binance files
/// through their spec, the three prediction sources, the 2021 walk-forward fold, training,
/// evaluation against the baselines, and the report on hourly 24/7 bars.
@Suite(.serialized) struct CryptoQuickstartTests {
    static let tiny = ["training.totalSteps=600", "training.checkpointEvery=300", "agent.learningStarts=200",
                       "agent.replay.capacity=1000", "agent.batchSize=32"]

    static func load(_ sets: [String]) throws -> (SpecLoader.LoadedExperiment, SpecLoader) {
        let loader = SpecLoader(root: repositoryRoot())
        let overrides = try sets.map { (s) throws(SpecError) in try SpecOverride(parsing: s) }
        return (try loader.load("crypto-quickstart", overrides: overrides), loader)
    }

    @Test func theCryptoQuickstartTrainsEvaluatesAndReportsOnHourlyBars() throws {
        let (loaded, loader) = try Self.load(Self.tiny)
        #expect(loaded.spec.env.data.sources.map(\.name) == ["h1", "h2", "h4"])
        let context = try EnvironmentContext.load(loaded.spec.env, root: loader.root)
        guard case .market(let setup) = context else { Issue.record("not a market env"); return }
        #expect(setup.data.assets == ["ADA", "BNB", "BTC", "ETH"])
        #expect(setup.panel.featureNames == ["h1", "h2", "h4"].flatMap { s in ["pred_h1", "pred_h5", "pred_h20"].map { "\(s).\($0)" } })
        // The 2021 fold: train through 2019, valid 2020, test 2021, each split's bars inside its years.
        let t = setup.data.timestamps, year = { (k: Int) in Timestamp.year(of: t[k]) }
        let splits = try ["train", "valid", "test"].map { try DataSplit.named($0, config: setup.config.splits, timestamps: t) }
        #expect(year(splits[0].bars.first ?? 0) == 2017 && year((splits[0].bars.last ?? 0)) == 2019)
        #expect(year(splits[1].bars.first ?? 0) == 2020 && year(splits[1].bars.last ?? 0) == 2020)
        #expect(year(splits[2].bars.first ?? 0) == 2021 && year(splits[2].bars.last ?? 0) == 2021)

        let run = try TrainingRun.create(spec: loaded.spec, tree: loaded.tree, root: loader.root, parent: try makeTemporaryDirectory(), runName: "crypto")
        let outcome = try run.train(context: context, makeAgent: { () throws(LabError) in try AgentFactory.make(run.spec, context: context) },
                                    resume: false, shouldStop: { false }, log: { _ in })
        #expect(outcome.status == .completed && outcome.step == 600)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.summaryURL)) as? [String: Any])
        let evaluation = try #require(summary["evaluation"] as? [String: [String: Double]])
        for split in ["valid", "test"] {
            // 24/7 annualization from the real spacing: 365.25 days x 24 hours = 8,766 bars a year.
            let m = try #require(evaluation[split]), steps = try #require(m["steps"]), years = try #require(m["years"])
            #expect(abs(steps / years - 8766) < 30, "\(split): \(steps) bars over \(years) years")
        }
        // The evaluation walks every bar of 2020 (exchange outages are gaps, not bars): one step fewer than bars.
        #expect(evaluation["valid"]?["steps"] == Double(splits[1].bars.count - 1))
        let baselines = try #require(summary["baselines"] as? [String: [String: Any]])
        #expect(Set(baselines["test"]?.keys.map { $0 } ?? []) == ["flat", "fixedGross", "confidence", "combined", "agreement"])
        // The combined book of the nine features is not the env's one-source book (fixedGross).
        let sharpe = { (name: String) in (baselines["test"]?[name] as? [String: Any])?["sharpe"] as? Double }
        #expect(sharpe("combined") != nil && sharpe("combined") != sharpe("fixedGross"))

        // Evaluation files carry the full hourly stamp (24 distinct rows a day), and the report
        // labels a one-year fold by month.
        let csv = try String(contentsOf: run.directory.appendingPathComponent("evaluation/test.csv"), encoding: .utf8)
        let agentDates = csv.split(separator: "\n").dropFirst().filter { $0.hasPrefix("agent,") }.map { $0.split(separator: ",")[1] }
        #expect(agentDates.first == "2021-01-01T01:00:00Z" && Set(agentDates).count == agentDates.count, "\(agentDates.prefix(3))")
        let html = try RunReport.render(runDirectory: run.directory)
        #expect(html.contains(">2021-03<") && html.contains(">2020-07<"))
        #expect(html.contains("<h3>Per year (test, agent)</h3>"))
    }

    /// The 2018 fold has no full year before it (`walkForwardValidYears: 0`): checkpoint selection on
    /// validation is refused at load naming the fix, and the fix loads.
    @Test func theFoldWithoutValidationYearsIsRefusedUntilSelectionLeavesValidation() throws {
        let fold = ["env.splits.walkForwardTestYear=2018", "env.splits.walkForwardValidYears=0"]
        let refused = #expect(throws: SpecError.self) { try Self.load(fold) }
        #expect(refused?.description.contains("training.evaluateAtCheckpoints=false") == true, "\(String(describing: refused))")
        let stillValid = #expect(throws: SpecError.self) { try Self.load(fold + ["training.evaluateAtCheckpoints=false"]) }
        #expect(stillValid?.description.contains("evaluation.splits") == true)
        let (loaded, _) = try Self.load(fold + ["training.evaluateAtCheckpoints=false", "evaluation.splits=[train, test]"])
        #expect(loaded.spec.env.market.splits.walkForwardTestYear == 2018 && loaded.spec.evaluation.splits == ["train", "test"])
    }
}
