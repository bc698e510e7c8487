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
    /// The acting forward pass (`q.`-prefixed names) and its parameters in `forward.parameterNames` order.
    let forward: PolicyForward
    let forwardParameters: [Parameter]

    /// A freshly initialized network (PyTorch `nn.Linear` initialization, as SB3's `QNetwork`).
    public init(observationSize: Int, branches: [Int], network: NetworkConfig, dueling: Bool, rng: inout Xoshiro256) {
        precondition(observationSize > 0 && !branches.isEmpty && branches.allSatisfy { $0 > 0 }, "QNetwork: observation size \(observationSize), branches \(branches)")
        let act = network.activation.activation
        let trunk = Sequential.mlp([observationSize] + network.hidden, activation: act, outputActivation: act, rng: &rng)
        let features = network.hidden.last ?? observationSize
        let heads = branches.map { Linear(inputs: features, outputs: $0, rng: &rng) }
        let value = dueling ? Linear(inputs: features, outputs: 1, rng: &rng) : nil
        (forward, forwardParameters) = Self.acting(trunk: trunk, heads: heads, value: value, observationSize: observationSize,
                                                   branches: branches, network: network)
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
        let width = forward.outputCount
        var outputs = [Float](repeating: 0, count: rows * width)
        var choice = [Int](repeating: 0, count: rows * branches.count)
        observations.withUnsafeBufferPointer { x in
            outputs.withUnsafeMutableBufferPointer { out in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: forward.scratchCount(rows: rows)) { scratch in
                    forward.run(x, rows: rows, weights: { forwardParameters[$0].value }, into: out, scratch: scratch)
                }
                let q = UnsafeBufferPointer(out)
                for r in 0..<rows {
                    for d in branches.indices { choice[r * branches.count + d] = forward.greedy(q, row: r, branch: d) }
                }
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

    /// The checkpoint's forward pass for these layers (`q.`-prefixed names, as the agent saves them)
    /// and their parameters in the forward's order.
    fileprivate static func acting(trunk: Sequential, heads: [Linear], value: Linear?, observationSize: Int,
                                   branches: [Int], network: NetworkConfig) -> (PolicyForward, [Parameter]) {
        var byName: [String: Parameter] = [:]
        for p in names(trunk: trunk, heads: heads, value: value) { byName["q.\(p.name)"] = p.parameter }
        do {
            let forward = try PolicyForward(
                network: branches.count == 1 ? .qValues : .branchingQValues, hidden: network.hidden,
                activation: network.activation.rawValue, dueling: value != nil, observationSize: observationSize, perAsset: nil,
                actionKind: branches.count == 1 ? .discrete : .multiDiscrete, actionShape: branches, actionLow: [], actionHigh: [],
                continuousBound: "", shapes: byName.mapValues(\.value.shape))
            return (forward, forward.parameterNames.compactMap { byName[$0] })
        } catch {
            preconditionFailure("QNetwork: its own layers do not make a checkpoint policy: \(error)")
        }
    }
}
