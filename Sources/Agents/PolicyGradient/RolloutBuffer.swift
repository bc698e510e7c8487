/// One rollout of `nSteps × numEnvs` transitions for the on-policy algorithms, with GAE-λ
/// advantages and returns (Schulman et al. 2016, "High-Dimensional Continuous Control Using
/// Generalized Advantage Estimation"; the loop is Stable-Baselines3's
/// `RolloutBuffer.compute_returns_and_advantage`).
///
/// Storage is struct-of-arrays, row `t * numEnvs + e` for step `t` of copy `e`, in `Float` like
/// SB3's float32 numpy buffers. Actions are stored as floats too: a class index (Discrete), one
/// index per dimension (MultiDiscrete, exact in `Float` below 2²⁴) or the raw Gaussian sample (Box,
/// before clipping or squashing, so its log-probability can be recomputed).
///
/// `ended[t]` marks that copy `e`'s episode ended at step `t` (terminated or truncated); the next
/// row of that copy starts a new episode. Truncation is handled before the buffer sees the reward:
/// the collector adds `γ·V(final observation)` to the reward of a truncated step (SB3), so GAE
/// never bootstraps across an episode boundary and still values a time-limit cut correctly.
public struct RolloutBuffer: Sendable {
    /// Steps per copy.
    public let nSteps: Int
    /// Environment copies.
    public let numEnvs: Int
    /// Floats per observation.
    public let observationCount: Int
    /// Floats per stored action.
    public let actionCount: Int

    /// `[nSteps·numEnvs, observationCount]`, row-major.
    public var observations: [Float]
    /// `[nSteps·numEnvs, actionCount]`, row-major.
    public var actions: [Float]
    /// Rewards (with the truncation bootstrap added).
    public var rewards: [Float]
    /// 1 where the episode ended at this step (terminated or truncated), else 0.
    public var ended: [Float]
    /// V(s_t) under the policy that collected the rollout.
    public var values: [Float]
    /// log π_old(a_t | s_t).
    public var logProbs: [Float]
    /// GAE-λ advantages (after `computeReturnsAndAdvantages`).
    public var advantages: [Float]
    /// λ-returns `advantages + values`: the value targets.
    public var returns: [Float]
    /// Rows written so far (`numEnvs` per step).
    public private(set) var count = 0

    /// An empty buffer.
    /// - Precondition: all sizes positive.
    public init(nSteps: Int, numEnvs: Int, observationCount: Int, actionCount: Int) {
        precondition(nSteps > 0 && numEnvs > 0 && observationCount > 0 && actionCount > 0,
                     "RolloutBuffer: nSteps \(nSteps), numEnvs \(numEnvs), observationCount \(observationCount), actionCount \(actionCount)")
        self.nSteps = nSteps
        self.numEnvs = numEnvs
        self.observationCount = observationCount
        self.actionCount = actionCount
        let n = nSteps * numEnvs
        observations = [Float](repeating: 0, count: n * observationCount)
        actions = [Float](repeating: 0, count: n * actionCount)
        rewards = [Float](repeating: 0, count: n)
        ended = [Float](repeating: 0, count: n)
        values = [Float](repeating: 0, count: n)
        logProbs = [Float](repeating: 0, count: n)
        advantages = [Float](repeating: 0, count: n)
        returns = [Float](repeating: 0, count: n)
    }

    /// Total rows, `nSteps · numEnvs`.
    public var capacity: Int { nSteps * numEnvs }
    /// True when every step has been written.
    public var isFull: Bool { count == capacity }

    /// Forgets the stored rollout (buffers are kept).
    public mutating func clear() { count = 0 }

    /// Row index of the next step's first copy; the collector writes rows `start..<start+numEnvs`
    /// then calls `advance()`.
    public var nextRow: Int { count }

    /// Marks one step (all copies) as written.
    /// - Precondition: the buffer is not full.
    public mutating func advance() {
        precondition(count < capacity, "RolloutBuffer.advance: already full (\(capacity) rows)")
        count += numEnvs
    }

    /// `1 − Var(R − V) / Var(R)` over the rollout: how much of the return's variance the critic
    /// explains (SB3's `explained_variance`; 0 here where SB3 gives NaN for constant returns).
    public var explainedVariance: Double {
        let n = Double(count)
        guard count > 1 else { return 0 }
        var meanR = 0.0, meanD = 0.0
        for i in 0..<count { meanR += Double(returns[i]); meanD += Double(returns[i] - values[i]) }
        meanR /= n
        meanD /= n
        var varR = 0.0, varD = 0.0
        for i in 0..<count {
            let r = Double(returns[i]) - meanR, dd = Double(returns[i] - values[i]) - meanD
            varR += r * r
            varD += dd * dd
        }
        return varR == 0 ? 0 : 1 - varD / varR
    }
}
