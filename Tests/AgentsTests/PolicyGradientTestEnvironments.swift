import Gym
import SeededRandom

/// A stateful identity task for the resume tests (TestSupport's identity envs keep their generator
/// private, so they cannot export it): observe the one-hot code of a random target in `0..<n`,
/// earn 1 for naming it. Episodes are truncated after `episodeLength` steps, and terminate early
/// when the target is `n - 1` and the agent misses it, so both end flags occur.
struct StatefulIdentityEnvironment: StatefulEnvironment {
    typealias Info = EmptyInfo
    let n: Int
    let episodeLength: Int
    let observationSpace: BoxSpace
    let actionSpace: ActionSpace
    let observationNames: [String]
    private var rng: Xoshiro256
    private var target = 0
    private var stepsTaken = 0
    private var active = false

    init(n: Int = 3, episodeLength: Int = 12, seed: UInt64 = 0) {
        self.n = n
        self.episodeLength = episodeLength
        observationSpace = BoxSpace(low: 0, high: 1, shape: [n])
        actionSpace = .discrete(DiscreteSpace(n))
        observationNames = (0..<n).map { "target_is_\($0)" }
        rng = Xoshiro256(seed: seed)
    }

    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        if let seed { rng = Xoshiro256(seed: seed) }
        stepsTaken = 0
        active = true
        target = rng.uniformInt(below: n)
        write(observation)
        return EmptyInfo()
    }

    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .discrete(let a) = action, a >= 0, a < n else { throw .invalidAction("\(action)") }
        guard active else { throw .resetNeeded("StatefulIdentityEnvironment") }
        let hit = a == target
        let terminated = !hit && target == n - 1
        stepsTaken += 1
        let truncated = !terminated && stepsTaken >= episodeLength
        active = !(terminated || truncated)
        target = rng.uniformInt(below: n)
        write(observation)
        return StepOutcome(reward: hit ? 1 : 0, terminated: terminated, truncated: truncated, info: EmptyInfo())
    }

    private func write(_ observation: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<n { observation[i] = i == target ? 1 : 0 }
    }

    func exportState() -> EnvironmentState {
        EnvironmentState(integers: ["rng": rng.state.map { Int64(bitPattern: $0) },
                                    "cursor": [Int64(target), Int64(stepsTaken), active ? 1 : 0]])
    }

    mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let words = try state.integers("rng", count: 4)
        let cursor = try state.integers("cursor", count: 3)
        do { rng = try Xoshiro256(state: words.map { UInt64(bitPattern: $0) }) } catch { throw .invalidState("rng: \(error)") }
        target = Int(cursor[0])
        stepsTaken = Int(cursor[1])
        active = cursor[2] != 0
    }
}

/// A stateful one-dimensional continuous task: observe a target in [-1, 1], earn `1 − |a − target|`
/// (so the optimum is the mean), truncated after `episodeLength` steps. For Gaussian-head tests.
struct StatefulBoxTargetEnvironment: StatefulEnvironment {
    typealias Info = EmptyInfo
    let episodeLength: Int
    let observationSpace = BoxSpace(low: -1, high: 1, shape: [1])
    let actionSpace: ActionSpace = .box(BoxSpace(low: -1, high: 1, shape: [1]))
    let observationNames = ["target"]
    private var rng: Xoshiro256
    private var target: Float = 0
    private var stepsTaken = 0
    private var active = false

    init(episodeLength: Int = 10, seed: UInt64 = 0) {
        self.episodeLength = episodeLength
        rng = Xoshiro256(seed: seed)
    }

    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        if let seed { rng = Xoshiro256(seed: seed) }
        stepsTaken = 0
        active = true
        target = rng.uniformFloat() * 2 - 1
        observation[0] = target
        return EmptyInfo()
    }

    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .continuous(let a) = action, a.count == 1 else { throw .invalidAction("\(action)") }
        guard active else { throw .resetNeeded("StatefulBoxTargetEnvironment") }
        let reward = 1 - Double(abs(a[0] - target))
        stepsTaken += 1
        let truncated = stepsTaken >= episodeLength
        active = !truncated
        target = rng.uniformFloat() * 2 - 1
        observation[0] = target
        return StepOutcome(reward: reward, terminated: false, truncated: truncated, info: EmptyInfo())
    }

    func exportState() -> EnvironmentState {
        EnvironmentState(integers: ["rng": rng.state.map { Int64(bitPattern: $0) }, "cursor": [Int64(stepsTaken), active ? 1 : 0]],
                         reals: ["target": [Double(target)]])
    }

    mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        (rng, stepsTaken, active) = try state.generatorStepsAndActive()
        target = Float(try state.reals("target", count: 1)[0])
    }
}

extension EnvironmentState {
    /// The generator (`rng`) and the `cursor` [steps taken, active] the Box test environments export.
    func generatorStepsAndActive() throws(EnvironmentError) -> (Xoshiro256, Int, Bool) {
        let words = try integers("rng", count: 4)
        let cursor = try integers("cursor", count: 2)
        let generator: Xoshiro256
        do { generator = try Xoshiro256(state: words.map { UInt64(bitPattern: $0) }) } catch { throw .invalidState("rng: \(error)") }
        return (generator, Int(cursor[0]), cursor[1] != 0)
    }
}

/// Deterministic episodes for the truncation-bootstrap test: constant observation, reward 1 each
/// step; episode k (0, 1, 2, ...) lasts 3 steps and ends *terminated* when k is even, *truncated*
/// when k is odd.
struct AlternatingEndEnvironment: Environment {
    typealias Info = EmptyInfo
    let observationSpace = BoxSpace(low: -1, high: 1, shape: [2])
    let actionSpace: ActionSpace = .discrete(DiscreteSpace(2))
    let observationNames = ["a", "b"]
    private var episode = -1
    private var t = 0

    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        episode += 1
        t = 0
        observation[0] = 0.5
        observation[1] = -0.25
        return EmptyInfo()
    }

    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        t += 1
        // The final observation differs from the others, so V(final) is distinguishable.
        observation[0] = t == 3 ? -0.75 : 0.5
        observation[1] = -0.25
        let end = t == 3
        return StepOutcome(reward: 1, terminated: end && episode % 2 == 0, truncated: end && episode % 2 == 1, info: EmptyInfo())
    }
}
