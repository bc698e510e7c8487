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
        let lastValues = model.values(Tensor(shape: [m, observationCount], scalars: normalized(environments.observations, rows: m))).scalars
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
        // With Monte-Carlo returns and advantages R − V(s) in the buffer, the gradient step is the
        // same one-batch policy-gradient + value-baseline step as A2C's (A2C.swift).
        return updateA2C()
    }
}
