/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
/// decay, as PyTorch's `torch.optim.SGD`:
///
///     g ← ∇ + λθ;  b ← g on the first step, else μb + (1 − dampening)g
///     g ← g + μb (Nesterov) or b;  θ ← θ − lr·g
public final class SGD: BufferedOptimizer {
    public let parameters: [NamedParameter]
    public var learningRate: Double
    /// Momentum μ (default 0: plain SGD).
    public let momentum: Double
    /// Dampening of the momentum update (default 0).
    public let dampening: Double
    /// L2 penalty added to the gradient.
    public let weightDecay: Double
    /// Nesterov momentum (Sutskever et al. 2013).
    public let nesterov: Bool
    public internal(set) var stepCount = 0
    var state: StateBuffers

    /// SGD over `parameters`.
    public init(_ parameters: [NamedParameter], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        precondition(Set(parameters.map(\.name)).count == parameters.count, "SGD: parameter names must be unique")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        state = StateBuffers(kinds: ["momentum_buffer"], parameters: parameters)
    }

    public func step() {
        let first = stepCount == 0
        stepCount += 1
        let (mu, keep, wd, lr) = (Float(momentum), Float(1 - dampening), Float(weightDecay), Float(learningRate))
        let nesterov = nesterov
        for i in parameters.indices {
            let p = parameters[i].parameter
            let grad = p.grad
            var bT = state.take(0, i)
            defer { state.put(0, i, bT) }
            grad.withUnsafeBufferPointer { g in
                bT.withUnsafeMutableBufferPointer { b in
                    p.value.withUnsafeMutableBufferPointer { w in
                        for k in 0..<w.count {
                            var gk = g[k]
                            if wd != 0 { gk += wd * w[k] }
                            if mu != 0 {
                                b[k] = first ? gk : b[k] * mu + keep * gk
                                gk = nesterov ? gk + mu * b[k] : b[k]
                            }
                            w[k] -= lr * gk
                        }
                    }
                }
            }
        }
    }

    /// The algorithm name stored in exported state.
    var algorithmName: String { "sgd" }
}
