// Wrappers whose base is stateful are stateful: each adds its own counters and nests the base's
// state under `inner.`.

extension TimeLimit: StatefulEnvironment where Base: StatefulEnvironment {
    /// `timeLimit` = [elapsed steps or -1 before the first reset, ended flag], plus the base's state under `inner.`.
    public func exportState() -> EnvironmentState {
        var s = base.exportState().prefixed("inner.")
        s.integers["timeLimit"] = [Int64(elapsedSteps ?? -1), ended ? 1 : 0]
        return s
    }

    /// Restores a state from ``exportState()``.
    /// - Throws: `EnvironmentError.invalidState` for missing or mis-sized entries.
    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        let v = try s.integers("timeLimit", count: 2)
        try base.importState(s.unprefixed("inner."))
        elapsedSteps = v[0] < 0 ? nil : Int(v[0])
        ended = v[1] != 0
    }
}

extension RecordEpisodeStatistics: StatefulEnvironment where Base: StatefulEnvironment {
    /// The running episode's return and length, the last finished episode and the episode count,
    /// plus the base's state under `inner.`.
    public func exportState() -> EnvironmentState {
        var s = base.exportState().prefixed("inner.")
        s.integers["episodeStatistics"] = [Int64(currentLength), Int64(episodeCount), lastEpisode == nil ? 0 : 1, Int64(lastEpisode?.length ?? 0)]
        s.reals["episodeStatistics"] = [currentReturn, lastEpisode?.totalReward ?? 0]
        return s
    }

    /// Restores a state from ``exportState()``.
    /// - Throws: `EnvironmentError.invalidState` for missing or mis-sized entries.
    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        let i = try s.integers("episodeStatistics", count: 4)
        let r = try s.reals("episodeStatistics", count: 2)
        try base.importState(s.unprefixed("inner."))
        currentLength = Int(i[0])
        episodeCount = Int(i[1])
        lastEpisode = i[2] != 0 ? EpisodeStatistics(totalReward: r[1], length: Int(i[3])) : nil
        currentReturn = r[0]
    }
}

extension ClipReward: StatefulEnvironment where Base: StatefulEnvironment {
    /// The base's state (clipping itself keeps none), under `inner.`.
    public func exportState() -> EnvironmentState { base.exportState().prefixed("inner.") }

    /// Restores a state from ``exportState()``.
    /// - Throws: `EnvironmentError.invalidState` from the base.
    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        try base.importState(s.unprefixed("inner."))
    }
}
