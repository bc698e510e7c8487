import Foundation
import CheckpointFormat

/// The loaded environment of an experiment: shared market data, or CartPole's settings.
public enum EnvironmentContext: Sendable {
    case market(MarketSetup)
    case cartpole(CartPoleSpec)

    /// Loads what `spec.env` names.
    public static func load(_ spec: EnvironmentSpec, root: URL, log: (String) -> Void = { _ in }) throws(LabError) -> EnvironmentContext {
        switch spec.kind {
        case .cartpole: return .cartpole(spec.cartpole)
        case .market, .synthetic: return .market(try MarketSetup.load(spec, root: root, log: log))
        }
    }

    /// A CartPole-v1 instance with the configured horizon.
    public static func makeCartPole(_ spec: CartPoleSpec, seed: UInt64) -> TimeLimit<CartPole> {
        TimeLimit(CartPole(seed: seed), maxEpisodeSteps: spec.maxEpisodeSteps)
    }

    /// The policy spec of an agent trained on this environment (what the daemon checks its inputs against).
    public func policySpec(agent: any TrainableAgent, experiment: ExperimentSpec, envTree: SpecValue) throws(LabError) -> PolicySpec {
        let net = agent.policyNetwork
        // The market env config as JSON: the daemon's runtime decodes it with Foundation alone.
        let configJSON: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            configJSON = String(decoding: try encoder.encode(experiment.env.market), as: UTF8.self)
        } catch {
            throw .badRun(path: "env", detail: "cannot encode the environment config: \(error)")
        }
        var provenance = ["seed": String(experiment.seed), "experiment": experiment.name]
        switch self {
        case .cartpole(let c):
            let env = Self.makeCartPole(c, seed: 0)
            return PolicySpec(algorithm: agent.algorithm, environment: "cartpole", observationNames: env.observationNames,
                              actionKind: .discrete, actionShape: [2], network: net.kind, hidden: net.hidden,
                              activation: net.activation, dueling: net.dueling, normalization: agent.observationNormalization,
                              environmentConfig: "{}", provenance: provenance)
        case .market(let setup):
            let env = try setup.makeEnvironment(seed: 0)
            provenance.merge(setup.provenance) { $1 }
            let (kind, shape, low, high): (PolicySpec.ActionKind, [Int], [Double], [Double]) = {
                switch env.actionSpace {
                case .discrete(let d): return (.discrete, [d.n], [], [])
                case .multiDiscrete(let m): return (.multiDiscrete, m.nvec, [], [])
                case .box(let b): return (.box, [b.count], b.low.map(Double.init), b.high.map(Double.init))
                }
            }()
            let c = setup.config
            let levels = c.action.scheme == .sizing ? c.action.grossLevels : c.action.scheme == .perAsset ? c.action.perAssetLevels : []
            var start = "", end = ""
            if let split = try? DataSplit.named(c.episode.split, config: c.splits, timestamps: setup.panel.timestamps), !split.bars.isEmpty {
                start = CivilDate(epochSeconds: setup.panel.timestamps[split.bars.lowerBound]).description
                end = CivilDate(epochSeconds: setup.panel.timestamps[split.bars.upperBound - 1]).description
            }
            return PolicySpec(algorithm: agent.algorithm, environment: experiment.env.kind.rawValue, assets: setup.panel.assets,
                              observationNames: env.observationNames, actionKind: kind, actionShape: shape,
                              actionScheme: c.action.scheme.rawValue, actionLevels: levels, actionLow: low, actionHigh: high,
                              continuousBound: kind == .box ? "clip" : "", network: net.kind, hidden: net.hidden,
                              activation: net.activation, dueling: net.dueling, normalization: agent.observationNormalization,
                              trainDataStart: start, trainDataEnd: end, environmentConfig: configJSON, provenance: provenance)
        }
    }
}
