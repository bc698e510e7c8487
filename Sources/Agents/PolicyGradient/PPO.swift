import NeuralNet
import TensorCore

/// Proximal Policy Optimization with a clipped surrogate (Schulman et al. 2017, "Proximal Policy
/// Optimization Algorithms"), as Stable-Baselines3's `PPO.train` and CleanRL's `ppo.py`.
///
/// Per rollout: `nEpochs` passes over a fresh random permutation of the `nSteps·numEnvs` samples in
/// minibatches of `batchSize` (the last one may be smaller). Per minibatch, with
/// `r = exp(log π(a|s) − log π_old(a|s))` and advantages `A` (normalized per minibatch when
/// `normalizeAdvantage`):
///
///     L_clip  = −mean(min(A·r, A·clip(r, 1 − ε, 1 + ε)))
///     V_pred  = V(s)                                   (or V_old + clip(V(s) − V_old, ±ε_vf))
///     L_value = mean((R − V_pred)²)                    (SB3: F.mse_loss, no ½)
///     L       = L_clip − entCoef·mean(H) + vfCoef·L_value
///
/// then backprop, global-norm gradient clipping at `maxGradNorm`, one optimizer step. With
/// `targetKL`, an epoch loop stops (before the step) once the approximate KL
/// `mean((r − 1) − log r)` (Schulman's k3 estimator, SB3/CleanRL) exceeds `1.5 · targetKL`.
/// ε and the learning rate follow their schedules (progress after the rollout).
extension PolicyGradientAgent {
    func updatePPO(progress: Double) -> UpdateStatistics {
        let clipRange = Float(config.clipRange.value(progress: progress))
        let clipRangeVf = config.clipRangeVf.map { Float($0) }
        let n = buffer.capacity
        var indices = Array(0..<n)
        var policyLosses = 0.0, valueLosses = 0.0, entropyLosses = 0.0, clipFractions = 0.0, approxKLs = 0.0
        var minibatches = 0, lastLoss = 0.0
        var continueTraining = true

        for _ in 0..<config.nEpochs {
            shuffle(&indices)
            var start = 0
            while start < n {
                let batch = minibatch(indices[start..<min(start + config.batchSize, n)], normalize: config.normalizeAdvantage)
                start += config.batchSize
                tape.reset()
                let evaluated = model.evaluate(tape.constant(batch.observations), actions: batch.actions)
                let loss = PPOLoss(logProb: evaluated.logProb, oldLogProb: batch.oldLogProbs, advantages: batch.advantages,
                                   entropy: evaluated.entropy, values: evaluated.value, returns: batch.returns,
                                   oldValues: batch.oldValues, clipRange: clipRange, clipRangeVf: clipRangeVf,
                                   entCoef: Float(config.entCoef), vfCoef: Float(config.vfCoef))
                let (approxKL, clipFraction) = PPOLoss.diagnostics(logProb: evaluated.logProb.value, oldLogProb: batch.oldLogProbs, clipRange: clipRange)
                policyLosses += Double(loss.policyLoss.value.scalar)
                valueLosses += Double(loss.valueLoss.value.scalar)
                entropyLosses += -Double(loss.entropy.value.scalar)
                clipFractions += clipFraction
                approxKLs += approxKL
                minibatches += 1
                if let targetKL = config.targetKL, approxKL > 1.5 * targetKL {
                    continueTraining = false
                    break
                }
                lastLoss = Double(loss.total.value.scalar)
                applyGradients(loss.total)
            }
            if !continueTraining { break }
        }

        var stats = UpdateStatistics()
        let k = Double(max(minibatches, 1))
        stats.add("train/policy_gradient_loss", policyLosses / k)
        stats.add("train/value_loss", valueLosses / k)
        stats.add("train/entropy_loss", entropyLosses / k)
        stats.add("train/approx_kl", approxKLs / k)
        stats.add("train/clip_fraction", clipFractions / k)
        stats.add("train/loss", lastLoss)
        stats.add("train/explained_variance", buffer.explainedVariance)
        stats.add("train/clip_range", Double(clipRange))
        stats.add("train/n_updates", Double(gradientSteps))
        return stats
    }

    /// Fisher–Yates with the agent's generator (one draw per position, so resume stays exact).
    func shuffle(_ indices: inout [Int]) {
        var i = indices.count - 1
        while i > 0 {
            let j = rng.uniformInt(below: i + 1)
            indices.swapAt(i, j)
            i -= 1
        }
    }
}

/// PPO's minibatch loss (see `updatePPO`), recorded on the tape of `logProb`. Public so it can be
/// checked against PyTorch (the committed goldens `Tests/NeuralNetTests/Goldens/ppo_*`).
public struct PPOLoss {
    /// `policyLoss − entCoef·entropy + vfCoef·valueLoss`.
    public let total: Variable
    /// The clipped surrogate, `−mean(min(A·r, A·clip(r, 1 ± ε)))`.
    public let policyLoss: Variable
    /// `mean((R − V_pred)²)`.
    public let valueLoss: Variable
    /// Mean entropy of the minibatch's distributions.
    public let entropy: Variable

    /// Builds the loss.
    /// - Parameters:
    ///   - logProb: log π(a|s) under the current parameters, `[B]`.
    ///   - oldLogProb: log π_old(a|s) from the rollout, `[B]`.
    ///   - advantages: `[B]` (already normalized if wanted).
    ///   - entropy: per-sample entropy, `[B]`.
    ///   - values: V(s) under the current parameters, `[B]`.
    ///   - returns: value targets, `[B]`.
    ///   - oldValues: V(s) from the rollout, `[B]` (used only with `clipRangeVf`).
    ///   - clipRange: ε.
    ///   - clipRangeVf: value clip range, or nil for no value clipping.
    ///   - entCoef: entropy bonus coefficient.
    ///   - vfCoef: value loss coefficient.
    public init(logProb: Variable, oldLogProb: Tensor, advantages: Tensor, entropy: Variable, values: Variable,
                returns: Tensor, oldValues: Tensor, clipRange: Float, clipRangeVf: Float?, entCoef: Float, vfCoef: Float) {
        let ratio = (logProb - oldLogProb).exp()
        let unclipped = ratio * advantages
        let clipped = ratio.clamped(min: 1 - clipRange, max: 1 + clipRange) * advantages
        policyLoss = -(unclipped.minimum(clipped).mean())
        var predicted = values
        if let clipRangeVf {
            let tape = values.tape
            predicted = tape.constant(oldValues) + (values - oldValues).clamped(min: -clipRangeVf, max: clipRangeVf)
        }
        valueLoss = (predicted - returns).squared().mean()
        self.entropy = entropy.mean()
        total = policyLoss - self.entropy * entCoef + valueLoss * vfCoef
    }

    /// The approximate KL `mean((r − 1) − log r)` and the fraction of samples with `|r − 1| > ε`.
    public static func diagnostics(logProb: Tensor, oldLogProb: Tensor, clipRange: Float) -> (approxKL: Double, clipFraction: Double) {
        let new = logProb.scalars, old = oldLogProb.scalars
        var kl = 0.0, clipped = 0
        for i in new.indices {
            let logRatio = Double(new[i] - old[i])
            let ratio = exp(logRatio)
            kl += (ratio - 1) - logRatio
            if abs(ratio - 1) > Double(clipRange) { clipped += 1 }
        }
        let n = Double(max(new.count, 1))
        return (kl / n, Double(clipped) / n)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
