import NeuralNet

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
public final class QNetwork: Layer {
    /// The hidden layers (Linear + activation pairs).
    public let trunk: Sequential
    /// One linear head per branch: Q values, or advantages when dueling.
    public let heads: [Linear]
    /// The shared state-value stream (dueling only).
    public let value: Linear?
    /// Choices per branch.
    public let branches: [Int]

    /// A freshly initialized network (PyTorch `nn.Linear` initialization, as SB3's `QNetwork`).
    public init(observationSize: Int, branches: [Int], network: NetworkConfig, dueling: Bool, rng: inout Xoshiro256) {
        precondition(!branches.isEmpty && branches.allSatisfy { $0 > 0 }, "QNetwork: branches \(branches)")
        let (trunk, features) = MLP.trunk(inputs: observationSize, network: network, rng: &rng)
        self.trunk = trunk
        heads = branches.map { Linear(inputs: features, outputs: $0, rng: &rng) }
        value = dueling ? Linear(inputs: features, outputs: 1, rng: &rng) : nil
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

    /// Q values per branch, each `[B, branches[d]]`, eagerly.
    public func branchValues(_ x: Tensor) -> [Tensor] {
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

    /// All branches' Q values side by side, `[B, Σ branches]`, eagerly.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let q = branchValues(x)
        return q.count == 1 ? q[0] : Tensor.concatenate(q, axis: 1)
    }

    public var namedParameters: [NamedParameter] {
        var p = trunk.namedParameters(prefix: "trunk")
        for (d, h) in heads.enumerated() { p += h.namedParameters(prefix: "head.\(d)") }
        if let value { p += value.namedParameters(prefix: "head.value") }
        return p
    }

    /// The greedy choice of every branch for each of `rows` observations in `x` (`[rows, obs]`),
    /// row-major `[rows, branches.count]`; ties go to the lowest index (as `torch.argmax`).
    public func greedy(_ x: Tensor) -> [Int] {
        let q = branchValues(x)
        let rows = x.shape[0]
        var out = [Int](repeating: 0, count: rows * branches.count)
        for (d, qd) in q.enumerated() {
            let a = qd.argmax(axis: 1)
            for r in 0..<rows { out[r * branches.count + d] = a[r] }
        }
        return out
    }
}
