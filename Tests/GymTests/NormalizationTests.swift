import Foundation
import Gym
import SeededRandom
import Testing
import TestSupport

@Suite("Normalization")
struct NormalizationTests {
    static func golden() throws -> Goldens.NormalizationFile {
        try Goldens.load("normalization", as: Goldens.NormalizationFile.self)
    }

    @Test("NormalizeObservation and NormalizeReward match Gymnasium RunningMeanStd with SB3's rule (one env)")
    func singleEnvironmentGolden() throws {
        let file = try Self.golden()
        let c = file.cases[0]
        #expect(c.environments == 1)
        let replay = ReplayEnvironment(
            resetObservation: c.reset_observations[0].map(Float.init),
            stepObservations: c.observations.map { $0[0].map(Float.init) },
            stepRewards: c.rewards.map { $0[0] },
            stepDones: c.dones.map { $0[0] })
        var env = NormalizeReward(NormalizeObservation(replay))
        let (first, _) = try env.reset(seed: 0)
        #expect(firstMismatch(first.map(Double.init), c.expected_reset_observations[0], relative: 1e-6, absolute: 1e-6) == nil)
        for t in c.observations.indices {
            let r = try env.step(.discrete(0))
            let obs = r.observation.map(Double.init)
            #expect(firstMismatch(obs, c.expected_observations[t][0], relative: 1e-6, absolute: 1e-6) == nil, "step \(t): \(obs) vs \(c.expected_observations[t][0])")
            #expect(isClose(r.reward, c.expected_rewards[t][0], relative: 1e-9, absolute: 1e-12), "step \(t): reward \(r.reward) vs \(c.expected_rewards[t][0])")
        }
        let obsStats = env.base.exportStatistics()
        #expect(firstMismatch(obsStats.mean, c.observation_mean, relative: 1e-10) == nil)
        #expect(firstMismatch(obsStats.variance, c.observation_variance, relative: 1e-10) == nil)
        #expect(isClose(obsStats.count, c.observation_count, relative: 1e-14))
        let retStats = env.exportStatistics()
        #expect(isClose(retStats.mean[0], c.return_mean, relative: 1e-10))
        #expect(isClose(retStats.variance[0], c.return_variance, relative: 1e-10))
        #expect(isClose(retStats.count, c.return_count, relative: 1e-14))
    }

    @Test("VectorNormalize matches Gymnasium RunningMeanStd with SB3 VecNormalize's rule (4 envs)")
    func vectorGolden() throws {
        let file = try Self.golden()
        let c = file.cases[1]
        let m = c.environments, d = 4
        #expect(m == 4)
        let flat: ([[Double]]) -> [Float] = { $0.flatMap { $0.map(Float.init) } }
        // Final observations: the raw observation of the previous step, scaled with the current statistics.
        let finals = c.observations.indices.map { t in flat(t == 0 ? c.reset_observations : c.observations[t - 1]) }
        let replay = ReplayVectorEnvironment(rows: m, dimension: d, resetBatch: flat(c.reset_observations),
                                             batches: c.observations.map(flat), finalBatches: finals,
                                             rewardBatches: c.rewards, doneBatches: c.dones)
        var env = VectorNormalize(replay)
        try env.reset(seed: 0)
        #expect(firstMismatch(env.observations.map(Double.init), c.expected_reset_observations.flatMap { $0 }, relative: 1e-6, absolute: 1e-6) == nil)
        let actions = [Action](repeating: .discrete(0), count: m)
        var checkedFinal = false
        for t in c.observations.indices {
            try env.step(actions)
            let expected = c.expected_observations[t].flatMap { $0 }
            #expect(firstMismatch(env.observations.map(Double.init), expected, relative: 1e-6, absolute: 1e-6) == nil, "step \(t)")
            #expect(firstMismatch(env.rewards, c.expected_rewards[t], relative: 1e-9, absolute: 1e-12) == nil, "step \(t): \(env.rewards) vs \(c.expected_rewards[t])")
            // Ended rows' final observations are scaled by the statistics after this step's update.
            let stats = env.exportObservationStatistics()
            for i in 0..<m where c.dones[t][i] {
                for j in 0..<d {
                    let raw = Double(finals[t][i * d + j])
                    let want = Float(min(max((raw - stats.mean[j]) / (stats.variance[j] + 1e-8).squareRoot(), -10), 10))
                    #expect(env.finalObservations[i * d + j] == want)
                    checkedFinal = true
                }
            }
        }
        #expect(checkedFinal)
        let s = env.exportObservationStatistics()
        #expect(firstMismatch(s.mean, c.observation_mean, relative: 1e-10) == nil)
        #expect(firstMismatch(s.variance, c.observation_variance, relative: 1e-10) == nil)
        #expect(isClose(env.exportRewardStatistics().variance[0], c.return_variance, relative: 1e-10))
    }

    @Test("RunningMeanStd batch and one-at-a-time merges agree with numpy's mean and var")
    func runningMeanStdAgainstNumpy() throws {
        var rng = Xoshiro256(seed: 11)
        let rows = 257, d = 3
        let data = (0..<(rows * d)).map { i in Float(rng.normal() * Double(1 + i % d) * 5 + Double(i % d) * 100) }
        var single = RunningMeanStd(size: d, epsilon: 1e-300)
        var batched = RunningMeanStd(size: d, epsilon: 1e-300)
        data.withUnsafeBufferPointer { all in
            for r in 0..<rows { single.update(UnsafeBufferPointer(rebasing: all[(r * d)..<((r + 1) * d)])) }
            // Uneven batches: 1, 100, 156 rows.
            batched.update(batch: UnsafeBufferPointer(rebasing: all[0..<d]), rows: 1)
            batched.update(batch: UnsafeBufferPointer(rebasing: all[d..<(101 * d)]), rows: 100)
            batched.update(batch: UnsafeBufferPointer(rebasing: all[(101 * d)...]), rows: 156)
        }
        let script = """
        import json, sys
        import numpy as np
        x = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64).reshape(-1, \(d))
        print(json.dumps({"mean": x.mean(axis=0).tolist(), "var": x.var(axis=0).tolist()}))
        """
        let arg = "[" + data.map { "\($0)" }.joined(separator: ",") + "]"
        let out = try runPython(script: script, arguments: [arg])
        #expect(out.status == 0, "\(out.stderr)")
        struct Moments: Decodable { var mean: [Double]; var `var`: [Double] }
        let numpy = try JSONDecoder().decode(Moments.self, from: Data(out.stdout.utf8))
        for s in [single, batched] {
            #expect(firstMismatch(s.mean, numpy.mean, relative: 1e-10, absolute: 1e-10) == nil, "\(s.mean) vs \(numpy.mean)")
            #expect(firstMismatch(s.variance, numpy.var, relative: 1e-10) == nil, "\(s.variance) vs \(numpy.var)")
        }
    }

    @Test("statistics export and restore exactly; a restored, frozen wrapper scales bit-identically")
    func exportRestore() throws {
        var trained = NormalizeObservation(CartPole.v1())
        _ = try trained.reset(seed: 1)
        for t in 0..<300 {
            if try trained.step(.discrete(t % 3 == 0 ? 1 : 0)).isDone { _ = try trained.reset() }
        }
        let saved = trained.exportStatistics()
        #expect(saved.count > 300)
        #expect(saved.names == CartPole().observationNames)
        // Through the named-array checkpoint format and back.
        let arrays = saved.namedArrays
        #expect(Set(arrays.keys) == Set(NormalizationStatistics.arrayNames))
        let reloaded = try NormalizationStatistics(names: saved.names, namedArrays: arrays)
        #expect(reloaded == saved)

        var evalA = trained
        evalA.isFrozen = true
        var evalB = NormalizeObservation(CartPole.v1())
        try evalB.restoreStatistics(reloaded)
        evalB.isFrozen = true
        #expect(evalB.exportStatistics() == saved)
        let (a0, _) = try evalA.reset(seed: 9)
        let (b0, _) = try evalB.reset(seed: 9)
        #expect(a0.map(\.bitPattern) == b0.map(\.bitPattern))
        for t in 0..<50 {
            let a = try evalA.step(.discrete(t % 2))
            let b = try evalB.step(.discrete(t % 2))
            #expect(a.observation.map(\.bitPattern) == b.observation.map(\.bitPattern))
            if a.isDone { break }
        }
        // Frozen: statistics unchanged by the evaluation steps.
        #expect(evalB.exportStatistics() == saved)
    }

    @Test("restoring mismatched or corrupt statistics throws a typed error")
    func restoreErrors() throws {
        var env = NormalizeObservation(CartPole())
        let good = env.exportStatistics()
        var renamed = good
        renamed.names[2] = "pole_angle_degrees"
        #expect(throws: NormalizationError.namesMismatch(index: 2, expected: "pole_angle", found: "pole_angle_degrees")) { try env.restoreStatistics(renamed) }
        var short = good
        short.mean.removeLast()
        #expect(throws: NormalizationError.self) { try env.restoreStatistics(short) }
        var nan = good
        nan.variance[1] = .nan
        #expect(throws: NormalizationError.self) { try env.restoreStatistics(nan) }
        var badCount = good
        badCount.count = 0
        #expect(throws: NormalizationError.self) { try env.restoreStatistics(badCount) }
        var wrongSize = good
        wrongSize.names.append("extra")
        wrongSize.mean.append(0)
        wrongSize.variance.append(1)
        #expect(throws: NormalizationError.self) { try env.restoreStatistics(wrongSize) }
        // Failed restores leave the statistics untouched.
        #expect(env.exportStatistics() == good)
        var otherClip = good
        otherClip.clip = 5
        #expect(throws: NormalizationError.self) { try env.restoreStatistics(otherClip) }
        #expect(throws: NormalizationError.missingArray("count")) {
            try NormalizationStatistics(names: good.names, namedArrays: ["mean": good.mean, "variance": good.variance])
        }
        let message = "\(NormalizationError.namesMismatch(index: 2, expected: "a", found: "b"))"
        #expect(message.contains("'b'") && message.contains("'a'"))
    }
}
