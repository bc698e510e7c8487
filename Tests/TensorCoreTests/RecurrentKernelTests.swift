import Foundation
import Testing
import TestSupport
@testable import TensorCore

/// The fused LSTM kernels (CKernels/recurrent.c) and the batch-1 hidden product: the same bits at
/// every vector width, agreement with the scalar equations of the batched path, and finite
/// differences through the single-sequence path (which reads the transposed weight).
@Suite("Recurrent kernels: vector widths, batch 1")
struct RecurrentKernelTests {
    /// Workspace and every gradient of an LSTM recurrence (loss weighting every workspace column).
    static func lstmRun(batch b: Int, steps t: Int, hidden h: Int, initial: Bool, reverse: Bool, seed: UInt64) -> [[Float]] {
        let x = RecurrenceGradientTests.inputs(.lstm, batch: b, steps: t, hidden: h, seed: seed)
        let tape = Tape()
        let v = x.map { tape.variable($0) }
        let ws = v[0].recurrence(.lstm, hiddenWeight: v[1], hiddenBias: v[2], initialState: initial ? v[3] : nil, reverse: reverse)
        var rng = Xoshiro256(seed: seed + 100)
        tape.backward((ws * Tensor.normal(ws.shape, rng: &rng)).sum())
        return [ws.value.scalars] + v.prefix(initial ? 4 : 3).map { tape.gradient(of: $0)?.scalars ?? [] }
    }

    /// Scalar (0), SSE-only (1: the scalar path here), AVX (2) and AVX-512 (3) give the same bits,
    /// with hidden sizes that leave a vector tail (20 = 16 + 4) and that fill whole vectors (32),
    /// forward and backward in time, batch 1 (transposed-weight product) and batch 3 (sgemm).
    @Test(arguments: [(1, 20), (3, 20), (3, 32), (1, 32)])
    func lstmIsTheSameBitsAtEveryVectorWidth(_ shape: (batch: Int, hidden: Int)) {
        defer { Kernels.limitSIMDLevel(-1) }
        for reverse in [false, true] {
            for initial in [false, true] {
                var results: [[[Float]]] = []
                for level in [0, 1, 2, 3] {
                    Kernels.limitSIMDLevel(level)
                    results.append(Self.lstmRun(batch: shape.batch, steps: 5, hidden: shape.hidden, initial: initial, reverse: reverse, seed: 41))
                }
                for level in 1..<results.count {
                    #expect(zip(results[0], results[level]).allSatisfy { a, b in a.map(\.bitPattern) == b.map(\.bitPattern) },
                            "batch \(shape.batch) hidden \(shape.hidden) reverse \(reverse) initial \(initial): level \(level) differs from scalar")
                }
            }
        }
    }

    /// One sequence run alone (transposed-weight product, fused multiply-adds) equals its row of a
    /// batched run (sgemm) to float rounding, forward and backward in time.
    @Test(arguments: [false, true])
    func oneSequenceMatchesItsRowOfABatch(reverse: Bool) {
        let (b, t, h) = (3, 6, 24)
        let x = RecurrenceGradientTests.inputs(.lstm, batch: b, steps: t, hidden: h, seed: 43)
        let s = RecurrentCell.lstm.workspaceWidth(hidden: h), gh = 4 * h
        let batched = x[0].recurrence(.lstm, hiddenWeight: x[1], hiddenBias: x[2], initialState: x[3], reverse: reverse)
        for r in 0..<b {
            let gates = Tensor(shape: [1, t, gh], scalars: Array(x[0].scalars[(r * t * gh)..<((r + 1) * t * gh)]))
            let initial = Tensor(shape: [1, 2 * h], scalars: Array(x[3].scalars[(r * 2 * h)..<((r + 1) * 2 * h)]))
            let alone = gates.recurrence(.lstm, hiddenWeight: x[1], hiddenBias: x[2], initialState: initial, reverse: reverse)
            var worst: Float = 0
            for j in 0..<(t * s) { worst = max(worst, abs(alone[element: j] - batched[element: r * t * s + j])) }
            #expect(worst < 1e-5, "row \(r): max difference \(worst)")
        }
    }

    /// Finite differences through the batch-1 path, with a hidden size that leaves a vector tail.
    @Test(arguments: [false, true])
    func oneSequenceGradientsMatchFiniteDifferences(reverse: Bool) {
        let x = RecurrenceGradientTests.inputs(.lstm, batch: 1, steps: 3, hidden: 18, seed: reverse ? 44 : 45)
        let bad = gradientMismatches(x) { _, v in
            v[0].recurrence(.lstm, hiddenWeight: v[1], hiddenBias: v[2], initialState: v[3], reverse: reverse)
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    /// The transpose (8x8 tiles plus edges) and the batch-1 hidden product against a Double
    /// reference, the product the same bits at every width, for sizes with and without vector tails
    /// and partial tiles (256 = the 16-register block).
    @Test(arguments: [(256, 64), (300, 7), (20, 12), (512, 128)])
    func hiddenProductMatchesReference(_ size: (m: Int, n: Int)) {
        defer { Kernels.limitSIMDLevel(-1) }
        var rng = Xoshiro256(seed: 46)
        let w = Tensor.uniform([size.m, size.n], low: -1, high: 1, rng: &rng)
        let x = Tensor.uniform([size.n], low: -1, high: 1, rng: &rng), y0 = Tensor.uniform([size.m], low: -1, high: 1, rng: &rng)
        var wt = [Float](repeating: 0, count: size.m * size.n)
        wt.withUnsafeMutableBufferPointer { Kernels.transpose(w.pointer, rows: size.m, columns: size.n, into: $0.baseAddress!) }
        #expect((0..<size.m).allSatisfy { j in (0..<size.n).allSatisfy { wt[$0 * size.m + j] == w[j, $0] } })
        var outputs: [[Float]] = []
        for level in [0, 2, 3] {
            Kernels.limitSIMDLevel(level)
            var y = y0.scalars
            wt.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer {
                    Kernels.hiddenProduct(x.pointer, transposedWeight: wp.baseAddress!, gates: size.m, hidden: size.n, into: $0.baseAddress!)
                }
            }
            outputs.append(y)
        }
        for j in 0..<size.m {
            let exact = Double(y0[j]) + (0..<size.n).reduce(0.0) { $0 + Double(w[j, $1]) * Double(x[$1]) }
            #expect(isClose(Double(outputs[0][j]), exact, relative: 1e-5, absolute: 1e-5), "row \(j)")
        }
        #expect(outputs.dropFirst().allSatisfy { $0.map(\.bitPattern) == outputs[0].map(\.bitPattern) })
    }
}
