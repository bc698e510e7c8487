/// A fully connected layer `y = x · Wᵀ + b` with `W: [out, in]` (PyTorch layout) and `b: [out]`.
///
/// Parameter names: `weight`, `bias`.
public final class Linear: Layer {
    /// The `[out, in]` weight.
    public let weight: Parameter
    /// The `[out]` bias, or nil.
    public let bias: Parameter?

    /// The input width.
    public var inputs: Int { weight.value.shape[1] }
    /// The output width.
    public var outputs: Int { weight.value.shape[0] }

    /// A layer with the given widths and initializers.
    /// - Parameters:
    ///   - inputs: input features.
    ///   - outputs: output features.
    ///   - bias: whether to add a bias.
    ///   - weightInit: default PyTorch's `nn.Linear` rule.
    ///   - biasInit: default PyTorch's `nn.Linear` rule (`U(±1/√in)`).
    ///   - rng: the generator for the initial values.
    public init(inputs: Int, outputs: Int, bias: Bool = true,
                weightInit: Initializer = .pytorchLinearDefault, biasInit: Initializer = .pytorchLinearDefault,
                rng: inout Xoshiro256) {
        precondition(inputs > 0 && outputs > 0, "Linear: widths must be positive, got \(inputs) -> \(outputs)")
        weight = Parameter(weightInit.make([outputs, inputs], rng: &rng))
        self.bias = bias ? Parameter(biasInit.make([outputs], fanIn: inputs, rng: &rng)) : nil
    }

    /// A layer with the given weight (`[out, in]`) and optional bias values.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear: weight must be [out, in], got \(weight.shape)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "Linear: bias \(bias.shape) for weight \(weight.shape)") }
        self.weight = Parameter(weight)
        self.bias = bias.map { Parameter($0) }
    }

    /// `activation(x · Wᵀ + b)` recorded as one fused primitive.
    public func callAsFunction(_ x: Variable, activation: Activation) -> Variable {
        let tape = x.tape
        return x.linear(weight: tape.parameter(weight), bias: bias.map { tape.parameter($0) }, activation: activation)
    }

    public func callAsFunction(_ x: Variable) -> Variable { self(x, activation: .identity) }

    public var namedParameters: [NamedParameter] {
        var result = [NamedParameter("weight", weight)]
        if let bias { result.append(NamedParameter("bias", bias)) }
        return result
    }
}

/// An elementwise activation as a layer (no parameters). In a ``Sequential`` a `Linear` followed by
/// a fusable activation runs as one fused primitive.
public final class ActivationLayer: Layer {
    /// The function applied.
    public let activation: Activation

    /// An activation layer.
    public init(_ activation: Activation) { self.activation = activation }

    public func callAsFunction(_ x: Variable) -> Variable {
        switch activation {
        case .identity: return x
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        }
    }

    public var namedParameters: [NamedParameter] { [] }
}
