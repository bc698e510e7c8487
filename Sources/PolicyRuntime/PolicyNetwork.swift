import CheckpointFormat
import Foundation
import Gym
import TensorCore

/// The policy's forward pass, rebuilt from a checkpoint's parameters and `PolicySpec` alone (no
/// training code), and its deterministic action: greedy Q, categorical mode, or Gaussian mean.
///
/// Layouts (docs/checkpoint-format.md; the same names `Agents` writes, weights `[out, in]`):
/// - `qValues` / `branchingQValues` (DQN): `q.trunk.layers.<2k>.weight|bias` for hidden layer k, then
///   `q.head.<d>.weight|bias` per action branch, and `q.head.value.weight|bias` when dueling, where
///   `Q_d = V + A_d − mean(A_d)` (Wang et al. 2016, eq. 9; Tavakoli et al. 2018).
/// - `categorical` / `factorizedCategorical` / `gaussian` (PPO, A2C, REINFORCE):
///   `actor.layers.<2k>.weight|bias` for hidden layer k and `actor.layers.<2H>.weight|bias` for the
///   output (logits, or the Gaussian mean); `log_std` is read but unused (deterministic acting).
/// - `perAssetGaussian`: the same names, but the MLP maps one asset's inputs (`PerAssetLayout`, from
///   the observation names) to that asset's mean; it runs once per asset.
///
/// Immutable after init; `forward` works in the caller's scratch, so concurrent calls are safe.
final class PolicyNetwork: Sendable {
    struct Dense: Sendable {
        let weight: Tensor
        let bias: Tensor
        let activation: Activation
        var outputs: Int { weight.shape[0] }
    }

    let kind: PolicySpec.NetworkKind
    let trunk: [Dense]
    /// One head per branch (DQN) or a single output layer (actor).
    let heads: [Dense]
    let value: Dense?
    /// Choices per action dimension (Discrete: [n]; MultiDiscrete: nvec; Box: [d]).
    let branches: [Int]
    let inputs: Int
    let outputCount: Int
    let scratchWidth: Int
    /// Floats of scratch `forward` needs: two ping-pong activation rows and the dueling value.
    var scratchCount: Int { 2 * scratchWidth + 1 }
    let low: [Float]
    let high: [Float]
    let squash: Bool
    /// The action space is `Discrete` (one index) rather than `MultiDiscrete` or `Box`.
    let discrete: Bool
    /// The per-asset input layout (`perAssetGaussian`), nil otherwise.
    let perAsset: PerAssetLayout?

    /// Rebuilds the network and checks every parameter's presence and shape.
    /// - Throws: `PolicyRuntimeError.invalidPolicy` naming the first missing, extra or mis-shaped parameter.
    init(spec: PolicySpec, parameters: [NamedTensor], file: String) throws(PolicyRuntimeError) {
        func fail(_ detail: String) -> PolicyRuntimeError { .invalidPolicy(file: file, detail: detail) }
        var byName: [String: NamedTensor] = [:]
        for p in parameters { byName[p.name] = p }
        var used = Set<String>()
        let act: Activation
        switch spec.activation {
        case "relu": act = .relu
        case "tanh": act = .tanh
        default: throw fail("hidden activation '\(spec.activation)' (expected relu or tanh)")
        }
        guard spec.observationSize > 0 else { throw fail("the policy has no observation names") }
        guard !spec.actionShape.isEmpty, spec.actionShape.allSatisfy({ $0 > 0 }) else { throw fail("action shape \(spec.actionShape)") }
        func dense(_ name: String, inputs: Int, outputs: Int?, activation: Activation) throws(PolicyRuntimeError) -> Dense {
            guard let w = byName["\(name).weight"] else { throw fail("missing parameter \(name).weight") }
            guard let b = byName["\(name).bias"] else { throw fail("missing parameter \(name).bias") }
            guard w.shape.count == 2, w.shape[1] == inputs, outputs.map({ $0 == w.shape[0] }) ?? true else {
                throw fail("\(name).weight has shape \(w.shape), expected [\(outputs.map(String.init) ?? "out"), \(inputs)]")
            }
            guard b.shape == [w.shape[0]] else { throw fail("\(name).bias has shape \(b.shape), expected [\(w.shape[0])]") }
            used.insert(w.name)
            used.insert(b.name)
            return Dense(weight: Tensor(shape: w.shape, scalars: w.values), bias: Tensor(shape: b.shape, scalars: b.values), activation: activation)
        }
        let q = spec.network == .qValues || spec.network == .branchingQValues
        var layout: PerAssetLayout?
        if spec.network == .perAssetGaussian {
            guard spec.actionKind == .box, spec.actionShape.count == 1 else { throw fail("a per-asset Gaussian policy needs a Box action, found \(spec.actionKind.rawValue) \(spec.actionShape)") }
            do {
                layout = try PerAssetLayout(observationNames: spec.observationNames, assetCount: spec.actionShape[0])
            } catch {
                throw fail("\(error)")
            }
        }
        var width = layout?.inputWidth ?? spec.observationSize
        var trunk: [Dense] = []
        for (k, h) in spec.hidden.enumerated() {
            trunk.append(try dense(q ? "q.trunk.layers.\(2 * k)" : "actor.layers.\(2 * k)", inputs: width, outputs: h, activation: act))
            width = h
        }
        let branches: [Int]
        switch spec.actionKind {
        case .discrete:
            guard spec.actionShape.count == 1 else { throw fail("Discrete action shape \(spec.actionShape)") }
            branches = spec.actionShape
        case .multiDiscrete:
            branches = spec.actionShape
        case .box:
            guard spec.actionShape.count == 1 else { throw fail("Box action shape \(spec.actionShape)") }
            branches = spec.actionShape
        }
        var heads: [Dense] = []
        var value: Dense?
        var low: [Float] = [], high: [Float] = []
        switch spec.network {
        case .qValues, .branchingQValues:
            guard spec.actionKind != .box else { throw fail("a Q-network cannot act in a Box action space") }
            for (d, n) in branches.enumerated() { heads.append(try dense("q.head.\(d)", inputs: width, outputs: n, activation: .identity)) }
            if spec.dueling { value = try dense("q.head.value", inputs: width, outputs: 1, activation: .identity) }
        case .categorical, .factorizedCategorical:
            guard spec.actionKind != .box else { throw fail("a categorical policy cannot act in a Box action space") }
            heads = [try dense("actor.layers.\(2 * spec.hidden.count)", inputs: width, outputs: branches.reduce(0, +), activation: .identity)]
        case .gaussian, .perAssetGaussian:
            guard spec.actionKind == .box else { throw fail("a Gaussian policy needs a Box action space, found \(spec.actionKind.rawValue)") }
            let d = branches[0]
            guard spec.actionLow.count == d, spec.actionHigh.count == d else {
                throw fail("Box bounds have \(spec.actionLow.count)/\(spec.actionHigh.count) values for \(d) dimensions")
            }
            guard spec.continuousBound == "clip" || spec.continuousBound == "squash" else {
                throw fail("continuousBound '\(spec.continuousBound)' (expected clip or squash)")
            }
            heads = [try dense("actor.layers.\(2 * spec.hidden.count)", inputs: width, outputs: layout == nil ? d : 1, activation: .identity)]
            low = spec.actionLow.map { Float($0) }
            high = spec.actionHigh.map { Float($0) }
            if byName["log_std"] != nil { used.insert("log_std") }
        }
        let extra = parameters.map(\.name).filter { !used.contains($0) }
        guard extra.isEmpty else { throw fail("unexpected parameters \(extra) for a \(spec.network.rawValue) network with hidden \(spec.hidden)") }
        kind = spec.network
        self.trunk = trunk
        self.heads = heads
        self.value = value
        self.branches = branches
        inputs = spec.observationSize
        outputCount = layout?.assets.count ?? heads.reduce(0) { $0 + $1.outputs }
        scratchWidth = max(trunk.map(\.outputs).max() ?? 0, spec.observationSize, outputCount + 1, layout?.inputWidth ?? 0)
        perAsset = layout
        self.low = low
        self.high = high
        squash = spec.continuousBound == "squash"
        discrete = spec.actionKind == .discrete
    }

    /// Writes the network's outputs for one (already normalized) observation into `out`
    /// (`outputCount` values: Q values of every branch side by side, logits, or the Gaussian mean),
    /// using `scratch` (`scratchCount` floats) for the activations. No allocation: one
    /// `cblas_sgemv` per layer (TensorCore's `Kernels.linear`).
    func forward(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, scratch s0: UnsafeMutablePointer<Float>) {
        precondition(x.count == inputs && out.count == outputCount, "PolicyNetwork: input \(x.count) (want \(inputs)), output \(out.count) (want \(outputCount))")
        if let perAsset {
            // All asset rows through the shared MLP at once, as the trainer does (`PerAssetLayout.gather`,
            // then one matrix product per layer), so the outputs are the same bits.
            let n = perAsset.assets.count, gathered = n * perAsset.inputWidth
            withUnsafeTemporaryAllocation(of: Float.self, capacity: gathered + 2 * n * scratchWidth + 1) { buffer in
                guard let base = buffer.baseAddress else { return }
                let rows = UnsafeMutableBufferPointer(start: base, count: gathered)
                perAsset.gather(x, rows: 1, observationCount: inputs, into: rows)
                forwardMLP(UnsafeBufferPointer(rows), rows: n, into: out, scratch: base + gathered)
            }
            return
        }
        forwardMLP(x, rows: 1, into: out, scratch: s0)
    }

    /// The trunk, heads and dueling combination for `rows` input rows (the dueling head: one row),
    /// in `scratch` (`2 · rows · scratchWidth + 1` floats).
    private func forwardMLP(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>, scratch s0: UnsafeMutablePointer<Float>) {
        guard let xin = x.baseAddress, let o = out.baseAddress else { return }
        let a = s0, b = s0 + rows * scratchWidth, v = s0 + 2 * rows * scratchWidth
        var input = xin, target = a
        for layer in trunk {
            Kernels.linear(input: input, rows: rows, weight: layer.weight, bias: layer.bias, activation: layer.activation, output: target)
            input = UnsafePointer(target)
            target = target == a ? b : a
        }
        var offset = 0
        for head in heads {
            Kernels.linear(input: input, rows: rows, weight: head.weight, bias: head.bias, activation: .identity, output: o + offset)
            offset += head.outputs
        }
        if let value {
            Kernels.linear(input: input, rows: 1, weight: value.weight, bias: value.bias, activation: .identity, output: v)
            var start = 0
            for n in branches {
                var sum: Float = 0
                for j in 0..<n { sum += o[start + j] }
                let mean = sum / Float(n)
                for j in 0..<n { o[start + j] = v[0] + (o[start + j] - mean) }
                start += n
            }
        }
    }

    /// The deterministic action for the network outputs `out`: argmax per branch (first index on
    /// ties, as `torch.argmax`), or the Gaussian mean clipped or tanh-squashed into the box.
    func action(fromOutputs out: UnsafeBufferPointer<Float>) -> Action {
        switch kind {
        case .qValues, .branchingQValues, .categorical, .factorizedCategorical:
            if discrete { return .discrete(Self.argmax(out, from: 0, count: branches[0])) }
            var choice: [Int] = []
            choice.reserveCapacity(branches.count)
            var start = 0
            for n in branches {
                choice.append(Self.argmax(out, from: start, count: n))
                start += n
            }
            return .multiDiscrete(choice)
        case .gaussian, .perAssetGaussian:
            var a = [Float](repeating: 0, count: low.count)
            for d in 0..<low.count {
                let x = out[d]
                if squash {
                    let s = low[d] + (Foundation.tanh(x) + 1) * 0.5 * (high[d] - low[d])
                    a[d] = min(max(s, low[d]), high[d])
                } else {
                    a[d] = min(max(x, low[d]), high[d])
                }
            }
            return .continuous(a)
        }
    }

    /// Index of the largest of `out[from ..< from + count]`, relative to `from`; the first on ties.
    @inline(__always)
    static func argmax(_ out: UnsafeBufferPointer<Float>, from start: Int, count n: Int) -> Int {
        var best = 0
        for j in 1..<max(n, 1) where out[start + j] > out[start + best] { best = j }
        return best
    }
}
