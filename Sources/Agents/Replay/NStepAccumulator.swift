/// Turns a stream of one-step transitions from one environment into n-step transitions.
///
/// For each start step t it emits (s_t, a_t, R = Σ_{k<m} γ^k r_{t+k}, s_{t+m}, terminated, truncated, m)
/// with m = n, or fewer when the episode ends first. Truncation is not termination: a truncated
/// n-step transition keeps `terminated == false`, so the learner bootstraps from s_{t+m}, which is
/// the final observation of the cut episode.
///
/// Reference: R. S. Sutton, "Learning to predict by the methods of temporal differences", 1988;
/// n-step targets in DQN as in Hessel et al., "Rainbow", AAAI 2018.
public struct NStepAccumulator: Sendable {
    /// n, the number of steps summed.
    public let n: Int
    /// Discount factor γ.
    public let gamma: Double
    private let observationSize: Int
    private let actionWidth: Int
    // Pending one-step transitions, oldest first (at most n).
    var pendingObservations: [[Float]] = []
    var pendingActions: [[Int32]] = []
    var pendingRewards: [Double] = []

    /// - Precondition: `n >= 1`, `0 <= gamma <= 1`.
    public init(n: Int, gamma: Double, observationSize: Int, actionWidth: Int) {
        precondition(n >= 1, "NStepAccumulator: n must be >= 1, got \(n)")
        precondition(gamma >= 0 && gamma <= 1, "NStepAccumulator: gamma must be in [0, 1], got \(gamma)")
        self.n = n
        self.gamma = gamma
        self.observationSize = observationSize
        self.actionWidth = actionWidth
    }

    /// One emitted n-step transition.
    public struct Transition: Sendable, Equatable {
        public var observation: [Float]
        public var action: [Int32]
        public var reward: Double
        public var nextObservation: [Float]
        public var terminated: Bool
        public var truncated: Bool
        /// m, the number of rewards summed (bootstrap with γ^m).
        public var steps: Int
    }

    /// Adds the one-step transition (s, a, r, s', terminated, truncated) and returns the n-step
    /// transitions that became complete (none, one, or at episode end all pending ones).
    public mutating func add(
        observation: [Float], action: [Int32], reward: Double, nextObservation: [Float],
        terminated: Bool, truncated: Bool
    ) -> [Transition] {
        precondition(observation.count == observationSize && nextObservation.count == observationSize,
                     "NStepAccumulator.add: observation size \(observation.count)/\(nextObservation.count), expected \(observationSize)")
        precondition(action.count == actionWidth, "NStepAccumulator.add: action width \(action.count), expected \(actionWidth)")
        pendingObservations.append(observation)
        pendingActions.append(action)
        pendingRewards.append(reward)
        var out: [Transition] = []
        if terminated || truncated {
            while !pendingRewards.isEmpty {
                out.append(emitOldest(nextObservation: nextObservation, terminated: terminated, truncated: truncated))
            }
        } else if pendingRewards.count == n {
            out.append(emitOldest(nextObservation: nextObservation, terminated: false, truncated: false))
        }
        return out
    }

    /// Drops pending transitions (e.g. when an environment is reset from outside).
    public mutating func reset() {
        pendingObservations.removeAll(keepingCapacity: true)
        pendingActions.removeAll(keepingCapacity: true)
        pendingRewards.removeAll(keepingCapacity: true)
    }

    private mutating func emitOldest(nextObservation: [Float], terminated: Bool, truncated: Bool) -> Transition {
        var ret = 0.0, discount = 1.0
        for r in pendingRewards {
            ret += discount * r
            discount *= gamma
        }
        let t = Transition(
            observation: pendingObservations.removeFirst(), action: pendingActions.removeFirst(), reward: ret,
            nextObservation: nextObservation, terminated: terminated, truncated: truncated, steps: pendingRewards.count
        )
        pendingRewards.removeFirst()
        return t
    }
}
