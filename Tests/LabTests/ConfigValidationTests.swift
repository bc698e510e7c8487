import Foundation
import Testing
import TestSupport
import Agents
import MarketGym
@testable import Lab

/// Issue 13, configuration part, at the Lab layer: specs are checked at load, the data-dependent
/// checks (benchmark coverage, feature names, network size) before anything is built from them.
@Suite struct ConfigValidationTests {
    let loader = SpecLoader(root: repositoryRoot())

    func refusal(_ set: String) throws -> SpecError? {
        do {
            _ = try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: set)])
            return nil
        } catch { return error }
    }

    @Test func loadRefusesEachReportedValueWithKeyValueAndLimit() throws {
        let cases: [(String, String, String)] = [
            ("env.observation.window=4000000000000", "env.observation.window", "1...10000"),
            ("env.constraints.maxGross=.inf", "env.constraints.maxGross", "[0, 100]"),
            ("env.splits.walkForwardTestYear=-5", "env.splits.walkForwardTestYear", "1...9999"),
            ("env.splits.walkForwardValidYears=3000", "env.splits.walkForwardValidYears", "0...100"),
            ("env.data.maxPredictionAgeDays=.inf", "env.data.maxPredictionAgeDays", "0...36525"),
            ("evaluation.baselineGross=.nan", "evaluation.baselineGross", "[0, 2.0]"),
            ("agent.replay.capacity=10000000000", "agent.replay.capacity", "1...100000000"),
            ("agent.network.hidden=[100000000]", "agent.network.hidden[0]", "16777216"),
            ("agent.learningRate.final=-1", "agent.learningRate.final", ">= 0"),
            ("agent.adamEpsilon=0", "agent.adamEpsilon", "> 0"),
            ("env.reward.drawdownPenalty=.inf", "env.reward.drawdownPenalty", "finite"),
            ("env.costs.feeBps=.nan", "env.costs.feeBps", "basis points"),
            ("env.episode.split=Test", "env.episode.split", "lower case"),
        ]
        for (set, path, limit) in cases {
            let error = try refusal(set)
            guard case let .badValue(_, p, _, expected)? = error else { Issue.record("\(set): \(String(describing: error))"); continue }
            #expect(p == path, "\(set)")
            #expect(expected.contains(limit), "\(set): \(expected)")
        }
    }

    @Test func policyGradientSchedulesAndEpsilonAreChecked() throws {
        for (set, path) in [("agent.clipRange.initial=.nan", "agent.clipRange.initial"), ("agent.optimizerEpsilon=-1", "agent.optimizerEpsilon"),
                            ("agent.nSteps=100000000", "agent.nSteps"), ("agent.numEnvs=100000", "agent.numEnvs")] {
            do {
                _ = try loader.experiment("ppo-weights", overrides: [try SpecOverride(parsing: set)])
                Issue.record("\(set) was accepted")
            } catch {
                guard case let .badValue(_, p, _, _) = error else { Issue.record("\(set): \(error)"); continue }
                #expect(p == path)
            }
        }
    }

    @Test func everyShippedPresetPassesTheChecks() throws {
        for name in ["cartpole-dqn", "cartpole-ppo", "dqn-sizing", "ppo-weights", "quickstart"] {
            #expect(throws: Never.self) { _ = try loader.experiment(name) }
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: repositoryRoot().appendingPathComponent("Agents").path) where name.hasSuffix(".yaml") {
            let url = try loader.file(for: String(name.dropLast(5)), folder: "Agents")
            #expect(throws: Never.self) { _ = try AgentSpec.decode(try loader.tree(at: url), file: url.path) }
        }
    }

    @Test func enumErrorsListTheAllowedValues() throws {
        #expect(SpecDecoder.expectedValues("Cannot initialize Kind from invalid String value exp") == "one of constant, linear, cosine")
        #expect(SpecDecoder.expectedValues("Cannot initialize ActionSchemeKind from invalid String value x") == "one of sizing, perAsset, weights")
        #expect(SpecDecoder.expectedValues("something else") == "something else")
        guard case let .badValue(_, path, _, expected)? = try refusal("env.action.scheme=sizng") else { Issue.record("accepted"); return }
        #expect(path == "env.action.scheme" && expected == "one of sizing, perAsset, weights")
    }

    @Test func aScalarLearningRateIsAConstantAndAScalarSectionIsNamed() throws {
        let spec = try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "agent.learningRate=0.0005")]).spec
        guard case .dqn(let c) = spec.agent else { Issue.record("expected DQN"); return }
        #expect(c.learningRate == .constant(0.0005))
        guard case let .badValue(_, path, _, expected)? = try refusal("agent.learningRate=.inf") else { Issue.record("accepted"); return }
        #expect(path == "agent.learningRate.initial" && expected.contains("finite"))
        guard case let .badValue(_, p2, _, e2)? = try refusal("agent.network=3") else { Issue.record("accepted"); return }
        #expect(p2 == "agent.network" && e2 == "a mapping of keys")
    }

    @Test func longValuesAreQuotedAsOneShortLine() {
        #expect(SpecError.excerpt("short") == "short")
        let cut = SpecError.excerpt("first line\nsecond line")
        #expect(cut.hasPrefix("first line…") && !cut.contains("second"))
        let big = String(repeating: "x", count: 1_000_000)
        let message = SpecError.badValue(file: "f", path: "p", found: big, expected: "e").description
        #expect(message.count < 300 && message.contains("1000000 characters"))
    }

    @Test func presetPathsInsideSpecsStayInsideTheProject() throws {
        #expect(throws: SpecError.self) { _ = try loader.file(for: "../../../../etc/passwd", folder: "Environments", fromCommandLine: false) }
        do {
            _ = try loader.file(for: "../../../../etc/passwd", folder: "Environments", fromCommandLine: false)
        } catch {
            #expect(error.description.contains("inside the project"))
        }
        // Paths inside the project still resolve, with or without `.yaml`.
        #expect(try loader.file(for: "Environments/cartpole", folder: "Environments", fromCommandLine: false).lastPathComponent == "cartpole.yaml")
        #expect(try loader.file(for: "cartpole", folder: "Environments").lastPathComponent == "cartpole.yaml")
    }

    @Test func aPresetThatIsNotAMappingIsRefused() throws {
        let text = try SpecValue.parse(yaml: "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", source: "passwd")
        #expect(throws: SpecError.self) { _ = try EnvironmentSpec.decode(text, file: "passwd") }
        #expect(throws: SpecError.self) { _ = try AgentSpec.decode(.array([.int(1)]), file: "x") }
        #expect(throws: SpecError.self) { _ = try ExperimentSpec.decode(.string("x"), file: "x") }
    }

    @Test func yamlAnchorsAreRefusedAndTheValueCountIsBounded() throws {
        #expect(throws: SpecError.self) { _ = try SpecValue.parse(yaml: "a: &x 1\nb: *x\n", source: "s") }
        #expect(throws: SpecError.self) { _ = try SpecValue.parse(yaml: "a: &x 1\n", source: "s") }
        // 8 levels of 10 aliases: refused at the first anchor, before any expansion.
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = Array("abcdefghi").map(String.init)
        for i in 1...8 { lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 10).joined(separator: ", ") + "]") }
        // (Expanded, the 10^8 values would exhaust memory and kill the test process.)
        #expect(throws: SpecError.self) { _ = try SpecValue.parse(yaml: lines.joined(separator: "\n"), source: "bomb") }
        #expect(SpecValue.maxNodes == 1_000_000)
        // An ordinary spec under the budget parses.
        #expect(try SpecValue.parse(yaml: "a: [" + Array(repeating: "1", count: 1000).joined(separator: ",") + "]", source: "s")["a"] != nil)
    }

    @Test func networkBudgetCountsTheObservationSize() throws {
        var dqn = DQNConfig()
        dqn.replay.capacity = 1_000
        dqn.network.hidden = [2048]
        // 200,145 observation elements (window 10,000 over 20 assets) × 2048 > 2^24 parameters.
        #expect(throws: LabError.self) { try AgentFactory.checkBudget(.dqn(dqn), observationSize: 200_145) }
        #expect(throws: Never.self) { try AgentFactory.checkBudget(.dqn(dqn), observationSize: 285) }
        dqn.network.hidden = [64]
        dqn.batchSize = 65_536
        #expect(throws: LabError.self) { try AgentFactory.checkBudget(.dqn(dqn), observationSize: 200_145) }
        var ppo = PolicyGradientConfig()
        ppo.nSteps = 1_000_000
        ppo.numEnvs = 10
        #expect(throws: LabError.self) { try AgentFactory.checkBudget(.policyGradient(ppo), observationSize: 285) }
        #expect(AgentSpec.parameterCount(layers: [Int.max, 2]) == Int.max)
        #expect(AgentSpec.parameterCount(layers: [4, 64, 64, 2]) == 4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2)
    }

    /// Accepted wrongly 9: beta-neutral with a benchmark that starts 24 years after the bars.
    @Test func betaNeutralRefusesABenchmarkThatDoesNotCoverTheBars() throws {
        let root = repositoryRoot()
        let bars = try MarketData.load(contentsOf: root.appendingPathComponent("Experiments/data/sp500-20-daily.csv.gz"))
        let etfs = try MarketData.load(contentsOf: root.appendingPathComponent("Experiments/data/factor-etfs-daily.csv.gz"))
        let index = try MarketData.load(contentsOf: root.appendingPathComponent("Experiments/data/sp500-index-daily.csv.gz"))
        #expect(throws: Never.self) { try MarketSetup.requireCoverage(benchmark: index, of: bars, file: "index") }
        do {
            try MarketSetup.requireCoverage(benchmark: etfs, of: bars, file: "etfs")
            Issue.record("a benchmark starting in 2014 was accepted for bars from 1990")
        } catch {
            #expect(error.description.contains("from 1990-01-02 to 2013-12-31") && error.description.contains("betaNeutral"), "\(error)")
        }
        // Through the spec, as `--set env.constraints.betaNeutral=true --set env.data.benchmark=...`.
        var spec = try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "env.constraints.betaNeutral=true"),
                                                                     try SpecOverride(parsing: "env.data.benchmark=Experiments/data/factor-etfs-daily.csv.gz")]).spec.env
        #expect(throws: LabError.self) { _ = try MarketSetup.load(spec, root: root) }
        spec.data.benchmark = ""
        #expect(throws: LabError.self) { _ = try MarketSetup.load(spec, root: root) }
    }

    /// Accepted wrongly 6: a prediction feature named like a built-in observation element.
    @Test func predictionFeaturesNamedLikeObservationElementsAreRefused() throws {
        let dir = try makeTemporaryDirectory()
        var barsCSV = "date,AAA,BBB\n", predCSV = "date,asset,vol\n"
        for d in 1...28 {
            let day = String(format: "2020-02-%02d", d)
            barsCSV += "\(day),\(100 + d),\(50 + d)\n"
            predCSV += "\(day),AAA,0.1\n\(day),BBB,-0.1\n"
        }
        try barsCSV.write(to: dir.appendingPathComponent("bars.csv"), atomically: true, encoding: .utf8)
        try predCSV.write(to: dir.appendingPathComponent("pred.csv"), atomically: true, encoding: .utf8)
        var spec = EnvironmentSpec()
        spec.data.bars = dir.appendingPathComponent("bars.csv").path
        spec.data.predictions = dir.appendingPathComponent("pred.csv").path
        spec.data.benchmark = ""
        do {
            _ = try MarketSetup.load(spec, root: dir)
            Issue.record("a feature named 'vol' was accepted")
        } catch {
            #expect(error.description.contains("'vol'") && error.description.contains("pred_vol"), "\(error)")
        }
        try predCSV.replacingOccurrences(of: "asset,vol", with: "asset,pred_vol").write(to: dir.appendingPathComponent("pred.csv"), atomically: true, encoding: .utf8)
        #expect(throws: Never.self) { _ = try MarketSetup.load(spec, root: dir) }
    }

    /// The reserved list is exactly what `ObservationBuilder` writes per asset besides the features.
    @Test func reservedFeatureNamesMatchTheObservationBuilder() throws {
        var spec = EnvironmentSpec()
        spec.kind = .synthetic
        spec.synthetic.assets = 2
        spec.synthetic.bars = 50
        let setup = try MarketSetup.load(spec, root: repositoryRoot())
        let builder = try ObservationBuilder(panel: setup.panel, config: spec.market.observation)
        let asset = setup.panel.assets[0]
        let own = builder.names.filter { $0.hasPrefix("\(asset).") }.map { String($0.dropFirst(asset.count + 1)) }
            .filter { !setup.panel.featureNames.contains($0) }
        #expect(own.allSatisfy { $0.hasPrefix(MarketSetup.reservedFeaturePrefix) || MarketSetup.reservedFeatureNames.contains($0) })
        #expect(Set(own.filter { !$0.hasPrefix(MarketSetup.reservedFeaturePrefix) }) == Set(MarketSetup.reservedFeatureNames))
    }
}
