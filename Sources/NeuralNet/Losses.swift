/// Loss functions on recorded variables, each the mean over the batch (PyTorch's `reduction='mean'`).
public enum Loss {
    /// Mean squared error `mean((prediction − target)²)`.
    /// - Precondition: shapes broadcast (normally equal).
    public static func mse(_ prediction: Variable, _ target: Variable) -> Variable {
        (prediction - target).squared().mean()
    }

    /// Mean squared error against a constant target.
    public static func mse(_ prediction: Variable, _ target: Tensor) -> Variable {
        mse(prediction, prediction.tape.constant(target))
    }

    /// Huber loss `mean(h(prediction − target))`, `h(x) = x²/2` for `|x| ≤ delta`, else
    /// `delta·(|x| − delta/2)` (PyTorch `huber_loss`; with `delta = 1` it equals `smooth_l1_loss`,
    /// the DQN loss of Stable-Baselines3 and CleanRL).
    public static func huber(_ prediction: Variable, _ target: Variable, delta: Float = 1) -> Variable {
        (prediction - target).huber(delta: delta).mean()
    }

    /// Huber loss against a constant target (a TD target computed without gradients).
    public static func huber(_ prediction: Variable, _ target: Tensor, delta: Float = 1) -> Variable {
        huber(prediction, prediction.tape.constant(target), delta: delta)
    }

    /// Cross-entropy of integer `labels` under `logits` (`[B, C]`), `mean(−log softmax(logits)[label])`.
    public static func crossEntropy(logits: Variable, labels: [Int]) -> Variable {
        -(logits.logSoftmax(axis: -1).gather(labels, axis: 1).mean())
    }
}

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
