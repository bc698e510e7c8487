/// RMSprop (Hinton's lecture 6e; Graves 2013 for the centered form), as PyTorch's `torch.optim.RMSprop`:
///
///     g ← ∇ + λθ;  s ← αs + (1 − α)g²;  (centered: ḡ ← αḡ + (1 − α)g, s̃ = s − ḡ²)
///     d = √s̃ + ε;  with momentum μ > 0: b ← μb + g/d, θ ← θ − lr·b;  else θ ← θ − lr·g/d
public final class RMSprop: BufferedOptimizer {
    public let parameters: [NamedParameter]
    public var learningRate: Double
    /// Smoothing constant α (PyTorch default 0.99).
    public let alpha: Double
    /// Added to the denominator (PyTorch default 1e-8).
    public let epsilon: Double
    /// L2 penalty added to the gradient.
    public let weightDecay: Double
    /// Momentum μ (default 0).
    public let momentum: Double
    /// Whether to normalize by the estimated variance instead of the second moment.
    public let centered: Bool
    public internal(set) var stepCount = 0
    var state: StateBuffers

    /// RMSprop over `parameters` (PyTorch defaults: lr 1e-2, α 0.99, ε 1e-8).
    public init(_ parameters: [NamedParameter], learningRate: Double = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        precondition(Set(parameters.map(\.name)).count == parameters.count, "RMSprop: parameter names must be unique")
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        state = StateBuffers(kinds: ["square_avg", "grad_avg", "momentum_buffer"], parameters: parameters)
    }

    public func step() {
        stepCount += 1
        let (a, c, eps, wd, mu) = (Float(alpha), Float(1 - alpha), Float(epsilon), Float(weightDecay), Float(momentum))
        let (lr, centered) = (Float(learningRate), centered)
        for i in parameters.indices {
            let p = parameters[i].parameter
            let grad = p.grad
            var sT = state.take(0, i), gaT = state.take(1, i), bT = state.take(2, i)
            defer { state.put(0, i, sT); state.put(1, i, gaT); state.put(2, i, bT) }
            grad.withUnsafeBufferPointer { g in
                sT.withUnsafeMutableBufferPointer { s in
                    gaT.withUnsafeMutableBufferPointer { ga in
                        bT.withUnsafeMutableBufferPointer { b in
                            p.value.withUnsafeMutableBufferPointer { w in
                                for k in 0..<w.count {
                                    var gk = g[k]
                                    if wd != 0 { gk += wd * w[k] }
                                    s[k] = s[k] * a + c * gk * gk
                                    let avg: Float
                                    if centered {
                                        ga[k] += c * (gk - ga[k])     // torch: grad_avg.lerp_(grad, 1 - alpha)
                                        avg = (s[k] - ga[k] * ga[k]).squareRoot() + eps
                                    } else {
                                        avg = s[k].squareRoot() + eps
                                    }
                                    if mu > 0 {
                                        b[k] = b[k] * mu + gk / avg
                                        w[k] -= lr * b[k]
                                    } else {
                                        w[k] -= lr * (gk / avg)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The algorithm name stored in exported state.
    var algorithmName: String { "rmsprop" }
}
