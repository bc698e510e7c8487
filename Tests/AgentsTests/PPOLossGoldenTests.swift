import Foundation
import NeuralNet
import SeededRandom
import TensorCore
import Testing
import TestSupport
@testable import Agents

/// The agent's PPO loss, on the agent's own actor-critic networks, against PyTorch: the committed
/// goldens `Tests/NeuralNetTests/Goldens/ppo_{categorical,gaussian}` (scripts/goldens/make_goldens.py,
/// torch 2.13). The golden's loss is CleanRL's, `pg − 0.01·H + 0.5·(½·mse)`; SB3's (ours) is
/// `pg − entCoef·H + vfCoef·mse`, so vfCoef = 0.25 reproduces it and our value loss is twice the
/// golden's `v_loss`.
@Suite struct PPOLossGoldenTests {
    /// Reads a golden from the NeuralNet test folder (the index JSON plus float32 little-endian blob).
    struct PyTorchGolden {
        struct Entry: Decodable { var shape: [Int]; var offset: Int; var count: Int }
        struct Index: Decodable { var tensors: [String: Entry]; var scalars: [String: Double] }
        let index: Index
        let values: [Float]

        init(_ name: String) throws {
            let folder = repositoryRoot().appendingPathComponent("Tests/NeuralNetTests/Goldens")
            index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: folder.appendingPathComponent("\(name).json")))
            let blob = try Data(contentsOf: folder.appendingPathComponent("\(name).bin"))
            values = blob.withUnsafeBytes { raw in
                (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        }

        func tensor(_ key: String) throws -> Tensor {
            let e = try #require(index.tensors[key], "golden has no tensor \(key)")
            return Tensor(shape: e.shape, scalars: Array(values[e.offset..<(e.offset + e.count)]))
        }

        func scalar(_ key: String) throws -> Double { try #require(index.scalars[key], "golden has no scalar \(key)") }
    }

    func check(kind: String) throws {
        let golden = try PyTorchGolden("ppo_\(kind)")
        let head: PolicyHead = kind == "categorical"
            ? .categorical(actions: 5)
            : .gaussian(dimension: 3, low: [-1, -1, -1], high: [1, 1, 1], bound: .clip)
        var rng = Xoshiro256(seed: 0)
        let model = ActorCritic(observationCount: 64, head: head, network: NetworkConfig(hidden: [64, 64], activation: .tanh),
                                orthogonalInit: true, logStdInit: 0, rng: &rng)
        for p in model.allParameters {
            p.parameter.value = try golden.tensor("\(p.name).value")
        }
        let tape = Tape()
        let evaluated = model.evaluate(tape.constant(try golden.tensor("obs")),
                                       actions: try golden.tensor("actions").reshaped([16, kind == "categorical" ? 1 : 3]))
        let loss = PPOLoss(logProb: evaluated.logProb, oldLogProb: try golden.tensor("old_log_prob"),
                           advantages: try golden.tensor("advantages"), entropy: evaluated.entropy,
                           values: evaluated.value, returns: try golden.tensor("returns"), oldValues: Tensor.zeros([16]),
                           clipRange: 0.2, clipRangeVf: nil, entCoef: 0.01, vfCoef: 0.25)
        #expect(goldenMismatch(evaluated.logProb.value, try golden.tensor("new_log_prob")) == nil)
        #expect(goldenMismatch(evaluated.entropy.value, try golden.tensor("entropy")) == nil)
        #expect(goldenMismatch(evaluated.value.value, try golden.tensor("value")) == nil)
        #expect(isClose(Double(loss.total.value.scalar), try golden.scalar("loss"), relative: 1e-5, absolute: 1e-6))
        #expect(isClose(Double(loss.policyLoss.value.scalar), try golden.scalar("pg_loss"), relative: 1e-5, absolute: 1e-6))
        #expect(isClose(Double(loss.valueLoss.value.scalar) / 2, try golden.scalar("v_loss"), relative: 1e-5, absolute: 1e-6))
        #expect(isClose(Double(loss.entropy.value.scalar), try golden.scalar("entropy_mean"), relative: 1e-5, absolute: 1e-6))
        for p in model.allParameters { p.parameter.zeroGrad() }
        tape.backward(loss.total)
        for p in model.allParameters {
            let mismatch = goldenMismatch(p.parameter.grad, try golden.tensor("\(p.name).grad"), relative: 1e-4, floorFraction: 1e-4)
            #expect(mismatch == nil, "\(kind) \(p.name).grad: \(mismatch ?? "")")
        }
    }

    @Test func categoricalLossAndGradientsMatchPyTorch() throws { try check(kind: "categorical") }
    @Test func gaussianLossAndGradientsMatchPyTorch() throws { try check(kind: "gaussian") }

    /// Value clipping (SB3 `clip_range_vf`): V_pred = V_old + clip(V − V_old, ±ε_vf), by hand.
    @Test func valueClipping() {
        let tape = Tape()
        let values = tape.variable(Tensor([1.0, -2.0]))
        let logProb = tape.variable(Tensor([0, 0]))
        let loss = PPOLoss(logProb: logProb, oldLogProb: Tensor([0, 0]), advantages: Tensor([1, 1]), entropy: tape.constant(Tensor([0, 0])),
                           values: values, returns: Tensor([0.5, 0.5]), oldValues: Tensor([0.8, -1.0]),
                           clipRange: 0.2, clipRangeVf: 0.1, entCoef: 0, vfCoef: 1)
        // Predictions: 0.8 + clip(0.2) = 0.9; −1 + clip(−1) = −1.1. mse = ((0.4)² + (1.6)²)/2 = 1.36.
        #expect(abs(loss.valueLoss.value.scalar - 1.36) < 1e-5)
        // Ratio 1 everywhere: L_clip = −mean(A) = −1.
        #expect(abs(loss.policyLoss.value.scalar + 1) < 1e-6)
    }
}
