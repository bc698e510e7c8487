import SeededRandom

extension CartPole: StatefulEnvironment {
    /// The generator words (`rng`), whether a state exists and whether the episode ended (`flags`),
    /// and the physical state in `Double` (`state`: x, x_dot, theta, theta_dot).
    public func exportState() -> EnvironmentState {
        var s = EnvironmentState()
        s.integers["rng"] = rng.state.map { Int64(bitPattern: $0) }
        s.integers["flags"] = [state == nil ? 0 : 1, ended ? 1 : 0]
        if let st = state { s.reals["state"] = [st.x, st.xDot, st.theta, st.thetaDot] }
        return s
    }

    /// Restores a state from ``exportState()``.
    /// - Throws: `EnvironmentError.invalidState` for missing or mis-sized entries or an invalid generator state.
    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        let words = try s.integers("rng", count: 4)
        let flags = try s.integers("flags", count: 2)
        let restoredRNG: Xoshiro256
        do { restoredRNG = try Xoshiro256(state: words.map { UInt64(bitPattern: $0) }) } catch {
            throw .invalidState("CartPole generator: \(error)")
        }
        var restoredState: State?
        if flags[0] != 0 {
            let v = try s.reals("state", count: 4)
            restoredState = State(x: v[0], xDot: v[1], theta: v[2], thetaDot: v[3])
        }
        rng = restoredRNG
        state = restoredState
        ended = flags[1] != 0
    }
}
