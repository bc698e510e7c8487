import Agents

/// Which agent an experiment trains, with its hyperparameters, decoded from an `Agents/*.yaml`
/// preset. The `algorithm` key picks the family; every other key is that family's config:
///
/// ```yaml
/// algorithm: dqn               # dqn | ppo | a2c | reinforce
/// learningRate: {initial: 2.3e-3}
/// batchSize: 64
/// network: {hidden: [256, 256]}
/// ```
/// Defaults follow SB3 per algorithm (`DQNConfig`, `PolicyGradientConfig`, `.a2c()`, `.reinforce()`).
public enum AgentSpec: Sendable, Equatable {
    case dqn(DQNConfig)
    case policyGradient(PolicyGradientConfig)

    /// The algorithm name (`dqn`, `ppo`, `a2c`, `reinforce`).
    public var algorithm: String {
        switch self {
        case .dqn: return "dqn"
        case .policyGradient(let c): return c.algorithm.rawValue
        }
    }

    static let algorithms = ["dqn", "ppo", "a2c", "reinforce"]

    /// The learning-rate schedule as a short text, for messages (`constant 0.0001`, `linear 0.001 -> 0.0`).
    public var learningRateDescription: String {
        let s: ScheduleConfig
        switch self {
        case .dqn(let c): s = c.learningRate
        case .policyGradient(let c): s = c.learningRate
        }
        let i = SpecValue.formatDouble(s.initial), f = SpecValue.formatDouble(s.final)
        return s.kind == .constant ? "constant \(i)" : "\(s.kind.rawValue) \(i) -> \(f)"
    }

    /// Decodes a preset tree strictly.
    public static func decode(_ tree: SpecValue, file: String, path: String = "agent") throws(SpecError) -> AgentSpec {
        try SpecDecoder.requireMapping(tree, file: file, path: path)
        var name = "dqn"
        if let a = tree["algorithm"] {
            guard case .string(let s) = a, algorithms.contains(s) else {
                throw .badValue(file: file, path: "\(path).algorithm", found: SpecValue.scalarText(a), expected: algorithms.joined(separator: ", "))
            }
            name = s
        }
        let rest = tree.removing("algorithm")
        switch name {
        case "dqn":
            let c = try SpecDecoder.decode(DQNConfig.self, from: rest, defaults: DQNConfig(), file: file, path: path)
            try AgentSpec.validate(c, file: file, path: path)
            return .dqn(c)
        default:
            let defaults: PolicyGradientConfig = name == "a2c" ? .a2c() : name == "reinforce" ? .reinforce() : PolicyGradientConfig()
            // `algorithm` is a field of PolicyGradientConfig too: keep it consistent with the key.
            var c = try SpecDecoder.decode(PolicyGradientConfig.self, from: rest, defaults: defaults, file: file, path: path)
            c.algorithm = PolicyGradientAlgorithm(rawValue: name) ?? .ppo
            try AgentSpec.validate(c, file: file, path: path)
            return .policyGradient(c)
        }
    }

    /// The spec as a tree (for the resolved config).
    public func tree() throws(SpecError) -> SpecValue {
        let body: SpecValue
        switch self {
        case .dqn(let c): body = try SpecDecoder.encode(c)
        case .policyGradient(let c): body = try SpecDecoder.encode(c).removing("algorithm")
        }
        var t = SpecValue.mapping([("algorithm", .string(algorithm))])
        if case .mapping(let pairs) = body { for (k, v) in pairs { t = t.setting(k, to: v) } }
        return t
    }
}
