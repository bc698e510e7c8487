import Foundation
import Gym
import MarketGym
import PolicyRuntime
import Testing
import TestSupport

/// The runtime's per-bar path (`BarWindow` + `BarObservation` in a `PolicyContext`) gives, bit for
/// bit, what MarketGym's panel-level code gives when a `MarketPanel` is built from the snapshot
/// (the runtime's previous implementation, kept here as the reference), on the bundled data.
@Suite struct FastPathTests {
    /// The reference: a `MarketPanel` over the snapshot's last `requiredHistory` bars, then
    /// `ObservationBuilder`, `ActionScheme.rawBook(panel:)` and `NeutralityProjection`.
    static func reference(_ policy: Policy, _ s: PolicySnapshot, action: Action?) throws -> (observation: [Float], weights: [Double]) {
        guard let config = policy.environmentConfig else { throw TestFailure("not a market policy") }
        let n = policy.spec.assets.count, k = policy.featureNames.count, rows = policy.requiredHistory, first = s.closes.count - rows
        let close = (0..<rows).flatMap { s.closes[first + $0] }
        var feats = [Float](repeating: .nan, count: rows * n * k)
        for i in 0..<n { for q in 0..<k { feats[(rows - 1) * n * k + i * k + q] = Float(s.predictions[i][q]) } }
        let data = try MarketData(assets: policy.spec.assets, timestamps: (0..<rows).map { Int64($0) * 86_400 }, close: close)
        let panel = try MarketPanel(data: data, features: FeatureMatrix(names: policy.featureNames, assets: policy.spec.assets, barCount: rows, values: feats),
                                    benchmark: config.constraints.betaNeutral ? s.benchmark.map { Array($0[first...]) } : nil,
                                    volatilityWindow: config.observation.volatilityWindow, betaWindow: config.constraints.betaWindow,
                                    signalFeature: config.action.signalFeature, confidenceFeature: config.action.confidenceFeature)
        let builder = try ObservationBuilder(panel: panel, config: config.observation)
        let held = s.weights ?? [Double](repeating: 0, count: n)
        var gross = 0.0, net = 0.0
        for x in held { gross += abs(x); net += x }
        var obs = [Float](repeating: 0, count: builder.count)
        held.withUnsafeBufferPointer { w in
            obs.withUnsafeMutableBufferPointer {
                builder.write(bar: rows - 1, weights: w, portfolio: PortfolioSnapshot(gross: gross, net: net, drawdown: s.drawdown, time: s.time, lastReturn: s.lastReturn), into: $0)
            }
        }
        guard let action else { return (obs, []) }
        let scheme = try ActionScheme(config.action, maxWeight: config.constraints.maxWeight, assetCount: n, featureNames: policy.featureNames)
        var w = [Double](repeating: 0, count: n)
        try w.withUnsafeMutableBufferPointer { (p) throws(EnvironmentError) in try scheme.rawBook(action, panel: panel, bar: rows - 1, into: p) }
        let t = rows - 1
        NeutralityProjection(config.constraints).project(&w, tradable: Array(panel.tradable[(t * n)..<(t * n + n)]), beta: Array(panel.beta[(t * n)..<(t * n + n)]))
        return (obs, w)
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    @Test(arguments: [(ActionSchemeKind.sizing, false), (ActionSchemeKind.perAsset, true)])
    func perBarPathEqualsThePanelPathOnTheBundledData(scheme: ActionSchemeKind, betaNeutral: Bool) throws {
        let config = PolicyFixtures.marketConfig(scheme: scheme, betaNeutral: betaNeutral)
        let env = try PolicyFixtures.env(config)
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.h5")
        try PolicyFixtures.writeCheckpoint(try PolicyFixtures.spec(env: env, network: scheme == .sizing ? .qValues : .branchingQValues, hidden: [16]), seed: 9, to: url)
        // The bundled feed has missing prices before listings: exercised under `.asMissing`.
        let policy = try Policy.load(contentsOf: url, options: Policy.Options(nonFinite: .asMissing))
        let context = policy.makeContext()
        let n = policy.spec.assets.count
        var compared = 0, untradable = 0
        // Early bars (assets not yet listed) and later ones.
        for t in stride(from: policy.requiredHistory + 2, to: env.panel.barCount, by: 37) {
            let held = (0..<n).map { Double(($0 * 7 + t) % 11 - 5) * 0.01 }
            var snap = try PolicyFixtures.snapshot(at: t, history: policy.requiredHistory + 3, env: env, weights: held, drawdown: 0.05, time: 0.3, lastReturn: -0.01)
            if compared % 2 == 1 {
                // Missing values as a feed sends them: a close in the window, one at the decision
                // bar, a prediction, a benchmark close.
                let rows = snap.closes.count
                snap.closes[rows - 1 - compared % 9][compared % n] = .nan
                snap.closes[rows - 1][(compared + 3) % n] = .nan
                snap.predictions[(compared + 5) % n][compared % policy.featureNames.count] = .nan
                snap.benchmark?[rows - 2 - compared % 5] = .nan
            }
            let observation = try policy.observation(for: snap)
            let target = try policy.targetWeights(for: snap, context: context)
            let action: Action = scheme == .sizing ? .discrete(Int(target.action[0])) : .multiDiscrete(target.action.map { Int($0) })
            let expected = try Self.reference(policy, snap, action: action)
            #expect(observation.map(\.bitPattern) == expected.observation.map(\.bitPattern), "bar \(t) observation")
            #expect(target.weights.map(\.bitPattern) == expected.weights.map(\.bitPattern), "bar \(t) weights \(target.weights) vs \(expected.weights)")
            #expect(try policy.act(observation: expected.observation) == action, "bar \(t) action")
            #expect(try policy.targetWeights(for: snap) == target, "bar \(t): pooled context")
            untradable += snap.closes.flatMap { $0 }.filter { !$0.isFinite }.count
            compared += 1
        }
        #expect(compared > 20)
        #expect(untradable > 0)
    }

    @Test func contextsBelongToTheirPolicyAndAnswersAreNotOverwritten() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (policy, _, _) = try PolicyFixtures.smallPolicy(in: dir)
        let (other, _, _) = try PolicyFixtures.smallPolicy(in: dir, seed: 4, name: "other.h5")
        let context = policy.makeContext()
        let a = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1), b = PolicyFixtures.syntheticSnapshot(for: policy, seed: 2)
        let error = #expect(throws: PolicyRuntimeError.self) { try other.targetWeights(for: a, context: context) }
        if case .environment(let text) = error { #expect(text.contains("makeContext")) } else { Issue.record("unexpected \(String(describing: error))") }
        // The answer the caller holds keeps its values when the context answers the next snapshot.
        let first = try policy.targetWeights(for: a, context: context)
        let kept = first.weights
        let second = try policy.targetWeights(for: b, context: context)
        #expect(first.weights == kept)
        #expect(second == (try policy.targetWeights(for: b)))
        #expect(first == (try policy.targetWeights(for: a)))
        // Errors leave the context usable.
        var broken = a
        broken.closes[broken.closes.count - 1][0] = .nan
        #expect(throws: PolicyRuntimeError.self) { try policy.targetWeights(for: broken, context: context) }
        #expect(try policy.targetWeights(for: a, context: context) == first)
    }
}
