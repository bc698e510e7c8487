import Gym
import SeededRandom
import Testing
import TestSupport

/// A small environment with switchable contract violations, to prove the checker catches each.
struct FlawedEnvironment: Environment {
    enum Flaw: CaseIterable { case none, noOrderEnforcement, ignoresSeed, outOfSpace, nanReward, acceptsInvalidAction, acceptsUnknownOption, unwrittenElement, wrongNameCount, duplicateNames, invalidActionChangesState }
    typealias Info = EmptyInfo
    let flaw: Flaw
    var rng = Xoshiro256(seed: 0)
    var resets: UInt64 = 0
    var position: Float = 0
    var steps: Int?
    var ended = false

    var observationSpace: BoxSpace { BoxSpace(low: [-10, 0], high: [10, 10]) }
    var actionSpace: ActionSpace { .discrete(DiscreteSpace(3)) }
    var observationNames: [String] {
        switch flaw {
        case .wrongNameCount: return ["position"]
        case .duplicateNames: return ["position", "position"]
        default: return ["position", "step"]
        }
    }

    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        if flaw != .acceptsUnknownOption, !options.values.isEmpty || !options.strings.isEmpty { throw .invalidOption("none accepted") }
        resets += 1
        if flaw == .ignoresSeed { rng = Xoshiro256(seed: resets) } else if let seed { rng = Xoshiro256(seed: seed) }
        position = Float(rng.uniformInt(below: 5)) - 2
        steps = 0
        ended = false
        observation[0] = position
        observation[1] = 0
        return EmptyInfo()
    }

    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .discrete(let a) = action, a >= 0, a < 3 else {
            if flaw == .acceptsInvalidAction {
                steps = (steps ?? 0) + 1
                return StepOutcome(reward: 0, terminated: false, truncated: false, info: EmptyInfo())
            }
            if flaw == .invalidActionChangesState { position += 1 }
            throw .invalidAction("\(action)")
        }
        if flaw != .noOrderEnforcement {
            guard steps != nil, !ended else { throw .resetNeeded("flawed") }
        }
        let t = (steps ?? 0) + 1
        steps = t
        position += Float(a - 1) + (Float(rng.uniformInt(below: 3)) - 1) * 0.5
        position = min(max(position, -10), 10)
        ended = t >= 6
        observation[0] = flaw == .outOfSpace && t == 3 ? 11 : position
        if flaw != .unwrittenElement { observation[1] = Float(t) }
        let reward: Double = flaw == .nanReward && t == 2 ? .nan : Double(-abs(position))
        return StepOutcome(reward: reward, terminated: ended, truncated: false, info: EmptyInfo())
    }
}

@Suite("checkEnvironment")
struct EnvironmentCheckerTests {
    @Test("toy identity environments pass and state their optimum")
    func toyEnvironments() throws {
        let discrete = IdentityEnvironment(n: 4, episodeLength: 20)
        let multi = MultiDiscreteIdentityEnvironment(nvec: [2, 3, 4], episodeLength: 20)
        let box = BoxIdentityEnvironment(episodeLength: 20)
        for report in [checkEnvironment(discrete), checkEnvironment(multi), checkEnvironment(box)] {
            #expect(report.isPassing, "\(report)")
            #expect(report.warnings.isEmpty, "\(report)")
        }
        #expect(discrete.optimalReturn == 20 && multi.optimalReturn == 20 && box.optimalReturn == 20)
    }

    @Test("the optimal policy earns the stated optimum, a wrong one less")
    func optimalReturns() throws {
        var env = IdentityEnvironment(n: 4, episodeLength: 50)
        var (obs, _) = try env.reset(seed: 3)
        var total = 0.0, wrong = 0.0
        while true {
            let target = obs.firstIndex(of: 1) ?? -1
            let r = try env.step(.discrete(target))
            total += r.reward
            obs = r.observation
            if r.isDone { #expect(r.truncated && !r.terminated); break }
        }
        #expect(total == env.optimalReturn)
        var box = BoxIdentityEnvironment(episodeLength: 50)
        var (b, _) = try box.reset(seed: 3)
        var boxTotal = 0.0
        while true {
            let r = try box.step(.continuous([b[0]]))
            boxTotal += r.reward
            b = r.observation
            if r.isDone { break }
        }
        #expect(boxTotal == box.optimalReturn)
        _ = try env.reset(seed: 3)
        while true {
            let r = try env.step(.discrete(0))
            wrong += r.reward
            if r.isDone { break }
        }
        #expect(wrong < env.optimalReturn / 2)
    }

    @Test("each contract violation is reported by the check that owns it", arguments: FlawedEnvironment.Flaw.allCases)
    func catchesFlaws(flaw: FlawedEnvironment.Flaw) throws {
        let report = checkEnvironment(FlawedEnvironment(flaw: flaw), options: .init(rolloutSteps: 200, determinismSteps: 50))
        let expected: String? = switch flaw {
        case .none: nil
        case .noOrderEnforcement: "step before reset"
        case .ignoresSeed: "seeded reset determinism"
        case .outOfSpace: "rollout observations"
        case .nanReward: "finite rewards"
        case .acceptsInvalidAction: "invalid actions"
        case .acceptsUnknownOption: "unknown reset option"
        case .unwrittenElement: "rollout observations"
        case .wrongNameCount, .duplicateNames: "observation names"
        case .invalidActionChangesState: "invalid actions"
        }
        if let expected {
            #expect(report.check(named: expected)?.status == .failed, "\(flaw): \(report)")
            #expect(throws: EnvironmentCheckError.self) { try report.requirePassing() }
        } else {
            #expect(report.isPassing, "\(report)")
        }
        if flaw == .noOrderEnforcement {
            #expect(report.check(named: "step after end")?.status == .failed)
        }
    }

    @Test("the error lists every failure with its message")
    func errorMessage() throws {
        let report = checkEnvironment(FlawedEnvironment(flaw: .nanReward), options: .init(rolloutSteps: 50, determinismSteps: 20))
        do {
            try report.requirePassing()
            Issue.record("expected a failure")
        } catch {
            #expect(error.failures.map(\.name) == ["finite rewards"])
            #expect("\(error)".contains("reward nan"))
        }
    }
}
