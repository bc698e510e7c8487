import Foundation
import Testing
import TestSupport
@testable import NeuralNet

@Suite("Losses and distributions")
struct LossTests {
    @Test func lossValuesAgainstClosedForms() {
        let tape = Tape()
        let p = tape.constant(Tensor([0.5, -2, 3])), t = Tensor([0, 0, 0])
        #expect(isClose(Loss.mse(p, t).value.scalar, (0.25 + 4 + 9) / 3))
        #expect(isClose(Loss.huber(p, t).value.scalar, (0.125 + 1.5 + 2.5) / 3))
        let logits = tape.constant(Tensor([[1, 2, 3], [0, 0, 0]]))
        let ce = Loss.crossEntropy(logits: logits, labels: [2, 0]).value.scalar
        let expected = (-log(exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0))) + log(3.0)) / 2
        #expect(isClose(Double(ce), expected, relative: 1e-6))
        let cat = Categorical(logits: logits)
        #expect(isClose(cat.entropy().value[1], Float(log(3.0))))
        let g = DiagonalGaussian(mean: tape.constant(Tensor([[0, 1]])), logStd: tape.constant(Tensor([0, Float(log(2.0))])))
        // log N(0|0,1) + log N(1|1,2) and entropies ½log(2πe) + ½log(2πe·4).
        let lp = Double(g.logProb(Tensor([[0, 1]])).value.scalar)
        #expect(isClose(lp, -0.5 * log(2 * Double.pi) - (log(2.0) + 0.5 * log(2 * Double.pi)), relative: 1e-6))
        let ent = Double(g.entropy().value.scalar)
        #expect(isClose(ent, 0.5 * log(2 * Double.pi * M_E) + 0.5 * log(2 * Double.pi * M_E * 4), relative: 1e-6))
    }

    @Test func lossGradientsMatchFiniteDifferences() {
        var rng = Xoshiro256(seed: 6)
        let pred = Tensor.normal([6], std: 2, rng: &rng), target = Tensor.normal([6], rng: &rng)
        let logits = Tensor.normal([4, 3], rng: &rng), mean = Tensor.normal([4, 2], rng: &rng)
        let logStd = Tensor.normal([2], std: 0.3, rng: &rng), actions = Tensor.normal([4, 2], rng: &rng)
        let checks: [([Tensor], (Tape, [Variable]) -> Variable)] = [
            ([pred], { _, v in Loss.mse(v[0], target) }),
            ([pred], { _, v in Loss.huber(v[0], target, delta: 0.7) }),
            ([logits], { _, v in Loss.crossEntropy(logits: v[0], labels: [0, 2, 1, 1]) }),
            ([logits], { _, v in Categorical(logits: v[0]).logProb([0, 2, 1, 1]) }),
            ([logits], { _, v in Categorical(logits: v[0]).entropy() }),
            ([mean, logStd], { _, v in DiagonalGaussian(mean: v[0], logStd: v[1]).logProb(actions) }),
            ([mean, logStd], { _, v in DiagonalGaussian(mean: v[0], logStd: v[1]).entropy() }),
            ([mean, mean * 0.1], { _, v in DiagonalGaussian(mean: v[0], logStd: v[1]).logProb(actions) }),
        ]
        for (i, (inputs, f)) in checks.enumerated() {
            let bad = gradientMismatches(inputs, f)
            #expect(bad.isEmpty, "check \(i): \(bad.prefix(3))")
        }
    }
}
