import Gym
import SeededRandom
import Testing
import TestSupport

@Suite("StatefulEnvironment")
struct EnvironmentStateTests {
    /// Steps `a` for `warmup` steps, copies its state into `b` (built fresh), then steps both with
    /// the same actions and compares everything bit for bit, across episode boundaries.
    static func resumesExactly<E: StatefulEnvironment>(_ make: () -> E, warmup: Int, steps: Int) throws {
        var a = make()
        var rng = Xoshiro256(seed: 99)
        _ = try a.reset(seed: 5)
        for _ in 0..<warmup where try a.step(a.actionSpace.sample(using: &rng)).isDone { _ = try a.reset() }
        let saved = a.exportState()
        var b = make()
        try b.importState(saved)
        #expect(b.exportState() == saved)
        for t in 0..<steps {
            let action = a.actionSpace.sample(using: &rng)
            let ra = try a.step(action)
            let rb = try b.step(action)
            #expect(ra.observation.map(\.bitPattern) == rb.observation.map(\.bitPattern), "step \(t)")
            #expect(ra.reward.bitPattern == rb.reward.bitPattern && ra.terminated == rb.terminated && ra.truncated == rb.truncated, "step \(t)")
            if ra.isDone {
                let (oa, _) = try a.reset()
                let (ob, _) = try b.reset()
                #expect(oa.map(\.bitPattern) == ob.map(\.bitPattern))
            }
        }
        #expect(a.exportState() == b.exportState())
    }

    @Test("CartPole and every wrapper resume bit-exactly mid-episode")
    func wrappersResume() throws {
        try Self.resumesExactly({ CartPole(seed: 1) }, warmup: 37, steps: 200)
        try Self.resumesExactly({ CartPole.v1(seed: 1) }, warmup: 37, steps: 200)
        try Self.resumesExactly({ TimeLimit(CartPole(), maxEpisodeSteps: 9) }, warmup: 13, steps: 60)
        try Self.resumesExactly({ RecordEpisodeStatistics(ClipReward(CartPole.v1(), minimum: 0, maximum: 0.5)) }, warmup: 50, steps: 100)
        try Self.resumesExactly({ NormalizeReward(NormalizeObservation(RecordEpisodeStatistics(CartPole.v1()))) }, warmup: 120, steps: 200)
    }

    @Test("a fresh environment's state restores to a never-reset environment")
    func freshState() throws {
        var a = CartPole.v1()
        try a.importState(CartPole.v1(seed: 3).exportState())
        #expect(throws: EnvironmentError.self) { try a.step(.discrete(0)) }
        let (x, _) = try a.reset()
        var b = CartPole.v1(seed: 3)
        let (y, _) = try b.reset()
        #expect(x == y)
    }

    @Test("missing or malformed entries throw invalidState and change nothing")
    func badState() throws {
        var env = NormalizeObservation(CartPole.v1())
        _ = try env.reset(seed: 0)
        let before = env.exportState()
        var missing = before
        missing.integers["inner.inner.rng"] = nil
        #expect(throws: EnvironmentError.self) { try env.importState(missing) }
        var zeroRng = before
        zeroRng.integers["inner.inner.rng"] = [0, 0, 0, 0]
        #expect(throws: EnvironmentError.self) { try env.importState(zeroRng) }
        var badVariance = before
        badVariance.reals["observation_normalization.variance"] = [1, -1, 1, 1]
        #expect(throws: EnvironmentError.self) { try env.importState(badVariance) }
        var badFlag = before
        badFlag.integers["inner.time_limit.ended"] = [2]
        #expect(throws: EnvironmentError.self) { try env.importState(badFlag) }
        #expect(env.exportState() == before)
    }

    @Test("vector environments resume bit-exactly")
    func vectorResume() throws {
        func make() -> VectorNormalize<SyncVectorEnvironment<TimeLimit<CartPole>>> {
            VectorNormalize(SyncVectorEnvironment(count: 4) { _ in TimeLimit(CartPole(), maxEpisodeSteps: 25) })
        }
        var a = make()
        try a.reset(seed: 11)
        var rng = Xoshiro256(seed: 4)
        var actions = [Action](repeating: .discrete(0), count: 4)
        for _ in 0..<33 {
            for i in 0..<4 { actions[i] = .discrete(rng.uniformInt(below: 2)) }
            try a.step(actions)
        }
        var b = make()
        try b.importState(a.exportState())
        #expect(b.observations == a.observations)
        for _ in 0..<80 {
            for i in 0..<4 { actions[i] = .discrete(rng.uniformInt(below: 2)) }
            try a.step(actions)
            try b.step(actions)
            #expect(a.observations.map(\.bitPattern) == b.observations.map(\.bitPattern))
            #expect(a.rewards.map(\.bitPattern) == b.rewards.map(\.bitPattern))
            #expect(a.ended == b.ended)
            // Episode statistics are outputs, valid only on ended rows.
            for i in 0..<4 where a.ended[i] {
                #expect(a.episodeReturns[i] == b.episodeReturns[i] && a.episodeLengths[i] == b.episodeLengths[i])
            }
        }
        #expect(a.exportState() == b.exportState())
    }
}
