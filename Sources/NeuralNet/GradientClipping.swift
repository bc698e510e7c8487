/// Scales all gradients together so that their global L2 norm is at most `maxNorm`, as PyTorch's
/// `clip_grad_norm_` (Pascanu et al. 2013): with `n = ‖(g₁, …, gₖ)‖₂`, every gradient is multiplied
/// by `min(1, maxNorm / (n + 1e-6))`. Each parameter's sum of squares is taken in Float in a fixed
/// vectorized order (``Kernels/sumOfSquares(_:count:)``), the parameters' sums added in Double.
/// - Parameters:
///   - parameters: the parameters whose `grad` is clipped.
///   - maxNorm: the largest allowed global norm (PPO default 0.5, SB3 DQN default 10).
/// - Returns: the global norm before clipping (for logging).
@discardableResult
public func clipGradientNorm(_ parameters: [NamedParameter], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    var sumSquares = 0.0
    for p in parameters {
        p.parameter.grad.withUnsafeBufferPointer { g in
            guard let base = g.baseAddress else { return }
            sumSquares += Double(Kernels.sumOfSquares(base, count: g.count))  // 16 interleaved sums, fixed order
        }
    }
    let norm = Float(sumSquares.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 {
        for p in parameters {
            p.parameter.grad.withUnsafeMutableBufferPointer { g in
                for i in g.indices { g[i] *= coefficient }
            }
        }
    }
    return norm
}
