import Foundation
import Testing
import MarketGym
@testable import Lab

/// Every resource budget docs/reliability.md lists for specs: the value at the limit is accepted,
/// one past it is refused at decode, by key path, with the limit in the message (issue 13).
@Suite struct ResourceBudgetLimitTests {
    /// The error decoding `yaml` as a preset of `kind` threw, or nil when it was accepted.
    func refusal(_ kind: String, _ yaml: String) -> SpecError? {
        do {
            let tree = try SpecValue.parse(yaml: yaml, source: "t.yaml")
            if kind == "agent" { _ = try AgentSpec.decode(tree, file: "t.yaml") } else { _ = try EnvironmentSpec.decode(tree, file: "t.yaml") }
            return nil
        } catch { return error }
    }

    /// `n` distinct gross levels in [0, 1].
    static func levels(_ n: Int) -> String { (0..<n).map { String(Double($0) / Double(n)) }.joined(separator: ",") }

    /// (preset kind, YAML at the limit, YAML one past it, key path refused, text of the limit in the message)
    static let budgets: [(String, String, String, String, String)] = [
        ("environment", "observation: {window: 10000}", "observation: {window: 10001}", "environment.observation.window", "1...10000"),
        ("environment", "constraints: {maxGross: 100}", "constraints: {maxGross: 100.5}", "environment.constraints.maxGross", "100"),
        ("environment", "action: {grossLevels: [\(levels(10_001))]}", "action: {grossLevels: [\(levels(10_002))]}", "environment.action.grossLevels", "10001"),
        ("environment", "constraints: {projectionIterations: 10000}", "constraints: {projectionIterations: 10001}",
         "environment.constraints.projectionIterations", "10000"),
        ("environment", "kind: synthetic\nsynthetic: {assets: 10, bars: 1000000}", "kind: synthetic\nsynthetic: {assets: 10, bars: 1000001}",
         "environment.synthetic.bars", "10000000"),
        ("environment", "splits: {walkForwardTestYear: 9999}", "splits: {walkForwardTestYear: 10000}", "environment.splits.walkForwardTestYear", "1...9999"),
        // 4096 × 4095 + 4095 = 2^24 - 1 parameters between the layers; 4096 × 4096 + 4096 is past it.
        ("agent", "network: {hidden: [4096, 4095]}", "network: {hidden: [4096, 4096]}", "agent.network.hidden", "16777216"),
        ("agent", "network: {hidden: [\(Array(repeating: "8", count: 64).joined(separator: ","))]}",
         "network: {hidden: [\(Array(repeating: "8", count: 65).joined(separator: ","))]}", "agent.network.hidden", "64 hidden layers"),
        ("agent", "batchSize: 65536", "batchSize: 65537", "agent.batchSize", "65536"),
        ("agent", "replay: {capacity: 100000000}", "replay: {capacity: 100000001}", "agent.replay.capacity", "100000000"),
        ("agent", "numEnvs: 1024", "numEnvs: 1025", "agent.numEnvs", "1024"),
        ("agent", "algorithm: ppo\nnumEnvs: 1000\nnSteps: 10000", "algorithm: ppo\nnumEnvs: 1000\nnSteps: 10001", "agent.nSteps", "10000000"),
    ]

    @Test(arguments: 0..<budgets.count)
    func theLimitIsAcceptedAndOnePastItIsRefused(_ k: Int) {
        let (kind, at, past, path, limit) = Self.budgets[k]
        let accepted = refusal(kind, at)
        #expect(accepted == nil, "\(path) at the limit: \(String(describing: accepted))")
        guard case let .badValue(_, p, _, expected)? = refusal(kind, past) else {
            Issue.record("\(path) past the limit: \(String(describing: refusal(kind, past)))")
            return
        }
        #expect(p.hasPrefix(path), "\(p)")
        #expect(expected.contains(limit), "\(path): \(expected)")
    }
}
