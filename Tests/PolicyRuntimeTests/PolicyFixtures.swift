import CheckpointFormat
import Foundation
import Gym
import MarketGym
import PolicyRuntime
import SeededRandom
import TestSupport

/// Checkpoints written directly with CheckpointFormat, and the bundled real data, for the runtime's tests.
enum PolicyFixtures {
    /// The bundled daily data: 20 S&P 500 constituents, their walk-forward predictions, the index.
    struct Bundled: Sendable {
        let data: MarketData
        let features: FeatureMatrix
        let benchmark: [Double]
    }

    static let bundled: Result<Bundled, Error> = Result {
        let dir = repositoryRoot().appendingPathComponent("Experiments/data")
        let data = try MarketData.load(contentsOf: dir.appendingPathComponent("sp500-20-daily.csv.gz"))
        let predictions = try PredictionTable.load(contentsOf: dir.appendingPathComponent("sp500-20-daily.predictions.csv.gz"))
        let index = try MarketData.load(contentsOf: dir.appendingPathComponent("sp500-index-daily.csv.gz"))
        // The index aligned to the stocks' bars by timestamp (as the lab does).
        var byTime: [Int64: Double] = [:]
        for (t, ts) in index.timestamps.enumerated() { byTime[ts] = index.close[t * index.assetCount] }
        let bench = data.timestamps.map { byTime[$0] ?? .nan }
        return Bundled(data: data, features: try predictions.aligned(to: data), benchmark: bench)
    }

    /// A market config small enough for debug-build tests.
    static func marketConfig(scheme: ActionSchemeKind = .sizing, betaNeutral: Bool = false) -> MarketEnvConfig {
        var c = MarketEnvConfig()
        c.action.scheme = scheme
        c.constraints.betaNeutral = betaNeutral
        c.episode.split = "test"
        c.episode.horizon = 120
        return c
    }

    /// The policy spec the lab writes for an env (mirrors Lab's EnvironmentContext.policySpec).
    static func spec(env: MarketEnv, network: PolicySpec.NetworkKind, hidden: [Int], activation: String = "relu",
                     dueling: Bool = false, bound: String = "clip") throws -> PolicySpec {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(env.config), as: UTF8.self)
        let (kind, shape, low, high): (PolicySpec.ActionKind, [Int], [Double], [Double]) = {
            switch env.actionSpace {
            case .discrete(let d): return (.discrete, [d.n], [], [])
            case .multiDiscrete(let m): return (.multiDiscrete, m.nvec, [], [])
            case .box(let b): return (.box, [b.count], b.low.map(Double.init), b.high.map(Double.init))
            }
        }()
        let c = env.config
        let levels = c.action.scheme == .sizing ? c.action.grossLevels : c.action.scheme == .perAsset ? c.action.perAssetLevels : []
        return PolicySpec(algorithm: network == .qValues || network == .branchingQValues ? "dqn" : "ppo", environment: "market",
                          assets: env.panel.assets, observationNames: env.observationNames, actionKind: kind, actionShape: shape,
                          actionScheme: c.action.scheme.rawValue, actionLevels: levels, actionLow: low, actionHigh: high,
                          continuousBound: kind == .box ? bound : "", network: network, hidden: hidden, activation: activation,
                          dueling: dueling, trainDataStart: "2019-01-02", trainDataEnd: "2022-12-28", environmentConfig: json,
                          provenance: ["seed": "1", "experiment": "runtime-test"])
    }

    /// Random parameters with the names and shapes `Agents` uses for `spec`'s network.
    static func parameters(for spec: PolicySpec, seed: UInt64) -> [NamedTensor] {
        var rng = Xoshiro256(seed: seed)
        func layer(_ name: String, _ inputs: Int, _ outputs: Int) -> [NamedTensor] {
            let bound = 1 / Float(inputs).squareRoot()
            return [NamedTensor(name: "\(name).weight", shape: [outputs, inputs], values: (0..<(inputs * outputs)).map { _ in rng.uniformFloat() * 2 * bound - bound }),
                    NamedTensor(name: "\(name).bias", shape: [outputs], values: (0..<outputs).map { _ in rng.uniformFloat() * 2 * bound - bound })]
        }
        var p: [NamedTensor] = []
        let perAsset = spec.network == .perAssetGaussian ? try? PerAssetLayout(observationNames: spec.observationNames, assetCount: spec.actionShape[0]) : nil
        var width = perAsset?.inputWidth ?? spec.observationSize
        let q = spec.network == .qValues || spec.network == .branchingQValues
        for (k, h) in spec.hidden.enumerated() {
            p += layer(q ? "q.trunk.layers.\(2 * k)" : "actor.layers.\(2 * k)", width, h)
            width = h
        }
        switch spec.network {
        case .qValues, .branchingQValues:
            for (d, n) in spec.actionShape.enumerated() { p += layer("q.head.\(d)", width, n) }
            if spec.dueling { p += layer("q.head.value", width, 1) }
        case .categorical:
            p += layer("actor.layers.\(2 * spec.hidden.count)", width, spec.actionShape[0])
        case .factorizedCategorical:
            p += layer("actor.layers.\(2 * spec.hidden.count)", width, spec.actionShape.reduce(0, +))
        case .gaussian, .perAssetGaussian:
            p += layer("actor.layers.\(2 * spec.hidden.count)", width, perAsset == nil ? spec.actionShape[0] : 1)
            p.append(NamedTensor(name: "log_std", shape: [spec.actionShape[0]], values: [Float](repeating: -0.5, count: spec.actionShape[0])))
        }
        return p
    }

    /// Writes a checkpoint for `spec` with random parameters.
    static func writeCheckpoint(_ spec: PolicySpec, seed: UInt64, step: Int = 1000, to url: URL) throws {
        try Checkpoint(algorithm: spec.algorithm, step: step, episodes: 3, configYAML: "{}", policy: spec,
                       policyParameters: parameters(for: spec, seed: seed)).write(to: url)
    }

    /// A market env over the bundled data.
    static func env(_ config: MarketEnvConfig, seed: UInt64 = 0) throws -> MarketEnv {
        let b = try bundled.get()
        return try MarketEnv(data: b.data, features: b.features, benchmark: b.benchmark, config: config, seed: seed)
    }

    /// The snapshot a daemon would send at bar `t` of the bundled data: the last `history` closes,
    /// the predictions known at t, the index closes, and the portfolio state given.
    static func snapshot(at t: Int, history: Int, env: MarketEnv, weights: [Double]? = nil, drawdown: Double = 0,
                         time: Double = 0, lastReturn: Double = 0) throws -> PolicySnapshot {
        let b = try bundled.get()
        let panel = env.panel
        let n = panel.assetCount, k = panel.featureCount, m = b.data.assetCount
        let columns = panel.assets.map { b.data.assetIndex($0) ?? -1 }
        let rows = (max(0, t - history + 1)...t)
        let closes = rows.map { r in columns.map { b.data.close[r * m + $0] } }
        let fcols = panel.assets.map { b.features.assets.firstIndex(of: $0) ?? -1 }
        let predictions = (0..<n).map { i in (0..<k).map { q in Double(b.features.value(bar: t, asset: fcols[i], feature: q)) } }
        return PolicySnapshot(assets: panel.assets, features: panel.featureNames, closes: closes, predictions: predictions,
                              benchmark: rows.map { b.benchmark[$0] }, weights: weights, drawdown: drawdown, time: time,
                              lastReturn: lastReturn, id: "bar-\(t)")
    }

    /// A deterministic synthetic snapshot (every value finite) for a policy.
    static func syntheticSnapshot(for policy: Policy, seed: UInt64) -> PolicySnapshot {
        var rng = Xoshiro256(seed: seed)
        let n = policy.spec.assets.count, rows = policy.requiredHistory + 5
        var price = (0..<n).map { _ in 50 + 50 * rng.uniformDouble() }
        var closes: [[Double]] = []
        for _ in 0..<rows {
            price = price.map { $0 * (1 + 0.02 * (rng.uniformDouble() - 0.5)) }
            closes.append(price)
        }
        let predictions = (0..<n).map { _ in policy.featureNames.map { _ in 0.01 * (rng.uniformDouble() - 0.5) } }
        return PolicySnapshot(assets: policy.spec.assets, features: policy.featureNames, closes: closes, predictions: predictions,
                              benchmark: (0..<rows).map { Double($0) + 100 }, id: "s\(seed)")
    }
}

extension PolicyFixtures {
    /// A small random-walk market (4 assets, 2 features, 300 daily bars) for fast tests.
    static func smallEnv(scheme: ActionSchemeKind = .sizing, betaNeutral: Bool = false) throws -> MarketEnv {
        var rng = Xoshiro256(seed: 42)
        let assets = ["AAA", "BBB", "CCC", "DDD"], T = 300, n = assets.count
        var close: [Double] = [], price = [Double](repeating: 100, count: n)
        for _ in 0..<T {
            price = price.map { $0 * (1 + 0.02 * (rng.uniformDouble() - 0.5)) }
            close += price
        }
        let data = try MarketData(assets: assets, timestamps: (0..<T).map { Int64($0) * 86_400 + 1_500_000_000 }, close: close)
        let values = (0..<(T * n * 2)).map { _ in 0.01 * (rng.uniformFloat() - 0.5) }
        let features = FeatureMatrix(names: ["alpha", "beta_hat"], assets: assets, barCount: T, values: values)
        var c = MarketEnvConfig()
        c.action.scheme = scheme
        c.constraints.betaNeutral = betaNeutral
        c.episode.split = "all"
        c.observation.volatilityWindow = 10
        c.observation.window = 5
        c.constraints.betaWindow = 20
        let bench = betaNeutral ? (0..<T).map { 100 + Double($0) * 0.1 + sin(Double($0)) } : nil
        return try MarketEnv(data: data, features: features, benchmark: bench, config: c)
    }

    /// Writes a small-market checkpoint and loads it.
    static func smallPolicy(in dir: URL, scheme: ActionSchemeKind = .sizing, network: PolicySpec.NetworkKind = .qValues,
                            seed: UInt64 = 3, step: Int = 1000, name: String = "policy.h5",
                            options: Policy.Options = Policy.Options()) throws -> (Policy, URL, PolicySpec) {
        let env = try smallEnv(scheme: scheme)
        let spec = try PolicyFixtures.spec(env: env, network: network, hidden: [16, 8])
        let url = dir.appendingPathComponent(name)
        try writeCheckpoint(spec, seed: seed, step: step, to: url)
        return (try Policy.load(contentsOf: url, options: options), url, spec)
    }
}
