import CheckpointFormat
import Foundation
import Gym
import SeededRandom
import Testing
import TestSupport
@testable import Agents

/// A stateful per-asset continuous task: three assets each observe a signal `x` in [-1, 1] and a
/// distractor, the episode's time is shared; the best action is `a_i = x_i / 2` for every asset
/// (reward `1 − mean_i |a_i − x_i / 2|`, optimum 1). Observation names follow the market env's
/// `<asset>.<field>` convention, lag-major like its returns section (fields interleaved over assets).
struct StatefulAssetTargetEnvironment: StatefulEnvironment {
    typealias Info = EmptyInfo
    static let assets = 3
    let episodeLength = 10
    let observationSpace = BoxSpace(low: -1, high: 1, shape: [2 * assets + 1])
    let actionSpace: ActionSpace = .box(BoxSpace(low: -1, high: 1, shape: [assets]))
    let observationNames = (0..<assets).map { "A\($0).x" } + (0..<assets).map { "A\($0).distractor" } + ["portfolio.time"]
    private var rng: Xoshiro256
    private var values = [Float](repeating: 0, count: 2 * assets)
    private var stepsTaken = 0
    private var active = false

    init(seed: UInt64 = 0) { rng = Xoshiro256(seed: seed) }

    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        if let seed { rng = Xoshiro256(seed: seed) }
        stepsTaken = 0
        active = true
        draw(into: observation)
        return EmptyInfo()
    }

    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .continuous(let a) = action, a.count == Self.assets else { throw .invalidAction("\(action)") }
        guard active else { throw .resetNeeded("StatefulAssetTargetEnvironment") }
        var error: Float = 0
        for i in 0..<Self.assets { error += abs(a[i] - values[i] / 2) }
        stepsTaken += 1
        let truncated = stepsTaken >= episodeLength
        active = !truncated
        draw(into: observation)
        return StepOutcome(reward: 1 - Double(error) / Double(Self.assets), terminated: false, truncated: truncated, info: EmptyInfo())
    }

    private mutating func draw(into observation: UnsafeMutableBufferPointer<Float>) {
        for k in values.indices { values[k] = rng.uniformFloat() * 2 - 1 }
        for k in values.indices { observation[k] = values[k] }
        observation[values.count] = Float(stepsTaken) / Float(episodeLength)
    }

    func exportState() -> EnvironmentState {
        EnvironmentState(integers: ["rng": rng.state.map { Int64(bitPattern: $0) }, "cursor": [Int64(stepsTaken), active ? 1 : 0]],
                         reals: ["values": values.map(Double.init)])
    }

    mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        (rng, stepsTaken, active) = try state.generatorStepsAndActive()
        values = try state.reals("values", count: 2 * Self.assets).map { Float($0) }
    }
}

/// The per-asset (EIIE-style) actor: layout from observation names, learning, exact resume, refusals.
extension PolicyGradientAgentTests {
    @Test func perAssetLayoutGroupsAssetsAndSharesTheRest() throws {
        // The market env's layout for 2 assets, window 2, one feature: lag-major returns first.
        let names = ["S0.logret[t-0]", "S1.logret[t-0]", "S0.logret[t-1]", "S1.logret[t-1]", "S0.pred", "S1.pred",
                     "S0.vol", "S0.tradable", "S0.pred_ok", "S1.vol", "S1.tradable", "S1.pred_ok", "S0.weight", "S1.weight",
                     "portfolio.gross", "portfolio.net", "bias"]
        let layout = try PerAssetLayout(observationNames: names, assetCount: 2)
        #expect(layout.assets == ["S0", "S1"])
        #expect(layout.fields == ["logret[t-0]", "logret[t-1]", "pred", "vol", "tradable", "pred_ok", "weight"])
        #expect(layout.assetIndices == [0, 2, 4, 6, 7, 8, 12, 1, 3, 5, 9, 10, 11, 13])
        #expect(layout.sharedIndices == [14, 15, 16])
        let x = (0..<(2 * names.count)).map { Float($0) }
        var rows = [Float](repeating: -1, count: 2 * 2 * layout.inputWidth)
        x.withUnsafeBufferPointer { xb in rows.withUnsafeMutableBufferPointer { layout.gather(xb, rows: 2, observationCount: names.count, into: $0) } }
        // Second observation, second asset: S1's fields then the shared elements, offset by one row.
        let w = layout.inputWidth, d = Float(names.count)
        #expect(Array(rows[(3 * w)...]) == ([1, 3, 5, 9, 10, 11, 13, 14, 15, 16] as [Float]).map { $0 + d })
        #expect(throws: PerAssetLayout.LayoutError.self) { _ = try PerAssetLayout(observationNames: names, assetCount: 3) }
        #expect(throws: PerAssetLayout.LayoutError.self) { _ = try PerAssetLayout(observationNames: ["a", "b"], assetCount: 1) }
    }

    static func perAssetConfig() -> PolicyGradientConfig {
        var c = smallConfig(.ppo)
        c.actorArchitecture = .perAsset
        c.network = NetworkConfig(hidden: [16], activation: .tanh)
        c.gamma = 0
        return c
    }

    @Test func ppoPerAssetActorLearnsPerAssetTarget() throws {
        let config = Self.perAssetConfig()
        let budget = 8_192
        let agent = try PolicyGradientAgent(config: config, seed: 5, totalSteps: budget) { i in StatefulAssetTargetEnvironment(seed: UInt64(i)) }
        // One shared MLP of 16 hidden units over (x, distractor, time): 3 inputs, not the 7 of the whole observation.
        #expect(agent.policyParameters().first { $0.name == "actor.layers.0.weight" }?.shape == [16, 3])
        #expect(agent.policyNetwork.kind == .perAssetGaussian)
        let before = try Self.evaluate(agent, env: StatefulAssetTargetEnvironment(), steps: 300)
        try agent.train(untilStep: budget, shouldStop: { false }, log: { _, _, _ in })
        let after = try Self.evaluate(agent, env: StatefulAssetTargetEnvironment(), steps: 300)
        // Optimum 1; the initial policy (mean ≈ 0) earns 1 − E|x|/2 = 0.75.
        #expect(after >= 0.93, "per-asset policy reward \(after) (before \(before))")
    }

    @Test func perAssetResumeThroughCheckpointFileIsBitExact() throws {
        var config = Self.perAssetConfig()
        config.nSteps = 8
        config.batchSize = 16
        config.normalizeObservations = true
        try resumeIsBitExact(config) { i in StatefulAssetTargetEnvironment(seed: UInt64(400 + i)) }
    }

    @Test func perAssetRefusesEnvironmentsWithoutAssetGroups() throws {
        let config = Self.perAssetConfig()
        // A Discrete action space, and a Box whose single name has no asset group.
        #expect(throws: AgentError.self) { _ = try PolicyGradientAgent(config: config, seed: 0, totalSteps: 10) { _ in StatefulIdentityEnvironment() } }
        #expect(throws: AgentError.self) { _ = try PolicyGradientAgent(config: config, seed: 0, totalSteps: 10) { _ in StatefulBoxTargetEnvironment() } }
        // An MLP checkpoint does not restore into a per-asset agent.
        var mlp = config
        mlp.actorArchitecture = .mlp
        let make = { (i: Int) in StatefulAssetTargetEnvironment(seed: UInt64(i)) }
        let flat = try PolicyGradientAgent(config: mlp, seed: 0, totalSteps: 10, makeEnvironment: make)
        let shared = try PolicyGradientAgent(config: config, seed: 0, totalSteps: 10, makeEnvironment: make)
        #expect(throws: AgentError.self) { try shared.restore(policy: flat.policyParameters(), training: flat.trainingState()) }
    }
}
