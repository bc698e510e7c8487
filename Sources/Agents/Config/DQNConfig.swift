/// Hyperparameters of the DQN family (DQN, Double DQN, dueling, n-step, prioritized replay, branching heads).
///
/// Names follow Stable-Baselines3's `DQN` (camelCased); defaults are SB3's (`stable_baselines3/dqn/dqn.py`)
/// unless noted. Units: "steps" are environment steps summed over all vector-env copies.
///
/// References: Mnih et al., "Human-level control through deep reinforcement learning", Nature 2015;
/// van Hasselt et al., "Deep RL with Double Q-learning", AAAI 2016; Wang et al., "Dueling Network
/// Architectures", ICML 2016; Schaul et al., "Prioritized Experience Replay", ICLR 2016;
/// Tavakoli et al., "Action Branching Architectures for Deep RL", AAAI 2018.
public struct DQNConfig: Codable, Sendable, Equatable {
    /// Adam learning rate (schedule over training progress). Default constant 1e-4: SB3 DQN.
    public var learningRate: ScheduleConfig = .constant(1e-4)
    /// Replay buffer settings (capacity 1e6: SB3 `buffer_size`; n-step and prioritized replay off).
    public var replay = ReplayBufferConfig()
    /// Steps of experience collected with random actions before learning starts. Default 50,000: SB3 DQN (Nature DQN).
    public var learningStarts: Int = 50_000
    /// Minibatch size per gradient step. Default 32: SB3 DQN.
    public var batchSize: Int = 32
    /// Target update coefficient: 1 = hard copy every `targetUpdateInterval` steps, < 1 = Polyak averaging then. Default 1: SB3 DQN.
    public var tau: Double = 1.0
    /// Discount factor γ. Default 0.99: SB3 DQN.
    public var gamma: Double = 0.99
    /// Train every this many environment steps. Default 4: SB3 DQN.
    public var trainFrequency: Int = 4
    /// Gradient steps per training round. Default 1: SB3 DQN.
    public var gradientSteps: Int = 1
    /// Target network update interval, environment steps. Default 10,000: SB3 DQN.
    public var targetUpdateInterval: Int = 10_000
    /// Fraction of training over which ε decays linearly. Default 0.1: SB3 DQN.
    public var explorationFraction: Double = 0.1
    /// ε at the start. Default 1.0: SB3 DQN.
    public var explorationInitialEps: Double = 1.0
    /// ε after the decay. Default 0.05: SB3 DQN.
    public var explorationFinalEps: Double = 0.05
    /// Global-norm gradient clipping threshold. Default 10: SB3 DQN.
    public var maxGradNorm: Double = 10
    /// Q-network hidden layers. Default [64, 64] ReLU: SB3 `MlpPolicy`.
    public var network = NetworkConfig()
    /// Double DQN targets (online net picks the argmax, target net evaluates it). Default on (van Hasselt et al. 2016; SB3 has no option and uses plain DQN).
    public var doubleQ: Bool = true
    /// Dueling head V(s) + A(s,a) - mean A. Default off (SB3 has none).
    public var dueling: Bool = false
    /// Adam ε. Default 1e-8: PyTorch's Adam default, which SB3 DQN keeps.
    public var adamEpsilon: Double = 1e-8
    /// Number of parallel environment copies. Default 1: SB3 DQN.
    public var numEnvs: Int = 1

    public init() {}
}
