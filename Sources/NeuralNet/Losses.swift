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
