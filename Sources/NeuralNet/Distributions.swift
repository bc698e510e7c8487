// The action distributions of the policy-gradient agents (PPO, A2C, REINFORCE), on recorded
// variables: log-probabilities and entropies with their gradients, checked against PyTorch's
// `torch.distributions.Categorical` and `Normal` (the committed PPO loss goldens).

/// A batch of categorical distributions given by unnormalized logits `[B, A]`.
public struct Categorical {
    /// `log softmax(logits)`, `[B, A]`.
    public let logProbabilities: Variable

    /// Distributions from logits `[B, A]` (log-softmax is computed once, stably).
    public init(logits: Variable) {
        precondition(logits.shape.count == 2, "Categorical: logits must be [B, A], got \(logits.shape)")
        logProbabilities = logits.logSoftmax(axis: 1)
    }

    /// `log π(a_b)` for one action per row, `[B]`.
    public func logProb(_ actions: [Int]) -> Variable {
        logProbabilities.gather(actions, axis: 1)
    }

    /// Entropy `−Σ_a π(a) log π(a)` per row, `[B]`.
    public func entropy() -> Variable {
        -(logProbabilities.exp() * logProbabilities).sum(axis: 1)
    }
}

/// A batch of Gaussians with diagonal covariance: mean `[B, D]`, log standard deviation `[B, D]` or
/// `[D]` (state-independent, as in PPO for continuous control).
public struct DiagonalGaussian {
    /// Means, `[B, D]`.
    public let mean: Variable
    /// Log standard deviations, `[B, D]` or `[D]`.
    public let logStd: Variable

    static let halfLogTwoPi: Float = 0.918_938_533_204_672_7  // ½·log(2π)

    /// Distributions with the given means and log standard deviations.
    public init(mean: Variable, logStd: Variable) {
        precondition(mean.shape.count == 2 && (logStd.shape == mean.shape || logStd.shape == [mean.shape[1]]),
                     "DiagonalGaussian: mean \(mean.shape) needs logStd [B, D] or [D], got \(logStd.shape)")
        self.mean = mean
        self.logStd = logStd
    }

    /// `log p(a_b)` summed over dimensions, `[B]`:
    /// `Σ_d −((a − μ)/σ)²/2 − log σ − ½·log(2π)`.
    public func logProb(_ actions: Tensor) -> Variable {
        let z = (actions - mean) / logStd.exp()
        return (z.squared() * -0.5 - logStd - Self.halfLogTwoPi).sum(axis: 1)
    }

    /// Entropy `Σ_d ½ + ½·log(2π) + log σ` per row, `[B]`.
    public func entropy() -> Variable {
        let perDim = logStd + (0.5 + Self.halfLogTwoPi)
        if logStd.shape == mean.shape { return perDim.sum(axis: 1) }
        // State-independent σ: the same entropy for every row, broadcast to [B].
        let rows = mean.tape.constant(Tensor.ones([mean.shape[0], 1]))
        return (rows * perDim.reshaped([1, -1])).sum(axis: 1)
    }
}
