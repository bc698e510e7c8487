/// The dueling Q-network head: `Q(s, a) = V(s) + A(s, a) − mean_a A(s, a)` (Wang et al. 2016, eq. 9).
///
/// Both streams are linear maps from the shared features. Parameter names: `value.weight`,
/// `value.bias`, `advantage.weight`, `advantage.bias`.
public final class DuelingHead: Layer {
    /// The state-value stream, features → 1.
    public let value: Linear
    /// The advantage stream, features → actions.
    public let advantage: Linear

    /// A head mapping `features` inputs to `actions` Q-values.
    public init(features: Int, actions: Int, weightInit: Initializer = .pytorchLinearDefault, rng: inout Xoshiro256) {
        value = Linear(inputs: features, outputs: 1, weightInit: weightInit, rng: &rng)
        advantage = Linear(inputs: features, outputs: actions, weightInit: weightInit, rng: &rng)
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        let a = advantage(x)
        return value(x) + (a - a.mean(axis: 1, keepDims: true))
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let a = advantage(x)
        return value(x) + (a - a.mean(axis: 1, keepDims: true))
    }

    public var namedParameters: [NamedParameter] {
        value.namedParameters(prefix: "value") + advantage.namedParameters(prefix: "advantage")
    }
}
