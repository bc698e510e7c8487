import CheckpointFormat
import NeuralNet
import TensorCore
import Testing
import TestSupport
@testable import Agents

/// The acting forward pass (CheckpointFormat's `PolicyForward`, also the daemon's) against the
/// networks' recorded training forward (NeuralNet layers on a tape): the same numbers from two
/// separately written code paths, bit for bit.
@Suite("One forward per policy: acting equals training")
struct PolicyForwardParityTests {
    static func outputs(_ forward: PolicyForward, _ parameters: [Parameter], _ x: Tensor) -> [Float] {
        let rows = x.shape[0]
        var out = [Float](repeating: .nan, count: rows * forward.outputCount)
        var scratch = [Float](repeating: .nan, count: forward.scratchCount(rows: rows))
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { forward.run(xb, rows: rows, weights: { parameters[$0].value }, into: o, scratch: $0) }
            }
        }
        return out
    }

    @Test(arguments: [(false, [5]), (true, [5]), (false, [3, 4, 2]), (true, [3, 4, 2])])
    func qValuesEqualTheRecordedQNetwork(dueling: Bool, branches: [Int]) {
        var rng = Xoshiro256(seed: 21)
        let net = QNetwork(observationSize: 7, branches: branches, network: NetworkConfig(hidden: [16, 8], activation: .relu),
                           dueling: dueling, rng: &rng)
        #expect(net.acting.forward.parameterNames == net.namedParameters(prefix: "q").map(\.name))
        for rows in [1, 6] {
            let x = Tensor.normal([rows, 7], rng: &rng)
            let tape = Tape()
            let recorded = net(tape.constant(x)).value
            let acting = Self.outputs(net.acting.forward, net.acting.parameters, x)
            #expect(acting == recorded.scalars, "rows \(rows)")
            // Greedy = argmax of the recorded values per branch, first index on ties.
            let greedy = net.greedy(x.scalars, rows: rows)
            var offset = 0
            for (d, n) in branches.enumerated() {
                let block = recorded.transposed().rows(offset..<(offset + n)).transposed()
                let expected = block.argmax(axis: 1)
                for r in 0..<rows { #expect(greedy[r * branches.count + d] == expected[r]) }
                // Dueling: the mean over a branch's actions is the state value V(s).
                if dueling, let value = net.value {
                    let v = value(net.trunk(x))
                    let means = block.mean(axis: 1)
                    #expect(firstMismatch(means.scalars, v.scalars, relative: 1e-5, absolute: 1e-5) == nil)
                }
                offset += n
            }
        }
    }

    @Test func greedyReadsTrainedWeightsLive() {
        var rng = Xoshiro256(seed: 22)
        let net = QNetwork(observationSize: 3, branches: [4], network: NetworkConfig(hidden: [], activation: .relu), dueling: false, rng: &rng)
        let x: [Float] = [1, 0, 0]
        // Make action 2 the clear winner by raising its weight on the first input.
        net.heads[0].weight.value[2, 0] += 100
        #expect(net.greedy(x, rows: 1) == [2])
        net.heads[0].weight.value[1, 0] += 1000
        #expect(net.greedy(x, rows: 1) == [1])
    }

    @Test(arguments: [PolicyHead.categorical(actions: 5), .factorizedCategorical(nvec: [2, 3]),
                      .gaussian(dimension: 3, low: [-1, -1, 0], high: [1, 1, 2], bound: .squash)])
    func actorOutputsEqualTheRecordedActor(head: PolicyHead) {
        var rng = Xoshiro256(seed: 23)
        let model = ActorCritic(observationCount: 6, head: head, network: NetworkConfig(hidden: [8, 8], activation: .tanh),
                                orthogonalInit: true, logStdInit: -0.5, rng: &rng)
        #expect(model.acting.forward.parameterNames == model.actor.namedParameters(prefix: "actor").map(\.name))
        for rows in [1, 4] {
            let x = Tensor.normal([rows, 6], rng: &rng)
            let recorded = model.actor(Tape().constant(x)).value
            #expect(x.withUnsafeBufferPointer { model.actorOutputs($0, rows: rows) } == recorded.scalars)
        }
        let one = Tensor.normal([1, 6], rng: &rng)
        let stored = model.deterministic(one.scalars)
        let logits = model.actor(one).scalars
        switch head {
        case .categorical:
            #expect(stored == [Float(logits.indices.max { logits[$0] < logits[$1] } ?? -1)])
        case .factorizedCategorical:
            #expect(stored == [Float(logits[0] >= logits[1] ? 0 : 1), Float(Tensor(shape: [3], scalars: Array(logits[2..<5])).argmax(axis: 0)[0])])
        case .gaussian:
            #expect(stored == logits)
        }
    }
}
