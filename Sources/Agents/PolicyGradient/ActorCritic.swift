import CheckpointFormat
import Foundation
import NeuralNet
import SeededRandom
import TensorCore

/// Separate actor and critic MLPs (SB3's `MlpPolicy` for PPO/A2C: `net_arch = dict(pi=[64, 64],
/// vf=[64, 64])`, tanh) and, for Box actions, a state-independent log standard deviation.
///
/// Parameter names (checkpoint keys): `actor.layers.<i>.weight|bias`, `log_std` (Gaussian only) —
/// the policy a daemon acts with — and `critic.layers.<i>.weight|bias`.
///
/// Initialization (Huang et al. 2022, "The 37 Implementation Details of PPO", details 2 and 3; SB3
/// `ortho_init=True`): orthogonal weights with gain √2 on hidden layers, 0.01 on the policy output
/// and 1 on the value output; zero biases; `log_std` = `logStdInit`.
public final class ActorCritic {
    /// The action distribution family.
    public let head: PolicyHead
    /// Observation → logits (categorical) or Gaussian mean.
    public let actor: Sequential
    /// Observation → V(s), `[B, 1]`.
    public let critic: Sequential
    /// Log standard deviation `[D]` of the Gaussian head, nil otherwise.
    public let logStd: Parameter?
    /// Floats per observation.
    public let observationCount: Int
    /// With a per-asset actor (`ActorArchitecture.perAsset`), the inputs each asset's row reads;
    /// the actor then maps `[B·N, inputWidth]` rows to `[B·N, 1]`, read as the `[B, N]` mean.
    public let perAsset: PerAssetLayout?
    /// The acting forward pass over the actor (checkpoint names): the deterministic and sampled
    /// actions run the code the trading daemon runs.
    let acting: ActingForward

    /// Builds the networks, drawing initial weights from `rng` (actor first, then critic).
    /// - Precondition: with `perAsset`, the head is Gaussian with one dimension per asset (the agent checks).
    public init(observationCount: Int, head: PolicyHead, network: NetworkConfig, orthogonalInit: Bool,
                logStdInit: Double, perAsset: PerAssetLayout? = nil, rng: inout Xoshiro256) {
        self.observationCount = observationCount
        self.head = head
        self.perAsset = perAsset
        if let perAsset {
            precondition(head.actorOutputs == perAsset.assets.count, "per-asset actor: \(perAsset.assets.count) assets, \(head.actorOutputs) outputs")
        }
        let act: Activation = network.activation == .tanh ? .tanh : .relu
        let sqrt2 = Float(2).squareRoot()
        let hiddenInit: Initializer = orthogonalInit ? .orthogonal(gain: sqrt2) : .pytorchLinearDefault
        let biasInit: Initializer = orthogonalInit ? .zeros : .pytorchLinearDefault
        let actorShape = perAsset.map { [$0.inputWidth] + network.hidden + [1] } ?? [observationCount] + network.hidden + [head.actorOutputs]
        actor = Sequential.mlp(actorShape, activation: act,
                               weightInit: hiddenInit, outputWeightInit: orthogonalInit ? .orthogonal(gain: 0.01) : nil,
                               biasInit: biasInit, rng: &rng)
        critic = Sequential.mlp([observationCount] + network.hidden + [1], activation: act,
                                weightInit: hiddenInit, outputWeightInit: orthogonalInit ? .orthogonal(gain: 1) : nil,
                                biasInit: biasInit, rng: &rng)
        if case .gaussian(let d, _, _, _) = head {
            logStd = Parameter(Tensor(repeating: Float(logStdInit), shape: [d]))
        } else {
            logStd = nil
        }
        let kind: PolicySpec.ActionKind, shape: [Int], low: [Double], high: [Double], bound: String
        switch head {
        case .categorical(let n): (kind, shape, low, high, bound) = (.discrete, [n], [], [], "")
        case .factorizedCategorical(let nvec): (kind, shape, low, high, bound) = (.multiDiscrete, nvec, [], [], "")
        case let .gaussian(d, lo, hi, b): (kind, shape, low, high, bound) = (.box, [d], lo.map(Double.init), hi.map(Double.init), b.rawValue)
        }
        let named = actor.namedParameters(prefix: "actor") + (logStd.map { [NamedParameter("log_std", $0)] } ?? [])
        acting = ActingForward(named, owner: "ActorCritic") { shapes throws(PolicyForwardError) in
            try PolicyForward(network: perAsset == nil ? head.networkKind : .perAssetGaussian, hidden: network.hidden,
                              activation: network.activation.rawValue, dueling: false, observationSize: observationCount,
                              perAsset: perAsset, actionKind: kind, actionShape: shape, actionLow: low, actionHigh: high,
                              continuousBound: bound, shapes: shapes)
        }
    }

    /// The policy's parameters (actor, then `log_std`), as checkpointed in `/policy/parameters`.
    public var policyParameters: [NamedParameter] {
        var p = actor.namedParameters(prefix: "actor")
        if let logStd { p.append(NamedParameter("log_std", logStd)) }
        return p
    }

    /// The critic's parameters.
    public var criticParameters: [NamedParameter] { critic.namedParameters(prefix: "critic") }

    /// Every trainable parameter (one optimizer over all, as SB3).
    public var allParameters: [NamedParameter] { policyParameters + criticParameters }

    // MARK: Training (recorded on a tape)

    /// log π(a|s), entropy and V(s) for a minibatch, recorded on `observations`' tape.
    /// - Parameters:
    ///   - observations: `[B, observationCount]`.
    ///   - actions: the stored actions `[B, storedActionCount]` (see ``RolloutBuffer``).
    /// - Returns: three `[B]` variables.
    public func evaluate(_ observations: Variable, actions: Tensor) -> (logProb: Variable, entropy: Variable, value: Variable) {
        let tape = observations.tape
        let out = perAsset == nil ? actor(observations)
            : actor(tape.constant(perAssetRows(observations.value))).reshaped([observations.shape[0], head.actorOutputs])
        let value = critic(observations).reshaped([-1])
        let b = observations.shape[0]
        switch head {
        case .categorical:
            let dist = Categorical(logits: out)
            let idx = actions.withUnsafeBufferPointer { $0.map { Int($0) } }
            return (dist.logProb(idx), dist.entropy(), value)
        case .factorizedCategorical(let nvec):
            // One categorical per dimension over its slice of the logits (columns taken as rows of
            // the transpose, the only slicing primitive the tape has).
            let columns = out.transposed()
            var logProb: Variable?
            var entropy: Variable?
            var offset = 0
            let stored = actions.scalars
            for (j, n) in nvec.enumerated() {
                let logits = columns.rows(offset..<(offset + n)).transposed()
                let dist = Categorical(logits: logits)
                let idx = (0..<b).map { Int(stored[$0 * nvec.count + j]) }
                let lp = dist.logProb(idx), en = dist.entropy()
                logProb = logProb.map { $0 + lp } ?? lp
                entropy = entropy.map { $0 + en } ?? en
                offset += n
            }
            guard let logProb, let entropy else { preconditionFailure("factorized categorical with empty nvec") }
            return (logProb, entropy, value)
        case .gaussian:
            guard let logStd else { preconditionFailure("Gaussian head without log_std") }
            let dist = DiagonalGaussian(mean: out, logStd: tape.parameter(logStd))
            return (dist.logProb(actions), dist.entropy(), value)
        }
    }

    // MARK: Acting (eager)

    /// The per-asset input rows `[B·N, inputWidth]` of `[B, observationCount]` observations.
    func perAssetRows(_ observations: Tensor) -> Tensor {
        guard let layout = perAsset else { return observations }
        let b = observations.shape[0]
        var rows = [Float](repeating: 0, count: b * layout.assets.count * layout.inputWidth)
        observations.withUnsafeBufferPointer { x in
            rows.withUnsafeMutableBufferPointer { layout.gather(x, rows: b, observationCount: observationCount, into: $0) }
        }
        return Tensor(shape: [b * layout.assets.count, layout.inputWidth], scalars: rows)
    }

    /// The actor's outputs, row-major `[rows, actorOutputs]` (logits or Gaussian mean), for `rows`
    /// observations of `observationCount` floats, through `PolicyForward` (as the daemon).
    func actorOutputs(_ observations: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        acting.outputs(observations, rows: rows)
    }

    /// V(s) for `[B, observationCount]` observations.
    public func values(_ observations: Tensor) -> Tensor { critic(observations) }

    /// Samples one action per row, writing stored actions (`[B, storedActionCount]`) and their
    /// log-probabilities, and returns V(s) per row.
    ///
    /// Categorical draws use one uniform per dimension (inverse CDF); Gaussian draws one normal per
    /// dimension, so the generator's use is fixed per step (needed for bit-exact resume).
    /// For a squashed Gaussian the stored log-probability is that of the pre-tanh sample: the
    /// change-of-variables term depends only on the stored sample, so it cancels in every ratio
    /// and has no gradient.
    func sample(_ observations: Tensor, rng: inout Xoshiro256,
                actions: UnsafeMutableBufferPointer<Float>, logProbs: UnsafeMutableBufferPointer<Float>,
                values: UnsafeMutableBufferPointer<Float>) {
        let b = observations.shape[0]
        let out = observations.withUnsafeBufferPointer { actorOutputs($0, rows: b) }
        let v = critic(observations)
        v.withUnsafeBufferPointer { vb in for i in 0..<b { values[i] = vb[i] } }
        let width = head.actorOutputs
        out.withUnsafeBufferPointer { o in
            switch head {
            case .categorical(let n):
                for i in 0..<b {
                    let (a, lp) = Self.sampleCategorical(UnsafeBufferPointer(rebasing: o[(i * width)..<(i * width + n)]), rng: &rng)
                    actions[i] = Float(a)
                    logProbs[i] = lp
                }
            case .factorizedCategorical(let nvec):
                for i in 0..<b {
                    var offset = i * width, total: Float = 0
                    for (j, n) in nvec.enumerated() {
                        let (a, lp) = Self.sampleCategorical(UnsafeBufferPointer(rebasing: o[offset..<(offset + n)]), rng: &rng)
                        actions[i * nvec.count + j] = Float(a)
                        total += lp
                        offset += n
                    }
                    logProbs[i] = total
                }
            case .gaussian(let d, _, _, _):
                guard let logStd else { preconditionFailure("Gaussian head without log_std") }
                logStd.value.withUnsafeBufferPointer { ls in
                    var logStdSum: Float = 0
                    for k in 0..<d { logStdSum += ls[k] }
                    for i in 0..<b {
                        var sq: Float = 0
                        for k in 0..<d {
                            let z = Float(rng.normal())
                            actions[i * d + k] = o[i * d + k] + Foundation.exp(ls[k]) * z
                            sq += z * z
                        }
                        logProbs[i] = -0.5 * sq - logStdSum - Float(d) * Self.halfLogTwoPi
                    }
                }
            }
        }
    }

    static let halfLogTwoPi: Float = 0.918_938_533_204_672_7

    /// Draws from softmax(logits) by inverse CDF; returns the index and its log-probability.
    static func sampleCategorical(_ logits: UnsafeBufferPointer<Float>, rng: inout Xoshiro256) -> (Int, Float) {
        var m = -Float.infinity
        for x in logits where x > m { m = x }
        var sum: Double = 0
        for x in logits { sum += Double(Foundation.exp(x - m)) }
        let u = rng.uniformDouble() * sum
        var acc: Double = 0
        var chosen = logits.count - 1
        for (k, x) in logits.enumerated() {
            acc += Double(Foundation.exp(x - m))
            if u < acc { chosen = k; break }
        }
        let logSum = m + Float(Foundation.log(sum))
        return (chosen, logits[chosen] - logSum)
    }

    /// The deterministic action stored form: argmax per categorical, the Gaussian mean.
    func deterministic(_ observation: [Float]) -> [Float] {
        let out = observation.withUnsafeBufferPointer { actorOutputs($0, rows: 1) }
        switch head {
        case .categorical, .factorizedCategorical:
            return out.withUnsafeBufferPointer { o in acting.forward.branches.indices.map { Float(acting.forward.greedy(o, row: 0, branch: $0)) } }
        case .gaussian:
            return out
        }
    }
}
