import Testing
import TestSupport
@testable import TensorCore

/// Every differentiable primitive against central finite differences (TestSupport/FiniteDifference.swift).
@Suite("Gradients vs finite differences")
struct GradientTests {
    /// Random inputs kept away from 0 by `margin` so kinks (relu, abs, clamp) are not straddled.
    static func input(_ shape: [Int], seed: UInt64, low: Float = -2, high: Float = 2, margin: Float = 0.1) -> Tensor {
        var rng = Xoshiro256(seed: seed)
        var t = Tensor.uniform(shape, low: low, high: high, rng: &rng)
        t.withUnsafeMutableBufferPointer { b in
            for i in b.indices where abs(b[i]) < margin { b[i] = b[i] < 0 ? -margin : margin }
        }
        return t
    }

    static func expectGradient(_ inputs: [Tensor], _ f: (Tape, [Variable]) -> Variable,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let bad = gradientMismatches(inputs, f)
        #expect(bad.isEmpty, "\(bad.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test(arguments: [UnaryFunction.exp, .tanh, .sigmoid, .relu, .softplus, .abs, .neg, .square])
    func unary(_ f: UnaryFunction) {
        Self.expectGradient([Self.input([3, 4], seed: 1)]) { _, v in v[0].map(f) }
    }

    @Test func logAndSqrtOnPositiveInputs() {
        let x = Self.input([3, 4], seed: 2, low: 0.5, high: 3)
        Self.expectGradient([x]) { _, v in v[0].log() }
        Self.expectGradient([x]) { _, v in v[0].sqrt() }
    }

    @Test func scalarAffineClampHuber() {
        let x = Self.input([2, 5], seed: 3, low: -3, high: 3)
        Self.expectGradient([x]) { _, v in (2 - v[0] * 3 + 1) / 4 }
        Self.expectGradient([x]) { _, v in v[0].clamped(min: -1.05, max: 1.05) }
        Self.expectGradient([x]) { _, v in v[0].huber(delta: 1.05) }
    }

    @Test(arguments: [BinaryFunction.add, .sub, .mul, .div, .maximum, .minimum])
    func binarySameShapeAndBroadcast(_ f: BinaryFunction) {
        // Left values on multiples of 1/4, right values at odd multiples of 1/8 in [0.5, 2]: no ties
        // within the finite-difference step (maximum/minimum have a kink there), no division by ~0.
        func left(_ s: [Int], _ seed: UInt64) -> Tensor { Tensor(shape: s, scalars: Self.input(s, seed: seed).scalars.map { ($0 * 4).rounded() / 4 }) }
        func right(_ s: [Int], _ seed: UInt64) -> Tensor {
            Tensor(shape: s, scalars: Self.input(s, seed: seed, low: 0.5, high: 2).scalars.map { ($0 * 4).rounded() / 4 + 0.125 })
        }
        let a = left([3, 4], 4), b = right([3, 4], 5)
        Self.expectGradient([a, b]) { _, v in v[0].zip(v[1], f) }
        Self.expectGradient([a, right([4], 6)]) { _, v in v[0].zip(v[1], f) }             // row vector
        Self.expectGradient([a, right([3, 1], 7)]) { _, v in v[0].zip(v[1], f) }          // column vector
        Self.expectGradient([left([1], 8), b]) { _, v in v[0].zip(v[1], f) }              // scalar
        Self.expectGradient([left([3, 1], 9), right([1, 4], 10)]) { _, v in v[0].zip(v[1], f) }  // outer
    }

    @Test func select() {
        let mask = Tensor([[1, 0, 1], [0, 0, 1]])
        Self.expectGradient([Self.input([2, 3], seed: 11), Self.input([2, 3], seed: 12)]) { _, v in
            Variable.select(mask, v[0], v[1]) * v[0]
        }
    }

    @Test(arguments: [Reduction.sum, .mean, .max, .min, .logSumExp])
    func reductions(_ r: Reduction) {
        let x = Self.input([3, 4, 2], seed: 13)
        Self.expectGradient([x]) { _, v in v[0].reduce(r) }
        for axis in 0..<3 {
            Self.expectGradient([x]) { _, v in v[0].reduce(r, axis: axis) }
        }
        Self.expectGradient([x]) { _, v in v[0].reduce(r, axis: 1, keepDims: true) }
    }

    @Test func shapeOperations() {
        let x = Self.input([4, 3], seed: 14), y = Self.input([2, 3], seed: 15)
        Self.expectGradient([x]) { _, v in v[0].reshaped([2, 6]).squared() }
        Self.expectGradient([x]) { _, v in v[0].rows(1..<3) * v[0].rows(2..<4) }
        Self.expectGradient([x, y]) { _, v in Variable.concatenate([v[0], v[1], v[0]], axis: 0).tanh() }
        Self.expectGradient([x, x]) { _, v in Variable.concatenate([v[0], v[1]], axis: 1).tanh() }
        Self.expectGradient([x]) { _, v in v[0].transposed().sigmoid() }
        Self.expectGradient([x]) { _, v in v[0].gather([2, 0, 1, 1], axis: 1).squared() }
        Self.expectGradient([x]) { _, v in v[0].gather([3, 0, 1], axis: 0).squared() }
    }

    @Test func softmaxAndLogSoftmax() {
        let x = Self.input([3, 5], seed: 16, low: -3, high: 3)
        for axis in [0, 1] {
            Self.expectGradient([x]) { _, v in v[0].softmax(axis: axis) }
            Self.expectGradient([x]) { _, v in v[0].logSoftmax(axis: axis) }
        }
    }

    @Test func matmulAllTransposes() {
        let a = Self.input([3, 4], seed: 17), b = Self.input([4, 2], seed: 18)
        let at = a.transposed(), bt = b.transposed()
        Self.expectGradient([a, b]) { _, v in v[0].matmul(v[1]) }
        Self.expectGradient([at, b]) { _, v in v[0].matmul(v[1], transposeSelf: true) }
        Self.expectGradient([a, bt]) { _, v in v[0].matmul(v[1], transposeOther: true) }
        Self.expectGradient([at, bt]) { _, v in v[0].matmul(v[1], transposeSelf: true, transposeOther: true) }
    }

    @Test(arguments: Activation.allCases)
    func fusedLinear(_ act: Activation) {
        let x = Self.input([5, 4], seed: 19), w = Self.input([3, 4], seed: 20, low: -1, high: 1)
        let b = Self.input([3], seed: 21, low: -1, high: 1)
        Self.expectGradient([x, w, b]) { _, v in v[0].linear(weight: v[1], bias: v[2], activation: act) }
        Self.expectGradient([x.rows(0..<1), w]) { _, v in v[0].linear(weight: v[1], bias: nil, activation: act) }
    }

    @Test func composedExpressionReusingInputs() {
        // One input feeding several nodes: gradients must accumulate.
        let x = Self.input([2, 3], seed: 22)
        Self.expectGradient([x]) { _, v in (v[0] * v[0].exp() + v[0].tanh()).logSoftmax().mean(axis: 0) }
    }

    @Test func finiteDifferenceCheckerCatchesAWrongGradient() {
        // The checker itself must be able to fail: stopping the gradient of one factor is wrong.
        let bad = gradientMismatches([Self.input([3], seed: 23)]) { _, v in v[0].detached() * v[0] }
        #expect(!bad.isEmpty)
    }
}
