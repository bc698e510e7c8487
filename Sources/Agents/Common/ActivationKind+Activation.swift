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
