/// Scales rewards by the running standard deviation of the discounted return, as
/// Stable-Baselines3's `VecNormalize(norm_reward=True)` does (the reward is divided, not centred).
///
/// Each step, per environment: `return = return * gamma + reward`; the returns of the batch update
/// the statistics (unless frozen); the reward becomes `clip(reward / sqrt(var + epsilon))`; the
/// return of an environment whose episode ended (terminated or truncated) restarts from 0.
///
/// Reference: L. Engstrom et al., "Implementation Matters in Deep Policy Gradients", ICLR 2020
/// (reward scaling); SB3 `stable_baselines3/common/vec_env/vec_normalize.py`.
public struct RewardNormalizer: Sendable, Equatable {
    /// Settings of the reward scaling.
    public struct Config: Sendable, Equatable, Codable {
        /// Discount of the running return whose spread scales the rewards. Default 0.99: SB3 `VecNormalize(gamma=0.99)`.
        public var gamma: Double = 0.99
        /// Clip bound of the scaled reward. Default 10: SB3 `VecNormalize(clip_reward=10)`.
        public var clip: Double = 10
        /// Added to the variance under the square root. Default 1e-8: SB3 `VecNormalize(epsilon=1e-8)`.
        public var epsilon: Double = 1e-8
        /// Pseudo-count of the initial statistics (mean 0, variance 1). Default 1e-4: SB3 `RunningMeanStd(epsilon=1e-4)`.
        public var initialCount: Double = 1e-4

        /// The defaults, with optional overrides.
        public init(gamma: Double = 0.99, clip: Double = 10, epsilon: Double = 1e-8, initialCount: Double = 1e-4) {
            self.gamma = gamma
            self.clip = clip
            self.epsilon = epsilon
            self.initialCount = initialCount
        }
    }

    /// The settings.
    public let config: Config
    /// The running statistics of the discounted return.
    public internal(set) var statistics: RunningMeanStd
    /// The running discounted return of each environment.
    public internal(set) var returns: [Double]
    /// When true, rewards are scaled but the statistics are not updated (evaluation).
    public var isFrozen = false

    /// A reward normalizer for `environmentCount` environments.
    /// - Precondition: `environmentCount > 0`, `0 <= gamma <= 1`, `clip > 0`, `epsilon > 0`.
    public init(environmentCount: Int = 1, config: Config = Config()) {
        precondition(environmentCount > 0 && config.gamma >= 0 && config.gamma <= 1 && config.clip > 0 && config.epsilon > 0 && config.initialCount > 0,
                     "RewardNormalizer: \(environmentCount) envs, gamma \(config.gamma), clip \(config.clip), epsilon \(config.epsilon)")
        self.config = config
        statistics = RunningMeanStd(size: 1, epsilon: config.initialCount)
        returns = [Double](repeating: 0, count: environmentCount)
    }

    /// Restarts every running return from 0 (called on a full reset).
    public mutating func resetReturns() {
        for i in returns.indices { returns[i] = 0 }
    }

    /// Scales one environment's reward in a single-environment setting.
    /// - Precondition: this normalizer tracks one environment.
    public mutating func process(reward: Double, done: Bool) -> Double {
        precondition(returns.count == 1, "RewardNormalizer.process(reward:done:): normalizer tracks \(returns.count) environments")
        returns[0] = returns[0] * config.gamma + reward
        if !isFrozen { statistics.update(scalar: returns[0]) }
        let scaled = scale(reward)
        if done { returns[0] = 0 }
        return scaled
    }

    /// Scales a batch of rewards in place, one per environment; `ended[i]` restarts environment i's return.
    /// - Precondition: both buffers have one element per environment.
    public mutating func process(rewards: UnsafeMutableBufferPointer<Double>, ended: UnsafeBufferPointer<Bool>) {
        precondition(rewards.count == returns.count && ended.count == returns.count,
                     "RewardNormalizer.process: \(rewards.count) rewards, \(ended.count) flags for \(returns.count) environments")
        let gamma = config.gamma
        returns.withUnsafeMutableBufferPointer { ret in
            for i in 0..<ret.count { ret[i] = ret[i] * gamma + rewards[i] }
            if !isFrozen { statistics.update(scalars: UnsafeBufferPointer(ret)) }
        }
        for i in 0..<rewards.count {
            rewards[i] = scale(rewards[i])
            if ended[i] { returns[i] = 0 }
        }
    }

    /// Scales a reward with the current statistics, without updating anything.
    @inline(__always)
    public func scale(_ reward: Double) -> Double {
        let z = reward / (statistics.variance[0] + config.epsilon).squareRoot()
        return min(max(z, -config.clip), config.clip)
    }

    /// The statistics of the return in the checkpoint format (element name `return`).
    public func exportStatistics() -> NormalizationStatistics {
        NormalizationStatistics(names: ["return"], mean: statistics.mean, variance: statistics.variance,
                                count: statistics.count, clip: config.clip, epsilon: config.epsilon)
    }

    /// Replaces the return statistics by saved ones, exactly (the running returns restart from 0).
    /// - Throws: `NormalizationError` when the saved statistics are not a single `return` element,
    ///   their clip or epsilon differ, or a value is invalid.
    public mutating func restore(_ saved: NormalizationStatistics) throws(NormalizationError) {
        guard saved.names == ["return"] else {
            throw .namesMismatch(index: 0, expected: "return", found: saved.names.joined(separator: ","))
        }
        guard saved.clip == config.clip else { throw .invalidValue(what: "clip (this normalizer has \(config.clip))", value: saved.clip) }
        guard saved.epsilon == config.epsilon else { throw .invalidValue(what: "epsilon (this normalizer has \(config.epsilon))", value: saved.epsilon) }
        let s = try RunningMeanStd(mean: saved.mean, variance: saved.variance, count: saved.count)
        guard s.size == 1 else { throw .sizeMismatch(what: "mean", expected: 1, found: s.size) }
        statistics = s
        resetReturns()
    }
}
