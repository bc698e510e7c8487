import Foundation
import Gym
import SeededRandom
import TensorCore
import Testing
import TestSupport
@testable import Agents

@Suite struct RolloutBufferGAETests {
    /// GAE against an independent numpy transcription of SB3's
    /// `RolloutBuffer.compute_returns_and_advantage` (episode_starts form, float64).
    @Test func gaeMatchesNumpyTranscriptionOfSB3() throws {
        let steps = 7, envs = 3, gamma: Float = 0.98, lambda: Float = 0.8
        var rng = Xoshiro256(seed: 5)
        let n = steps * envs
        let rewards = (0..<n).map { _ in rng.uniformFloat() * 2 - 1 }
        let values = (0..<n).map { _ in rng.uniformFloat() * 4 - 2 }
        let ended = (0..<n).map { _ in rng.uniformFloat() < 0.25 ? Float(1) : 0 }
        let last = (0..<envs).map { _ in rng.uniformFloat() * 4 - 2 }
        var adv = [Float](repeating: 0, count: n), ret = [Float](repeating: 0, count: n)
        RolloutBuffer.generalizedAdvantages(rewards: rewards, values: values, ended: ended, lastValues: last, numEnvs: envs,
                                            gamma: gamma, lambda: lambda, advantages: &adv, returns: &ret)
        let input: [String: Any] = ["T": steps, "E": envs, "gamma": Double(gamma), "lam": Double(lambda),
                                    "r": rewards.map(Double.init), "v": values.map(Double.init),
                                    "d": ended.map(Double.init), "last": last.map(Double.init)]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
        let script = """
        import json, sys
        import numpy as np
        d = json.loads(sys.argv[1])
        T, E, gamma, lam = d["T"], d["E"], d["gamma"], d["lam"]
        r = np.array(d["r"]).reshape(T, E); v = np.array(d["v"]).reshape(T, E)
        ended = np.array(d["d"]).reshape(T, E); last_values = np.array(d["last"])
        episode_starts = np.zeros((T, E)); episode_starts[1:] = ended[:-1]
        dones = ended[-1]
        adv = np.zeros((T, E)); last_gae_lam = 0
        for step in reversed(range(T)):
            if step == T - 1:
                next_non_terminal = 1.0 - dones; next_values = last_values
            else:
                next_non_terminal = 1.0 - episode_starts[step + 1]; next_values = v[step + 1]
            delta = r[step] + gamma * next_values * next_non_terminal - v[step]
            last_gae_lam = delta + gamma * lam * next_non_terminal * last_gae_lam
            adv[step] = last_gae_lam
        print(json.dumps({"adv": adv.ravel().tolist(), "ret": (adv + v).ravel().tolist()}))
        """
        let out = try runPython(script: script, arguments: [json])
        #expect(out.status == 0, "python failed: \(out.stderr)")
        let decoded = try JSONDecoder().decode([String: [Double]].self, from: Data(out.stdout.utf8))
        let refAdv = try #require(decoded["adv"]), refRet = try #require(decoded["ret"])
        #expect(refAdv.count == n)
        for i in 0..<n {
            #expect(isClose(Double(adv[i]), refAdv[i], relative: 1e-5, absolute: 1e-5), "advantage \(i): \(adv[i]) vs numpy \(refAdv[i])")
            #expect(isClose(Double(ret[i]), refRet[i], relative: 1e-5, absolute: 1e-5), "return \(i): \(ret[i]) vs numpy \(refRet[i])")
        }
    }

    /// Hand computation: λ = 1, γ = 0.5, one copy, episode ends at t = 1 (so t = 0, 1 form one
    /// episode and t = 2 bootstraps from the last value).
    @Test func gaeHandComputed() {
        let rewards: [Float] = [1, 2, 4], values: [Float] = [0.5, 1, 2], ended: [Float] = [0, 1, 0]
        var adv = [Float](repeating: 0, count: 3), ret = [Float](repeating: 0, count: 3)
        RolloutBuffer.generalizedAdvantages(rewards: rewards, values: values, ended: ended, lastValues: [8], numEnvs: 1,
                                            gamma: 0.5, lambda: 1, advantages: &adv, returns: &ret)
        // Returns: G2 = 4 + 0.5·8 = 8; G1 = 2 (episode ended, no bootstrap); G0 = 1 + 0.5·2 = 2.
        #expect(ret == [2, 2, 8])
        #expect(adv == [1.5, 1, 6])
    }

    /// The collector adds γ·V(final observation) to the reward of a truncated step and nothing to a
    /// terminated one (SB3), and GAE then never bootstraps across either end.
    @Test func truncationBootstrapsTerminationDoesNot() throws {
        var config = PolicyGradientConfig()
        config.nSteps = 6
        config.numEnvs = 1
        config.gamma = 0.9
        config.gaeLambda = 0.95
        let agent = try PolicyGradientAgent(config: config, seed: 3, totalSteps: 6) { _ in AlternatingEndEnvironment() }
        try agent.resetEnvironments()
        try agent.collectRollout(log: { _, _, _ in })
        let finalValue = agent.model.values(Tensor(shape: [1, 2], scalars: [-0.75, -0.25])).scalars[0]
        let b = agent.buffer
        #expect(b.ended == [0, 0, 1, 0, 0, 1])
        // Episode 0 (steps 0-2) terminates: plain reward. Episode 1 (steps 3-5) is truncated.
        #expect(b.rewards[2] == 1)
        #expect(b.rewards[5] == Float(1 + Double(Float(0.9) * finalValue)))
        #expect(finalValue != 0)
        // No bootstrap across the end: the advantage of an ending step is r − V(s).
        #expect(b.advantages[2] == b.rewards[2] - b.values[2])
        #expect(b.advantages[5] == b.rewards[5] - b.values[5])
        #expect(agent.episodes == 2)
    }
}
