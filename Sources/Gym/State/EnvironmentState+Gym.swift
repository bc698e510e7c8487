import SeededRandom

// StatefulEnvironment conformances of Gym's environments and wrappers, so a checkpoint can resume
// training bit-exactly mid-episode. Each wrapper stores its own entries under a name of its own and
// the wrapped environment's under `inner.`.

extension EnvironmentState {
    /// Generator words as exact 64-bit patterns.
    static func words(_ rng: Xoshiro256) -> [Int64] { rng.state.map { Int64(bitPattern: $0) } }

    /// Running statistics stored as `<prefix>mean`, `<prefix>variance` and `<prefix>count`.
    mutating func setStatistics(_ statistics: RunningMeanStd, prefix: String) {
        reals[prefix + "mean"] = statistics.mean
        reals[prefix + "variance"] = statistics.variance
        reals[prefix + "count"] = [statistics.count]
    }

    /// Statistics of `size` elements stored by ``setStatistics(_:prefix:)``; `what` names them in
    /// the error for values `RunningMeanStd` refuses.
    func statistics(_ prefix: String, size: Int, what: String) throws(EnvironmentError) -> RunningMeanStd {
        let mean = try reals(prefix + "mean", count: size)
        let variance = try reals(prefix + "variance", count: size)
        let count = try reals(prefix + "count", count: 1)[0]
        do {
            return try RunningMeanStd(mean: mean, variance: variance, count: count)
        } catch {
            throw .invalidState("\(what): \(error)")
        }
    }

    /// A generator from the words stored under `name`.
    func generator(_ name: String) throws(EnvironmentError) -> Xoshiro256 {
        let words = try integers(name, count: 4).map { UInt64(bitPattern: $0) }
        do {
            return try Xoshiro256(state: words)
        } catch {
            throw .invalidState("generator '\(name)': \(error)")
        }
    }

    /// A flag stored as 0 or 1 under `name`.
    func flag(_ name: String) throws(EnvironmentError) -> Bool {
        let v = try integers(name, count: 1)[0]
        guard v == 0 || v == 1 else { throw .invalidState("flag '\(name)' is \(v), expected 0 or 1") }
        return v == 1
    }
}

extension CartPole: StatefulEnvironment {
    /// Entries: `rng` (4 generator words), `started`, `ended` (flags), `state` (x, x_dot, theta,
    /// theta_dot; empty before the first reset).
    public func exportState() -> EnvironmentState {
        let s = _state.map { [$0.x, $0.xDot, $0.theta, $0.thetaDot] } ?? []
        return EnvironmentState(integers: ["rng": EnvironmentState.words(rng), "started": [_state == nil ? 0 : 1], "ended": [ended ? 1 : 0]],
                                reals: ["state": s])
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let newRng = try state.generator("rng")
        let started = try state.flag("started")
        let newEnded = try state.flag("ended")
        let s = try state.reals("state", count: started ? 4 : 0)
        rng = newRng
        ended = newEnded
        _state = started ? State(x: s[0], xDot: s[1], theta: s[2], thetaDot: s[3]) : nil
    }
}

extension TimeLimit: StatefulEnvironment where Base: StatefulEnvironment {
    /// Entries: `time_limit.elapsed` (-1 before the first reset), `time_limit.ended`, and `inner.*`.
    public func exportState() -> EnvironmentState {
        var s = _base.exportState().prefixed("inner.")
        s.integers["time_limit.elapsed"] = [Int64(_elapsedSteps ?? -1)]
        s.integers["time_limit.ended"] = [ended ? 1 : 0]
        return s
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let elapsed = try state.integers("time_limit.elapsed", count: 1)[0]
        let newEnded = try state.flag("time_limit.ended")
        guard elapsed >= -1 else { throw .invalidState("time_limit.elapsed is \(elapsed)") }
        try _base.importState(state.unprefixed("inner."))
        _elapsedSteps = elapsed < 0 ? nil : Int(elapsed)
        ended = newEnded
    }
}

extension NormalizeObservation: StatefulEnvironment where Base: StatefulEnvironment {
    /// Entries: `observation_normalization.{mean,variance,count,frozen}` and `inner.*`.
    public func exportState() -> EnvironmentState {
        var s = base.exportState().prefixed("inner.")
        s.setStatistics(normalizer.statistics, prefix: "observation_normalization.")
        s.integers["observation_normalization.frozen"] = [normalizer.isFrozen ? 1 : 0]
        return s
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let n = normalizer.names.count
        let stats = try state.statistics("observation_normalization.", size: n, what: "observation normalization")
        let frozen = try state.flag("observation_normalization.frozen")
        try base.importState(state.unprefixed("inner."))
        normalizer.statistics = stats
        normalizer.isFrozen = frozen
    }
}

extension NormalizeReward: StatefulEnvironment where Base: StatefulEnvironment {
    /// Entries: `reward_normalization.{mean,variance,count,returns,frozen}` and `inner.*`.
    public func exportState() -> EnvironmentState {
        var s = base.exportState().prefixed("inner.")
        s.setStatistics(normalizer.statistics, prefix: "reward_normalization.")
        s.reals["reward_normalization.returns"] = normalizer.returns
        s.integers["reward_normalization.frozen"] = [normalizer.isFrozen ? 1 : 0]
        return s
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let stats = try state.statistics("reward_normalization.", size: 1, what: "reward normalization")
        let returns = try state.reals("reward_normalization.returns", count: normalizer.returns.count)
        let frozen = try state.flag("reward_normalization.frozen")
        try base.importState(state.unprefixed("inner."))
        normalizer.statistics = stats
        normalizer.returns = returns
        normalizer.isFrozen = frozen
    }
}

extension ClipReward: StatefulEnvironment where Base: StatefulEnvironment {
    /// Entries: `inner.*` (the clip bounds are configuration).
    public func exportState() -> EnvironmentState { base.exportState().prefixed("inner.") }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        try base.importState(state.unprefixed("inner."))
    }
}

extension RecordEpisodeStatistics: StatefulEnvironment where Base: StatefulEnvironment {
    /// Entries: `episode_statistics.{current_return,current_length,count,last_return,last_length}`
    /// (last_* empty before the first finished episode) and `inner.*`.
    public func exportState() -> EnvironmentState {
        var s = base.exportState().prefixed("inner.")
        s.reals["episode_statistics.current_return"] = [currentReturn]
        s.integers["episode_statistics.current_length"] = [Int64(currentLength)]
        s.integers["episode_statistics.count"] = [Int64(episodeCount)]
        s.reals["episode_statistics.last_return"] = lastEpisode.map { [$0.totalReward] } ?? []
        s.integers["episode_statistics.last_length"] = lastEpisode.map { [Int64($0.length)] } ?? []
        return s
    }

    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let current = try state.reals("episode_statistics.current_return", count: 1)[0]
        let length = try state.integers("episode_statistics.current_length", count: 1)[0]
        let count = try state.integers("episode_statistics.count", count: 1)[0]
        let lastReturn = try state.reals("episode_statistics.last_return")
        let lastLength = try state.integers("episode_statistics.last_length", count: lastReturn.count)
        guard length >= 0, count >= 0, lastReturn.count <= 1 else {
            throw .invalidState("episode statistics: length \(length), count \(count), \(lastReturn.count) last returns")
        }
        try base.importState(state.unprefixed("inner."))
        currentReturn = current
        currentLength = Int(length)
        episodeCount = Int(count)
        lastEpisode = lastReturn.first.map { EpisodeStatistics(totalReward: $0, length: Int(lastLength[0])) }
    }
}
