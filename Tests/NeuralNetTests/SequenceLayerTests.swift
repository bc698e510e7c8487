import Foundation
import Testing
import TestSupport
@testable import NeuralNet

/// Attention pooling and the TCN block against PyTorch 2.13 (Goldens/seq_attention_*, seq_tcn_block,
/// written by scripts/goldens/make_seq_goldens.py), causality, and their input gradients against
/// finite differences.
@Suite("Attention pooling and TCN block")
struct SequenceLayerTests {
    static func loadGolden(_ layer: some Layer, _ golden: Golden) throws {
        var dict: [String: Tensor] = [:]
        for key in golden.keys where key.hasSuffix(".value") { dict[String(key.dropLast(6))] = try golden.tensor(key) }
        try layer.load(stateDict: dict, source: "golden")
    }

    static func expectGradients(_ layer: some Layer, _ golden: Golden, _ tape: Tape, _ x: Variable,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        for p in layer.namedParameters {
            let bad = goldenMismatch(p.parameter.grad, try golden.tensor("\(p.name).grad"))
            #expect(bad == nil, "\(p.name).grad: \(bad ?? "")", sourceLocation: sourceLocation)
        }
        let bad = goldenMismatch(tape.gradient(of: x) ?? Tensor.zeros([0]), try golden.tensor("x.grad"))
        #expect(bad == nil, "x.grad: \(bad ?? "")", sourceLocation: sourceLocation)
    }

    @Test(arguments: ["additive", "dot"])
    func attentionMatchesPyTorch(_ kind: String) throws {
        let golden = try Golden("seq_attention_\(kind)", bundle: Bundle.module)
        var rng = Xoshiro256(seed: 1)
        let x0 = try golden.tensor("x")
        let layer = AttentionPooling(features: x0.shape[2], kind: kind == "dot" ? .scaledDotProduct : .additive(attentionSize: 6), rng: &rng)
        try Self.loadGolden(layer, golden)
        let tape = Tape()
        let x = tape.variable(x0)
        let (context, weights) = layer.pool(x)
        tape.backward((context * (try golden.tensor("w_context"))).sum() + (weights * (try golden.tensor("w_weights"))).sum())
        #expect(goldenMismatch(context.value, try golden.tensor("context")) == nil)
        #expect(goldenMismatch(weights.value, try golden.tensor("weights")) == nil)
        try Self.expectGradients(layer, golden, tape, x)
        // The weights of each sequence sum to one.
        for b in 0..<x0.shape[0] {
            let sum = (0..<x0.shape[1]).reduce(Float(0)) { $0 + weights.value[b, $1] }
            #expect(abs(sum - 1) < 1e-6)
        }
    }

    @Test func tcnBlockMatchesPyTorchConv1d() throws {
        let golden = try Golden("seq_tcn_block", bundle: Bundle.module)
        var rng = Xoshiro256(seed: 2)
        let block = TemporalBlock(inputs: Int(try golden.scalar("inputs")), outputs: Int(try golden.scalar("outputs")),
                                  kernelSize: Int(try golden.scalar("kernel")), dilation: Int(try golden.scalar("dilation")), rng: &rng)
        try Self.loadGolden(block, golden)
        let tape = Tape()
        let x = tape.variable(try golden.tensor("x"))
        let y = block(x)
        tape.backward((y * (try golden.tensor("w_out"))).sum())
        #expect(goldenMismatch(y.value, try golden.tensor("output")) == nil)
        try Self.expectGradients(block, golden, tape, x)
    }

    /// No look-ahead: changing inputs from step 4 on leaves outputs before step 4 unchanged, and does change step 4.
    @Test func tcnBlockIsCausal() {
        var rng = Xoshiro256(seed: 3)
        let block = TemporalBlock(inputs: 2, outputs: 3, kernelSize: 2, dilation: 2, rng: &rng)
        let x = Tensor.normal([2, 9, 2], rng: &rng)
        var perturbed = x
        for b in 0..<2 { for t in 4..<9 { for c in 0..<2 { perturbed[b, t, c] += 5 } } }
        let (y, z) = (block(x), block(perturbed))
        for b in 0..<2 { for t in 0..<4 { for c in 0..<3 { #expect(y[b, t, c] == z[b, t, c]) } } }
        #expect((0..<2).contains { b in (0..<3).contains { c in y[b, 4, c] != z[b, 4, c] } })
    }

    @Test func inputGradientsMatchFiniteDifferences() {
        var rng = Xoshiro256(seed: 4)
        let additive = AttentionPooling(features: 3, kind: .additive(attentionSize: 4), rng: &rng)
        let dot = AttentionPooling(features: 3, kind: .scaledDotProduct, rng: &rng)
        let block = TemporalBlock(inputs: 3, outputs: 3, kernelSize: 2, dilation: 1, rng: &rng)
        let x = Tensor.uniform([2, 4, 3], low: -1, high: 1, rng: &rng)
        #expect(gradientMismatches([x]) { _, v in additive.pool(v[0]).context }.isEmpty)
        #expect(gradientMismatches([x]) { _, v in dot.pool(v[0]).weights }.isEmpty)
        // A step of 1e-3 keeps the perturbations off the ReLU kinks for this seeded input (1e-2 straddles one).
        #expect(gradientMismatches([x], step: 1e-3, relative: 2e-2, absolute: 2e-3) { _, v in block(v[0]).tanh() }.isEmpty)
    }
}
