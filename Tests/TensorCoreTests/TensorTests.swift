import Testing
import TestSupport
@testable import TensorCore

@Suite("Tensor values")
struct TensorTests {
    /// A recorded op's value on a gradient-free tape (for ops only layers use, which have no eager twin).
    static func eager(_ x: Tensor, _ f: (Variable) -> Variable) -> Tensor {
        let tape = Tape()
        return tape.withoutGradients { f(tape.constant(x)).value }
    }

    @Test func creationAndShape() {
        let t = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(t.shape == [2, 3])
        #expect(t[1, 2] == 6)
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.ones([3]).scalars == [1, 1, 1])
        #expect(Tensor.full([1, 2], value: 7).scalars == [7, 7])
        #expect(Tensor.arange(0, 5, step: 2).scalars == [0, 2, 4])
        #expect(Tensor(scalar: 3).shape == [])
        #expect(Tensor(scalar: 3).scalar == 3)
    }

    @Test func copyOnWrite() {
        let a = Tensor([1, 2, 3])
        var b = a
        b[0] = 10
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [10, 2, 3])
        var c = b.reshaped([3, 1])
        let shared = c.sharesStorage
        #expect(shared)
        c[0, 0] = 5
        #expect(b.scalars == [10, 2, 3])
    }

    @Test func seededDrawsAreReproducible() {
        var r1 = Xoshiro256(seed: 3), r2 = Xoshiro256(seed: 3)
        let u1 = Tensor.uniform([100], low: -2, high: 2, rng: &r1), u2 = Tensor.uniform([100], low: -2, high: 2, rng: &r2)
        #expect(u1 == u2)
        #expect(u1.scalars.allSatisfy { $0 >= -2 && $0 < 2 })
        let n = Tensor.normal([20_000], mean: 1, std: 2, rng: &r1)
        let mean = n.mean().scalar
        let std = ((n - mean).squared().mean().scalar).squareRoot()
        #expect(abs(mean - 1) < 0.05)   // 4.5 standard errors
        #expect(abs(std - 2) < 0.05)
    }

    @Test func broadcasting() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect((m + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])           // row vector
        #expect((m * Tensor(shape: [2, 1], scalars: [1, -1])).scalars == [1, 2, 3, -4, -5, -6]) // column
        #expect((m - Tensor(scalar: 1)).scalars == [0, 1, 2, 3, 4, 5])
        #expect((2 - m).scalars == [1, 0, -1, -2, -3, -4])
        let outer = Tensor(shape: [2, 1], scalars: [1, 2]) * Tensor(shape: [1, 3], scalars: [1, 10, 100])
        #expect(outer.shape == [2, 3])
        #expect(outer.scalars == [1, 10, 100, 2, 20, 200])
        // Comparisons and select are recorded ops only (no eager caller needs them).
        #expect(Self.eager(m) { $0.zip(Tensor(scalar: 3), .greater) }.scalars == [0, 0, 0, 1, 1, 1])
        let w = Self.eager(m) { Variable.select($0.zip(Tensor(scalar: 3), .less).value, $0, -$0) }
        #expect(w.scalars == [1, 2, -3, -4, -5, -6])
    }

    @Test func unaryFunctions() {
        let x = Tensor([-30, -1, 0, 0.5, 30])
        #expect(x.relu().scalars == [0, 0, 0, 0.5, 30])
        #expect(Self.eager(x) { $0.abs() }.scalars == [30, 1, 0, 0.5, 30])
        #expect(x.clamped(min: -1, max: 1).scalars == [-1, -1, 0, 0.5, 1])
        let sp = Self.eager(x) { $0.softplus() }.scalars
        #expect(isClose(sp[4], 30) && sp[0] > 0 && isClose(sp[2], Float(0.6931472)))
        let sg = x.sigmoid().scalars
        #expect(sg.allSatisfy { $0.isFinite } && isClose(sg[2], 0.5) && isClose(sg[1], 1 / (1 + Float(2.7182817))))
        #expect(Tensor([1, 4]).sqrt().scalars == [1, 2])
        #expect(isClose(Tensor([1]).exp().scalar, Float(2.7182817)))
        #expect(Tensor([-3, 0.5, 2]).huber(delta: 1).scalars == [2.5, 0.125, 1.5])
    }

    @Test func reductions() {
        let m = Tensor([[1, 5, 3], [4, 2, 6]])
        #expect(m.sum().scalar == 21)
        #expect(m.mean().scalar == 3.5)
        #expect(m.sum(axis: 0).scalars == [5, 7, 9])
        #expect(m.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(m.max(axis: 1).scalars == [5, 6])
        #expect(Self.eager(m) { $0.min(axis: 0) }.scalars == [1, 2, 3])
        #expect(m.argmax(axis: 1) == [1, 2])
        #expect(m.argmax(axis: 0) == [1, 0, 1])
        #expect(m.max().scalar == 6 && m.min().scalar == 1)
        // logsumexp stays finite where the naive formula overflows.
        let big = Tensor([1000, 1000])
        #expect(isClose(Self.eager(big) { $0.logSumExp() }.scalar, 1000 + Float(0.6931472)))
        let lse = Self.eager(m) { $0.logSumExp(axis: 1) }.scalars
        #expect(isClose(lse[0], Float(Foundation_log(exp(1.0) + exp(5.0) + exp(3.0)))))
    }

    @Test func softmaxIsStable() {
        let x = Tensor([[1000, 1001, 1002], [-5, 0, 5]])
        let s = x.softmax()
        #expect(s.scalars.allSatisfy { $0.isFinite })
        #expect(isClose(s.sum(axis: 1).scalars[0], 1))
        let e = [exp(-2.0), exp(-1.0), 1.0], z = e.reduce(0, +)
        #expect(isClose(s[0, 0], Float(e[0] / z)))
        let ls = x.logSoftmax()
        #expect(abs(ls[0, 2] - Float(Foundation_log(1 / z))) < 1e-4)  // x - lse loses digits at 1e3
        #expect(x.softmax(axis: 0) == x.transposed().softmax(axis: 1).transposed())
    }

    @Test func shapes() {
        let m = Tensor([[1, 2], [3, 4], [5, 6]])
        #expect(m.rows(1..<3).scalars == [3, 4, 5, 6])
        #expect(m.transposed().scalars == [1, 3, 5, 2, 4, 6])
        #expect(m.reshaped([-1]).shape == [6])
        #expect(Self.eager(m) { Variable.concatenate([$0, $0], axis: 1) }.scalars == [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6])
        #expect(Self.eager(m) { Variable.concatenate([$0, $0.rows(0..<1)]) }.shape == [4, 2])
        #expect(m.gather([1, 0, 1], axis: 1).scalars == [2, 3, 6])
        #expect(m.gather([2, 0], axis: 0).scalars == [5, 2])
    }

    @Test func matmulMatchesNaiveProduct() {
        var rng = Xoshiro256(seed: 1)
        let a = Tensor.normal([5, 7], rng: &rng), b = Tensor.normal([7, 3], rng: &rng)
        func naive(_ x: Tensor, _ y: Tensor) -> [Double] {
            var out = [Double](repeating: 0, count: x.shape[0] * y.shape[1])
            for i in 0..<x.shape[0] { for j in 0..<y.shape[1] { for k in 0..<x.shape[1] {
                out[i * y.shape[1] + j] += Double(x[i, k]) * Double(y[k, j])
            } } }
            return out
        }
        let ref = naive(a, b)
        for (got, exp) in [(a.matmul(b), ref), (a.transposed().matmul(b, transposeSelf: true), ref),
                           (a.matmul(b.transposed(), transposeOther: true), ref),
                           (a.transposed().matmul(b.transposed(), transposeSelf: true, transposeOther: true), ref)] {
            #expect(got.shape == [5, 3])
            #expect(firstMismatch(got.scalars.map(Double.init), exp, relative: 1e-5, absolute: 1e-5) == nil)
        }
        let bias = Tensor.normal([3], rng: &rng)
        let lin = a.linear(weight: b.transposed(), bias: bias, activation: .relu)
        let expLin = (a.matmul(b) + bias).relu()
        #expect(firstMismatch(lin.scalars, expLin.scalars, relative: 1e-5, absolute: 1e-6) == nil)
        // One row goes through gemv.
        let one = a.rows(2..<3).linear(weight: b.transposed(), bias: bias, activation: .tanh)
        #expect(firstMismatch(one.scalars, (a.rows(2..<3).matmul(b) + bias).tanh().scalars, relative: 1e-5, absolute: 1e-6) == nil)
    }

    @Test func orthonormalizedHasOrthonormalColumnsOrRows() {
        var rng = Xoshiro256(seed: 2)
        for shape in [[6, 4], [3, 5]] {
            let q = Tensor.normal(shape, rng: &rng).orthonormalized()
            #expect(q.shape == shape)
            let gram = shape[0] >= shape[1] ? q.matmul(q, transposeSelf: true) : q.matmul(q, transposeOther: true)
            let n = gram.shape[0]
            for i in 0..<n { for j in 0..<n { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-5) } }
        }
    }
}

import Foundation
private func Foundation_log(_ x: Double) -> Double { Foundation.log(x) }
