import CheckpointFormat
import Gym

extension TrainingState {
    /// Stores an environment state: integer entries go to `integerArrays`, real entries to `arrays`,
    /// every name prefixed with `prefix` (e.g. `env.`).
    public mutating func store(_ state: EnvironmentState, prefix: String) {
        for (k, v) in state.integers { integerArrays[prefix + k] = v }
        for (k, v) in state.reals { arrays[prefix + k] = v }
    }

    /// The environment state stored under `prefix` by ``store(_:prefix:)``.
    public func environmentState(prefix: String) -> EnvironmentState {
        var s = EnvironmentState()
        for (k, v) in integerArrays where k.hasPrefix(prefix) { s.integers[String(k.dropFirst(prefix.count))] = v }
        for (k, v) in arrays where k.hasPrefix(prefix) { s.reals[String(k.dropFirst(prefix.count))] = v }
        return s
    }
}
