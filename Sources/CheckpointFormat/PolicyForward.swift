import Foundation
import TensorCore

/// The forward pass of a policy, built from its `PolicySpec` and the names and shapes of its
/// parameters: the one place that computes Q-values (with the dueling combination), logits or the
/// Gaussian mean, and the deterministic action (argmax per branch, the mean clipped or squashed).
///
/// The trainer's `act` (DQN's greedy action, the policy-gradient agents' deterministic and sampled
/// actions) and the trading daemon (`PolicyRuntime`) both run this code, so they agree bit for bit.
///
/// Layouts (docs/checkpoint-format.md; the names `Agents` writes, weights `[out, in]` as PyTorch):
/// - `qValues` / `branchingQValues` (DQN): `q.trunk.layers.<2k>.weight|bias` for hidden layer k, then
///   `q.head.<d>.weight|bias` per action branch, and `q.head.value.weight|bias` when dueling, where
///   `Q_d = V + (A_d − mean(A_d))` (Wang et al. 2016, eq. 9; Tavakoli et al. 2018, eq. 1).
/// - `categorical` / `factorizedCategorical` / `gaussian` (PPO, A2C, REINFORCE):
///   `actor.layers.<2k>.weight|bias` for hidden layer k and `actor.layers.<2H>.weight|bias` for the
///   output (logits, or the Gaussian mean); `log_std` is accepted but unused (deterministic acting).
/// - `perAssetGaussian`: the same names, but the MLP maps one asset's inputs (`PerAssetLayout`) to
///   that asset's mean; all asset rows go through it as one matrix product per layer.
///
/// The forward holds no weights: callers pass them by index into ``parameterNames`` (the trainer
/// its live `Parameter` values, the daemon its loaded tensors), and the scratch, so a call
/// allocates nothing and concurrent calls with separate scratch are safe.
///
/// ```swift
/// let forward = try PolicyForward(spec: spec, shapes: shapes)
/// forward.run(observation, rows: 1, weights: { tensors[$0] }, into: outputs, scratch: scratch)
/// let action = forward.greedy(UnsafeBufferPointer(outputs), row: 0, branch: 0)
/// ```
public struct PolicyForward: Sendable {
    /// One fully connected layer `act(x · Wᵀ + b)`; `weight` and `bias` index ``parameterNames``.
    struct Dense: Sendable {
        let weight: Int
        let bias: Int
        let inputs: Int
        let outputs: Int
        let activation: Activation
    }

    /// What the network outputs.
    public let kind: PolicySpec.NetworkKind
    /// Parameter names in the order `weights` indexes them.
    public let parameterNames: [String]
    /// Choices per action dimension (Discrete: [n]; MultiDiscrete: nvec; Box: [d]).
    public let branches: [Int]
    /// Offset of each branch's values in an output row.
    let branchOffsets: [Int]
    /// Floats per input row (the observation size).
    public let inputs: Int
    /// Floats per output row: Q values of every branch side by side, logits, or the Gaussian mean.
    public let outputCount: Int
    /// The per-asset input layout (`perAssetGaussian`), nil otherwise.
    public let perAsset: PerAssetLayout?
    /// Box bounds (Gaussian policies), empty otherwise.
    public let low: [Float]
    public let high: [Float]
    /// Tanh-squash (true) or clip (false) the Gaussian mean into the box.
    public let squash: Bool
    let trunk: [Dense]
    /// One head per branch (Q networks) or the single output layer (actors).
    let heads: [Dense]
    /// The dueling state-value stream.
    let value: Dense?
    /// The widest activation row any layer writes.
    let widest: Int

    /// The forward pass for a checkpoint's policy.
    /// - Parameters:
    ///   - spec: the stored policy spec (network kind, hidden widths, activation, action space).
    ///   - shapes: every stored parameter's shape by name.
    /// - Throws: ``PolicyForwardError`` naming the first missing, extra or mis-shaped parameter, or
    ///   the spec field that does not describe a network this format knows.
    public init(spec: PolicySpec, shapes: [String: [Int]]) throws(PolicyForwardError) {
        var layout: PerAssetLayout?
        if spec.network == .perAssetGaussian {
            guard spec.actionKind == .box, spec.actionShape.count == 1 else {
                throw .unsupported("a per-asset Gaussian policy needs a Box action, found \(spec.actionKind.rawValue) \(spec.actionShape)")
            }
            do { layout = try PerAssetLayout(observationNames: spec.observationNames, assetCount: spec.actionShape[0]) } catch {
                throw .unsupported("\(error)")
            }
        }
        try self.init(network: spec.network, hidden: spec.hidden, activation: spec.activation, dueling: spec.dueling,
                      observationSize: spec.observationSize, perAsset: layout, actionKind: spec.actionKind,
                      actionShape: spec.actionShape, actionLow: spec.actionLow, actionHigh: spec.actionHigh,
                      continuousBound: spec.continuousBound, shapes: shapes)
    }

    /// The forward pass from the spec's fields (the trainer, which has no observation names yet).
    /// - Parameters: as the `PolicySpec` fields of the same names; `perAsset` for `perAssetGaussian`.
    /// - Throws: ``PolicyForwardError`` as ``init(spec:shapes:)``.
    public init(network: PolicySpec.NetworkKind, hidden: [Int], activation: String, dueling: Bool,
                observationSize: Int, perAsset layout: PerAssetLayout?, actionKind: PolicySpec.ActionKind,
                actionShape: [Int], actionLow: [Double], actionHigh: [Double], continuousBound: String,
                shapes: [String: [Int]]) throws(PolicyForwardError) {
        let act: Activation
        switch activation {
        case "relu": act = .relu
        case "tanh": act = .tanh
        default: throw .unsupported("hidden activation '\(activation)' (expected relu or tanh)")
        }
        guard observationSize > 0 else { throw .unsupported("the policy has no observation names") }
        guard !actionShape.isEmpty, actionShape.allSatisfy({ $0 > 0 }) else { throw .unsupported("action shape \(actionShape)") }
        if network == .perAssetGaussian && layout == nil { throw .unsupported("a per-asset Gaussian policy needs its per-asset layout") }
        switch actionKind {
        case .discrete, .box:
            guard actionShape.count == 1 else { throw .unsupported("\(actionKind == .box ? "Box" : "Discrete") action shape \(actionShape)") }
        case .multiDiscrete: break
        }
        var names: [String] = []
        func dense(_ name: String, inputs: Int, outputs: Int?, activation: Activation) throws(PolicyForwardError) -> Dense {
            guard let w = shapes["\(name).weight"] else { throw .missingParameter("\(name).weight") }
            guard let b = shapes["\(name).bias"] else { throw .missingParameter("\(name).bias") }
            guard w.count == 2, w[1] == inputs, outputs.map({ $0 == w[0] }) ?? true else {
                throw .shape(name: "\(name).weight", found: w, expected: "[\(outputs.map(String.init) ?? "out"), \(inputs)]")
            }
            guard b == [w[0]] else { throw .shape(name: "\(name).bias", found: b, expected: "[\(w[0])]") }
            names += ["\(name).weight", "\(name).bias"]
            return Dense(weight: names.count - 2, bias: names.count - 1, inputs: inputs, outputs: w[0], activation: activation)
        }
        let q = network == .qValues || network == .branchingQValues
        var width = layout?.inputWidth ?? observationSize
        var trunk: [Dense] = []
        for (k, h) in hidden.enumerated() {
            trunk.append(try dense(q ? "q.trunk.layers.\(2 * k)" : "actor.layers.\(2 * k)", inputs: width, outputs: h, activation: act))
            width = h
        }
        var heads: [Dense] = []
        var value: Dense?
        var low: [Float] = [], high: [Float] = []
        switch network {
        case .qValues, .branchingQValues:
            guard actionKind != .box else { throw .unsupported("a Q-network cannot act in a Box action space") }
            for (d, n) in actionShape.enumerated() { heads.append(try dense("q.head.\(d)", inputs: width, outputs: n, activation: .identity)) }
            if dueling { value = try dense("q.head.value", inputs: width, outputs: 1, activation: .identity) }
        case .categorical, .factorizedCategorical:
            guard actionKind != .box else { throw .unsupported("a categorical policy cannot act in a Box action space") }
            heads = [try dense("actor.layers.\(2 * hidden.count)", inputs: width, outputs: actionShape.reduce(0, +), activation: .identity)]
        case .gaussian, .perAssetGaussian:
            guard actionKind == .box else { throw .unsupported("a Gaussian policy needs a Box action space, found \(actionKind.rawValue)") }
            let d = actionShape[0]
            guard actionLow.count == d, actionHigh.count == d else {
                throw .unsupported("Box bounds have \(actionLow.count)/\(actionHigh.count) values for \(d) dimensions")
            }
            guard continuousBound == "clip" || continuousBound == "squash" else {
                throw .unsupported("continuousBound '\(continuousBound)' (expected clip or squash)")
            }
            heads = [try dense("actor.layers.\(2 * hidden.count)", inputs: width, outputs: layout == nil ? d : 1, activation: .identity)]
            low = actionLow.map { Float($0) }
            high = actionHigh.map { Float($0) }
        }
        let gaussian = network == .gaussian || network == .perAssetGaussian
        let known = Set(names + (gaussian ? ["log_std"] : []))
        let extra = shapes.keys.filter { !known.contains($0) }.sorted()
        guard extra.isEmpty else { throw .unexpectedParameters(extra, network: network.rawValue, hidden: hidden) }
        kind = network
        parameterNames = names
        branches = actionShape
        var offsets: [Int] = [], offset = 0
        for n in actionShape { offsets.append(offset); offset += n }
        branchOffsets = offsets
        inputs = observationSize
        outputCount = layout?.assets.count ?? heads.reduce(0) { $0 + $1.outputs }
        perAsset = layout
        self.low = low
        self.high = high
        squash = continuousBound == "squash"
        self.trunk = trunk
        self.heads = heads
        self.value = value
        widest = max(1, (trunk + heads).map(\.outputs).max() ?? 1)
    }

    /// Floats of scratch ``run(_:rows:weights:into:scratch:)`` needs for `rows` input rows: the
    /// gathered per-asset rows, two ping-pong activation blocks and the dueling values.
    public func scratchCount(rows: Int) -> Int {
        let layerRows = rows * (perAsset?.assets.count ?? 1)
        return layerRows * (perAsset?.inputWidth ?? 0) + 2 * layerRows * widest + rows
    }

    /// Writes the network's outputs for `rows` (already normalized) observations, row-major
    /// `[rows, outputCount]`, into `out`. No allocation: one matrix product per layer (TensorCore's
    /// `Kernels.linear`: `cblas_sgemv` for one row, `cblas_sgemm` for more).
    /// - Parameters:
    ///   - x: `rows × inputs` floats.
    ///   - weights: the tensor of ``parameterNames``[i], for each index `i`.
    ///   - out: `rows × outputCount` floats.
    ///   - scratch: at least ``scratchCount(rows:)`` floats.
    public func run(_ x: UnsafeBufferPointer<Float>, rows: Int, weights: (Int) -> Tensor,
                    into out: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) {
        precondition(rows > 0 && x.count == rows * inputs && out.count == rows * outputCount && scratch.count >= scratchCount(rows: rows),
                     "PolicyForward: \(rows) rows, input \(x.count) (want \(rows * inputs)), output \(out.count) (want \(rows * outputCount)), scratch \(scratch.count) (want \(scratchCount(rows: rows)))")
        guard var input = x.baseAddress, let o = out.baseAddress, let s = scratch.baseAddress else { return }
        var layerRows = rows, free = s
        if let perAsset {
            // All asset rows through the shared MLP at once (`PerAssetLayout.gather`), so the trainer
            // and the daemon multiply the same matrices.
            layerRows = rows * perAsset.assets.count
            let gathered = UnsafeMutableBufferPointer(start: s, count: layerRows * perAsset.inputWidth)
            perAsset.gather(x, rows: rows, observationCount: inputs, into: gathered)
            input = UnsafePointer(s)
            free = s + gathered.count
        }
        let a = free, b = free + layerRows * widest, v = free + 2 * layerRows * widest
        var target = a
        for layer in trunk {
            Kernels.linear(input: input, rows: layerRows, weight: weights(layer.weight), bias: weights(layer.bias),
                           activation: layer.activation, output: target)
            input = UnsafePointer(target)
            target = target == a ? b : a
        }
        if heads.count == 1 || layerRows == 1 {
            var offset = 0
            for head in heads {
                Kernels.linear(input: input, rows: layerRows, weight: weights(head.weight), bias: weights(head.bias), activation: .identity, output: o + offset)
                offset += head.outputs
            }
        } else {
            // Several heads over several rows: each head's `[rows, n]` block goes to its columns.
            var offset = 0
            for head in heads {
                Kernels.linear(input: input, rows: layerRows, weight: weights(head.weight), bias: weights(head.bias), activation: .identity, output: target)
                for r in 0..<layerRows { (o + r * outputCount + offset).update(from: target + r * head.outputs, count: head.outputs) }
                offset += head.outputs
            }
        }
        if let value {
            Kernels.linear(input: input, rows: rows, weight: weights(value.weight), bias: weights(value.bias), activation: .identity, output: v)
            for r in 0..<rows {
                let row = o + r * outputCount
                for (n, start) in zip(branches, branchOffsets) {
                    var sum: Float = 0
                    for j in 0..<n { sum += row[start + j] }
                    let mean = sum / Float(n)
                    for j in 0..<n { row[start + j] = v[r] + (row[start + j] - mean) }
                }
            }
        }
    }

    /// The greedy choice of `branch` in output row `row`: the index of its largest value (Q value
    /// or logit), the first on ties (as `torch.argmax`).
    @inline(__always)
    public func greedy(_ outputs: UnsafeBufferPointer<Float>, row: Int, branch: Int) -> Int {
        let start = row * outputCount + branchOffsets[branch], n = branches[branch]
        var best = 0
        for j in 1..<max(n, 1) where outputs[start + j] > outputs[start + best] { best = j }
        return best
    }

    /// Gaussian dimension `d`'s value `x` (the mean, or a sample) mapped into the box.
    @inline(__always)
    public func bounded(_ x: Float, dimension d: Int) -> Float {
        Self.bounded(x, low: low[d], high: high[d], squash: squash)
    }

    /// `x` clipped into `[low, high]`, or squashed: `low + (tanh(x) + 1)/2 · (high − low)` (then
    /// clipped against rounding), as SB3's `squash_output`.
    @inline(__always)
    public static func bounded(_ x: Float, low: Float, high: Float, squash: Bool) -> Float {
        guard squash else { return min(max(x, low), high) }
        let s = low + (Foundation.tanh(x) + 1) * 0.5 * (high - low)
        return min(max(s, low), high)
    }
}

/// Why a policy's spec and parameters do not make a network ``PolicyForward`` can run.
public enum PolicyForwardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter the spec's network needs is not stored.
    case missingParameter(String)
    /// A stored parameter has the wrong shape for the spec's widths.
    case shape(name: String, found: [Int], expected: String)
    /// Stored parameters the spec's network does not use.
    case unexpectedParameters([String], network: String, hidden: [Int])
    /// A spec field (activation, action space, bounds) that no known network has.
    case unsupported(String)

    public var description: String {
        switch self {
        case .missingParameter(let name): return "missing parameter \(name)"
        case let .shape(name, found, expected): return "\(name) has shape \(found), expected \(expected)"
        case let .unexpectedParameters(names, network, hidden):
            return "unexpected parameters \(names) for a \(network) network with hidden \(hidden)"
        case .unsupported(let detail): return detail
        }
    }
}
