/// A named trainable parameter, as reported by a layer (`layers.0.weight`).
public struct NamedParameter {
    /// The stable dotted name used in checkpoints and optimizer state.
    public let name: String
    /// The parameter itself (shared with the layer that owns it).
    public let parameter: Parameter

    /// Pairs a name with a parameter.
    public init(_ name: String, _ parameter: Parameter) {
        self.name = name
        self.parameter = parameter
    }
}

/// A differentiable function with parameters, written once: its forward pass records on the
/// input's tape. Eager inference (`layer(tensor)`) runs that same forward on a tape with gradients
/// off, so training and inference cannot drift apart.
///
/// Parameter names are stable and dotted, like PyTorch's `state_dict` keys: a ``Sequential`` names
/// its layers by position (`layers.0.weight`), and an owner adds its own prefix (`q.layers.0.weight`)
/// with ``namedParameters(prefix:)``.
///
/// A policy's acting forward pass (one observation per env, allocation-free, shared with the
/// trading daemon) is CheckpointFormat's `PolicyForward`, built from the same parameters.
public protocol Layer: AnyObject {
    /// Records the forward pass on `x`'s tape.
    func callAsFunction(_ x: Variable) -> Variable
    /// The forward pass eagerly: by default the recorded forward on a fresh tape with gradients
    /// off. A layer overrides it only to reuse buffers between calls (``RecurrentNetwork``).
    func callAsFunction(_ x: Tensor) -> Tensor
    /// The layer's parameters with names relative to the layer, in a fixed order.
    var namedParameters: [NamedParameter] { get }
}

extension Layer {
    /// The recorded forward pass on a fresh tape with gradients off; the result is its value.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let tape = Tape()
        return tape.withoutGradients { self(tape.constant(x)).value }
    }

    /// The layer's parameters with `prefix.` prepended to every name (no dot when `prefix` is empty).
    public func namedParameters(prefix: String) -> [NamedParameter] {
        namedParameters.map { NamedParameter(prefix.isEmpty ? $0.name : "\(prefix).\($0.name)", $0.parameter) }
    }

    /// The parameters in `namedParameters` order.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The total number of scalars in all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Sets `requiresGrad` on every parameter (false for a target network).
    public func setRequiresGrad(_ value: Bool) {
        for p in parameters { p.requiresGrad = value }
    }

    /// Copies every parameter value from `source`, which must have the same names and shapes
    /// (hard target-network update).
    /// - Precondition: same parameter names and shapes.
    public func copyParameters(from source: some Layer) {
        polyakUpdate(from: source, tau: 1)
    }

    /// Polyak averaging toward `source`: `θ ← τ·θ_source + (1 − τ)·θ` for every parameter
    /// (soft target-network update, as Stable-Baselines3's `polyak_update`). `tau == 1` copies.
    /// - Precondition: same parameter names and shapes; `0 <= tau <= 1`.
    public func polyakUpdate(from source: some Layer, tau: Float) {
        precondition(tau >= 0 && tau <= 1, "polyakUpdate: tau must be in [0, 1], got \(tau)")
        let mine = namedParameters, theirs = source.namedParameters
        precondition(mine.count == theirs.count, "polyakUpdate: \(mine.count) parameters vs \(theirs.count) in the source")
        for (t, s) in zip(mine, theirs) {
            precondition(t.name == s.name && t.parameter.value.shape == s.parameter.value.shape,
                         "polyakUpdate: \(t.name) \(t.parameter.value.shape) vs source \(s.name) \(s.parameter.value.shape)")
            if tau == 1 {
                t.parameter.value.assign(s.parameter.value)
                continue
            }
            let src = s.parameter.value
            src.withUnsafeBufferPointer { sb in
                t.parameter.value.withUnsafeMutableBufferPointer { tb in
                    for i in tb.indices { tb[i] = tau * sb[i] + (1 - tau) * tb[i] }
                }
            }
        }
    }
}
