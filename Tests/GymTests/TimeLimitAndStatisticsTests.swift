import Gym
import SeededRandom
import Testing
import TestSupport

@Suite("TimeLimit, ClipReward, RecordEpisodeStatistics")
struct TimeLimitAndStatisticsTests {
    @Test("TimeLimit truncates after N steps and then enforces reset")
    func truncates() throws {
        var env = TimeLimit(IdentityEnvironment(n: 3, episodeLength: 1_000), maxEpisodeSteps: 7)
        #expect(throws: EnvironmentError.self) { try env.step(.discrete(0)) }
        for episode in 0..<3 {
            _ = try env.reset(seed: UInt64(episode))
            for t in 1...7 {
                let r = try env.step(.discrete(0))
                #expect(r.truncated == (t == 7))
                #expect(!r.terminated)
                #expect(env.elapsedSteps == t)
            }
            #expect(throws: EnvironmentError.self) { try env.step(.discrete(0)) }
        }
    }

    @Test("TimeLimit reports both flags when the limit falls on a terminal step (Gymnasium semantics)")
    func bothFlags() throws {
        // From theta = 0.2 pushing right, the pole falls on the first step.
        var env = TimeLimit(CartPole(), maxEpisodeSteps: 1)
        _ = try env.reset(seed: 0, options: ResetOptions(values: ["x": 0, "x_dot": 0, "theta": 0.2, "theta_dot": 0.5]))
        let r = try env.step(.discrete(1))
        #expect(r.terminated && r.truncated)
    }

    @Test("ClipReward clips")
    func clip() throws {
        var env = ClipReward(IdentityEnvironment(n: 2), minimum: 0.25, maximum: 0.5)
        _ = try env.reset(seed: 0)
        for _ in 0..<20 {
            let r = try env.step(.discrete(0))
            #expect(r.reward == 0.25 || r.reward == 0.5)
        }
    }

    @Test("RecordEpisodeStatistics reports return and length when an episode ends")
    func episodeStatistics() throws {
        var env = RecordEpisodeStatistics(CartPole.v1())
        var rng = Xoshiro256(seed: 5)
        for episode in 1...4 {
            _ = try env.reset(seed: UInt64(episode))
            var total = 0.0, length = 0
            while true {
                let r = try env.step(.discrete(rng.uniformInt(below: 2)))
                total += r.reward
                length += 1
                if r.isDone {
                    #expect(r.info.episode == EpisodeStatistics(totalReward: total, length: length))
                    break
                }
                #expect(r.info.episode == nil)
            }
            #expect(env.lastEpisode == EpisodeStatistics(totalReward: total, length: length))
            #expect(env.episodeCount == episode)
        }
    }

    @Test("wrapped environments pass the checker")
    func checker() throws {
        try checkEnvironment(RecordEpisodeStatistics(CartPole.v1())).requirePassing()
        try checkEnvironment(ClipReward(TimeLimit(CartPole(), maxEpisodeSteps: 20), minimum: -1, maximum: 1)).requirePassing()
        // Normalization carries statistics across episodes, so re-seeding only reproduces episodes
        // once the statistics are frozen (as for evaluation).
        var inner = NormalizeObservation(CartPole.v1())
        inner.isFrozen = true
        var normalized = NormalizeReward(inner)
        normalized.isFrozen = true
        try checkEnvironment(normalized).requirePassing()
    }
}
