/// A snapshot of an environment's complete mutable state (generator words, cursor, episode
/// counters, physics or portfolio state), so training can stop and resume bit-exactly mid-episode.
///
/// Plain named arrays, so a checkpoint stores it without knowing the environment: `integers` keep
/// exact 64-bit values (generator words as bit patterns), `reals` keep `Double`s exactly.
/// Wrappers nest the state of what they wrap under a prefix (`inner.`).
public struct EnvironmentState: Sendable, Equatable {
    public var integers: [String: [Int64]] = [:]
    public var reals: [String: [Double]] = [:]

    public init(integers: [String: [Int64]] = [:], reals: [String: [Double]] = [:]) {
        self.integers = integers
        self.reals = reals
    }

    /// This state's entries with every name prefixed (for wrappers and vector envs).
    public func prefixed(_ prefix: String) -> EnvironmentState {
        EnvironmentState(integers: Dictionary(uniqueKeysWithValues: integers.map { (prefix + $0.key, $0.value) }),
                         reals: Dictionary(uniqueKeysWithValues: reals.map { (prefix + $0.key, $0.value) }))
    }

    /// The entries whose names start with `prefix`, with the prefix removed.
    public func unprefixed(_ prefix: String) -> EnvironmentState {
        func strip<V>(_ d: [String: V]) -> [String: V] {
            Dictionary(uniqueKeysWithValues: d.compactMap { $0.key.hasPrefix(prefix) ? (String($0.key.dropFirst(prefix.count)), $0.value) : nil })
        }
        return EnvironmentState(integers: strip(integers), reals: strip(reals))
    }

    /// Merges another state's entries into this one (other wins on equal names).
    public mutating func merge(_ other: EnvironmentState) {
        integers.merge(other.integers) { $1 }
        reals.merge(other.reals) { $1 }
    }

    /// The integer array `name`, or a thrown `EnvironmentError.invalidState` naming what is missing.
    public func integers(_ name: String, count: Int? = nil) throws(EnvironmentError) -> [Int64] {
        guard let v = integers[name] else { throw .invalidState("missing integer state '\(name)'") }
        if let count, v.count != count { throw .invalidState("integer state '\(name)' has \(v.count) values, expected \(count)") }
        return v
    }

    /// The real array `name`, or a thrown `EnvironmentError.invalidState` naming what is missing.
    public func reals(_ name: String, count: Int? = nil) throws(EnvironmentError) -> [Double] {
        guard let v = reals[name] else { throw .invalidState("missing real state '\(name)'") }
        if let count, v.count != count { throw .invalidState("real state '\(name)' has \(v.count) values, expected \(count)") }
        return v
    }
}

/// An environment whose complete state can be exported and imported: after
/// `b.importState(a.exportState())`, stepping `a` and `b` with the same actions gives identical
/// observations, rewards and flags (tested for every conforming environment).
public protocol StatefulEnvironment: Environment {
    /// The complete mutable state.
    func exportState() -> EnvironmentState
    /// Replaces the mutable state (the configuration and data must match the exporter's).
    /// - Throws: `EnvironmentError.invalidState` when entries are missing or mis-sized.
    mutating func importState(_ state: EnvironmentState) throws(EnvironmentError)
}
