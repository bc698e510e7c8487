/// A vector environment whose complete state can be exported and imported, so training resumes
/// bit-exactly: after `b.importState(a.exportState())`, stepping `a` and `b` with the same actions
/// gives identical buffers.
///
/// The state covers what the next `step` depends on (every copy's state, the current
/// `observations`, running episode returns and lengths, normalization statistics); the outputs of
/// the previous step (`rewards`, flags, `finalObservations`, `infos`) are not part of it.
public protocol StatefulVectorEnvironment: VectorEnvironment {
    /// The complete mutable state.
    func exportState() -> EnvironmentState
    /// Replaces the mutable state (the copies' configuration and data must match the exporter's).
    /// - Throws: `EnvironmentError.invalidState` when entries are missing or mis-sized.
    mutating func importState(_ state: EnvironmentState) throws(EnvironmentError)
}

extension SyncVectorEnvironment: StatefulVectorEnvironment where Env: StatefulEnvironment {
    /// Entries: `env<i>.*` for copy i, `vector.observations` (M x obsDim), `vector.running_returns`,
    /// `vector.running_lengths`, `vector.needs_reset`.
    public func exportState() -> EnvironmentState {
        var s = EnvironmentState()
        for (i, e) in _environments.enumerated() { s.merge(e.exportState().prefixed("env\(i).")) }
        s.reals["vector.observations"] = _observations.map(Double.init)
        s.reals["vector.running_returns"] = runningReturns
        s.integers["vector.running_lengths"] = runningLengths.map(Int64.init)
        s.integers["vector.needs_reset"] = [needsReset ? 1 : 0]
        return s
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let m = environmentCount
        let obs = try state.reals("vector.observations", count: _observations.count)
        let returns = try state.reals("vector.running_returns", count: m)
        let lengths = try state.integers("vector.running_lengths", count: m)
        let reset = try state.flag("vector.needs_reset")
        var envs = _environments
        for i in 0..<m { try envs[i].importState(state.unprefixed("env\(i).")) }
        _environments = envs
        _observations = obs.map { Float($0) }
        runningReturns = returns
        runningLengths = lengths.map { Int($0) }
        needsReset = reset
    }
}

extension VectorNormalize: StatefulVectorEnvironment where Base: StatefulVectorEnvironment {
    /// Entries: `vector_normalize.observations` (the scaled buffer), observation and return
    /// statistics (`vector_normalize.observation_{mean,variance,count}`,
    /// `vector_normalize.return_{mean,variance,count}`), `vector_normalize.returns`,
    /// `vector_normalize.frozen`, and `inner.*`.
    public func exportState() -> EnvironmentState {
        var s = _base.exportState().prefixed("inner.")
        let o = _observationNormalizer.statistics, r = _rewardNormalizer.statistics
        s.reals["vector_normalize.observations"] = _observations.map(Double.init)
        s.setStatistics(o, prefix: "vector_normalize.observation_")
        s.setStatistics(r, prefix: "vector_normalize.return_")
        s.reals["vector_normalize.returns"] = _rewardNormalizer.returns
        s.integers["vector_normalize.frozen"] = [isTraining ? 0 : 1]
        return s
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let d = _observationNormalizer.names.count
        let obs = try state.reals("vector_normalize.observations", count: _observations.count)
        let returns = try state.reals("vector_normalize.returns", count: _rewardNormalizer.returns.count)
        let frozen = try state.flag("vector_normalize.frozen")
        let o = try state.statistics("vector_normalize.observation_", size: d, what: "vector normalization statistics")
        let r = try state.statistics("vector_normalize.return_", size: 1, what: "vector normalization statistics")
        try _base.importState(state.unprefixed("inner."))
        _observations = obs.map { Float($0) }
        _observationNormalizer.statistics = o
        _rewardNormalizer.statistics = r
        _rewardNormalizer.returns = returns
        isTraining = !frozen
    }
}

extension VectorEnvironment {
    /// Whether the vector can export and import its state (it is a `StatefulVectorEnvironment`,
    /// e.g. a `SyncVectorEnvironment` of `StatefulEnvironment`s), for generic code that holds any
    /// vector (agents) and resumes exactly when it can.
    public var isStateful: Bool { self is any StatefulVectorEnvironment }

    /// The vector's complete state when `isStateful`, else nil.
    public func exportStateIfSupported() -> EnvironmentState? {
        (self as? any StatefulVectorEnvironment)?.exportState()
    }

    /// Imports a state from `exportStateIfSupported()`.
    /// - Throws: `EnvironmentError.invalidState` when the copies are not stateful or the state does not fit.
    public mutating func importStateIfSupported(_ state: EnvironmentState) throws(EnvironmentError) {
        guard let stateful = self as? any StatefulVectorEnvironment else {
            throw .invalidState("\(Self.self) does not export its state (not a StatefulVectorEnvironment)")
        }
        self = try Self.imported(stateful, state)
    }

    /// Opens the existential so the import runs on the concrete vector type.
    private static func imported<V: StatefulVectorEnvironment>(_ vector: V, _ state: EnvironmentState) throws(EnvironmentError) -> Self {
        var copy = vector
        try copy.importState(state)
        guard let restored = copy as? Self else { throw .invalidState("internal: the restored vector changed type") }
        return restored
    }
}
