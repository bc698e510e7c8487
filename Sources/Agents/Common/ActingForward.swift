import CheckpointFormat
import NeuralNet
import TensorCore

/// A policy's acting forward pass over a network's live parameters: CheckpointFormat's
/// `PolicyForward` (the code the trading daemon runs) fed the agent's `Parameter`s, so every
/// optimizer step and checkpoint load is seen. The agents' `act` and rollout actions run it.
struct ActingForward {
    /// The forward pass, built from the network's checkpoint names and shapes.
    let forward: PolicyForward
    /// The parameters in `forward.parameterNames` order.
    let parameters: [Parameter]

    /// Binds `make`'s forward pass to `named` parameters (checkpoint names).
    /// - Precondition: the parameters make the policy `make` describes (the owner built both).
    init(_ named: [NamedParameter], owner: String, _ make: ([String: [Int]]) throws(PolicyForwardError) -> PolicyForward) {
        var byName: [String: Parameter] = [:]
        for p in named { byName[p.name] = p.parameter }
        do { forward = try make(byName.mapValues(\.value.shape)) } catch {
            preconditionFailure("\(owner): its own layers do not make a checkpoint policy: \(error)")
        }
        parameters = forward.parameterNames.compactMap { byName[$0] }
    }

    /// The outputs, row-major `[rows, forward.outputCount]` (Q values, logits or Gaussian means),
    /// for `rows` observations of `forward.inputs` floats.
    func outputs(_ observations: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * forward.outputCount)
        out.withUnsafeMutableBufferPointer { o in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: forward.scratchCount(rows: rows)) { scratch in
                forward.run(observations, rows: rows, weights: { parameters[$0].value }, into: o, scratch: scratch)
            }
        }
        return out
    }
}
