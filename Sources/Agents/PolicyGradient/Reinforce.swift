import NeuralNet
import TensorCore

/// REINFORCE with a learned baseline (Williams 1992, "Simple Statistical Gradient-Following
/// Algorithms for Connectionist Reinforcement Learning"; the baseline as in Sutton & Barto 2018,
/// §13.4).
///
/// Monte-Carlo returns, computed here from the rollout's rewards whatever `gaeLambda` says:
///
///     G_t = r_t + γ·(1 − d_t)·G_{t+1}
///
/// An episode still running at the rollout's end is bootstrapped from the critic's V(s_T) (as
/// every vectorized REINFORCE must be, unless it waits for whole episodes); a time-limit cut is
/// bootstrapped through the reward like everywhere else (``RolloutBuffer``). Then one gradient step
/// on all samples:
///
///     A        = G − V(s)            (normalized over the rollout when `normalizeAdvantage`)
///     L_policy = −mean(A · log π(a|s))
///     L_value  = mean((G − V(s))²)
///     L        = L_policy − entCoef·mean(H) + vfCoef·L_value
extension PolicyGradientAgent {
    func updateReinforce() -> UpdateStatistics {
        let m = buffer.numEnvs, steps = buffer.nSteps
        let gamma = Float(config.gamma)
        let lastValues = model.values(Tensor(shape: [m, observationCount], scalars: normalized(observations, rows: m))).scalars
        for e in 0..<m {
            var g = lastValues[e]
            var t = steps - 1
            while t >= 0 {
                let i = t * m + e
                g = buffer.rewards[i] + gamma * (1 - buffer.ended[i]) * g
                buffer.returns[i] = g
                buffer.advantages[i] = g - buffer.values[i]
                t -= 1
            }
        }
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
