/// Layers applied in order; parameters are named `layers.<position>.<name>` like PyTorch's
/// `nn.Sequential` (activations take positions too, so an MLP's linears are `layers.0`, `layers.2`, ...).
///
/// A `Linear` immediately followed by an ``ActivationLayer`` runs as one fused primitive
/// (`act(x·Wᵀ + b)`), which saves a pass over memory and a tape node.
public final class Sequential: Layer {
    /// The layers, in order.
    public let layers: [any Layer]

    /// A sequence of layers.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// A multilayer perceptron: `Linear(sizes[0] → sizes[1])`, activation, ..., `Linear(→ sizes.last)`,
    /// then `outputActivation` if not identity. The one MLP builder: agents' trunks pass
    /// `outputActivation: activation` (a trunk of hidden layers), actors and critics the default.
    /// - Parameters:
    ///   - sizes: widths from input to output; one width alone gives the empty (identity) network.
    ///   - activation: between hidden layers (default ReLU, as CleanRL's DQN).
    ///   - outputActivation: after the last layer (default none).
    ///   - weightInit: for hidden layers' weights (default PyTorch's `nn.Linear` rule).
    ///   - outputWeightInit: for the last layer's weight (default: `weightInit`).
    ///   - biasInit: for all biases (default PyTorch's `nn.Linear` rule).
    ///   - rng: the generator for the initial values.
    public static func mlp(_ sizes: [Int], activation: Activation = .relu, outputActivation: Activation = .identity,
                           weightInit: Initializer = .pytorchLinearDefault, outputWeightInit: Initializer? = nil,
                           biasInit: Initializer = .pytorchLinearDefault, rng: inout Xoshiro256) -> Sequential {
        precondition(!sizes.isEmpty && sizes.allSatisfy { $0 > 0 }, "mlp: needs positive widths from input to output, got \(sizes)")
        var layers: [any Layer] = []
        for i in 0..<(sizes.count - 1) {
            let last = i == sizes.count - 2
            layers.append(Linear(inputs: sizes[i], outputs: sizes[i + 1],
                                 weightInit: last ? (outputWeightInit ?? weightInit) : weightInit, biasInit: biasInit, rng: &rng))
            let act = last ? outputActivation : activation
            if act != .identity { layers.append(ActivationLayer(act)) }
        }
        return Sequential(layers)
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        var h = x
        var i = 0
        while i < layers.count {
            if let lin = layers[i] as? Linear, i + 1 < layers.count, let act = layers[i + 1] as? ActivationLayer {
                h = lin(h, activation: act.activation)
                i += 2
            } else {
                h = layers[i](h)
                i += 1
            }
        }
        return h
    }

    public var namedParameters: [NamedParameter] {
        layers.enumerated().flatMap { i, layer in layer.namedParameters(prefix: "layers.\(i)") }
    }
}
