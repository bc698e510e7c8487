import NeuralNet
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Proximal Policy Optimization with a clipped surrogate (Schulman et al. 2017, "Proximal Policy
// Optimization Algorithms"), as Stable-Baselines3's `PPO.train` and CleanRL's `ppo.py`. The whole
// update reads top to bottom in this file; the rollout that feeds it (sampling, stepping the vector
// env, the truncation bootstrap) is `PolicyGradientAgent.collectRollout`.
//
//   after the rollout (nSteps x numEnvs samples, V_old and log π_old stored with each):
//   1. GAE-λ:      δ_t = r_t + γ·V(s_{t+1})·(1 − done_t) − V(s_t);  A_t = δ_t + γλ·(1 − done_t)·A_{t+1}
//                  R_t = A_t + V_old(s_t)                             (value targets)
//   for epoch in 1...nEpochs:
//     2. shuffle the samples (agent's generator), cut into minibatches of batchSize
//     for each minibatch:
//       3. A ← (A − mean A) / (std A + 1e-8)                          (normalizeAdvantage)
//       4. r = exp(log π(a|s) − log π_old(a|s))
//          L_clip  = −mean(min(A·r, A·clip(r, 1 − ε, 1 + ε)))
//          V_pred  = V(s)   or  V_old + clip(V(s) − V_old, ±ε_vf)     (clipRangeVf)
//          L_value = mean((R − V_pred)²)                              (SB3: F.mse_loss, no ½)
//          L       = L_clip − entCoef·mean(H) + vfCoef·L_value
//       5. if targetKL and mean((r − 1) − log r) > 1.5·targetKL: stop all epochs (before the step)
//       6. backprop L, clip the global gradient norm at maxGradNorm, one optimizer step
//
// ε and the learning rate follow their schedules (progress after the rollout). Steps 1, 2, 3 and 6
// are shared with A2C (A2C.swift: one minibatch of everything, no ratio) and, for 3 and 6, REINFORCE.

// MARK: - The update

/// One PPO update over the collected rollout (steps 2–6 above; step 1 ran at the rollout's end).
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
}

// MARK: - 1. GAE-λ advantages and returns

extension RolloutBuffer {
    /// Fills `advantages` and `returns` by GAE-λ, bootstrapping the last step of each copy from
    /// `lastValues` (V of the observation after the rollout) unless that step ended an episode.
    /// - Precondition: the buffer is full; `lastValues.count == numEnvs`.
    public mutating func computeReturnsAndAdvantages(lastValues: [Float], gamma: Float, lambda: Float) {
        precondition(isFull, "computeReturnsAndAdvantages: buffer holds \(count) of \(capacity) rows")
        precondition(lastValues.count == numEnvs, "computeReturnsAndAdvantages: \(lastValues.count) last values for \(numEnvs) envs")
        Self.generalizedAdvantages(rewards: rewards, values: values, ended: ended, lastValues: lastValues,
                                   numEnvs: numEnvs, gamma: gamma, lambda: lambda,
                                   advantages: &advantages, returns: &returns)
    }

    /// GAE-λ over a `[T, numEnvs]` rollout:
    ///
    ///     δ_t = r_t + γ·(1 − d_t)·V_{t+1} − V_t
    ///     A_t = δ_t + γλ·(1 − d_t)·A_{t+1}
    ///     R_t = A_t + V_t
    ///
    /// with `d_t = ended[t]`, `V_T = lastValues`. λ = 1 gives Monte-Carlo returns minus the baseline
    /// (bootstrapped at the rollout's end), λ = 0 the one-step TD error.
    public static func generalizedAdvantages(rewards: [Float], values: [Float], ended: [Float], lastValues: [Float],
                                             numEnvs: Int, gamma: Float, lambda: Float,
                                             advantages: inout [Float], returns: inout [Float]) {
        let n = rewards.count
        precondition(values.count == n && ended.count == n && n % numEnvs == 0 && advantages.count == n && returns.count == n,
                     "generalizedAdvantages: rewards \(n), values \(values.count), ended \(ended.count), numEnvs \(numEnvs)")
        let steps = n / numEnvs
        for e in 0..<numEnvs {
            var lastGAE: Float = 0
            var nextValue = lastValues[e]
            var t = steps - 1
            while t >= 0 {
                let i = t * numEnvs + e
                let nonTerminal = 1 - ended[i]
                let delta = rewards[i] + gamma * nextValue * nonTerminal - values[i]
                lastGAE = delta + gamma * lambda * nonTerminal * lastGAE
                advantages[i] = lastGAE
                returns[i] = lastGAE + values[i]
                nextValue = values[i]
                t -= 1
            }
        }
    }
}

// MARK: - 2. Shuffled minibatches

extension PolicyGradientAgent {
    /// Fisher–Yates with the agent's generator (one draw per position, so resume stays exact).
    func shuffle(_ indices: inout [Int]) {
        var i = indices.count - 1
        while i > 0 {
            let j = rng.uniformInt(below: i + 1)
            indices.swapAt(i, j)
            i -= 1
        }
    }

    /// One minibatch of the rollout as tensors.
    struct Minibatch {
        var observations: Tensor
        var actions: Tensor
        var oldLogProbs: Tensor
        var oldValues: Tensor
        var advantages: Tensor
        var returns: Tensor
    }

    /// The rows `indices` of the buffer; advantages normalized by the batch's mean and (unbiased)
    /// standard deviation when `normalize` (SB3: `(A − mean) / (std + 1e-8)`, skipped for one row).
    func minibatch(_ indices: ArraySlice<Int>, normalize: Bool) -> Minibatch {
        let b = indices.count, d = observationCount, a = model.head.storedActionCount
        var obs = [Float](repeating: 0, count: b * d)
        var acts = [Float](repeating: 0, count: b * a)
        var lp = [Float](repeating: 0, count: b), v = [Float](repeating: 0, count: b)
        var adv = [Float](repeating: 0, count: b), ret = [Float](repeating: 0, count: b)
        for (k, i) in indices.enumerated() {
            for j in 0..<d { obs[k * d + j] = buffer.observations[i * d + j] }
            for j in 0..<a { acts[k * a + j] = buffer.actions[i * a + j] }
            lp[k] = buffer.logProbs[i]
            v[k] = buffer.values[i]
            adv[k] = buffer.advantages[i]
            ret[k] = buffer.returns[i]
        }
        if normalize && b > 1 { Self.normalizeAdvantages(&adv) }
        return Minibatch(observations: Tensor(shape: [b, d], scalars: obs), actions: Tensor(shape: [b, a], scalars: acts),
                         oldLogProbs: Tensor(lp), oldValues: Tensor(v), advantages: Tensor(adv), returns: Tensor(ret))
    }
}

// MARK: - 3. Advantage normalization

extension PolicyGradientAgent {
    /// `(A − mean) / (std + 1e-8)` with the unbiased standard deviation (torch's `std()`), in `Float` like SB3.
    static func normalizeAdvantages(_ adv: inout [Float]) {
        let n = Float(adv.count)
        var mean: Float = 0
        for x in adv { mean += x }
        mean /= n
        var ss: Float = 0
        for x in adv { ss += (x - mean) * (x - mean) }
        let std = (ss / (n - 1)).squareRoot()
        for i in adv.indices { adv[i] = (adv[i] - mean) / (std + 1e-8) }
    }
}

// MARK: - 4–5. The clipped loss and the KL diagnostics

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

// MARK: - 6. The gradient step

extension PolicyGradientAgent {
    /// Backpropagates `loss`, clips the global gradient norm and steps the optimizer.
    /// - Returns: the gradient norm before clipping.
    @discardableResult
    func applyGradients(_ loss: Variable) -> Float {
        optimizer.zeroGrad()
        tape.backward(loss)
        let norm = clipGradientNorm(model.allParameters, maxNorm: Float(config.maxGradNorm))
        optimizer.step()
        gradientSteps += 1
        return norm
    }
}

