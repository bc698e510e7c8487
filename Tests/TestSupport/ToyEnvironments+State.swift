import Gym
import SeededRandom

// Exact state export for the discrete identity environments, so agent tests can check bit-exact resume.

extension IdentityEnvironment: StatefulEnvironment {
    public func exportState() -> EnvironmentState {
        EnvironmentState(integers: [
            "rng": rng.state.map { Int64(bitPattern: $0) },
            "identity": [Int64(target), Int64(stepsTaken ?? -1), ended ? 1 : 0],
        ])
    }

    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        let words = try s.integers("rng", count: 4), v = try s.integers("identity", count: 3)
        do { rng = try Xoshiro256(state: words.map { UInt64(bitPattern: $0) }) } catch { throw .invalidState("\(error)") }
        target = Int(v[0])
        stepsTaken = v[1] < 0 ? nil : Int(v[1])
        ended = v[2] != 0
    }
}

extension MultiDiscreteIdentityEnvironment: StatefulEnvironment {
    public func exportState() -> EnvironmentState {
        EnvironmentState(integers: [
            "rng": rng.state.map { Int64(bitPattern: $0) },
            "target": target.map { Int64($0) },
            "identity": [Int64(stepsTaken ?? -1), ended ? 1 : 0],
        ])
    }

    public mutating func importState(_ s: EnvironmentState) throws(EnvironmentError) {
        let words = try s.integers("rng", count: 4), v = try s.integers("identity", count: 2)
        let t = try s.integers("target", count: nvec.count)
        do { rng = try Xoshiro256(state: words.map { UInt64(bitPattern: $0) }) } catch { throw .invalidState("\(error)") }
        target = t.map { Int($0) }
        stepsTaken = v[0] < 0 ? nil : Int(v[0])
        ended = v[1] != 0
    }
}
