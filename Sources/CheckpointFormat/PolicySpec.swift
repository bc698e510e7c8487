/// Everything a consumer needs to act with a policy, and to refuse inputs that do not match it.
///
/// Stored as attributes of the checkpoint's `/policy` group (readable by h5py as `str`, numbers and
/// arrays; docs/checkpoint-format.md), next to the network's parameters. The trading daemon checks
/// assets and observation names against what it is fed before acting.
public struct PolicySpec: Sendable, Equatable, Codable {
    /// What the network outputs.
    public enum NetworkKind: String, Sendable, Codable, CaseIterable {
        /// Q-values per discrete action (DQN); greedy = argmax.
        case qValues
        /// One Q head per action dimension over a shared trunk (branching DQN, MultiDiscrete).
        case branchingQValues
        /// Logits of a categorical policy (Discrete); greedy = argmax.
        case categorical
        /// Logits of independent categoricals, one per action dimension (MultiDiscrete).
        case factorizedCategorical
        /// Mean of a diagonal Gaussian (Box); deterministic = mean, then clip or tanh.
        case gaussian
        /// Mean of a diagonal Gaussian (Box, one dimension per asset) from one MLP applied to each
        /// asset's inputs (`PerAssetLayout`, derived from the observation names), one output each.
        case perAssetGaussian
    }

    /// The kind of action the environment takes.
    public enum ActionKind: String, Sendable, Codable, CaseIterable { case discrete, multiDiscrete, box }

    /// Algorithm that trained the policy (`dqn`, `ppo`, `a2c`, `reinforce`).
    public var algorithm: String
    /// Environment kind (`market`, `synthetic`, `cartpole`).
    public var environment: String
    /// Asset names, in the order the observation and weights use (empty for non-market envs).
    public var assets: [String]
    /// One name per observation element, in order.
    public var observationNames: [String]
    public var actionKind: ActionKind
    /// Discrete: [n]; MultiDiscrete: nvec; Box: [dimension].
    public var actionShape: [Int]
    /// Market action scheme (`sizing`, `perAsset`, `weights`) or empty.
    public var actionScheme: String
    /// Gross levels (sizing) or per-asset levels (perAsset); empty otherwise.
    public var actionLevels: [Double]
    /// Box bounds (Gaussian policies), or empty.
    public var actionLow: [Double]
    public var actionHigh: [Double]
    /// `clip` or `squash` for Gaussian policies, empty otherwise.
    public var continuousBound: String
    public var network: NetworkKind
    /// Hidden widths of the MLP trunk.
    public var hidden: [Int]
    /// Hidden activation (`relu`, `tanh`).
    public var activation: String
    /// Dueling head (Q networks).
    public var dueling: Bool
    /// Observation normalization applied before the network (running mean/var), or nil.
    public var normalization: Normalization?
    /// First and last bar timestamps (ISO dates) of the data the policy was trained on.
    public var trainDataStart: String
    public var trainDataEnd: String
    /// The market environment configuration (`MarketEnvConfig` as JSON; `{}` for other envs) that the
    /// observation builder, action scheme and projection must use.
    public var environmentConfig: String
    /// Free-form provenance (data files, predictions, git revision, seed).
    public var provenance: [String: String]

    /// Observation normalization: x' = clip((x - mean) / sqrt(var + epsilon), -clip, clip).
    public struct Normalization: Sendable, Equatable, Codable {
        public var mean: [Double]
        public var variance: [Double]
        public var count: Double
        public var epsilon: Double
        public var clip: Double

        public init(mean: [Double], variance: [Double], count: Double, epsilon: Double, clip: Double) {
            self.mean = mean
            self.variance = variance
            self.count = count
            self.epsilon = epsilon
            self.clip = clip
        }
    }

    public init(
        algorithm: String, environment: String, assets: [String] = [], observationNames: [String],
        actionKind: ActionKind, actionShape: [Int], actionScheme: String = "", actionLevels: [Double] = [],
        actionLow: [Double] = [], actionHigh: [Double] = [], continuousBound: String = "",
        network: NetworkKind, hidden: [Int], activation: String, dueling: Bool = false,
        normalization: Normalization? = nil, trainDataStart: String = "", trainDataEnd: String = "",
        environmentConfig: String = "", provenance: [String: String] = [:]
    ) {
        self.algorithm = algorithm
        self.environment = environment
        self.assets = assets
        self.observationNames = observationNames
        self.actionKind = actionKind
        self.actionShape = actionShape
        self.actionScheme = actionScheme
        self.actionLevels = actionLevels
        self.actionLow = actionLow
        self.actionHigh = actionHigh
        self.continuousBound = continuousBound
        self.network = network
        self.hidden = hidden
        self.activation = activation
        self.dueling = dueling
        self.normalization = normalization
        self.trainDataStart = trainDataStart
        self.trainDataEnd = trainDataEnd
        self.environmentConfig = environmentConfig
        self.provenance = provenance
    }

    /// Number of observation elements.
    public var observationSize: Int { observationNames.count }
}
