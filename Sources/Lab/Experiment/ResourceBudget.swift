/// The largest sizes an experiment may ask for, checked before anything is allocated.
///
/// A value past a budget is refused with `SpecError.badValue` (at load, from the spec alone) or
/// `LabError.badRun` (when building the agent, once the observation size is known), naming the key,
/// the value, the limit and the fix. The limits sit far above every shipped preset and any
/// realistic experiment on two cores; they exist so a typo (`1e8` for `1e3`) fails in a
/// millisecond with a clear message instead of being killed by the kernel a minute later.
/// docs/reliability.md ("Configuration and training") lists each with its error.
public enum ResourceBudget {
    /// Largest number of parameters of one network (weights and biases, input to output):
    /// 2^24 ≈ 16.8 million, 64 MiB of Float32. DQN keeps five copies (online, target, gradient,
    /// two Adam moments), so 320 MiB. SB3's default [64, 64] MLP has about 10^4.
    public static let maxNetworkParameters = 1 << 24
    /// Largest number of hidden layers. Default networks have 2; 64 bounds the per-step overhead.
    public static let maxHiddenLayers = 64
    /// Largest minibatch (`batchSize`), transitions. SB3 defaults: 32 (DQN), 64 (PPO).
    public static let maxBatchSize = 65_536
    /// Largest minibatch in floats (`batchSize` × observation size): 2^27, 512 MiB per buffer.
    public static let maxBatchFloats = 1 << 27
    /// Largest replay capacity, transitions: 10^8, a hundred times SB3's default of 10^6. The
    /// buffer also refuses a capacity that does not fit the available memory.
    public static let maxReplayCapacity = 100_000_000
    /// Largest number of parallel environment copies (`numEnvs`).
    public static let maxEnvironments = 1_024
    /// Largest rollout (`nSteps` × `numEnvs`), transitions: 10^7 (SB3 PPO default 2048).
    public static let maxRolloutSteps = 10_000_000
    /// Largest rollout in floats (`nSteps` × `numEnvs` × observation size): 2^28, 1 GiB.
    public static let maxRolloutFloats = 1 << 28
    /// Largest synthetic market, assets × bars: 10^7 (default 20 × 2520).
    public static let maxSyntheticCells = 10_000_000
    /// Largest `maxPredictionAgeDays`: 36,525 days, a century.
    public static let maxPredictionAgeDays = 36_525.0
}
