import NeuralNet
import TensorCore

extension ActivationKind {
    /// The tensor-core activation this kind names.
    public var activation: Activation {
        switch self {
        case .relu: return .relu
        case .tanh: return .tanh
        }
    }
}

/// Builders for the multilayer perceptrons the agents share, so every agent names and initializes
/// its layers the same way (`layers.0`, `layers.2`, ... as PyTorch's `nn.Sequential`).
public enum MLP {
    /// The hidden part of an MLP: `Linear(inputs → hidden[0])`, activation, ..., `Linear(→ hidden.last)`,
    /// activation. With no hidden layers the trunk is the identity (features = inputs).
    /// - Parameters:
    ///   - inputs: input width (observation size).
    ///   - network: hidden widths and activation.
    ///   - weightInit: initializer for every weight (default PyTorch's `nn.Linear` rule, as SB3 DQN).
    ///   - biasInit: initializer for every bias (default PyTorch's `nn.Linear` rule).
    ///   - rng: the generator for the initial values.
    /// - Returns: the trunk and its output width.
    public static func trunk(inputs: Int, network: NetworkConfig, weightInit: Initializer = .pytorchLinearDefault,
                             biasInit: Initializer = .pytorchLinearDefault, rng: inout Xoshiro256) -> (trunk: Sequential, features: Int) {
        precondition(inputs > 0 && network.hidden.allSatisfy { $0 > 0 }, "MLP.trunk: inputs \(inputs), hidden \(network.hidden)")
        var layers: [any Layer] = []
        var width = inputs
        for h in network.hidden {
            layers.append(Linear(inputs: width, outputs: h, weightInit: weightInit, biasInit: biasInit, rng: &rng))
            layers.append(ActivationLayer(network.activation.activation))
            width = h
        }
        return (Sequential(layers), width)
    }
}
