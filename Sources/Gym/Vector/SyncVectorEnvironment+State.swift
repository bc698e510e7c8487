extension SyncVectorEnvironment {
    /// Whether the copies can export and import their state (`Env` conforms to ``StatefulEnvironment``).
    public var isStateful: Bool { Env.self is any StatefulEnvironment.Type }

    /// The complete state: every copy's state under `env.<i>.`, plus the vector's own buffers
    /// (observations, final observations, last rewards and flags, running and finished episode
    /// statistics, the reset-needed flag), so that stepping continues exactly.
    ///
    /// Infos (`infos`, `resetInfos`) are typed per environment and are not part of the state: after
    /// an import they are `nil` until the next step.
    /// - Returns: nil when `Env` is not a ``StatefulEnvironment``.
    public func exportState() -> EnvironmentState? {
        var s = EnvironmentState()
        for (i, e) in environments.enumerated() {
            guard let stateful = e as? any StatefulEnvironment else { return nil }
            s.merge(stateful.exportState().prefixed("env.\(i)."))
        }
        s.reals["vector.observations"] = observations.map(Double.init)
        s.reals["vector.finalObservations"] = finalObservations.map(Double.init)
        s.reals["vector.rewards"] = rewards
        s.reals["vector.episodeReturns"] = episodeReturns
        s.reals["vector.runningReturns"] = runningReturns
        s.integers["vector.episodeLengths"] = episodeLengths.map { Int64($0) }
        s.integers["vector.runningLengths"] = runningLengths.map { Int64($0) }
        s.integers["vector.terminated"] = terminated.map { $0 ? 1 : 0 }
        s.integers["vector.truncated"] = truncated.map { $0 ? 1 : 0 }
        s.integers["vector.ended"] = ended.map { $0 ? 1 : 0 }
        s.integers["vector.needsReset"] = [needsReset ? 1 : 0]
        return s
    }

    /// Restores a state from ``exportState()`` into copies built with the same configuration.
    /// - Throws: `EnvironmentError.invalidState` when `Env` is not stateful or entries are missing or mis-sized.
    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        let m = environmentCount, d = observationSpace.count
        let obs = try s.reals("vector.observations", count: m * d)
        let fin = try s.reals("vector.finalObservations", count: m * d)
        let rew = try s.reals("vector.rewards", count: m)
        let epRet = try s.reals("vector.episodeReturns", count: m)
        let runRet = try s.reals("vector.runningReturns", count: m)
        let epLen = try s.integers("vector.episodeLengths", count: m)
        let runLen = try s.integers("vector.runningLengths", count: m)
        let term = try s.integers("vector.terminated", count: m)
        let trunc = try s.integers("vector.truncated", count: m)
        let end = try s.integers("vector.ended", count: m)
        let reset = try s.integers("vector.needsReset", count: 1)
        var restored = environments
        for i in 0..<m {
            guard var stateful = restored[i] as? any StatefulEnvironment else {
                throw .invalidState("\(Env.self) does not conform to StatefulEnvironment, so its state cannot be restored")
            }
            try stateful.importState(s.unprefixed("env.\(i)."))
            guard let back = stateful as? Env else { throw .invalidState("copy \(i) changed type on import") }
            restored[i] = back
        }
        environments = restored
        observations = obs.map(Float.init)
        finalObservations = fin.map(Float.init)
        rewards = rew
        episodeReturns = epRet
        runningReturns = runRet
        episodeLengths = epLen.map { Int($0) }
        runningLengths = runLen.map { Int($0) }
        terminated = term.map { $0 != 0 }
        truncated = trunc.map { $0 != 0 }
        ended = end.map { $0 != 0 }
        needsReset = reset[0] != 0
        infos = [Env.Info?](repeating: nil, count: m)
        resetInfos = [Env.Info?](repeating: nil, count: m)
    }
}
