import CheckpointFormat
import Gym
import TensorCore

/// A checkpoint's policy network for the daemon: CheckpointFormat's `PolicyForward` (the forward
/// pass and deterministic action the trainer runs too) over the loaded parameter tensors.
///
/// Immutable after init; `forward` works in the caller's scratch, so concurrent calls are safe.
final class PolicyNetwork: Sendable {
    /// The forward pass, shared with the trainer.
    let forward: PolicyForward
    /// The parameters in `forward.parameterNames` order.
    let weights: [Tensor]

    /// Floats per input row.
    var inputs: Int { forward.inputs }
    /// Floats `forward` writes.
    var outputCount: Int { forward.outputCount }
    /// Choices per action dimension (Discrete: [n]; MultiDiscrete: nvec; Box: [d]).
    var branches: [Int] { forward.branches }
    /// Floats of scratch `forward` needs for one observation.
    let scratchCount: Int
    /// The action space is `Discrete` (one index) rather than `MultiDiscrete` or `Box`.
    let discrete: Bool

    /// Rebuilds the network and checks every parameter's presence and shape.
    /// - Throws: `PolicyRuntimeError.invalidPolicy` naming the first missing, extra or mis-shaped parameter.
    init(spec: PolicySpec, parameters: [NamedTensor], file: String) throws(PolicyRuntimeError) {
        var shapes: [String: [Int]] = [:], byName: [String: NamedTensor] = [:]
        for p in parameters {
            shapes[p.name] = p.shape
            byName[p.name] = p
        }
        do { forward = try PolicyForward(spec: spec, shapes: shapes) } catch {
            throw .invalidPolicy(file: file, detail: error.description)
        }
        weights = forward.parameterNames.compactMap { name in byName[name].map { Tensor(shape: $0.shape, scalars: $0.values) } }
        scratchCount = forward.scratchCount(rows: 1)
        discrete = spec.actionKind == .discrete
    }

    /// Writes the network's outputs for one (already normalized) observation into `out`
    /// (`outputCount` values: Q values of every branch side by side, logits, or the Gaussian mean),
    /// using `scratch` (`scratchCount` floats). No allocation.
    func forward(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            forward.run(x, rows: 1, weights: { w[$0] }, into: out, scratch: UnsafeMutableBufferPointer(start: scratch, count: scratchCount))
        }
    }

    /// The deterministic action for the network outputs `out`: argmax per branch (first index on
    /// ties, as `torch.argmax`), or the Gaussian mean clipped or tanh-squashed into the box.
    func action(fromOutputs out: UnsafeBufferPointer<Float>) -> Action {
        switch forward.kind {
        case .qValues, .branchingQValues, .categorical, .factorizedCategorical:
            if discrete { return .discrete(forward.greedy(out, row: 0, branch: 0)) }
            var choice: [Int] = []
            choice.reserveCapacity(branches.count)
            for d in branches.indices { choice.append(forward.greedy(out, row: 0, branch: d)) }
            return .multiDiscrete(choice)
        case .gaussian, .perAssetGaussian:
            var a = [Float](repeating: 0, count: forward.low.count)
            for d in a.indices { a[d] = forward.bounded(out[d], dimension: d) }
            return .continuous(a)
        }
    }
}
