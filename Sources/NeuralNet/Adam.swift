/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019, decoupled weight decay), as
/// PyTorch's `torch.optim.Adam` / `AdamW`:
///
///     g ← ∇ + λθ                       (Adam with weight decay only)
///     θ ← θ·(1 − lr·λ)                 (AdamW only)
///     m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
///     θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
public final class Adam: Optimizer {
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
    public private(set) var stepCount = 0
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
            grad.withUnsafeBufferPointer { g in
                mT.withUnsafeMutableBufferPointer { m in
                    vT.withUnsafeMutableBufferPointer { v in
                        p.value.withUnsafeMutableBufferPointer { w in
                            guard let gp = g.baseAddress, let mp = m.baseAddress, let vp = v.baseAddress, let wp = w.baseAddress else { return }
                            let n = w.count
                            if decoupled || wd != 0 {
                                for k in 0..<n {
                                    var gk = gp[k]
                                    if decoupled { wp[k] *= decay } else { gk += wd * wp[k] }
                                    mp[k] += c1 * (gk - mp[k])                // torch: exp_avg.lerp_(grad, 1 - beta1)
                                    vp[k] = vp[k] * b2 + c2 * gk * gk
                                    let denom = vp[k].squareRoot() / bc2Sqrt + eps
                                    wp[k] -= stepSize * (mp[k] / denom)
                                }
                            } else {
                                // The same operations eight lanes at a time: vector sqrt and division
                                // are correctly rounded like the scalar ones, so results are identical.
                                let (c1v, b2v, c2v) = (SIMD8<Float>(repeating: c1), SIMD8<Float>(repeating: b2), SIMD8<Float>(repeating: c2))
                                let (bcv, epsv, stepv) = (SIMD8<Float>(repeating: bc2Sqrt), SIMD8<Float>(repeating: eps), SIMD8<Float>(repeating: stepSize))
                                var k0 = 0
                                while k0 + 8 <= n {
                                    let gk = UnsafeRawPointer(gp + k0).loadUnaligned(as: SIMD8<Float>.self)
                                    let mo = UnsafeRawPointer(mp + k0).loadUnaligned(as: SIMD8<Float>.self)
                                    let vo = UnsafeRawPointer(vp + k0).loadUnaligned(as: SIMD8<Float>.self)
                                    let wo = UnsafeRawPointer(wp + k0).loadUnaligned(as: SIMD8<Float>.self)
                                    let mk = mo + c1v * (gk - mo)
                                    let vk = vo * b2v + c2v * gk * gk
                                    let wk = wo - stepv * (mk / (vk.squareRoot() / bcv + epsv))
                                    UnsafeMutableRawPointer(mp + k0).storeBytes(of: mk, as: SIMD8<Float>.self)
                                    UnsafeMutableRawPointer(vp + k0).storeBytes(of: vk, as: SIMD8<Float>.self)
                                    UnsafeMutableRawPointer(wp + k0).storeBytes(of: wk, as: SIMD8<Float>.self)
                                    k0 += 8
                                }
                                for k in k0..<n {
                                    let gk = gp[k]
                                    let mk = mp[k] + c1 * (gk - mp[k])
                                    let vk = vp[k] * b2 + c2 * gk * gk
                                    mp[k] = mk
                                    vp[k] = vk
                                    wp[k] -= stepSize * (mk / (vk.squareRoot() / bc2Sqrt + eps))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func exportState() -> OptimizerState {
        var buffers: [String: [Float]] = [:]
        state.export(parameters, into: &buffers)
        return OptimizerState(algorithm: decoupled ? "adamw" : "adam", step: stepCount, learningRate: learningRate, buffers: buffers)
    }

    public func restoreState(_ s: OptimizerState) throws {
        try checkHeader(s, algorithm: decoupled ? "adamw" : "adam")
        try state.restore(parameters, from: s.buffers)
        stepCount = s.step
        learningRate = s.learningRate
    }
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
