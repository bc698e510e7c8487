/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019, decoupled weight decay), as
/// PyTorch's `torch.optim.Adam` / `AdamW`:
///
///     g ← ∇ + λθ                       (Adam with weight decay only)
///     θ ← θ·(1 − lr·λ)                 (AdamW only)
///     m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
///     θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
public final class Adam: BufferedOptimizer {
    public let parameters: [NamedParameter]
    public var learningRate: Double
    /// Exponential decay of the first moment (PyTorch default 0.9).
    public let beta1: Double
    /// Exponential decay of the second moment (PyTorch default 0.999).
    public let beta2: Double
    /// Added to the denominator (PyTorch default 1e-8).
    public let epsilon: Double
    /// L2 penalty λ: added to the gradient (Adam) or decoupled (AdamW).
    public let weightDecay: Double
    /// Whether weight decay is decoupled (AdamW).
    public let decoupled: Bool
    public internal(set) var stepCount = 0
    var state: StateBuffers

    /// Adam (or AdamW when `decoupledWeightDecay`) over `parameters`.
    /// - Parameters:
    ///   - learningRate: step size (PyTorch default 1e-3).
    ///   - weightDecay: λ (Adam default 0; PyTorch's AdamW default is 0.01 — pass it explicitly).
    public init(_ parameters: [NamedParameter], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        precondition(Set(parameters.map(\.name)).count == parameters.count, "Adam: parameter names must be unique")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupledWeightDecay
        state = StateBuffers(kinds: ["exp_avg", "exp_avg_sq"], parameters: parameters)
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch default λ = 0.01).
    public static func adamW(_ parameters: [NamedParameter], learningRate: Double = 1e-3, beta1: Double = 0.9,
                             beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01) -> Adam {
        Adam(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step() {
        stepCount += 1
        // Bias corrections in Double, as PyTorch computes them with Python floats.
        let t = Double(stepCount)
        let bc1 = 1 - _pow(beta1, t), bc2 = 1 - _pow(beta2, t)
        let stepSize = Float(learningRate / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        let (c1, b2, c2, eps, wd) = (Float(1 - beta1), Float(beta2), Float(1 - beta2), Float(epsilon), Float(weightDecay))
        let decay = Float(1 - learningRate * weightDecay)
        let decoupled = decoupled
        for i in parameters.indices {
            let p = parameters[i].parameter
            let grad = p.grad
            var mT = state.take(0, i), vT = state.take(1, i)
            defer { state.put(0, i, mT); state.put(1, i, vT) }
            grad.withUnsafeBufferPointer { gb in
                mT.withUnsafeMutableBufferPointer { mb in
                    vT.withUnsafeMutableBufferPointer { vb in
                        p.value.withUnsafeMutableBufferPointer { wb in
                            guard let g = gb.baseAddress, let m = mb.baseAddress, let v = vb.baseAddress,
                                  let w = wb.baseAddress else { return }
                            let n = wb.count
                            // Branch-free loops per variant so the compiler vectorizes them.
                            if decoupled {
                                for k in 0..<n { w[k] *= decay }                   // torch: param.mul_(1 - lr * wd)
                                Adam.update(g, m, v, w, n, c1, b2, c2, bc2Sqrt, eps, stepSize)
                            } else if wd != 0 {
                                for k in 0..<n {                                     // torch: grad.add(param, alpha=wd)
                                    let gk = g[k] + wd * w[k]
                                    m[k] += c1 * (gk - m[k])
                                    v[k] = v[k] * b2 + c2 * gk * gk
                                    w[k] -= stepSize * (m[k] / (v[k].squareRoot() / bc2Sqrt + eps))
                                }
                            } else {
                                Adam.update(g, m, v, w, n, c1, b2, c2, bc2Sqrt, eps, stepSize)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The Adam moment and parameter update over `n` elements (PyTorch's operation order:
    /// `exp_avg.lerp_(grad, 1-β₁)`, `exp_avg_sq.mul_(β₂).addcmul_(grad, grad, 1-β₂)`,
    /// `denom = exp_avg_sq.sqrt() / √bc₂ + ε`, `param.addcdiv_(exp_avg, denom, -lr/bc₁)`), in
    /// TensorCore's vectorized kernel (a scalar Swift `squareRoot()` compiles to a libm call behind an
    /// errno branch, one lane at a time); large parameters are split across two threads.
    @inline(__always)
    static func update(_ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                       _ w: UnsafeMutablePointer<Float>, _ n: Int, _ c1: Float, _ b2: Float, _ c2: Float,
                       _ bc2Sqrt: Float, _ eps: Float, _ stepSize: Float) {
        Kernels.adamUpdate(gradient: g, firstMoment: m, secondMoment: v, weights: w, count: n, c1: c1, beta2: b2, c2: c2,
                           bc2Sqrt: bc2Sqrt, epsilon: eps, stepSize: stepSize)
    }

    /// The algorithm name stored in exported state.
    var algorithmName: String { decoupled ? "adamw" : "adam" }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
