import Foundation
import Testing
import SeededRandom
@testable import Agents

@Suite struct ReplayBufferTests {
    private func config(capacity: Int, prioritized: Bool = false) -> ReplayBufferConfig {
        var c = ReplayBufferConfig()
        c.capacity = capacity
        c.prioritized = prioritized
        return c
    }

    @Test func ringOverwritesOldestAndKeepsCount() throws {
        var buf = try ReplayBuffer(config: config(capacity: 3), observationSize: 2, actionWidth: 1)
        for t in 0..<5 {
            buf.add(observation: [Float(t), 0], action: [Int32(t)], reward: Double(t), nextObservation: [Float(t + 1), 0], terminated: false, truncated: false)
        }
        #expect(buf.count == 3)
        #expect(buf.position == 2)
        #expect(Set(buf.rewards) == [2, 3, 4])
        #expect(buf.actions == [3, 4, 2])
    }

    @Test func sampledTransitionsAreConsistentRows() throws {
        var buf = try ReplayBuffer(config: config(capacity: 100), observationSize: 3, actionWidth: 2)
        for t in 0..<50 {
            let f = Float(t)
            buf.add(observation: [f, f + 0.5, -f], action: [Int32(t), Int32(-t)], reward: Double(t) * 2,
                    nextObservation: [f + 1, f + 1.5, -f - 1], terminated: t % 7 == 0, truncated: t % 11 == 0)
        }
        var rng = Xoshiro256(seed: 1)
        var batch = ReplayBatch(batchSize: 32, observationSize: 3, actionWidth: 2)
        buf.sample(into: &batch, using: &rng)
        for j in 0..<32 {
            let t = Float(batch.indices[j])
            #expect(batch.observations[j * 3] == t && batch.observations[j * 3 + 2] == -t)
            #expect(batch.nextObservations[j * 3] == t + 1)
            #expect(batch.actions[j * 2] == Int32(t) && batch.actions[j * 2 + 1] == -Int32(t))
            #expect(batch.rewards[j] == 2 * t)
            #expect(batch.terminated[j] == (Int(t) % 7 == 0 ? 1 : 0))
            #expect(batch.truncated[j] == (Int(t) % 11 == 0 ? 1 : 0))
        }
    }

    @Test func samplingIsDeterministicForASeed() throws {
        var buf = try ReplayBuffer(config: config(capacity: 1000, prioritized: true), observationSize: 1, actionWidth: 1)
        for t in 0..<1000 { buf.add(observation: [Float(t)], action: [0], reward: 0, nextObservation: [0], terminated: false, truncated: false) }
        var a = ReplayBatch(batchSize: 64, observationSize: 1, actionWidth: 1), b = a
        var r1 = Xoshiro256(seed: 5), r2 = Xoshiro256(seed: 5)
        buf.sample(into: &a, using: &r1, beta: 0.4)
        buf.sample(into: &b, using: &r2, beta: 0.4)
        #expect(a.indices == b.indices)
        #expect(a.weights == b.weights)
    }

    /// Proportional PER: sampling frequency must match priority^α / Σ priority^α.
    @Test func prioritizedSamplingFrequenciesMatchPriorities() throws {
        var cfg = config(capacity: 4, prioritized: true)
        cfg.alpha = 1.0
        var buf = try ReplayBuffer(config: cfg, observationSize: 1, actionWidth: 1)
        for t in 0..<4 { buf.add(observation: [Float(t)], action: [0], reward: 0, nextObservation: [0], terminated: false, truncated: false) }
        buf.updatePriorities(indices: [0, 1, 2, 3], tdErrors: [1, 2, 3, 4])
        var rng = Xoshiro256(seed: 11)
        var batch = ReplayBatch(batchSize: 10, observationSize: 1, actionWidth: 1)
        var counts = [0, 0, 0, 0]
        for _ in 0..<4000 {
            buf.sample(into: &batch, using: &rng, beta: 1.0)
            for i in batch.indices { counts[i] += 1 }
        }
        let total = Double(counts.reduce(0, +))
        for (i, c) in counts.enumerated() {
            let expected = Double(i + 1) / 10.0
            #expect(abs(Double(c) / total - expected) < 0.01, "slot \(i): \(Double(c) / total) vs \(expected)")
        }
        // Importance weights with beta = 1 are ∝ 1/p, normalized by the batch maximum.
        buf.sample(into: &batch, using: &rng, beta: 1.0)
        let minIndex = batch.indices.min() ?? 0
        for j in 0..<batch.batchSize {
            let expected = Float(minIndex + 1) / Float(batch.indices[j] + 1)
            #expect(abs(batch.weights[j] - expected) < 1e-5)
        }
    }

    @Test func sumTreeFindAndTotals() {
        var tree = SumTree(capacity: 5)
        for (i, p) in [0.5, 0.0, 2.0, 1.0, 0.5].enumerated() { tree.update(i, priority: p) }
        #expect(tree.total == 4.0)
        #expect(tree.find(0.0) == 0)
        #expect(tree.find(0.49) == 0)
        #expect(tree.find(0.5) == 2)  // leaf 1 has zero priority and is never returned
        #expect(tree.find(2.49) == 2)
        #expect(tree.find(2.5) == 3)
        #expect(tree.find(3.99) == 4)
        #expect(tree.find(100) == 4)
    }

    /// n-step returns against a direct computation, with termination and truncation mid-window.
    @Test func nStepReturnsMatchDirectSums() {
        let gamma = 0.9
        var acc = NStepAccumulator(n: 3, gamma: gamma, observationSize: 1, actionWidth: 1)
        let rewards: [Double] = [1, 2, 3, 4, 5]
        var out: [NStepAccumulator.Transition] = []
        for (t, r) in rewards.enumerated() {
            let last = t == rewards.count - 1
            out += acc.add(observation: [Float(t)], action: [Int32(t)], reward: r, nextObservation: [Float(t + 1)], terminated: false, truncated: last)
        }
        #expect(out.count == 5)
        #expect(out.map(\.steps) == [3, 3, 3, 2, 1])
        #expect(out.map(\.nextObservation) == [[3], [4], [5], [5], [5]])
        for (k, t) in out.enumerated() {
            var direct = 0.0
            for j in 0..<t.steps { direct += pow(gamma, Double(j)) * rewards[k + j] }
            #expect(abs(t.reward - direct) < 1e-12)
            #expect(t.terminated == false)
            #expect(t.truncated == (k >= 2))
        }
        var acc2 = NStepAccumulator(n: 3, gamma: gamma, observationSize: 1, actionWidth: 1)
        _ = acc2.add(observation: [0], action: [0], reward: 1, nextObservation: [1], terminated: false, truncated: false)
        let ended = acc2.add(observation: [1], action: [0], reward: 1, nextObservation: [2], terminated: true, truncated: false)
        #expect(ended.count == 2 && ended.allSatisfy { $0.terminated && !$0.truncated })
    }

    @Test func memoryEstimateIsCheckedAgainstAvailableMemory() {
        var cfg = ReplayBufferConfig()
        cfg.capacity = 10_000_000
        #expect(throws: ReplayBufferError.self) {
            try ReplayBuffer(config: cfg, observationSize: 64, actionWidth: 1, availableMemory: 1 << 30)
        }
        #expect(ReplayBuffer.estimatedBytes(capacity: 1_000_000, observationSize: 64, actionWidth: 1, prioritized: false) == 1_000_000 * (512 + 14))
    }
}
