import CheckpointFormat
import Foundation
import Gym
import MarketGym

/// A trained policy loaded for inference: the trading daemon's handle.
///
/// `load(contentsOf:)` reads only the checkpoint's policy part (header, spec, parameters), checks
/// the format version and the `complete` mark, rebuilds the network from the parameters and the
/// `PolicySpec`, and — for market policies — prepares MarketGym's own `ActionScheme` and
/// `NeutralityProjection` from the environment config stored in the checkpoint. Acting is
/// deterministic (greedy Q, categorical mode, Gaussian mean).
///
/// Immutable and `Sendable`: any number of threads may call `act` and `targetWeights` at once
/// (each call borrows its own scratch, a `PolicyContext`, from a small pool; a daemon may also keep
/// one per thread and pass it). To follow a checkpoint that gets replaced, see `PolicyWatcher`.
///
/// ```swift
/// let policy = try Policy.load(contentsOf: URL(fileURLWithPath: "runs/x/checkpoints/best.h5"))
/// let target = try policy.targetWeights(for: snapshot)   // neutral weights per asset
/// ```
public final class Policy: Sendable {
    /// How non-finite inputs (NaN, ±infinity, JSON null) in a snapshot are handled.
    public enum NonFiniteInput: String, Sendable, Codable, CaseIterable {
        /// Throw `PolicyRuntimeError.nonFiniteInput` naming the field and asset (the default: a
        /// daemon should not trade on a broken feed unnoticed).
        case reject
        /// Treat a non-finite close or prediction as missing, exactly as the env treats missing
        /// data (untradable asset / no valid prediction). Non-finite weights or portfolio values
        /// still throw.
        case asMissing
        /// Return a flat book (all weights 0) with `TargetWeights.fallback` saying why.
        case flat
    }

    /// Loading and acting options.
    public struct Options: Sendable, Equatable {
        /// Handling of non-finite snapshot values. Default `.reject`.
        public var nonFinite: NonFiniteInput
        /// - Parameter nonFinite: see `NonFiniteInput`; default `.reject`.
        public init(nonFinite: NonFiniteInput = .reject) { self.nonFinite = nonFinite }
    }

    /// Everything the checkpoint says about the policy: assets, observation names, action scheme
    /// and levels, training data range (`trainDataStart`, `trainDataEnd`), provenance.
    public let spec: PolicySpec
    /// The checkpoint file it was loaded from.
    public let url: URL
    /// Training algorithm (`dqn`, `ppo`, ...).
    public let algorithm: String
    /// Environment steps the policy was trained for.
    public let step: Int
    /// Identifies these exact parameters: `<algorithm>-step<step>-<16 hex digits of a hash of the
    /// spec and parameters>`; reported with every answer so a daemon logs which policy acted.
    public let version: String
    /// The options given at load.
    public let options: Options
    /// The market env configuration the policy was trained with, or nil for non-market policies.
    public let environmentConfig: MarketEnvConfig?
    /// Prediction feature names per asset, in observation order (empty for non-market policies).
    public let featureNames: [String]
    /// Bars of closes a snapshot must hold (the env's warm-up plus the decision bar).
    public let requiredHistory: Int

    let network: PolicyNetwork
    let normalizationMean: [Double]
    let normalizationStd: [Double]
    let normalizationClip: Double
    let scheme: ActionScheme?
    let projection: NeutralityProjection?
    /// The env's observation writer for one bar (market policies).
    let barObservation: BarObservation?
    /// Contexts for calls made without one.
    let contexts = PolicyContextPool()

    /// Loads the policy part of a checkpoint.
    /// - Parameters:
    ///   - url: a checkpoint written by `marketgym train` (HDF5, docs/checkpoint-format.md).
    ///   - options: input handling; default rejects non-finite inputs.
    /// - Throws: `PolicyRuntimeError.checkpoint` for an unreadable, foreign, other-version or
    ///   incomplete file; `.invalidPolicy` for missing or mis-shaped parameters, an unreadable
    ///   environment config, or observation names that do not follow the env's layout.
    public static func load(contentsOf url: URL, options: Options = Options()) throws(PolicyRuntimeError) -> Policy {
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.readPolicy(from: url) } catch { throw .checkpoint(error) }
        return try Policy(checkpoint: checkpoint, url: url, options: options)
    }

    /// Builds a policy from an already read checkpoint (its policy part).
    /// - Throws: as `load(contentsOf:options:)`, except for file errors.
    public init(checkpoint: Checkpoint, url: URL, options: Options = Options()) throws(PolicyRuntimeError) {
        let spec = checkpoint.policy, file = url.path
        // Signal-injection studies train on predictions built from future returns (docs/research.md):
        // such a policy is a method test and must never act on live data.
        if spec.provenance["lookahead"] == "injected" {
            throw .invalidPolicy(file: file, detail: "trained on injected predictions (provenance lookahead: injected, a signal-injection method test built from future returns); it is never served. Train on honest predictions (e.g. builtin) to deploy.")
        }
        network = try PolicyNetwork(spec: spec, parameters: checkpoint.policyParameters, file: file)
        if let n = spec.normalization {
            normalizationMean = n.mean
            normalizationStd = zip(n.variance, n.mean).map { v, _ in (v + n.epsilon).squareRoot() }
            normalizationClip = n.clip
        } else {
            normalizationMean = []
            normalizationStd = []
            normalizationClip = 0
        }
        self.spec = spec
        self.url = url
        self.options = options
        algorithm = checkpoint.algorithm
        step = checkpoint.step
        version = "\(checkpoint.algorithm)-step\(checkpoint.step)-\(Self.fingerprint(checkpoint))"
        if spec.assets.isEmpty {
            environmentConfig = nil
            featureNames = []
            requiredHistory = 0
            scheme = nil
            projection = nil
            barObservation = nil
            return
        }
        let config: MarketEnvConfig
        do {
            config = try StrictDefaultsDecoding.decodeJSON(MarketEnvConfig.self, from: Data(spec.environmentConfig.utf8), defaults: MarketEnvConfig())
        } catch {
            throw .invalidPolicy(file: file, detail: "environmentConfig is not a MarketEnvConfig JSON: \(error)")
        }
        let features = try Self.featureNames(spec: spec, window: config.observation.window, file: file)
        let c = config.constraints
        let scheme: ActionScheme
        do { scheme = try ActionScheme(config.action, maxWeight: c.maxWeight, assetCount: spec.assets.count, featureNames: features) } catch {
            throw .invalidPolicy(file: file, detail: "action scheme: \(error)")
        }
        do { try config.checkConstraints() } catch { throw .invalidPolicy(file: file, detail: "\(error)") }
        environmentConfig = config
        featureNames = features
        requiredHistory = config.requiredHistory
        self.scheme = scheme
        projection = NeutralityProjection(c)
        do { barObservation = try BarObservation(config: config.observation, assets: spec.assets.count, features: features.count) } catch {
            throw .invalidPolicy(file: file, detail: "observation: \(error)")
        }
        // The stored action space must be the scheme's: otherwise the network's outputs mean something else.
        let expected: (PolicySpec.ActionKind, [Int]) = {
            switch scheme.actionSpace {
            case .discrete(let d): return (.discrete, [d.n])
            case .multiDiscrete(let m): return (.multiDiscrete, m.nvec)
            case .box(let b): return (.box, [b.count])
            }
        }()
        guard expected.0 == spec.actionKind, expected.1 == spec.actionShape else {
            throw .invalidPolicy(file: file, detail: "action space \(spec.actionKind.rawValue) \(spec.actionShape) does not match the \(config.action.scheme.rawValue) scheme's \(expected.0.rawValue) \(expected.1)")
        }
        // The observation names the env would produce for these assets and features must be the stored ones.
        let layout = try Self.observationNames(assets: spec.assets, features: features, config: config, file: file)
        guard layout == spec.observationNames else {
            let i = Self.firstDifference(layout, spec.observationNames)
            throw .invalidPolicy(file: file, detail: "observation names differ from the env's layout at element \(i) (\(spec.observationNames.count) stored, \(layout.count) expected)")
        }
        // The per-bar window must be constructible (known signal and confidence features, windows ≥ 2).
        do { _ = try Self.barWindow(config: config, assets: spec.assets.count, features: features, rows: requiredHistory) } catch {
            throw .invalidPolicy(file: file, detail: "market panel settings: \(error)")
        }
    }

    /// Number of observation elements the network takes.
    public var observationSize: Int { spec.observationSize }

    /// The deterministic action for one observation (as the env produced it, before normalization).
    /// - Throws: `PolicyRuntimeError.observationMismatch` for a wrong length; `.nonFiniteInput` for NaN or infinity.
    public func act(observation: [Float]) throws(PolicyRuntimeError) -> Action {
        try withContext { (context) throws(PolicyRuntimeError) in try act(observation: observation, context: context) }
    }

    /// `act(observation:)` in the caller's scratch (see `PolicyContext`): no allocation for a
    /// `Discrete` action space.
    /// - Throws: as `act(observation:)`; `.environment` for a context made by another policy.
    public func act(observation: [Float], context: PolicyContext) throws(PolicyRuntimeError) -> Action {
        try check(context)
        guard observation.count == observationSize else {
            throw .observationMismatch(detail: "\(observation.count) values, the policy takes \(observationSize) (\(spec.observationNames.prefix(3).joined(separator: ", ")), ...)")
        }
        if let i = observation.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteInput(field: "observation[\(i)] (\(spec.observationNames[i]))", asset: nil, bar: nil)
        }
        return observation.withUnsafeBufferPointer { act(normalizing: $0, context: context) }
    }

    /// The deterministic action for one observation named element by element: the names must be
    /// exactly the policy's, in order.
    /// - Throws: `PolicyRuntimeError.observationMismatch` naming the first differing name.
    public func act(observation: [Float], names: [String]) throws(PolicyRuntimeError) -> Action {
        guard names == spec.observationNames else {
            let missing = Set(spec.observationNames).subtracting(names).sorted(), extra = Set(names).subtracting(spec.observationNames).sorted()
            let i = Self.firstDifference(names, spec.observationNames)
            throw .observationMismatch(detail: "names differ from the policy's at element \(i); missing \(missing.prefix(10)), extra \(extra.prefix(10))\(missing.isEmpty && extra.isEmpty ? " (same names, another order)" : "")")
        }
        return try act(observation: observation)
    }

    /// Normalizes (when the policy has statistics), runs the network and picks the action, in the context's scratch.
    func act(normalizing x: UnsafeBufferPointer<Float>, context: PolicyContext) -> Action {
        let n = network.inputs
        var input = x
        if !normalizationMean.isEmpty {
            // SB3's VecNormalize and Gym's ObservationNormalizer: clip((x − mean) / sqrt(var + eps)), in Double.
            let clip = normalizationClip, z = context.input
            normalizationMean.withUnsafeBufferPointer { mean in
                normalizationStd.withUnsafeBufferPointer { std in
                    for i in 0..<n { z[i] = ObservationNormalizer.scale(x[i], mean: mean[i], std: std[i], clip: clip) }
                }
            }
            input = UnsafeBufferPointer(z)
        }
        network.forward(input, into: context.outputs, scratch: context.activations)
        return network.action(fromOutputs: UnsafeBufferPointer(context.outputs))
    }

    /// Prediction feature names, read from the stored observation names. MarketGym's layout is the
    /// return window (W x N, by lag), then the predictions (N x K, asset-major), then per-asset state.
    static func featureNames(spec: PolicySpec, window: Int, file: String) throws(PolicyRuntimeError) -> [String] {
        guard let first = spec.assets.first else { return [] }
        let names = spec.observationNames, n = spec.assets.count, start = window * n
        guard let vol = names.firstIndex(of: "\(first).vol"), vol >= start, (vol - start) % n == 0 else {
            throw .invalidPolicy(file: file, detail: "observation names lack '\(first).vol' after a \(window)-bar return window of \(n) assets")
        }
        let k = (vol - start) / n
        let prefix = "\(first)."
        return try names[start..<(start + k)].map { (name) throws(PolicyRuntimeError) -> String in
            guard name.hasPrefix(prefix) else { throw .invalidPolicy(file: file, detail: "observation name '\(name)' is not one of \(first)'s predictions") }
            return String(name.dropFirst(prefix.count))
        }
    }

    /// The env's observation names for these assets and features (MarketGym's own layout function,
    /// so the layout can never drift from the env's).
    static func observationNames(assets: [String], features: [String], config: MarketEnvConfig, file: String) throws(PolicyRuntimeError) -> [String] {
        guard config.observation.window >= 1 else {
            throw .invalidPolicy(file: file, detail: "cannot lay out the observation: observation.window \(config.observation.window), expected at least 1 bar")
        }
        return ObservationBuilder.names(assets: assets, features: features, window: config.observation.window)
    }

    /// Index of the first element where two name lists differ (the shorter length when one is a prefix).
    static func firstDifference(_ a: [String], _ b: [String]) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
        return min(a.count, b.count)
    }

    /// FNV-1a (64-bit) over the spec's observation names, action and every parameter's name, shape and bits.
    static func fingerprint(_ c: Checkpoint) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func byte(_ b: UInt8) { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 }
        func text(_ s: String) { for b in s.utf8 { byte(b) }; byte(0) }
        func word(_ x: UInt64) { for k in 0..<8 { byte(UInt8(truncatingIfNeeded: x >> (8 * UInt64(k)))) } }
        text(c.policy.environmentConfig)
        for name in c.policy.observationNames { text(name) }
        text(c.policy.network.rawValue)
        for p in c.policyParameters {
            text(p.name)
            for d in p.shape { word(UInt64(truncatingIfNeeded: d)) }
            for v in p.values { word(UInt64(v.bitPattern)) }
        }
        if let n = c.policy.normalization {
            for v in n.mean + n.variance { word(v.bitPattern) }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
