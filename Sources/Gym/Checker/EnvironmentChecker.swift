import SeededRandom

/// Settings of ``checkEnvironment(_:options:)``.
public struct EnvironmentCheckOptions: Sendable, Equatable {
    /// Seed of the resets under test (further seeds are `seed + 1, ...`).
    public var seed: UInt64 = 12_345
    /// Steps of the random-action rollout that checks observations, rewards and end flags
    /// (episodes are reset as they end).
    public var rolloutSteps = 1_000
    /// Steps compared between two identically seeded runs.
    public var determinismSteps = 200
    /// Number of different seeds tried when looking for seed-dependent behaviour.
    public var seedsForVariation = 8
    /// When true, identical behaviour for every tried seed is a failure; when false (environments
    /// with a deterministic start, e.g. evaluation over a whole split) it is only a warning.
    public var expectSeedVariation = true

    /// The defaults, with optional overrides.
    public init(seed: UInt64 = 12_345, rolloutSteps: Int = 1_000, determinismSteps: Int = 200,
                seedsForVariation: Int = 8, expectSeedVariation: Bool = true) {
        self.seed = seed
        self.rolloutSteps = rolloutSteps
        self.determinismSteps = determinismSteps
        self.seedsForVariation = seedsForVariation
        self.expectSeedVariation = expectSeedVariation
    }
}

/// Checks that an environment honours the `Environment` contract, like Gymnasium's
/// `gymnasium.utils.env_checker.check_env`.
///
/// Checks, in order:
/// 1. `observation names`: one non-empty, unique name per observation element.
/// 2. `step before reset`: throws `EnvironmentError.resetNeeded`.
/// 3. `reset observation`: the first observation fills the whole buffer and lies in the space.
/// 4. `unknown reset option`: an unknown option throws `EnvironmentError.invalidOption`.
/// 5. `seeded reset determinism`: the same seed gives bit-identical first observations.
/// 6. `trajectory determinism`: the same seed and actions give bit-identical observations, rewards
///    and flags, across episode boundaries.
/// 7. `seeds vary`: different seeds give some different trajectory.
/// 8. `rollout observations`, `finite rewards`: every observation of a random-action rollout is
///    fully written and inside the space; every reward is finite.
/// 9. `step after end`: after `terminated` or `truncated`, `step` throws `resetNeeded`, and
///    `reset` starts a new episode that can be stepped. (Both flags true at once is allowed: a
///    time limit reached on a terminal step; `terminated` decides.)
/// 10. `invalid actions`: actions of the wrong kind, size or range throw `invalidAction`, and leave
///    the episode as it was (the next valid step gives the same result as without the bad action).
///
/// The environment is copied for each check (`Environment` values are expected to have value
/// semantics; a class-backed environment is still checked, sequentially). Errors thrown where none
/// is expected become failures; the checker never throws or traps on a faulty environment.
///
/// - Parameters:
///   - env: a freshly made environment that has not been reset.
///   - options: seeds and step counts.
/// - Returns: the report; `try report.requirePassing()` turns failures into a thrown error.
public func checkEnvironment<E: Environment>(_ env: E, options: EnvironmentCheckOptions = .init()) -> EnvironmentCheckReport {
    var checker = EnvironmentChecker(env: env, options: options)
    checker.run()
    return EnvironmentCheckReport(checks: checker.checks, environment: String(describing: E.self))
}

/// One run of the checks; helper state for ``checkEnvironment(_:options:)``.
private struct EnvironmentChecker<E: Environment> {
    let env: E
    let options: EnvironmentCheckOptions
    let space: BoxSpace
    var checks: [EnvironmentCheckReport.Check] = []

    init(env: E, options: EnvironmentCheckOptions) {
        self.env = env
        self.options = options
        space = env.observationSpace
    }

    /// One recorded event of a rollout, compared bit for bit.
    struct Event: Equatable {
        var observation: [UInt32]
        var reward: UInt64
        var terminated: Bool
        var truncated: Bool
    }

    mutating func pass(_ name: String, _ message: String) { checks.append(.init(name: name, status: .passed, message: message)) }
    mutating func fail(_ name: String, _ message: String) { checks.append(.init(name: name, status: .failed, message: message)) }
    mutating func warn(_ name: String, _ message: String) { checks.append(.init(name: name, status: .warning, message: message)) }

    mutating func run() {
        checkNames()
        checkStepBeforeReset()
        guard checkResetObservation() else { return }
        checkUnknownOption()
        checkSeededReset()
        checkTrajectories()
        checkRollout()
        checkInvalidActions()
    }

    // MARK: checks

    mutating func checkNames() {
        let names = env.observationNames
        let name = "observation names"
        if names.count != space.count {
            fail(name, "expected \(space.count) names (one per observation element), found \(names.count)")
        } else if let i = names.firstIndex(where: \.isEmpty) {
            fail(name, "name \(i) is empty")
        } else if Set(names).count != names.count {
            var seen = Set<String>()
            let dup = names.first { !seen.insert($0).inserted } ?? ""
            fail(name, "names must be unique; '\(dup)' appears more than once")
        } else {
            pass(name, "\(names.count) unique names for \(space.count) elements")
        }
    }

    mutating func checkStepBeforeReset() {
        var e = env
        var buf = [Float](repeating: 0, count: space.count)
        var rng = Xoshiro256(seed: options.seed)
        let action = e.actionSpace.sample(using: &rng)
        let name = "step before reset"
        do {
            _ = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.step(action, into: b) }
            fail(name, "expected EnvironmentError.resetNeeded, but step succeeded")
        } catch {
            if case .resetNeeded = error { pass(name, "throws resetNeeded") } else { fail(name, "expected resetNeeded, got \(error)") }
        }
    }

    mutating func checkResetObservation() -> Bool {
        var e = env
        let name = "reset observation"
        do {
            let obs = try Self.reset(&e, seed: options.seed)
            if let problem = describeOutside(obs) {
                fail(name, "first observation after reset(seed: \(options.seed)): \(problem)")
            } else {
                pass(name, "fills the buffer and lies in the observation space")
            }
            return true
        } catch {
            fail(name, "reset(seed: \(options.seed)) threw \(error); no further checks run")
            return false
        }
    }

    mutating func checkUnknownOption() {
        var e = env
        var buf = [Float](repeating: 0, count: space.count)
        let bad = ResetOptions(values: ["__checker_unknown_option__": 1], strings: ["__checker_unknown_string__": "x"])
        let name = "unknown reset option"
        do {
            _ = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.reset(seed: options.seed, options: bad, into: b) }
            fail(name, "expected EnvironmentError.invalidOption for option '__checker_unknown_option__', but reset succeeded")
        } catch {
            if case .invalidOption = error { pass(name, "throws invalidOption") } else { fail(name, "expected invalidOption, got \(error)") }
        }
    }

    mutating func checkSeededReset() {
        let name = "seeded reset determinism"
        do {
            var a = env, b = env
            let first = try Self.reset(&a, seed: options.seed)
            let second = try Self.reset(&b, seed: options.seed)
            // Re-seeding an environment that already ran must restart the same stream.
            _ = try Self.rollout(&a, seed: options.seed, actionSeed: options.seed, steps: 10)
            let again = try Self.reset(&a, seed: options.seed)
            if first.map(\.bitPattern) != second.map(\.bitPattern) {
                fail(name, "two fresh copies reset with seed \(options.seed) gave different first observations: \(first) vs \(second)")
            } else if first.map(\.bitPattern) != again.map(\.bitPattern) {
                fail(name, "resetting with seed \(options.seed) after some steps gave \(again), the first reset gave \(first)")
            } else {
                pass(name, "same seed, bit-identical first observation (fresh and re-seeded)")
            }
        } catch {
            fail(name, "threw \(error)")
        }
    }

    mutating func checkTrajectories() {
        let name = "trajectory determinism"
        let n = options.determinismSteps
        do {
            var a = env, b = env
            let ta = try Self.rollout(&a, seed: options.seed, actionSeed: options.seed &+ 1, steps: n)
            let tb = try Self.rollout(&b, seed: options.seed, actionSeed: options.seed &+ 1, steps: n)
            if let i = ta.events.indices.first(where: { $0 >= tb.events.count || ta.events[$0] != tb.events[$0] }) {
                fail(name, "same seed and actions diverge at event \(i) (events count resets and steps)")
            } else if ta.events.count != tb.events.count {
                fail(name, "same seed and actions give \(ta.events.count) vs \(tb.events.count) events")
            } else {
                pass(name, "\(n) steps bit-identical for the same seed and actions (\(ta.episodes) episodes ended)")
            }
        } catch {
            fail(name, "threw \(error)")
        }

        let vname = "seeds vary"
        do {
            var trajectories: [[Event]] = []
            for k in 0..<max(options.seedsForVariation, 2) {
                var e = env
                trajectories.append(try Self.rollout(&e, seed: options.seed &+ UInt64(k), actionSeed: options.seed, steps: min(n, 50)).events)
            }
            if trajectories.dropFirst().allSatisfy({ $0 == trajectories[0] }) {
                let message = "\(trajectories.count) different seeds gave identical trajectories (same actions)"
                if options.expectSeedVariation { fail(vname, message + "; the seed must reach the environment's generator") } else { warn(vname, message) }
            } else {
                pass(vname, "different seeds give different trajectories")
            }
        } catch {
            fail(vname, "threw \(error)")
        }
    }

    mutating func checkRollout() {
        var e = env
        var rng = Xoshiro256(seed: options.seed &+ 2)
        let d = space.count
        var buf = [Float](repeating: 0, count: d)
        var outside: String?
        var nonFinite: String?
        var stepAfterEnd: String?
        var endsChecked = 0, terminations = 0, truncations = 0, both = 0
        do {
            _ = try Self.reset(&e, seed: options.seed &+ 2)
            for t in 0..<options.rolloutSteps {
                let action = e.actionSpace.sample(using: &rng)
                for i in 0..<d { buf[i] = .nan }
                let out = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.step(action, into: b) }
                if outside == nil, let p = describeOutside(buf) { outside = "rollout step \(t + 1): \(p)" }
                if nonFinite == nil, !out.reward.isFinite { nonFinite = "rollout step \(t + 1): reward \(out.reward)" }
                if out.terminated { terminations += 1 }
                if out.truncated { truncations += 1 }
                if out.terminated && out.truncated { both += 1 }
                guard out.isDone else { continue }
                if endsChecked < 3 && stepAfterEnd == nil {
                    endsChecked += 1
                    stepAfterEnd = Self.stepAfterEndProblem(e, action: action)
                }
                _ = try Self.reset(&e, seed: nil)
            }
        } catch {
            fail("rollout", "a random-action rollout threw \(error)")
            return
        }
        let flags = "\(terminations) terminated, \(truncations) truncated, \(both) both"
        if let outside { fail("rollout observations", outside) } else { pass("rollout observations", "\(options.rolloutSteps) observations fully written and inside the space") }
        if let nonFinite { fail("finite rewards", nonFinite) } else { pass("finite rewards", "\(options.rolloutSteps) finite rewards") }
        if let stepAfterEnd {
            fail("step after end", stepAfterEnd)
        } else if endsChecked == 0 {
            warn("step after end", "no episode ended within \(options.rolloutSteps) random steps: not exercised (raise rolloutSteps)")
        } else {
            pass("step after end", "throws resetNeeded after an ended episode, and reset restarts it (\(flags))")
        }
    }

    /// Nil when a copy of `ended` (an environment whose episode just ended) refuses to step and
    /// restarts after reset; otherwise what went wrong.
    static func stepAfterEndProblem(_ ended: E, action: Action) -> String? {
        var e = ended
        var buf = [Float](repeating: 0, count: e.observationSpace.count)
        do {
            _ = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.step(action, into: b) }
            return "step after terminated/truncated succeeded; expected EnvironmentError.resetNeeded"
        } catch {
            guard case .resetNeeded = error else { return "step after the end threw \(error); expected resetNeeded" }
        }
        do {
            _ = try Self.reset(&e, seed: nil)
            _ = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.step(action, into: b) }
        } catch {
            return "after an ended episode, reset and step threw \(error)"
        }
        return nil
    }

    mutating func checkInvalidActions() {
        let name = "invalid actions"
        let candidates = Self.invalidActions(for: env.actionSpace)
        var rng = Xoshiro256(seed: options.seed &+ 3)
        let valid = env.actionSpace.sample(using: &rng)
        do {
            var reference = env
            _ = try Self.reset(&reference, seed: options.seed)
            let expected = try Self.step(&reference, valid)
            for bad in candidates {
                var e = env
                _ = try Self.reset(&e, seed: options.seed)
                do {
                    _ = try Self.step(&e, bad)
                    fail(name, "action \(bad) is outside \(env.actionSpace) but step accepted it; expected EnvironmentError.invalidAction")
                    return
                } catch {
                    guard case .invalidAction = error else {
                        fail(name, "action \(bad): expected invalidAction, got \(error)")
                        return
                    }
                }
                let after = try Self.step(&e, valid)
                if after != expected {
                    fail(name, "after rejecting \(bad), the next valid step differs from a run without it: the bad action changed the state")
                    return
                }
            }
            pass(name, "\(candidates.count) invalid actions throw invalidAction and leave the episode unchanged")
        } catch {
            fail(name, "a valid step around the invalid ones threw \(error)")
        }
    }

    // MARK: helpers

    /// Actions that are not in `space`: wrong kind, wrong size, out of range, NaN.
    static func invalidActions(for space: ActionSpace) -> [Action] {
        switch space {
        case .discrete(let s):
            return [.discrete(-1), .discrete(s.n), .continuous([0]), .multiDiscrete([0])]
        case .multiDiscrete(let s):
            var tooHigh = [Int](repeating: 0, count: s.nvec.count)
            tooHigh[0] = s.nvec[0]
            var negative = [Int](repeating: 0, count: s.nvec.count)
            negative[negative.count - 1] = -1
            return [.multiDiscrete(tooHigh), .multiDiscrete(negative),
                    .multiDiscrete([Int](repeating: 0, count: s.nvec.count + 1)), .discrete(0)]
        case .box(let s):
            let mid = (0..<s.count).map { i -> Float in
                let lo = s.low[i], hi = s.high[i]
                if lo.isFinite && hi.isFinite { return lo + (hi - lo) / 2 }
                return lo.isFinite ? lo : (hi.isFinite ? hi : 0)
            }
            var result: [Action] = [.continuous(mid + [0]), .discrete(0)]
            var nan = mid
            nan[0] = .nan
            result.append(.continuous(nan))
            if let i = s.high.firstIndex(where: \.isFinite) {
                var above = mid
                above[i] = s.high[i] + max(1, abs(s.high[i]))
                result.append(.continuous(above))
            }
            if let i = s.low.firstIndex(where: \.isFinite) {
                var below = mid
                below[i] = s.low[i] - max(1, abs(s.low[i]))
                result.append(.continuous(below))
            }
            return result
        }
    }

    /// Where `obs` leaves the space (NaN counts, so an element the environment did not write is caught), or nil.
    func describeOutside(_ obs: [Float]) -> String? {
        guard obs.count == space.count else { return "has \(obs.count) elements, expected \(space.count)" }
        let names = env.observationNames
        for i in obs.indices where obs[i].isNaN || obs[i] < space.low[i] || obs[i] > space.high[i] {
            let label = i < names.count ? "'\(names[i])' (element \(i))" : "element \(i)"
            if obs[i].isNaN { return "\(label) is NaN (not written, or computed as NaN)" }
            return "\(label) = \(obs[i]) is outside [\(space.low[i]), \(space.high[i])]"
        }
        return nil
    }

    static func reset(_ e: inout E, seed: UInt64?) throws(EnvironmentError) -> [Float] {
        var buf = [Float](repeating: .nan, count: e.observationSpace.count)
        _ = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.reset(seed: seed, options: .none, into: b) }
        return buf
    }

    static func step(_ e: inout E, _ action: Action) throws(EnvironmentError) -> Event {
        var buf = [Float](repeating: .nan, count: e.observationSpace.count)
        let out = try buf.withUnsafeMutableBufferPointer { (b) throws(EnvironmentError) in try e.step(action, into: b) }
        return Event(observation: buf.map(\.bitPattern), reward: out.reward.bitPattern, terminated: out.terminated, truncated: out.truncated)
    }

    /// Resets with `seed`, then takes `steps` random actions drawn from `actionSeed`, resetting
    /// (without a seed) whenever an episode ends; records every observation and outcome.
    static func rollout(_ e: inout E, seed: UInt64, actionSeed: UInt64, steps: Int) throws(EnvironmentError) -> (events: [Event], episodes: Int) {
        var rng = Xoshiro256(seed: actionSeed)
        var events: [Event] = []
        var episodes = 0
        let first = try reset(&e, seed: seed)
        events.append(Event(observation: first.map(\.bitPattern), reward: 0, terminated: false, truncated: false))
        for _ in 0..<steps {
            let event = try step(&e, e.actionSpace.sample(using: &rng))
            events.append(event)
            if event.terminated || event.truncated {
                episodes += 1
                let obs = try reset(&e, seed: nil)
                events.append(Event(observation: obs.map(\.bitPattern), reward: 0, terminated: false, truncated: false))
            }
        }
        return (events, episodes)
    }
}
