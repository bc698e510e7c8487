import CheckpointFormat
import Foundation
import TensorCore
import Testing

/// `PolicyForward` on hand-made networks whose outputs are worked out by hand, its action
/// mapping, and its refusals.
@Suite("Policy forward pass")
struct PolicyForwardTests {
    static func spec(_ network: PolicySpec.NetworkKind, hidden: [Int], dueling: Bool = false, action: PolicySpec.ActionKind,
                     shape: [Int], observations: Int = 2, bound: String = "") -> PolicySpec {
        PolicySpec(algorithm: "test", environment: "synthetic", observationNames: (0..<observations).map { "x\($0)" },
                   actionKind: action, actionShape: shape, actionLow: action == .box ? [-1] : [], actionHigh: action == .box ? [3] : [],
                   continuousBound: bound, network: network, hidden: hidden, activation: "relu", dueling: dueling)
    }

    static func run(_ f: PolicyForward, _ weights: [String: Tensor], _ x: [Float], rows: Int = 1) -> [Float] {
        let ordered = f.parameterNames.map { weights[$0] ?? Tensor.zeros([0]) }
        var out = [Float](repeating: .nan, count: rows * f.outputCount)
        var scratch = [Float](repeating: .nan, count: f.scratchCount(rows: rows))
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { f.run(xb, rows: rows, weights: { ordered[$0] }, into: o, scratch: $0) }
            }
        }
        return out
    }

    /// x = (1, 2); hidden h = relu(W1 x + b1) with W1 = [[1, 1], [1, −1]], b1 = (0, 0.5) → h = (3, 0);
    /// advantages A = Wa h + ba with Wa = [[1, 0], [0, 1], [2, 0]], ba = (0, 1, −1) → (3, 1, 5), mean 3;
    /// V = wv · h + bv = 0.5 · 3 + 1 = 2.5 → Q = V + A − mean(A) = (2.5, 0.5, 4.5), greedy 2.
    @Test func duelingQValuesByHand() throws {
        let weights: [String: Tensor] = [
            "q.trunk.layers.0.weight": Tensor(shape: [2, 2], scalars: [1, 1, 1, -1]), "q.trunk.layers.0.bias": Tensor(shape: [2], scalars: [0, 0.5]),
            "q.head.0.weight": Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 2, 0]), "q.head.0.bias": Tensor(shape: [3], scalars: [0, 1, -1]),
            "q.head.value.weight": Tensor(shape: [1, 2], scalars: [0.5, 0]), "q.head.value.bias": Tensor(shape: [1], scalars: [1]),
        ]
        let f = try PolicyForward(spec: Self.spec(.qValues, hidden: [2], dueling: true, action: .discrete, shape: [3]), shapes: weights.mapValues(\.shape))
        let q = Self.run(f, weights, [1, 2])
        #expect(q == [2.5, 0.5, 4.5])
        #expect(q.withUnsafeBufferPointer { f.greedy($0, row: 0, branch: 0) } == 2)
        // Two rows at once: the second row x = (0, 0) gives h = (0, 0.5) → A = (0, 1.5, −1), mean 1/6, V = 1.
        let two = Self.run(f, weights, [1, 2, 0, 0], rows: 2)
        #expect(Array(two[0..<3]) == q)
        let mean: Float = (0 + 1.5 + -1) / 3
        #expect(Array(two[3..<6]) == [1 + (0 - mean), 1 + (1.5 - mean), 1 + (-1 - mean)])
    }

    @Test func greedyTakesTheFirstOfTiedMaxima() {
        let f = try? PolicyForward(spec: Self.spec(.branchingQValues, hidden: [], action: .multiDiscrete, shape: [3, 2]),
                                   shapes: ["q.head.0.weight": [3, 2], "q.head.0.bias": [3], "q.head.1.weight": [2, 2], "q.head.1.bias": [2]])
        let out: [Float] = [1, 7, 7, 4, 4]
        out.withUnsafeBufferPointer { o in
            #expect(f?.greedy(o, row: 0, branch: 0) == 1)
            #expect(f?.greedy(o, row: 0, branch: 1) == 0)
        }
    }

    /// SB3's squash maps u to low + (tanh(u) + 1)/2 · (high − low): u = 0 is the box's centre.
    @Test func boundsClipOrSquashIntoTheBox() {
        #expect(PolicyForward.bounded(0, low: -1, high: 3, squash: true) == 1)
        #expect(PolicyForward.bounded(50, low: -1, high: 3, squash: true) == 3)
        #expect(PolicyForward.bounded(-50, low: -1, high: 3, squash: true) == -1)
        let u: Float = 0.5
        #expect(PolicyForward.bounded(u, low: -1, high: 3, squash: true) == -1 + (Float(Foundation.tanh(Double(u))) + 1) * 0.5 * 4)
        #expect(PolicyForward.bounded(5, low: -1, high: 3, squash: false) == 3)
        #expect(PolicyForward.bounded(0.25, low: -1, high: 3, squash: false) == 0.25)
    }

    @Test func refusesMissingMisShapedAndExtraParameters() {
        let spec = Self.spec(.gaussian, hidden: [4], action: .box, shape: [1], bound: "clip")
        let good: [String: [Int]] = ["actor.layers.0.weight": [4, 2], "actor.layers.0.bias": [4], "actor.layers.2.weight": [1, 4],
                                     "actor.layers.2.bias": [1], "log_std": [1]]
        #expect((try? PolicyForward(spec: spec, shapes: good)) != nil)
        var missing = good
        missing["actor.layers.2.bias"] = nil
        #expect(throws: PolicyForwardError.missingParameter("actor.layers.2.bias")) { try PolicyForward(spec: spec, shapes: missing) }
        var wrong = good
        wrong["actor.layers.0.weight"] = [4, 3]
        #expect(throws: PolicyForwardError.shape(name: "actor.layers.0.weight", found: [4, 3], expected: "[4, 2]")) { try PolicyForward(spec: spec, shapes: wrong) }
        var extra = good
        extra["critic.layers.0.weight"] = [4, 2]
        #expect(throws: PolicyForwardError.unexpectedParameters(["critic.layers.0.weight"], network: "gaussian", hidden: [4])) {
            try PolicyForward(spec: spec, shapes: extra)
        }
        var bad = spec
        bad.continuousBound = "wrap"
        #expect(throws: PolicyForwardError.unsupported("continuousBound 'wrap' (expected clip or squash)")) { try PolicyForward(spec: bad, shapes: good) }
        #expect(PolicyForwardError.missingParameter("q.head.0.bias").localizedDescription == "missing parameter q.head.0.bias")
    }
}
