import Testing
import TestSupport
@testable import NeuralNet

@Suite("Optimizers, state, schedules, clipping")
struct OptimizerTests {
    /// A small regression problem: fit y = x·w* with an MLP.
    final class Problem {
        let net: Sequential
        let tape = Tape()
        var rng: Xoshiro256
        init(seed: UInt64) {
            rng = Xoshiro256(seed: seed)
            net = Sequential.mlp([4, 16, 1], activation: .tanh, rng: &rng)
        }
        func lossAndBackward() -> Float {
            tape.reset()
            let x = Tensor.normal([8, 4], rng: &rng)
            let y = x.sum(axis: 1, keepDims: true)
            let loss = Loss.mse(net(tape.constant(x)), y)
            tape.backward(loss)
            return loss.value.scalar
        }
    }

    static func makers() -> [(String, ([NamedParameter]) -> any Optimizer)] {
        [("adam", { Adam($0, learningRate: 1e-2) }), ("adamw", { Adam.adamW($0, learningRate: 1e-2) }),
         ("rmsprop", { RMSprop($0, learningRate: 1e-3, momentum: 0.9, centered: true) }),
         ("sgd", { SGD($0, learningRate: 0.05, momentum: 0.9) })]
    }

    @Test func everyOptimizerReducesTheLoss() {
        for (name, make) in Self.makers() {
            let p = Problem(seed: 1)
            let opt = make(p.net.namedParameters(prefix: "net"))
            var first: Float = 0, last: Float = 0
            for i in 0..<300 {
                let l = p.lossAndBackward()
                if i < 10 { first += l }
                if i >= 290 { last += l }
                opt.step()
            }
            #expect(last < 0.3 * first, "\(name): loss \(first / 10) -> \(last / 10)")
        }
    }

    @Test func sameSeedGivesBitIdenticalWeightsAfter1000AdamSteps() {
        func train() -> [Tensor] {
            let p = Problem(seed: 42)
            let opt = Adam(p.net.namedParameters(prefix: "net"), learningRate: 1e-3)
            for _ in 0..<1000 {
                _ = p.lossAndBackward()
                opt.step()
            }
            return p.net.parameters.map(\.value)
        }
        let a = train(), b = train()
        for (x, y) in zip(a, b) {
            #expect(x.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
        }
    }

    @Test func exportedStateResumesBitIdentically() throws {
        for (name, make) in Self.makers() {
            // Uninterrupted: 20 steps.
            let full = Problem(seed: 7)
            let optFull = make(full.net.namedParameters(prefix: "net"))
            for _ in 0..<20 { _ = full.lossAndBackward(); optFull.step() }
            // Interrupted after 10: export weights, optimizer state and RNG; restore into fresh objects.
            let first = Problem(seed: 7)
            let opt1 = make(first.net.namedParameters(prefix: "net"))
            for _ in 0..<10 { _ = first.lossAndBackward(); opt1.step() }
            let state = opt1.exportState()
            #expect(state.step == 10)
            let resumed = Problem(seed: 99)
            resumed.net.copyParameters(from: first.net)
            resumed.rng = first.rng
            let opt2 = make(resumed.net.namedParameters(prefix: "net"))
            try opt2.restoreState(state)
            for _ in 0..<10 { _ = resumed.lossAndBackward(); opt2.step() }
            for (x, y) in zip(full.net.parameters, resumed.net.parameters) {
                #expect(x.value.scalars.map(\.bitPattern) == y.value.scalars.map(\.bitPattern), "\(name)")
            }
            #expect(opt2.exportState() == optFull.exportState(), "\(name)")
        }
    }

    @Test func restoringMismatchedStateThrowsDescriptiveErrors() {
        var rng = Xoshiro256(seed: 1)
        let net = Sequential.mlp([2, 3, 1], rng: &rng)
        let adam = Adam(net.namedParameters(prefix: "q"))
        let state = adam.exportState()
        #expect(state.buffers.keys.sorted().first == "q.layers.0.bias.exp_avg")
        #expect(throws: OptimizerStateError.algorithmMismatch(expected: "sgd", found: "adam")) {
            try SGD(net.namedParameters(prefix: "q"), learningRate: 0.1).restoreState(state)
        }
        #expect(throws: OptimizerStateError.self) { try Adam(net.namedParameters(prefix: "pi")).restoreState(state) }
        var wrongSize = state
        wrongSize.buffers["q.layers.0.bias.exp_avg"] = [1]
        do {
            try Adam(net.namedParameters(prefix: "q")).restoreState(wrongSize)
            Issue.record("expected a size mismatch")
        } catch {
            #expect("\(error)".contains("q.layers.0.bias.exp_avg") && "\(error)".contains("same architecture"))
        }
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant(0.1).value(at: 1000) == 0.1)
        let lin = LearningRateSchedule.linear(start: 1, end: 0.1, steps: 100)
        #expect(lin.value(at: 0) == 1 && isClose(lin.value(at: 50), 0.55) && lin.value(at: 100) == 0.1 && lin.value(at: 500) == 0.1)
        let cos = LearningRateSchedule.cosine(start: 1, end: 0, steps: 100)
        #expect(cos.value(at: 0) == 1 && isClose(cos.value(at: 50), 0.5) && abs(cos.value(at: 100)) < 1e-12)
        #expect(isClose(cos.value(at: 25), 0.5 * (1 + (Double.pi / 4).cosine)))
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let a = Parameter(Tensor([3])), b = Parameter(Tensor([0, 0]))
        a.grad = Tensor([3])
        b.grad = Tensor([4, 0])
        let params = [NamedParameter("a", a), NamedParameter("b", b)]
        #expect(clipGradientNorm(params, maxNorm: 10) == 5)
        #expect(a.grad.scalars == [3])
        #expect(clipGradientNorm(params, maxNorm: 1) == 5)
        #expect(isClose(a.grad.scalar, 0.6, relative: 1e-5) && isClose(b.grad[0], 0.8, relative: 1e-5))
    }
}

private extension Double {
    var cosine: Double { _cosine(self) }
}
#if canImport(Glibc)
import Glibc
private func _cosine(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
private func _cosine(_ x: Double) -> Double { Darwin.cos(x) }
#endif
