/// Which policy-gradient algorithm.
public enum PolicyGradientAlgorithm: String, Codable, Sendable, CaseIterable {
    /// Williams 1992 with a learned baseline (Monte-Carlo returns, one update per rollout).
    case reinforce
    /// Synchronous advantage actor-critic (Mnih et al. 2016, "A3C" paper, synchronous variant).
    case a2c
    /// Proximal Policy Optimization with clipping (Schulman et al. 2017).
    case ppo
}

/// How a continuous (Box) action is kept in bounds.
public enum ContinuousActionBound: String, Codable, Sendable, CaseIterable {
    /// Clip the Gaussian sample to the bounds (SB3's default for PPO/A2C).
    case clip
    /// tanh-squash the sample into the bounds (with the log-probability correction).
    case squash
}

/// The actor network's shape.
public enum ActorArchitecture: String, Codable, Sendable, CaseIterable {
    /// One MLP over the whole observation (SB3 `MlpPolicy`).
    case mlp
    /// One small MLP shared by every asset: asset i's Gaussian mean is `f(asset i's inputs, shared
    /// inputs)` (`PerAssetLayout`: the observation names `<asset>.<field>` per asset, the rest shared),
    /// so the policy is permutation-equivariant over assets and learns one mapping from N times the
    /// samples (EIIE, Jiang et al. 2017). Needs a Box action with one dimension per asset group.
    case perAsset
}

/// Hyperparameters of the policy-gradient family. Names as SB3's `PPO`/`A2C` (camelCased); the
/// defaults below are SB3's PPO defaults (`stable_baselines3/ppo/ppo.py`); `A2CConfig()` and
/// `reinforce()` give the other algorithms' defaults.
public struct PolicyGradientConfig: Codable, Sendable, Equatable {
    /// Algorithm. Default `ppo`.
    public var algorithm: PolicyGradientAlgorithm = .ppo
    /// Learning rate schedule over training progress. Default constant 3e-4: SB3 PPO.
    public var learningRate: ScheduleConfig = .constant(3e-4)
    /// Steps per environment per rollout. Default 2048: SB3 PPO.
    public var nSteps: Int = 2048
    /// Number of parallel environment copies. Default 1: SB3.
    public var numEnvs: Int = 1
    /// Minibatch size (PPO). Default 64: SB3 PPO.
    public var batchSize: Int = 64
    /// Epochs over each rollout (PPO). Default 10: SB3 PPO.
    public var nEpochs: Int = 10
    /// Discount γ. Default 0.99: SB3.
    public var gamma: Double = 0.99
    /// GAE λ (1 = Monte-Carlo advantages). Default 0.95: SB3 PPO.
    public var gaeLambda: Double = 0.95
    /// Policy clip range ε (PPO), a schedule. Default constant 0.2: SB3 PPO.
    public var clipRange: ScheduleConfig = .constant(0.2)
    /// Value clip range (PPO); nil = no value clipping. Default nil: SB3 PPO.
    public var clipRangeVf: Double? = nil
    /// Normalize advantages per minibatch. Default true: SB3 PPO (false for A2C).
    public var normalizeAdvantage: Bool = true
    /// Entropy bonus coefficient. Default 0: SB3.
    public var entCoef: Double = 0
    /// Value loss coefficient. Default 0.5: SB3.
    public var vfCoef: Double = 0.5
    /// Global-norm gradient clipping. Default 0.5: SB3.
    public var maxGradNorm: Double = 0.5
    /// Stop the epoch loop early when the approximate KL exceeds 1.5 × this; nil = never. Default nil: SB3 PPO.
    public var targetKL: Double? = nil
    /// Actor and critic hidden layers (separate networks). Default [64, 64] tanh: SB3 `MlpPolicy`.
    public var network = NetworkConfig(hidden: [64, 64], activation: .tanh)
    /// Actor architecture (the critic is always an MLP over the whole observation). Default `mlp`: SB3.
    public var actorArchitecture: ActorArchitecture = .mlp
    /// Orthogonal initialization (gain √2 hidden, 0.01 policy head, 1 value head). Default true: SB3 / Huang et al. 2022 "37 implementation details".
    public var orthogonalInit: Bool = true
    /// Initial log standard deviation of the Gaussian policy. Default 0: SB3.
    public var logStdInit: Double = 0
    /// Keeping continuous actions in bounds. Default `clip`: SB3.
    public var continuousBound: ContinuousActionBound = .clip
    /// Optimizer: Adam (PPO) or RMSprop (A2C, SB3 default `use_rms_prop=True`). Default false.
    public var useRMSprop: Bool = false
    /// Optimizer ε. Default 1e-5: SB3 (Adam for PPO, RMSprop for A2C).
    public var optimizerEpsilon: Double = 1e-5
    /// Normalize observations by running mean and variance before the networks (clip ±10, ε 1e-8,
    /// statistics updated with every observation acted on during training, frozen in `act`), and
    /// record the statistics in the policy spec. Default false: SB3 `VecNormalize(norm_obs=True)`
    /// is opt-in (RL Zoo's `normalize: true`).
    public var normalizeObservations: Bool = false

    public init() {}

    /// SB3's A2C defaults (`stable_baselines3/a2c/a2c.py`): lr 7e-4, n_steps 5, GAE λ 1, no advantage
    /// normalization, RMSprop (α 0.99, ε 1e-5), one epoch on the whole rollout.
    public static func a2c() -> PolicyGradientConfig {
        var c = PolicyGradientConfig()
        c.algorithm = .a2c
        c.learningRate = .constant(7e-4)
        c.nSteps = 5
        c.gaeLambda = 1.0
        c.normalizeAdvantage = false
        c.useRMSprop = true
        c.nEpochs = 1
        return c
    }

    /// REINFORCE with a learned value baseline: Monte-Carlo returns (λ = 1), one epoch.
    public static func reinforce() -> PolicyGradientConfig {
        var c = PolicyGradientConfig()
        c.algorithm = .reinforce
        c.learningRate = .constant(1e-3)
        c.gaeLambda = 1.0
        c.nEpochs = 1
        c.normalizeAdvantage = true
        return c
    }
}
