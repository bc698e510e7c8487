import Foundation
import Testing
import Agents
import MarketGym
@testable import Lab

/// A schedule mapping in a spec is merged over the config's default schedule by the strict decoder:
/// `{kind: linear, initial: x}` over DQN's constant 1e-4 decays to 0, as `ScheduleConfig.final`
/// documents (it decayed to the default's 1e-4 while constant schedules carried `final = initial`).
@Suite struct ScheduleDefaultsTests {
    @Test func aLinearMappingOverAConstantDefaultDecaysToZero() throws {
        let tree = try SpecValue.parse(yaml: "algorithm: dqn\nlearningRate: {kind: linear, initial: 0.001}\n", source: "agent.yaml")
        guard case .dqn(let c) = try AgentSpec.decode(tree, file: "agent.yaml") else { Issue.record("expected DQN"); return }
        #expect(c.learningRate == .linear(0.001, to: 0, over: 1))
        #expect(c.learningRate.value(progress: 1) == 0)
    }

    @Test func partialAndMissingSchedulesKeepTheirMeaning() throws {
        let json = #"{"learningRate": {"initial": 0.002}}"#
        #expect(try StrictDefaultsDecoding.decodeJSON(DQNConfig.self, from: Data(json.utf8), defaults: DQNConfig()).learningRate == .constant(0.002))
        #expect(try StrictDefaultsDecoding.decodeJSON(DQNConfig.self, from: Data("{}".utf8), defaults: DQNConfig()).learningRate == .constant(1e-4))
        let number = #"{"learningRate": 0.003}"#
        #expect(try StrictDefaultsDecoding.decodeJSON(DQNConfig.self, from: Data(number.utf8), defaults: DQNConfig()).learningRate.value(progress: 1) == 0.003)
    }
}
