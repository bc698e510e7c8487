/// A lean forward pass of a ``Sequential`` of `Linear` and activation layers for one observation at
/// a time (the trading daemon; action selection while training): preallocated buffers, one
/// matrix-vector product per layer, no tape, no heap allocation per call.
///
/// It reads the network's parameters live, so it always reflects the latest weights.
///
/// ```swift
/// let policy = try MLPInference(net)
/// let q = policy.predict(observation)       // UnsafeBufferPointer valid until the next call
/// let action = q.indices.max { q[$0] < q[$1] }
/// ```
public final class MLPInference {
    struct Step {
        let weight: Parameter
        let bias: Parameter?
        let activation: Activation
    }

    let steps: [Step]
    /// Two ping-pong buffers sized for the widest layer.
    let buffers: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
    /// Input width.
    public let inputs: Int
    /// Output width.
    public let outputs: Int

    /// Prepares inference for `network`, which must consist of `Linear` and ``ActivationLayer``s.
    /// - Throws: ``MLPInferenceError/unsupportedLayer(position:type:)`` for any other layer.
    public init(_ network: Sequential) throws {
        var steps: [Step] = []
        for (i, layer) in network.layers.enumerated() {
            if let lin = layer as? Linear {
                steps.append(Step(weight: lin.weight, bias: lin.bias, activation: .identity))
            } else if let act = layer as? ActivationLayer, let last = steps.last, last.activation == .identity {
                steps[steps.count - 1] = Step(weight: last.weight, bias: last.bias, activation: act.activation)
            } else {
                throw MLPInferenceError.unsupportedLayer(position: i, type: "\(type(of: layer))")
            }
        }
        guard let first = steps.first, let last = steps.last else { throw MLPInferenceError.empty }
        self.steps = steps
        inputs = first.weight.value.shape[1]
        outputs = last.weight.value.shape[0]
        let width = steps.map { $0.weight.value.shape[0] }.max() ?? 1
        buffers = (.allocate(capacity: width), .allocate(capacity: width))
    }

    deinit {
        buffers.0.deallocate()
        buffers.1.deallocate()
    }

    /// The network's output for one observation; the buffer is reused by the next call.
    /// - Precondition: `observation.count == inputs`.
    public func predict(_ observation: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(observation.count == inputs, "MLPInference: observation has \(observation.count) values, the network takes \(inputs)")
        guard var input = observation.baseAddress.map(UnsafePointer.init) else { return UnsafeBufferPointer(start: nil, count: 0) }
        var out = buffers.0
        for s in steps {
            Kernels.linear(input: input, rows: 1, weight: s.weight.value, bias: s.bias?.value, activation: s.activation, output: out)
            input = UnsafePointer(out)
            out = out == buffers.0 ? buffers.1 : buffers.0
        }
        return UnsafeBufferPointer(start: input, count: outputs)
    }

    /// The network's output for one observation, copied into `output` (resized if needed).
    public func predict(_ observation: [Float], into output: inout [Float]) {
        let result = observation.withUnsafeBufferPointer { predict($0) }
        if output.count != outputs { output = [Float](repeating: 0, count: outputs) }
        output.withUnsafeMutableBufferPointer { o in
            for i in 0..<outputs { o[i] = result[i] }
        }
    }
}

/// Why a network cannot run through ``MLPInference``.
public enum MLPInferenceError: Error, Equatable, CustomStringConvertible {
    case unsupportedLayer(position: Int, type: String)
    case empty

    public var description: String {
        switch self {
        case .unsupportedLayer(let p, let t):
            return "MLPInference: layer \(p) is a \(t); only Linear layers, each optionally followed by one activation, are supported — run the network eagerly with net(tensor) instead"
        case .empty:
            return "MLPInference: the network has no Linear layer"
        }
    }
}
