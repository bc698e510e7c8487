import Gym
import Testing
import TestSupport

@Suite("CartPole")
struct CartPoleTests {
    /// Replays Gymnasium's CartPole-v1 trajectories (recorded by scripts/goldens/cartpole_goldens.py)
    /// from the same start states with the same actions. (On Linux/glibc the states agree bit for bit;
    /// the tolerance leaves room for another libm.)
    @Test("reproduces Gymnasium CartPole-v1 trajectories to 1e-6")
    func matchesGymnasium() throws {
        let golden = try Goldens.load("cartpole_v1", as: Goldens.CartPoleFile.self)
        #expect(golden.trajectories.count == 5)
        var sawTruncation = false, sawTermination = false
        for (k, trajectory) in golden.trajectories.enumerated() {
            var env = CartPole.v1()
            let s = trajectory.start
            let start = ResetOptions(values: ["x": s[0], "x_dot": s[1], "theta": s[2], "theta_dot": s[3]])
            let (first, _) = try env.reset(seed: 0, options: start)
            #expect(first == s.map { Float($0) })
            for (t, step) in trajectory.steps.enumerated() {
                let result = try env.step(.discrete(step.action))
                let state = try #require(env.base.state)
                let ours = [state.x, state.xDot, state.theta, state.thetaDot]
                let mismatch = firstMismatch(ours, step.state, relative: 1e-6, absolute: 1e-6)
                #expect(mismatch == nil, "trajectory \(k) step \(t): state \(ours) vs Gymnasium \(step.state)")
                let obs = result.observation.map(Double.init)
                #expect(firstMismatch(obs, step.observation, relative: 1e-6, absolute: 1e-6) == nil,
                        "trajectory \(k) step \(t): observation \(obs) vs Gymnasium \(step.observation)")
                #expect(result.reward == step.reward)
                #expect(result.terminated == step.terminated, "trajectory \(k) step \(t)")
                #expect(result.truncated == step.truncated, "trajectory \(k) step \(t)")
                sawTruncation = sawTruncation || step.truncated
                sawTermination = sawTermination || step.terminated
            }
            #expect(throws: EnvironmentError.self) { try env.step(.discrete(0)) }
        }
        #expect(sawTruncation && sawTermination)
    }

    @Test("seeded reset draws the start state uniformly in [-0.05, 0.05]^4, reproducibly")
    func seededReset() throws {
        var env = CartPole()
        var starts: [[Float]] = []
        for seed in UInt64(0)..<200 {
            let (obs, _) = try env.reset(seed: seed)
            #expect(obs.allSatisfy { abs($0) <= 0.05 })
            starts.append(obs)
        }
        let (again, _) = try env.reset(seed: 7)
        #expect(again == starts[7])
        // Uniform on [-0.05, 0.05]: mean near 0, variance near 0.1^2 / 12 (200 x 4 draws).
        let all = starts.flatMap { $0 }.map(Double.init)
        let mean = all.reduce(0, +) / Double(all.count)
        let variance = all.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(all.count)
        #expect(abs(mean) < 0.003)
        #expect(abs(variance - 0.01 / 12) < 0.0002)
        // Unseeded resets continue the generator: consecutive starts differ.
        let (a, _) = try env.reset()
        let (b, _) = try env.reset()
        #expect(a != b)
    }

    @Test("reset bounds option widens the start distribution like Gymnasium's low/high")
    func resetBounds() throws {
        var env = CartPole()
        let (obs, _) = try env.reset(seed: 3, options: ResetOptions(values: ["low": 0.1, "high": 0.2]))
        #expect(obs.allSatisfy { $0 >= 0.1 && $0 <= 0.2 })
    }

    @Test("bad reset options and actions throw typed errors")
    func errors() throws {
        var env = CartPole()
        #expect(throws: EnvironmentError.self) { try env.reset(seed: 0, options: ResetOptions(values: ["x": 0])) }
        #expect(throws: EnvironmentError.self) { try env.reset(seed: 0, options: ResetOptions(values: ["gravity": 0])) }
        #expect(throws: EnvironmentError.self) { try env.reset(seed: 0, options: ResetOptions(values: ["low": 1, "high": 0])) }
        #expect(throws: EnvironmentError.resetNeeded("CartPole.step before the first reset")) { try env.step(.discrete(0)) }
        _ = try env.reset(seed: 0)
        #expect(throws: EnvironmentError.self) { try env.step(.discrete(2)) }
        #expect(throws: EnvironmentError.self) { try env.step(.continuous([1])) }
        _ = try env.step(.discrete(1))
    }

    @Test("CartPole.v1 truncates at 500 steps")
    func v1TimeLimit() throws {
        var env = CartPole.v1()
        #expect(env.maxEpisodeSteps == 500)
        // A linear balancing controller keeps the pole up well past 500 steps.
        _ = try env.reset(seed: 0)
        var last: StepResult<EmptyInfo>?
        var steps = 0
        while last?.isDone != true, steps < 1_000 {
            let s = try #require(env.base.state)
            let push = s.theta * 10 + s.thetaDot * 2 + s.x * 0.1 + s.xDot * 0.5 > 0
            last = try env.step(.discrete(push ? 1 : 0))
            steps += 1
        }
        #expect(steps == 500)
        #expect(last?.truncated == true && last?.terminated == false)
    }

    @Test("passes the environment checker (bare and as v1)")
    func checker() throws {
        let bare = checkEnvironment(CartPole(seed: 1))
        #expect(bare.isPassing, "\(bare)")
        #expect(bare.warnings.isEmpty, "\(bare)")
        let v1 = checkEnvironment(CartPole.v1(seed: 1))
        #expect(v1.isPassing, "\(v1)")
        try v1.requirePassing()
    }
}
