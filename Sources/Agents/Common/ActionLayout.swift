import Gym

/// How a discrete action space maps to network outputs: one branch per action dimension
/// (`Discrete(n)` is one branch of n; `MultiDiscrete(nvec)` is one branch per entry).
///
/// Actions are stored as `Int32` rows of `branches.count` entries (the replay buffer's layout).
public struct ActionLayout: Sendable, Equatable {
    /// Choices per branch.
    public let branches: [Int]
    /// Whether the space is `MultiDiscrete` (actions are `.multiDiscrete`), else `Discrete`.
    public let isMultiDiscrete: Bool

    /// The layout of `space`.
    /// - Throws: `AgentError.unsupportedEnvironment` for a `Box` space, naming the algorithm.
    public init(_ space: ActionSpace, algorithm: String) throws(AgentError) {
        switch space {
        case .discrete(let d):
            branches = [d.n]
            isMultiDiscrete = false
        case .multiDiscrete(let m):
            branches = m.nvec
            isMultiDiscrete = true
        case .box(let b):
            throw .unsupportedEnvironment("\(algorithm) needs a Discrete or MultiDiscrete action space, the environment has Box \(b.shape); use a policy-gradient agent (ppo, a2c) or the `sizing`/`perAsset` action scheme")
        }
    }

    /// Number of integers per action.
    public var width: Int { branches.count }
    /// Total number of outputs (sum of choices).
    public var outputs: Int { branches.reduce(0, +) }

    /// The action for per-branch choices.
    public func action(_ choices: some Collection<Int>) -> Action {
        isMultiDiscrete ? .multiDiscrete(Array(choices)) : .discrete(choices.first ?? 0)
    }

    /// Writes the choices of `action` into `row` (width entries).
    /// - Precondition: the action is of this layout's kind and width.
    public func encode(_ action: Action, into row: inout [Int32], at offset: Int = 0) {
        switch action {
        case .discrete(let a):
            precondition(!isMultiDiscrete, "ActionLayout.encode: discrete action \(a) for a MultiDiscrete layout")
            row[offset] = Int32(a)
        case .multiDiscrete(let a):
            precondition(isMultiDiscrete && a.count == width, "ActionLayout.encode: \(a) for branches \(branches)")
            for (k, v) in a.enumerated() { row[offset + k] = Int32(v) }
        case .continuous(let a):
            preconditionFailure("ActionLayout.encode: continuous action \(a) for a discrete layout")
        }
    }
}
