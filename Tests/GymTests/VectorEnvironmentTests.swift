import Gym
import SeededRandom
import Testing
import TestSupport

@Suite("SyncVectorEnvironment")
struct VectorEnvironmentTests {
    /// The vector env against M single environments driven by hand with Gymnasium's same-step
    /// autoreset rule: seeds seed + i, reset without a seed when an episode ends.
    @Test("same-step autoreset matches single environments stepped by hand")
    func sameStepAutoreset() throws {
        let m = 5, d = 4, seed: UInt64 = 100
        var vec = SyncVectorEnvironment(count: m) { _ in TimeLimit(CartPole(), maxEpisodeSteps: 30) }
        var singles = (0..<m).map { _ in TimeLimit(CartPole(), maxEpisodeSteps: 30) }
        try vec.reset(seed: seed)
        for i in 0..<m {
            let (obs, _) = try singles[i].reset(seed: seed + UInt64(i))
            #expect(Array(vec.observations[(i * d)..<((i + 1) * d)]) == obs)
        }
        var rng = Xoshiro256(seed: 1)
        var actions = [Action](repeating: .discrete(0), count: m)
        var returns = [Double](repeating: 0, count: m), lengths = [Int](repeating: 0, count: m)
        var endings = 0, truncations = 0, terminations = 0
        for _ in 0..<200 {
            for i in 0..<m { actions[i] = .discrete(rng.uniformInt(below: 2)) }
            try vec.step(actions)
            for i in 0..<m {
                let r = try singles[i].step(actions[i])
                returns[i] += r.reward
                lengths[i] += 1
                #expect(vec.rewards[i] == r.reward)
                #expect(vec.terminated[i] == r.terminated && vec.truncated[i] == r.truncated)
                #expect(vec.ended[i] == r.isDone)
                let row = Array(vec.observations[(i * d)..<((i + 1) * d)])
                if r.isDone {
                    endings += 1
                    if r.truncated { truncations += 1 }
                    if r.terminated { terminations += 1 }
                    #expect(Array(vec.finalObservations[(i * d)..<((i + 1) * d)]) == r.observation)
                    #expect(vec.episodeReturns[i] == returns[i] && vec.episodeLengths[i] == lengths[i])
                    returns[i] = 0
                    lengths[i] = 0
                    let (next, _) = try singles[i].reset()
                    #expect(row == next)
                } else {
                    #expect(row == r.observation)
                }
            }
        }
        // A time limit reached on a terminal step sets both flags, so endings can be fewer than the sum.
        #expect(terminations > 0 && truncations > 0 && endings >= max(terminations, truncations) && endings <= terminations + truncations)
    }

    @Test("order and action errors leave no copy stepped")
    func errors() throws {
        var vec = SyncVectorEnvironment(count: 3) { _ in CartPole.v1() }
        #expect(throws: EnvironmentError.self) { try vec.step([.discrete(0), .discrete(0), .discrete(0)]) }
        try vec.reset(seed: 0)
        let before = vec.observations
        #expect(throws: EnvironmentError.self) { try vec.step([.discrete(0), .discrete(0), .discrete(5)]) }
        #expect(vec.observations == before)
        #expect(vec.environments.allSatisfy { $0.elapsedSteps == 0 })
        try vec.step([.discrete(0), .discrete(1), .discrete(0)])
        #expect(vec.environments.allSatisfy { $0.elapsedSteps == 1 })
    }

    @Test("same seed, same actions: bit-identical batches")
    func determinism() throws {
        func run() throws -> [Float] {
            var vec = SyncVectorEnvironment(count: 8) { _ in CartPole.v1() }
            try vec.reset(seed: 42)
            var out: [Float] = []
            var actions = [Action](repeating: .discrete(0), count: 8)
            for t in 0..<100 {
                for i in 0..<8 { actions[i] = .discrete((t + i) % 3 == 0 ? 1 : 0) }
                try vec.step(actions)
                out += vec.observations
            }
            return out
        }
        #expect(try run().map(\.bitPattern) == run().map(\.bitPattern))
    }

    @Test("VectorNormalize frozen for evaluation keeps its statistics")
    func frozenVectorNormalize() throws {
        var vec = VectorNormalize(SyncVectorEnvironment(count: 4) { _ in CartPole.v1() })
        try vec.reset(seed: 3)
        let actions = [Action](repeating: .discrete(1), count: 4)
        for _ in 0..<50 { try vec.step(actions) }
        vec.isTraining = false
        let obsStats = vec.exportObservationStatistics(), retStats = vec.exportRewardStatistics()
        for _ in 0..<20 { try vec.step(actions) }
        #expect(vec.exportObservationStatistics() == obsStats)
        #expect(vec.exportRewardStatistics() == retStats)
        #expect(vec.observations.allSatisfy { abs($0) <= 10 })
        #expect(vec.episodeLengths.contains { $0 > 0 })
    }

    /// Training code is generic over `VectorEnvironment`; both implementations serve it.
    static func totalReward<V: VectorEnvironment>(_ vec: inout V, steps: Int) throws -> (reward: Double, episodes: Int) {
        try vec.reset(seed: 7)
        let actions = [Action](repeating: .discrete(1), count: vec.environmentCount)
        var total = 0.0, episodes = 0
        for _ in 0..<steps {
            try vec.step(actions)
            total += vec.rewards.reduce(0, +)
            episodes += vec.ended.filter { $0 }.count
        }
        return (total, episodes)
    }

    @Test("generic code runs on both vector environments")
    func generic() throws {
        var plain = SyncVectorEnvironment(count: 3) { _ in CartPole.v1() }
        var normalized = VectorNormalize(SyncVectorEnvironment(count: 3) { _ in CartPole.v1() })
        let a = try Self.totalReward(&plain, steps: 40)
        let b = try Self.totalReward(&normalized, steps: 40)
        #expect(a.reward == 120 && a.episodes > 3)
        #expect(a.episodes == b.episodes)
        #expect(b.reward != a.reward)
        #expect(normalized.base.observations == plain.observations)
    }
}

@Suite struct VectorStateIfSupportedTests {
    /// The dynamic path generic agents use must round-trip exactly (it opens an existential).
    @Test func exportAndImportIfSupportedRoundTrip() throws {
        var a = SyncVectorEnvironment(count: 2) { (i: Int) in CartPole.v1(seed: UInt64(i)) }
        try a.reset(seed: 3, options: .none)
        for _ in 0..<7 { try a.step([.discrete(1), .discrete(0)]) }
        #expect(a.isStateful)
        let state = try #require(a.exportStateIfSupported())
        var b = SyncVectorEnvironment(count: 2) { (i: Int) in CartPole.v1(seed: UInt64(100 + i)) }
        try b.importStateIfSupported(state)
        for _ in 0..<20 {
            try a.step([.discrete(0), .discrete(1)])
            try b.step([.discrete(0), .discrete(1)])
            #expect(a.observations == b.observations)
            #expect(a.rewards == b.rewards)
        }
    }
}
