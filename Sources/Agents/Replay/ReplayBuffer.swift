import Foundation
import SeededRandom

/// Settings of the replay buffer shared by the DQN family.
public struct ReplayBufferConfig: Codable, Sendable, Equatable {
    /// Maximum number of transitions kept (oldest overwritten first). Default 1,000,000: SB3 DQN `buffer_size`.
    public var capacity: Int = 1_000_000
    /// n of n-step returns; 1 is plain one-step TD. Default 1: SB3 DQN (Rainbow uses 3).
    public var nStep: Int = 1
    /// Proportional prioritized replay (sum tree) instead of uniform sampling. Default off: SB3 DQN.
    public var prioritized: Bool = false
    /// Priority exponent α (0 = uniform). Default 0.6: Schaul et al. 2016, proportional variant.
    public var alpha: Double = 0.6
    /// Importance-sampling exponent β at the start of training, annealed linearly to `betaFinal`. Default 0.4: Schaul et al. 2016.
    public var betaInitial: Double = 0.4
    /// β at the end of training. Default 1.0: Schaul et al. 2016.
    public var betaFinal: Double = 1.0
    /// Added to |TD error| so no transition has zero priority. Default 1e-6: common practice (Dopamine, SB3-contrib).
    public var priorityEpsilon: Double = 1e-6

    public init() {}
}

/// A preallocated struct-of-arrays ring buffer of transitions for off-policy agents.
///
/// Each transition is (observation, action, reward, next observation, terminated, truncated, steps),
/// where `steps` is the m of an n-step return (the learner bootstraps with γ^m). Storing the next
/// observation explicitly keeps truncation honest: on a truncated episode the next observation is the
/// final observation of the cut episode, and the learner bootstraps from it; on termination it does not.
///
/// Sampling is seeded through the caller's generator and writes into a preallocated `ReplayBatch`,
/// so steady-state training does not allocate. With `prioritized`, sampling is proportional to
/// priority^α through a `SumTree`, with importance weights (N·P(i))^-β normalized by the batch maximum.
///
/// - Complexity: `add` is O(observationSize); `sample` is O(batch · (observationSize + log capacity)).
public struct ReplayBuffer: Sendable {
    public let capacity: Int
    public let observationSize: Int
    /// Number of integers per action (1 for `Discrete`, N for `MultiDiscrete`).
    public let actionWidth: Int
    public let config: ReplayBufferConfig

    public internal(set) var observations: [Float]
    public internal(set) var nextObservations: [Float]
    public internal(set) var actions: [Int32]
    public internal(set) var rewards: [Float]
    public internal(set) var terminated: [UInt8]
    public internal(set) var truncated: [UInt8]
    public internal(set) var steps: [Int32]
    /// Where the next transition goes.
    public internal(set) var position: Int = 0
    /// Number of transitions stored (≤ capacity).
    public internal(set) var count: Int = 0
    /// Priorities when prioritized (stores priority^α).
    public internal(set) var tree: SumTree?
    /// Largest raw priority seen; new transitions get it so each is replayed at least once with high probability.
    public internal(set) var maxPriority: Double = 1.0

    /// Bytes the buffer's arrays take for the given sizes.
    public static func estimatedBytes(capacity: Int, observationSize: Int, actionWidth: Int, prioritized: Bool) -> Int {
        // In Double, saturating at Int.max: a capacity like 10^17 must give "too big", not overflow.
        let perTransition = 2 * Double(observationSize) * 4 + Double(actionWidth) * 4 + 4 + 1 + 1 + 4
        var leaves = 1.0
        while leaves < Double(capacity) { leaves *= 2 }
        let bytes = Double(capacity) * perTransition + (prioritized ? 2 * leaves * 8 : 0)
        return bytes < 0x1p62 ? Int(bytes) : Int.max
    }

    /// Allocates a buffer.
    /// - Throws: `ReplayBufferError.insufficientMemory` when the arrays would not fit in the memory
    ///   the system reports as available (`MemAvailable` in /proc/meminfo), with the numbers and the fix.
    public init(config: ReplayBufferConfig, observationSize: Int, actionWidth: Int, availableMemory: Int? = ReplayBuffer.availableMemoryBytes()) throws(ReplayBufferError) {
        guard config.capacity > 0 else { throw .invalidConfig("replay capacity must be positive, got \(config.capacity)") }
        guard config.nStep >= 1 else { throw .invalidConfig("nStep must be >= 1, got \(config.nStep)") }
        guard config.alpha >= 0, config.betaInitial >= 0, config.betaFinal >= 0, config.priorityEpsilon > 0 else {
            throw .invalidConfig("alpha, betaInitial, betaFinal must be >= 0 and priorityEpsilon > 0")
        }
        precondition(observationSize > 0 && actionWidth > 0, "ReplayBuffer: observationSize \(observationSize), actionWidth \(actionWidth)")
        let need = ReplayBuffer.estimatedBytes(capacity: config.capacity, observationSize: observationSize, actionWidth: actionWidth, prioritized: config.prioritized)
        if let availableMemory, need > availableMemory {
            throw .insufficientMemory(required: need, available: availableMemory, capacity: config.capacity, observationSize: observationSize)
        }
        self.config = config
        self.capacity = config.capacity
        self.observationSize = observationSize
        self.actionWidth = actionWidth
        observations = [Float](repeating: 0, count: capacity * observationSize)
        nextObservations = [Float](repeating: 0, count: capacity * observationSize)
        actions = [Int32](repeating: 0, count: capacity * actionWidth)
        rewards = [Float](repeating: 0, count: capacity)
        terminated = [UInt8](repeating: 0, count: capacity)
        truncated = [UInt8](repeating: 0, count: capacity)
        steps = [Int32](repeating: 1, count: capacity)
        tree = config.prioritized ? SumTree(capacity: capacity) : nil
    }

    /// `MemAvailable` from /proc/meminfo in bytes, or nil where it cannot be read.
    public static func availableMemoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }

    /// Stores one transition, overwriting the oldest when full.
    public mutating func add(
        observation: some Collection<Float>, action: some Collection<Int32>, reward: Double,
        nextObservation: some Collection<Float>, terminated isTerminal: Bool, truncated isTruncated: Bool, steps m: Int = 1
    ) {
        precondition(observation.count == observationSize && nextObservation.count == observationSize,
                     "ReplayBuffer.add: observation sizes \(observation.count)/\(nextObservation.count), expected \(observationSize)")
        precondition(action.count == actionWidth, "ReplayBuffer.add: action width \(action.count), expected \(actionWidth)")
        let i = position
        var k = i * observationSize
        for v in observation { observations[k] = v; k += 1 }
        k = i * observationSize
        for v in nextObservation { nextObservations[k] = v; k += 1 }
        k = i * actionWidth
        for a in action { actions[k] = a; k += 1 }
        rewards[i] = Float(reward)
        terminated[i] = isTerminal ? 1 : 0
        truncated[i] = isTruncated ? 1 : 0
        steps[i] = Int32(m)
        tree?.update(i, priority: pow(maxPriority, config.alpha))
        position = (position + 1) % capacity
        count = min(count + 1, capacity)
    }

    /// Stores an n-step transition from an `NStepAccumulator`.
    public mutating func add(_ t: NStepAccumulator.Transition) {
        add(observation: t.observation, action: t.action, reward: t.reward, nextObservation: t.nextObservation,
            terminated: t.terminated, truncated: t.truncated, steps: t.steps)
    }

    /// Samples `batch.batchSize` transitions into `batch`.
    ///
    /// Uniform: indices i.i.d. uniform over stored transitions. Prioritized: stratified — the total
    /// priority is cut into `batchSize` equal segments and one index drawn per segment (Schaul et al.).
    /// - Parameter beta: importance-sampling exponent (prioritized only).
    /// - Precondition: the buffer is not empty.
    public func sample(into batch: inout ReplayBatch, using rng: inout Xoshiro256, beta: Double = 1.0) {
        precondition(count > 0, "ReplayBuffer.sample: the buffer is empty")
        precondition(batch.observationSize == observationSize && batch.actionWidth == actionWidth,
                     "ReplayBuffer.sample: batch shaped for obs \(batch.observationSize)/action \(batch.actionWidth), buffer has \(observationSize)/\(actionWidth)")
        let b = batch.batchSize
        if let tree {
            let total = tree.total
            let segment = total / Double(b)
            var maxWeight = 0.0
            for j in 0..<b {
                let u = (Double(j) + rng.uniformDouble()) * segment
                let i = tree.find(u)
                batch.indices[j] = i
                let p = tree.priority(at: i) / total
                let w = pow(Double(count) * p, -beta)
                batch.weights[j] = Float(w)
                maxWeight = max(maxWeight, w)
            }
            if maxWeight > 0 { for j in 0..<b { batch.weights[j] = Float(Double(batch.weights[j]) / maxWeight) } }
        } else {
            for j in 0..<b {
                batch.indices[j] = rng.uniformInt(below: count)
                batch.weights[j] = 1
            }
        }
        gather(into: &batch)
    }

    /// Copies the transitions at `batch.indices` into the batch arrays.
    func gather(into batch: inout ReplayBatch) {
        let d = observationSize, w = actionWidth
        observations.withUnsafeBufferPointer { obs in
            nextObservations.withUnsafeBufferPointer { next in
                batch.observations.withUnsafeMutableBufferPointer { bo in
                    batch.nextObservations.withUnsafeMutableBufferPointer { bn in
                        // Whole rows with memcpy: the element loop over two interleaved arrays did not
                        // vectorize and was 14% of a DQN sizing run (perf, 20k steps).
                        guard d > 0, let o = obs.baseAddress, let n = next.baseAddress,
                              let to = bo.baseAddress, let tn = bn.baseAddress else { return }
                        for (j, i) in batch.indices.enumerated() {
                            (to + j * d).update(from: o + i * d, count: d)
                            (tn + j * d).update(from: n + i * d, count: d)
                        }
                    }
                }
            }
        }
        for (j, i) in batch.indices.enumerated() {
            for k in 0..<w { batch.actions[j * w + k] = actions[i * w + k] }
            batch.rewards[j] = rewards[i]
            batch.terminated[j] = Float(terminated[i])
            batch.truncated[j] = Float(truncated[i])
            batch.steps[j] = steps[i]
        }
    }

    /// Sets the priorities of sampled transitions from their TD errors: p = |δ| + ε, stored as p^α.
    public mutating func updatePriorities(indices: [Int], tdErrors: [Float]) {
        precondition(indices.count == tdErrors.count, "updatePriorities: \(indices.count) indices, \(tdErrors.count) errors")
        guard tree != nil else { return }
        for (i, e) in zip(indices, tdErrors) {
            let p = Double(abs(e)) + config.priorityEpsilon
            let safe = p.isFinite ? p : maxPriority
            maxPriority = max(maxPriority, safe)
            tree?.update(i, priority: pow(safe, config.alpha))
        }
    }

    /// β after `progress` ∈ [0, 1] of training (linear annealing).
    public func beta(progress: Double) -> Double {
        config.betaInitial + (config.betaFinal - config.betaInitial) * min(max(progress, 0), 1)
    }
}

/// A preallocated minibatch of transitions, reused across training steps.
public struct ReplayBatch: Sendable {
    public let batchSize: Int
    public let observationSize: Int
    public let actionWidth: Int
    /// Buffer slots sampled (for priority updates).
    public var indices: [Int]
    /// batchSize × observationSize, row-major.
    public var observations: [Float]
    public var nextObservations: [Float]
    /// batchSize × actionWidth.
    public var actions: [Int32]
    public var rewards: [Float]
    /// 1 where the transition ended in a terminal state (no bootstrap), else 0.
    public var terminated: [Float]
    /// 1 where the episode was truncated at this transition (bootstrap still applies), else 0.
    public var truncated: [Float]
    /// m of the n-step return (bootstrap with γ^m).
    public var steps: [Int32]
    /// Importance-sampling weights (all 1 for uniform replay).
    public var weights: [Float]

    public init(batchSize: Int, observationSize: Int, actionWidth: Int) {
        precondition(batchSize > 0, "ReplayBatch: batchSize must be positive, got \(batchSize)")
        self.batchSize = batchSize
        self.observationSize = observationSize
        self.actionWidth = actionWidth
        indices = [Int](repeating: 0, count: batchSize)
        observations = [Float](repeating: 0, count: batchSize * observationSize)
        nextObservations = [Float](repeating: 0, count: batchSize * observationSize)
        actions = [Int32](repeating: 0, count: batchSize * actionWidth)
        rewards = [Float](repeating: 0, count: batchSize)
        terminated = [Float](repeating: 0, count: batchSize)
        truncated = [Float](repeating: 0, count: batchSize)
        steps = [Int32](repeating: 1, count: batchSize)
        weights = [Float](repeating: 1, count: batchSize)
    }
}

/// Replay buffer problems a user can fix.
public enum ReplayBufferError: Error, Equatable, Sendable, CustomStringConvertible {
    case insufficientMemory(required: Int, available: Int, capacity: Int, observationSize: Int)
    case invalidConfig(String)
    /// A saved buffer that does not fit the agent loading it (sizes, capacity, prioritization).
    case incompatible(String)
    /// A saved buffer whose layout is damaged or not MarketGym's (docs/replay-format.md).
    case malformed(file: String, path: String, detail: String)

    public var description: String {
        switch self {
        case let .insufficientMemory(required, available, capacity, observationSize):
            let gib = { (b: Int) in String(format: "%.2f GiB", Double(b) / 1_073_741_824) }
            return "replay buffer needs \(gib(required)) for \(capacity) transitions of \(observationSize) floats, but only \(gib(available)) is available. Lower agent.replay.capacity (e.g. --set agent.replay.capacity=\(Self.suggestedCapacity(capacity: capacity, required: required, available: available)))."
        case let .invalidConfig(m):
            return "invalid replay buffer settings: \(m)"
        case let .incompatible(m):
            return "the saved replay buffer does not fit this agent: \(m). Resume with the configuration the checkpoint was written with."
        case let .malformed(file, path, detail):
            return "\(file): replay buffer at \(path) is malformed: \(detail). Use another checkpoint (layout: docs/replay-format.md)."
        }
    }

    /// Half the capacity that would fit, computed in Double: `capacity × available` overflows Int
    /// for the very capacities this message is about (10^10 × 10^10 bytes).
    static func suggestedCapacity(capacity: Int, required: Int, available: Int) -> Int {
        let fit = Double(capacity) * Double(max(available, 0)) / Double(max(required, 1)) / 2
        return max(1, fit < 0x1p62 ? Int(fit) : Int.max)
    }
}
