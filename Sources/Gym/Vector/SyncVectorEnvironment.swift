/// M copies of an environment stepped one after another in the calling thread, with same-step
/// autoreset (see ``VectorEnvironment``). Gymnasium's `SyncVectorEnv`, SB3's `DummyVecEnv`.
///
/// A `step` allocates nothing beyond what the copies themselves allocate: results go into the
/// buffers created at initialization.
///
/// ```swift
/// var envs = SyncVectorEnvironment(count: 8) { _ in CartPole.v1() }
/// try envs.reset(seed: 42)                   // copy i seeded with 42 + i
/// var actions = [Action](repeating: .discrete(0), count: 8)
/// try envs.step(actions)
/// for i in 0..<8 where envs.ended[i] {
///     // envs.finalObservations row i: where the episode ended; envs.observations row i: the next start
/// }
/// ```
public struct SyncVectorEnvironment<Env: Environment>: VectorEnvironment {
    public typealias Info = Env.Info

    /// The copies (read-only access, e.g. for their statistics).
    @inlinable public var environments: [Env] { _environments }
    @usableFromInline var _environments: [Env]
    public let environmentCount: Int
    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace
    public let observationNames: [String]

    @inlinable public var observations: [Float] { _observations }
    @usableFromInline var _observations: [Float]
    @inlinable public var rewards: [Double] { _rewards }
    @usableFromInline var _rewards: [Double]
    @inlinable public var terminated: [Bool] { _terminated }
    @usableFromInline var _terminated: [Bool]
    @inlinable public var truncated: [Bool] { _truncated }
    @usableFromInline var _truncated: [Bool]
    @inlinable public var ended: [Bool] { _ended }
    @usableFromInline var _ended: [Bool]
    @inlinable public var finalObservations: [Float] { _finalObservations }
    @usableFromInline var _finalObservations: [Float]
    @inlinable public var infos: [Env.Info?] { _infos }
    @usableFromInline var _infos: [Env.Info?]
    /// M infos returned by the reset of each copy: from `reset(seed:options:)`, or from the
    /// autoreset of the last step where `ended[i]`.
    @inlinable public var resetInfos: [Env.Info?] { _resetInfos }
    @usableFromInline var _resetInfos: [Env.Info?]
    @inlinable public var episodeReturns: [Double] { _episodeReturns }
    @usableFromInline var _episodeReturns: [Double]
    @inlinable public var episodeLengths: [Int] { _episodeLengths }
    @usableFromInline var _episodeLengths: [Int]

    @usableFromInline var runningReturns: [Double]
    @usableFromInline var runningLengths: [Int]
    @usableFromInline var needsReset = true

    /// Builds `count` copies with `make(i)`.
    /// - Precondition: `count > 0`; every copy has the same spaces and names.
    public init(count: Int, make: (Int) throws -> Env) rethrows {
        precondition(count > 0, "SyncVectorEnvironment: count must be positive, got \(count)")
        var envs: [Env] = []
        envs.reserveCapacity(count)
        for i in 0..<count { envs.append(try make(i)) }
        self.init(envs)
    }

    /// Wraps existing copies.
    /// - Precondition: at least one copy; every copy has the same spaces and names.
    public init(_ environments: [Env]) {
        guard let first = environments.first else { preconditionFailure("SyncVectorEnvironment: needs at least one environment") }
        for (i, e) in environments.enumerated() {
            precondition(e.observationSpace == first.observationSpace && e.actionSpace == first.actionSpace && e.observationNames == first.observationNames,
                         "SyncVectorEnvironment: copy \(i) has different spaces or observation names than copy 0")
        }
        precondition(first.observationNames.count == first.observationSpace.count,
                     "SyncVectorEnvironment: \(first.observationNames.count) observation names for \(first.observationSpace.count) elements")
        let m = environments.count, d = first.observationSpace.count
        self._environments = environments
        environmentCount = m
        observationSpace = first.observationSpace
        actionSpace = first.actionSpace
        observationNames = first.observationNames
        _observations = [Float](repeating: 0, count: m * d)
        _finalObservations = [Float](repeating: 0, count: m * d)
        _rewards = [Double](repeating: 0, count: m)
        _terminated = [Bool](repeating: false, count: m)
        _truncated = [Bool](repeating: false, count: m)
        _ended = [Bool](repeating: false, count: m)
        _infos = [Env.Info?](repeating: nil, count: m)
        _resetInfos = [Env.Info?](repeating: nil, count: m)
        _episodeReturns = [Double](repeating: 0, count: m)
        _episodeLengths = [Int](repeating: 0, count: m)
        runningReturns = [Double](repeating: 0, count: m)
        runningLengths = [Int](repeating: 0, count: m)
    }

    @inlinable
    public mutating func reset(seed: UInt64, options: ResetOptions) throws(EnvironmentError) {
        needsReset = true
        let d = observationSpace.count
        try _observations.withUnsafeMutableBufferPointer { (obs) throws(EnvironmentError) in
            for i in 0..<environmentCount {
                let row = UnsafeMutableBufferPointer(rebasing: obs[(i * d)..<((i + 1) * d)])
                _resetInfos[i] = try _environments[i].reset(seed: seed &+ UInt64(i), options: options, into: row)
            }
        }
        for i in 0..<environmentCount {
            _rewards[i] = 0
            _terminated[i] = false
            _truncated[i] = false
            _ended[i] = false
            _infos[i] = nil
            runningReturns[i] = 0
            runningLengths[i] = 0
        }
        needsReset = false
    }

    @inlinable
    public mutating func step(_ actions: [Action]) throws(EnvironmentError) {
        precondition(actions.count == environmentCount, "SyncVectorEnvironment.step: \(actions.count) actions for \(environmentCount) environments")
        guard !needsReset else {
            throw .resetNeeded("vector environment step before reset(seed:options:) or after a failed step")
        }
        for i in 0..<environmentCount where !actionSpace.contains(actions[i]) {
            throw .invalidAction("row \(i): \(actions[i]) is not in \(actionSpace)")
        }
        // A copy that throws now leaves the rows inconsistent: demand a full reset.
        needsReset = true
        let d = observationSpace.count
        try _observations.withUnsafeMutableBufferPointer { (obs) throws(EnvironmentError) in
            try _finalObservations.withUnsafeMutableBufferPointer { (fin) throws(EnvironmentError) in
                for i in 0..<environmentCount {
                    let row = UnsafeMutableBufferPointer(rebasing: obs[(i * d)..<((i + 1) * d)])
                    let outcome = try _environments[i].step(actions[i], into: row)
                    _rewards[i] = outcome.reward
                    _terminated[i] = outcome.terminated
                    _truncated[i] = outcome.truncated
                    _infos[i] = outcome.info
                    runningReturns[i] += outcome.reward
                    runningLengths[i] += 1
                    let done = outcome.terminated || outcome.truncated
                    _ended[i] = done
                    if done {
                        _episodeReturns[i] = runningReturns[i]
                        _episodeLengths[i] = runningLengths[i]
                        runningReturns[i] = 0
                        runningLengths[i] = 0
                        let finalRow = UnsafeMutableBufferPointer(rebasing: fin[(i * d)..<((i + 1) * d)])
                        _ = finalRow.update(fromContentsOf: row)
                        _resetInfos[i] = try _environments[i].reset(seed: nil, options: .none, into: row)
                    }
                }
            }
        }
        needsReset = false
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension SyncVectorEnvironment: Sendable where Env: Sendable {}
