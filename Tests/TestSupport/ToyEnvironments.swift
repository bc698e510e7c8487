import Gym
import SeededRandom

/// Toy environments with a known optimum for agent learning tests: Stable-Baselines3's identity
/// environments (`stable_baselines3/common/envs/identity_env.py`).
///
/// Each step the environment shows a random target; the reward is 1 when the action reproduces it
/// and 0 otherwise, so the optimal return is `episodeLength` and a random policy earns far less.
/// Episodes are truncated (not terminated: there is no terminal state) after `episodeLength`
/// steps; SB3 sets both flags there. Observations are flat floats: one-hot codes for discrete
/// targets (what SB3's policies do to a Discrete observation), the value itself for the box.

/// Discrete identity: the observation is the one-hot code of a target in `0..<n`; action `.discrete(target)` earns 1.
public struct IdentityEnvironment: Environment, Sendable {
    public typealias Info = EmptyInfo

    public let n: Int
    public let episodeLength: Int
    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace
    public let observationNames: [String]
    var rng: Xoshiro256
    var target = 0
    var stepsTaken: Int?
    var ended = false

    /// The best achievable return of one episode.
    public var optimalReturn: Double { Double(episodeLength) }

    public init(n: Int = 4, episodeLength: Int = 100, seed: UInt64 = 0) {
        precondition(n > 1 && episodeLength > 0, "IdentityEnvironment: n \(n), episodeLength \(episodeLength)")
        self.n = n
        self.episodeLength = episodeLength
        observationSpace = BoxSpace(low: 0, high: 1, shape: [n])
        actionSpace = .discrete(DiscreteSpace(n))
        observationNames = (0..<n).map { "target_is_\($0)" }
        rng = Xoshiro256(seed: seed)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        try rejectOptions(options)
        if let seed { rng = Xoshiro256(seed: seed) }
        stepsTaken = 0
        ended = false
        target = rng.uniformInt(below: n)
        writeOneHot(target, into: observation)
        return EmptyInfo()
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .discrete(let a) = action, a >= 0, a < n else { throw .invalidAction("IdentityEnvironment expects .discrete in 0..<\(n), got \(action)") }
        guard let taken = stepsTaken, !ended else { throw .resetNeeded("IdentityEnvironment") }
        let reward: Double = a == target ? 1 : 0
        stepsTaken = taken + 1
        ended = taken + 1 >= episodeLength
        target = rng.uniformInt(below: n)
        writeOneHot(target, into: observation)
        return StepOutcome(reward: reward, terminated: false, truncated: ended, info: EmptyInfo())
    }

    private func writeOneHot(_ k: Int, into observation: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<n { observation[i] = i == k ? 1 : 0 }
    }
}

/// Multi-discrete identity: one-hot codes of targets `t[j]` in `0..<nvec[j]`, concatenated; action `.multiDiscrete(t)` earns 1.
public struct MultiDiscreteIdentityEnvironment: Environment, Sendable {
    public typealias Info = EmptyInfo

    public let nvec: [Int]
    public let episodeLength: Int
    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace
    public let observationNames: [String]
    var rng: Xoshiro256
    var target: [Int]
    var stepsTaken: Int?
    var ended = false

    /// The best achievable return of one episode.
    public var optimalReturn: Double { Double(episodeLength) }

    public init(nvec: [Int] = [3, 4], episodeLength: Int = 100, seed: UInt64 = 0) {
        precondition(nvec.allSatisfy { $0 > 1 } && !nvec.isEmpty && episodeLength > 0, "MultiDiscreteIdentityEnvironment: nvec \(nvec), episodeLength \(episodeLength)")
        self.nvec = nvec
        self.episodeLength = episodeLength
        let total = nvec.reduce(0, +)
        observationSpace = BoxSpace(low: 0, high: 1, shape: [total])
        actionSpace = .multiDiscrete(MultiDiscreteSpace(nvec))
        observationNames = nvec.indices.flatMap { j in (0..<nvec[j]).map { "target\(j)_is_\($0)" } }
        rng = Xoshiro256(seed: seed)
        target = [Int](repeating: 0, count: nvec.count)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        try rejectOptions(options)
        if let seed { rng = Xoshiro256(seed: seed) }
        stepsTaken = 0
        ended = false
        drawTarget()
        write(into: observation)
        return EmptyInfo()
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .multiDiscrete(let a) = action, actionSpace.contains(action) else {
            throw .invalidAction("MultiDiscreteIdentityEnvironment expects .multiDiscrete within \(nvec), got \(action)")
        }
        guard let taken = stepsTaken, !ended else { throw .resetNeeded("MultiDiscreteIdentityEnvironment") }
        let reward: Double = a == target ? 1 : 0
        stepsTaken = taken + 1
        ended = taken + 1 >= episodeLength
        drawTarget()
        write(into: observation)
        return StepOutcome(reward: reward, terminated: false, truncated: ended, info: EmptyInfo())
    }

    private mutating func drawTarget() {
        for j in nvec.indices { target[j] = rng.uniformInt(below: nvec[j]) }
    }

    private func write(into observation: UnsafeMutableBufferPointer<Float>) {
        var offset = 0
        for j in nvec.indices {
            for i in 0..<nvec[j] { observation[offset + i] = i == target[j] ? 1 : 0 }
            offset += nvec[j]
        }
    }
}

/// Box identity: the observation is a target in `[low, high]`; a continuous action within
/// `tolerance` of it earns 1 (SB3's `IdentityEnvBox`, eps 0.05).
public struct BoxIdentityEnvironment: Environment, Sendable {
    public typealias Info = EmptyInfo

    public let low: Float
    public let high: Float
    public let tolerance: Float
    public let episodeLength: Int
    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace
    public let observationNames = ["target"]
    private var rng: Xoshiro256
    private var target: Float = 0
    private var stepsTaken: Int?
    private var ended = false

    /// The best achievable return of one episode.
    public var optimalReturn: Double { Double(episodeLength) }

    public init(low: Float = -1, high: Float = 1, tolerance: Float = 0.05, episodeLength: Int = 100, seed: UInt64 = 0) {
        precondition(low < high && tolerance > 0 && episodeLength > 0, "BoxIdentityEnvironment: [\(low), \(high)], tolerance \(tolerance), episodeLength \(episodeLength)")
        self.low = low
        self.high = high
        self.tolerance = tolerance
        self.episodeLength = episodeLength
        observationSpace = BoxSpace(low: low, high: high, shape: [1])
        actionSpace = .box(BoxSpace(low: low, high: high, shape: [1]))
        rng = Xoshiro256(seed: seed)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        try rejectOptions(options)
        if let seed { rng = Xoshiro256(seed: seed) }
        stepsTaken = 0
        ended = false
        target = low + (high - low) * rng.uniformFloat()
        observation[0] = target
        return EmptyInfo()
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        guard case .continuous(let a) = action, actionSpace.contains(action) else {
            throw .invalidAction("BoxIdentityEnvironment expects .continuous([x]) with x in [\(low), \(high)], got \(action)")
        }
        guard let taken = stepsTaken, !ended else { throw .resetNeeded("BoxIdentityEnvironment") }
        let reward: Double = abs(a[0] - target) <= tolerance ? 1 : 0
        stepsTaken = taken + 1
        ended = taken + 1 >= episodeLength
        target = low + (high - low) * rng.uniformFloat()
        observation[0] = target
        return StepOutcome(reward: reward, terminated: false, truncated: ended, info: EmptyInfo())
    }
}

/// The identity environments take no reset options.
private func rejectOptions(_ options: ResetOptions) throws(EnvironmentError) {
    if let key = (Array(options.values.keys) + Array(options.strings.keys)).sorted().first {
        throw .invalidOption("identity environments take no reset options, got '\(key)'")
    }
}
