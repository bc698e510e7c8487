import CheckpointFormat
import NeuralNet
import TensorCore

/// The Q-network of the DQN family: an MLP trunk and one Q head per action branch.
///
/// - `Discrete(n)`: one branch, `Q(s, ·) ∈ R^n` (Mnih et al. 2015).
/// - `MultiDiscrete(nvec)`: one head per action dimension over the shared trunk, the action
///   branching architecture of Tavakoli et al. 2018 ("Action Branching Architectures for Deep RL").
/// - `dueling`: a state-value stream shared by all branches plus one advantage stream per branch,
///   `Q_d(s, a) = V(s) + A_d(s, a) − mean_a A_d(s, a)` (Wang et al. 2016, eq. 9; Tavakoli et al. 2018, eq. 1).
///
/// Parameter names (the checkpoint's `/policy/parameters`, weights `[out, in]` as PyTorch):
/// `trunk.layers.<2k>.weight|bias` for hidden layer k, then per branch d `head.<d>.weight|bias`
/// (the Q values, or the advantages when dueling), then `head.value.weight|bias` when dueling.
/// The agent prefixes everything with `q.`.
///
/// Training records the forward pass on a tape (`callAsFunction`); acting runs the checkpoint's
/// `PolicyForward` over the live parameters (`greedy`), the very code the trading daemon runs.
public final class QNetwork: Layer {
    /// The hidden layers (Linear + activation pairs).
    public let trunk: Sequential
    /// One linear head per branch: Q values, or advantages when dueling.
    public let heads: [Linear]
    /// The shared state-value stream (dueling only).
    public let value: Linear?
    /// Choices per branch.
    public let branches: [Int]
    /// The acting forward pass (`q.`-prefixed names, as the agent saves them) over these layers.
    let acting: ActingForward

    /// A freshly initialized network (PyTorch `nn.Linear` initialization, as SB3's `QNetwork`).
    public init(observationSize: Int, branches: [Int], network: NetworkConfig, dueling: Bool, rng: inout Xoshiro256) {
        precondition(observationSize > 0 && !branches.isEmpty && branches.allSatisfy { $0 > 0 }, "QNetwork: observation size \(observationSize), branches \(branches)")
        let act = network.activation.activation
        let trunk = Sequential.mlp([observationSize] + network.hidden, activation: act, outputActivation: act, rng: &rng)
        let features = network.hidden.last ?? observationSize
        let heads = branches.map { Linear(inputs: features, outputs: $0, rng: &rng) }
        let value = dueling ? Linear(inputs: features, outputs: 1, rng: &rng) : nil
        acting = ActingForward(Self.names(trunk: trunk, heads: heads, value: value).map { NamedParameter("q.\($0.name)", $0.parameter) },
                               owner: "QNetwork") { shapes throws(PolicyForwardError) in
            try PolicyForward(network: branches.count == 1 ? .qValues : .branchingQValues, hidden: network.hidden,
                              activation: network.activation.rawValue, dueling: dueling, observationSize: observationSize, perAsset: nil,
                              actionKind: branches.count == 1 ? .discrete : .multiDiscrete, actionShape: branches,
                              actionLow: [], actionHigh: [], continuousBound: "", shapes: shapes)
        }
        self.trunk = trunk
        self.heads = heads
        self.value = value
        self.branches = branches
    }

    /// Q values per branch, each `[B, branches[d]]`, recorded on the tape.
    public func branchValues(_ x: Variable) -> [Variable] {
        let h = trunk(x)
        guard let value else { return heads.map { $0(h) } }
        let v = value(h)
        return heads.map { head in
            let a = head(h)
            return v + (a - a.mean(axis: 1, keepDims: true))
        }
    }

    /// All branches' Q values side by side, `[B, Σ branches]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        let q = branchValues(x)
        return q.count == 1 ? q[0] : Variable.concatenate(q, axis: 1)
    }

    public var namedParameters: [NamedParameter] { Self.names(trunk: trunk, heads: heads, value: value) }

    /// The greedy choice of every branch for each of `rows` observations (row-major
    /// `[rows, observationSize]`), row-major `[rows, branches.count]`; ties go to the lowest index
    /// (as `torch.argmax`). Runs `PolicyForward`, as the daemon does.
    public func greedy(_ observations: [Float], rows: Int) -> [Int] {
        let q = observations.withUnsafeBufferPointer { acting.outputs($0, rows: rows) }
        var choice = [Int](repeating: 0, count: rows * branches.count)
        q.withUnsafeBufferPointer { q in
            for r in 0..<rows {
                for d in branches.indices { choice[r * branches.count + d] = acting.forward.greedy(q, row: r, branch: d) }
            }
        }
        return choice
    }
}

extension QNetwork {
    /// Named parameters of a trunk, heads and value stream (relative to the network).
    fileprivate static func names(trunk: Sequential, heads: [Linear], value: Linear?) -> [NamedParameter] {
        var p = trunk.namedParameters(prefix: "trunk")
        for (d, h) in heads.enumerated() { p += h.namedParameters(prefix: "head.\(d)") }
        if let value { p += value.namedParameters(prefix: "head.value") }
        return p
    }
}
