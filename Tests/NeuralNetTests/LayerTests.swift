import Testing
import TestSupport
@testable import NeuralNet

@Suite("Layers, initializers and target networks")
struct LayerTests {
    @Test func mlpNamesShapesAndFusion() throws {
        var rng = Xoshiro256(seed: 1)
        let net = Sequential.mlp([4, 8, 8, 2], rng: &rng)
        #expect(net.namedParameters(prefix: "q").map(\.name) == [
            "q.layers.0.weight", "q.layers.0.bias", "q.layers.2.weight", "q.layers.2.bias", "q.layers.4.weight", "q.layers.4.bias",
        ])
        #expect(net.namedParameters(prefix: "q")[2].parameter.value.shape == [8, 8])
        #expect(net.parameterCount == 4 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2)
        let x = Tensor.normal([3, 4], rng: &rng)
        // The fused path equals the unfused composition.
        let l0 = try #require(net.layers[0] as? Linear)
        let l2 = try #require(net.layers[2] as? Linear)
        let l4 = try #require(net.layers[4] as? Linear)
        let manual = l4(l2(l0(x).relu()).relu())
        #expect(firstMismatch(net(x).scalars, manual.scalars, relative: 1e-6, absolute: 1e-7) == nil)
        // The recorded path computes the same values and records one node per fused layer.
        let tape = Tape()
        let y = net(tape.constant(x))
        #expect(y.value == net(x))
        #expect(tape.count == 1 + 3 * 3)  // the input, then per layer: weight, bias and one fused linear+activation
    }

    @Test func mlpGradientMatchesFiniteDifferences() {
        var rng = Xoshiro256(seed: 2)
        let net = Sequential.mlp([3, 5, 2], activation: .tanh, rng: &rng)
        let x = Tensor.normal([4, 3], rng: &rng)
        // The same computation with the weights as checker inputs.
        let bad = gradientMismatches([x] + net.parameters.map(\.value)) { _, v in
            v[0].linear(weight: v[1], bias: v[2], activation: .tanh).linear(weight: v[3], bias: v[4])
        }
        #expect(bad.isEmpty, "\(bad.prefix(3))")
        // And through the layer API: parameter gradients equal the variable gradients above.
        let tape = Tape()
        var wrng = Xoshiro256(seed: 9)
        let weights = Tensor.normal([4, 2], rng: &wrng)
        tape.backward((net(tape.constant(x)) * weights).sum())
        let tape2 = Tape()
        let vars = net.parameters.map { tape2.variable($0.value) }
        let out = tape2.constant(x).linear(weight: vars[0], bias: vars[1], activation: .tanh).linear(weight: vars[2], bias: vars[3])
        tape2.backward((out * weights).sum())
        for (p, v) in zip(net.parameters, vars) { #expect(p.grad == tape2.gradient(of: v)) }
    }

    @Test func copyAndPolyak() {
        var rng = Xoshiro256(seed: 4)
        let online = Sequential.mlp([3, 4, 2], rng: &rng), target = Sequential.mlp([3, 4, 2], rng: &rng)
        let before = target.parameters.map(\.value)
        target.polyakUpdate(from: online, tau: 0.25)
        for ((t, o), b) in zip(zip(target.parameters, online.parameters), before) {
            let expected = (o.value * 0.25 + b * 0.75).scalars
            #expect(firstMismatch(t.value.scalars, expected, relative: 1e-6, absolute: 1e-7) == nil)
        }
        target.copyParameters(from: online)
        for (t, o) in zip(target.parameters, online.parameters) { #expect(t.value == o.value) }
        // Copies are values: training the online net leaves the target unchanged.
        online.parameters[0].value[0, 0] += 1
        #expect(target.parameters[0].value != online.parameters[0].value)
    }

    @Test func initializerStatistics() {
        var rng = Xoshiro256(seed: 5)
        func std(_ t: Tensor) -> Float { ((t - t.mean().scalar).squared().mean().scalar).squareRoot() }
        let shape = [256, 400]  // fanIn 400, fanOut 256
        let ku = Initializer.kaimingUniform(gain: Initializer.reluGain).make(shape, rng: &rng)
        let bound = Initializer.reluGain * (3 / Float(400)).squareRoot()
        #expect(ku.max().scalar <= bound && ku.min().scalar >= -bound && ku.max().scalar > 0.99 * bound)
        let kn = Initializer.kaimingNormal(gain: Initializer.reluGain).make(shape, rng: &rng)
        #expect(abs(std(kn) / (Initializer.reluGain / 20) - 1) < 0.02)
        let xn = Initializer.xavierNormal(gain: 1).make(shape, rng: &rng)
        #expect(abs(std(xn) / (2 / Float(656)).squareRoot() - 1) < 0.02)
        let xu = Initializer.xavierUniform(gain: 1).make(shape, rng: &rng)
        #expect(xu.max().scalar <= (6 / Float(656)).squareRoot())
        #expect(Initializer.zeros.make([3], rng: &rng).scalars == [0, 0, 0])
        #expect(Initializer.constant(2).make([2], rng: &rng).scalars == [2, 2])
        let o = Initializer.orthogonal(gain: 2).make([8, 5], rng: &rng)
        let gram = o.matmul(o, transposeSelf: true)
        for i in 0..<5 { for j in 0..<5 { #expect(abs(gram[i, j] - (i == j ? 4 : 0)) < 1e-4) } }
    }
}

@Suite("Eager inference is the recorded forward")
struct EagerForwardTests {
    @Test func eagerEqualsRecordedAndReadsWeightsLive() {
        var rng = Xoshiro256(seed: 8)
        let net = Sequential.mlp([6, 10, 10, 3], activation: .tanh, outputActivation: .sigmoid, rng: &rng)
        let x = Tensor.normal([4, 6], rng: &rng)
        // Bit for bit: both run the one forward, one on a caller's tape, one on a gradient-free tape.
        let tape = Tape()
        let recorded = net(tape.constant(x)).value
        #expect(net(x) == recorded)
        // A row alone gives that row of the batch (up to the GEMV / GEMM rounding difference).
        #expect(firstMismatch(net(x.rows(1..<2)).scalars, recorded.rows(1..<2).scalars, relative: 1e-5, absolute: 1e-6) == nil)
        // The eager pass records nothing on the caller's tape.
        let before = tape.count
        _ = net(x)
        #expect(tape.count == before)
        // Weights are read live: after an update the output follows.
        let old = net(x)
        net.parameters[0].value[0, 0] += 1
        #expect(net(x) != old)
        let tape2 = Tape()
        #expect(net(x) == net(tape2.constant(x)).value)
    }

    @Test func mlpWithOneWidthIsTheIdentity() {
        var rng = Xoshiro256(seed: 9)
        let trunk = Sequential.mlp([5], activation: .relu, outputActivation: .relu, rng: &rng)
        #expect(trunk.layers.isEmpty && trunk.namedParameters.isEmpty)
        let x = Tensor.normal([2, 5], rng: &rng)
        #expect(trunk(x) == x)
        // A trunk (outputActivation = activation) ends with the activation; the same draws as mlp without it.
        var r1 = Xoshiro256(seed: 10), r2 = Xoshiro256(seed: 10)
        let withAct = Sequential.mlp([5, 7, 3], activation: .tanh, outputActivation: .tanh, rng: &r1)
        let plain = Sequential.mlp([5, 7, 3], activation: .tanh, rng: &r2)
        #expect(withAct.layers.count == 4 && plain.layers.count == 3)
        #expect(withAct.parameters.map(\.value) == plain.parameters.map(\.value))
        #expect(firstMismatch(withAct(x).scalars, plain(x).tanh().scalars, relative: 1e-6, absolute: 1e-7) == nil)
    }
}
