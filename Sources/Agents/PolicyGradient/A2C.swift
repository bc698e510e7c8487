import NeuralNet
import TensorCore

/// Synchronous advantage actor-critic (Mnih et al. 2016, "Asynchronous Methods for Deep
/// Reinforcement Learning", synchronous variant), as Stable-Baselines3's `A2C.train`.
///
/// One gradient step per rollout on all `nSteps·numEnvs` samples, with GAE-λ advantages `A`
/// (λ = 1 by default: n-step returns) and value targets `R`:
///
///     L_policy = −mean(A · log π(a|s))
///     L_value  = mean((R − V(s))²)
///     L        = L_policy − entCoef·mean(H) + vfCoef·L_value
///
/// then global-norm clipping at `maxGradNorm` and one RMSprop step (SB3 default: α 0.99, ε 1e-5).
extension PolicyGradientAgent {
    func updateA2C() -> UpdateStatistics {
        let batch = minibatch(Array(0..<buffer.capacity)[...], normalize: config.normalizeAdvantage)
        tape.reset()
        let evaluated = model.evaluate(tape.constant(batch.observations), actions: batch.actions)
        let policyLoss = -((evaluated.logProb * batch.advantages).mean())
        let valueLoss = (evaluated.value - batch.returns).squared().mean()
        let entropy = evaluated.entropy.mean()
        let loss = policyLoss - entropy * Float(config.entCoef) + valueLoss * Float(config.vfCoef)
        applyGradients(loss)

        var stats = UpdateStatistics()
        stats.add("train/policy_loss", Double(policyLoss.value.scalar))
        stats.add("train/value_loss", Double(valueLoss.value.scalar))
        stats.add("train/entropy_loss", -Double(entropy.value.scalar))
        stats.add("train/loss", Double(loss.value.scalar))
        stats.add("train/explained_variance", buffer.explainedVariance)
        stats.add("train/n_updates", Double(gradientSteps))
        return stats
    }
}
