import Testing
import SeededRandom
@testable import TensorCore

/// The two-thread kernels: correct results, and the same bits with 1 or 2 threads.
/// (`Parallelism.threads` is process-wide; other tests running meanwhile are unaffected because
/// no result depends on it.)
@Suite("Parallel kernels", .serialized)
struct ParallelismTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = Xoshiro256(seed: seed)
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in Float(rng.uniformDouble()) - 0.5 })
    }

    /// Every transposition, shapes cut by rows and by columns (including widths that are not
    /// multiples of 16): products above the split threshold match a Double reference and give the
    /// same bits with 1 and 2 threads.
    @Test func splitGEMMIsCorrectAndThreadIndependent() {
        let shapes = [(64, 256, 256), (256, 64, 256), (300, 100, 80), (70, 333, 90), (1024, 33, 64)]
        for (m, n, k) in shapes {
            #expect(m * n * k >= BLAS.splitAtMultiplyAdds, "\(m)x\(n)x\(k) is below the split threshold")
            for tA in [false, true] {
                for tB in [false, true] {
                    let a = Self.random(tA ? [k, m] : [m, k], seed: UInt64(m + n))
                    let b = Self.random(tB ? [n, k] : [k, n], seed: UInt64(k + 7))
                    let saved = Parallelism.threads
                    Parallelism.threads = 1
                    let one = a.matmul(b, transposeSelf: tA, transposeOther: tB)
                    Parallelism.threads = 2
                    let two = a.matmul(b, transposeSelf: tA, transposeOther: tB)
                    Parallelism.threads = saved
                    #expect(one.scalars == two.scalars, "\(m)x\(n)x\(k) tA \(tA) tB \(tB)")
                    var worst = 0.0
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = 0.0
                            for p in 0..<k {
                                let x = Double(tA ? a[element: p * m + i] : a[element: i * k + p])
                                let y = Double(tB ? b[element: j * k + p] : b[element: p * n + j])
                                s += x * y
                            }
                            worst = max(worst, abs(s - Double(two[element: i * n + j])))
                        }
                    }
                    #expect(worst < 1e-3, "\(m)x\(n)x\(k) tA \(tA) tB \(tB): max error \(worst)")
                }
            }
        }
    }

    /// The vectorized, split Adam kernel gives the bits of the scalar formula, element by element,
    /// at every vector width this CPU has (the cap is process-wide: results do not depend on it).
    @Test(arguments: [0, 1, 2, 3])
    func adamKernelMatchesScalarFormula(simdLevel: Int) {
        Kernels.limitSIMDLevel(simdLevel)
        defer { Kernels.limitSIMDLevel(-1) }
        for n in [1, 15, 17, 1_000, 40_000 + 37] {
            let g = Self.random([n], seed: 1).scalars, w0 = Self.random([n], seed: 2).scalars
            let m0 = Self.random([n], seed: 3).scalars.map { $0 * 0.1 }, v0 = Self.random([n], seed: 4).scalars.map { $0 * $0 }
            let (c1, b2, c2, bc, eps, step): (Float, Float, Float, Float, Float, Float) = (0.1, 0.999, 0.001, 0.0447, 1e-8, 2.3e-3)
            var m = m0, v = v0, w = w0
            let saved = Parallelism.threads
            defer { Parallelism.threads = saved }
            for threads in [1, 2] {
                Parallelism.threads = threads
                m = m0; v = v0; w = w0
                g.withUnsafeBufferPointer { gp in
                    m.withUnsafeMutableBufferPointer { mp in
                        v.withUnsafeMutableBufferPointer { vp in
                            w.withUnsafeMutableBufferPointer { wp in
                                Kernels.adamUpdate(gradient: gp.baseAddress!, firstMoment: mp.baseAddress!, secondMoment: vp.baseAddress!,
                                                   weights: wp.baseAddress!, count: n, c1: c1, beta2: b2, c2: c2, bc2Sqrt: bc,
                                                   epsilon: eps, stepSize: step)
                            }
                        }
                    }
                }
                var same = true
                for k in 0..<n {
                    let mk = m0[k] + c1 * (g[k] - m0[k])
                    let t = c2 * g[k]
                    let vk = v0[k] * b2 + t * g[k]
                    let den = vk.squareRoot() / bc + eps
                    let wk = w0[k] - step * (mk / den)
                    if mk != m[k] || vk != v[k] || wk != w[k] { same = false }
                }
                #expect(same, "n \(n), \(threads) threads")
            }
        }
    }

    /// The vectorized tanh kernel gives `ftanh`'s bits for every input — clamp edges, the identity
    /// range near zero, signed zeros, infinities, NaN, subnormals — at every vector width.
    @Test(arguments: [0, 1, 2, 3])
    func tanhKernelMatchesScalarFunction(simdLevel: Int) {
        Kernels.limitSIMDLevel(simdLevel)
        defer { Kernels.limitSIMDLevel(-1) }
        var x = Self.random([4_099], seed: 6).scalars.map { $0 * 20 }
        let clamp: Float = 7.905_311_107_635_498_05
        x += [0, -0.0, 0.0004, -0.0004, Float(0.0004).nextDown, Float(0.0004).nextUp, clamp, -clamp, clamp.nextUp, clamp.nextDown,
              -clamp.nextUp, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e30, -1e-30]
        for n in [1, 7, 16, 17, x.count] {
            var y = [Float](repeating: 0, count: n)
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { Kernels.tanh(xp.baseAddress!, into: $0.baseAddress!, count: n) } }
            var same = true
            for i in 0..<n where y[i].bitPattern != ftanh(x[i]).bitPattern && !(y[i].isNaN && ftanh(x[i]).isNaN) { same = false }
            #expect(same, "n \(n)")
        }
        // The tail (the last elements, including the special values) is checked in place too.
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer { Kernels.tanh($0.baseAddress!, into: $0.baseAddress!, count: $0.count) }
        #expect(zip(inPlace, x).allSatisfy { $0.bitPattern == ftanh($1).bitPattern || ($0.isNaN && ftanh($1).isNaN) })
    }

    /// The sum of squares follows its documented order exactly (16 interleaved sums, pairwise), at
    /// every vector width.
    @Test(arguments: [0, 1, 2, 3])
    func sumOfSquaresFollowsItsOrder(simdLevel: Int) {
        Kernels.limitSIMDLevel(simdLevel)
        defer { Kernels.limitSIMDLevel(-1) }
        for n in [1, 16, 31, 65_536 + 5] {
            let x = Self.random([n], seed: 5).scalars
            var lanes = [Float](repeating: 0, count: 16)
            for i in 0..<n { lanes[i % 16] = lanes[i % 16] + x[i] * x[i] }
            var width = 8
            while width >= 1 {
                for j in 0..<width { lanes[j] = lanes[j] + lanes[j + width] }
                width /= 2
            }
            let got = x.withUnsafeBufferPointer { Kernels.sumOfSquares($0.baseAddress!, count: n) }
            #expect(got == lanes[0], "n \(n)")
        }
    }
}
