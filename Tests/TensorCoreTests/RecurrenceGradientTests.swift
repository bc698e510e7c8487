import Foundation
import Testing
import TestSupport
@testable import TensorCore

/// The sequence primitives (recurrence, columns, time shift) against central finite differences.
/// The checked scalar weighs every workspace column, so the gradient of the hidden sequence, the
/// cell state and the gates are all exercised, through every time step.
@Suite("Recurrent gradients vs finite differences")
struct RecurrenceGradientTests {
    static func inputs(_ cell: RecurrentCell, batch b: Int, steps t: Int, hidden h: Int, seed: UInt64) -> [Tensor] {
        var rng = Xoshiro256(seed: seed)
        let gh = cell.gates * h
        return [
            Tensor.uniform([b, t, gh], low: -1.5, high: 1.5, rng: &rng),
            Tensor.uniform([gh, h], low: -0.8, high: 0.8, rng: &rng),
            Tensor.uniform([gh], low: -0.5, high: 0.5, rng: &rng),
            Tensor.uniform([b, cell.stateWidth(hidden: h)], low: -1, high: 1, rng: &rng),
        ]
    }

    @Test(arguments: RecurrentCell.allCases, [false, true])
    func recurrenceWithInitialState(_ cell: RecurrentCell, reverse: Bool) {
        let x = Self.inputs(cell, batch: 3, steps: 4, hidden: 3, seed: reverse ? 21 : 22)
        let bad = gradientMismatches(x) { _, v in
            v[0].recurrence(cell, hiddenWeight: v[1], hiddenBias: v[2], initialState: v[3], reverse: reverse)
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test(arguments: RecurrentCell.allCases, [false, true])
    func recurrenceFromZeroStateWithoutBias(_ cell: RecurrentCell, reverse: Bool) {
        let x = Self.inputs(cell, batch: 2, steps: 5, hidden: 2, seed: reverse ? 23 : 24)
        let bad = gradientMismatches(Array(x[0...1])) { _, v in
            v[0].recurrence(cell, hiddenWeight: v[1], hiddenBias: nil, initialState: nil, reverse: reverse)
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    /// Only the hidden sequence feeds the loss (the usual case), through a reshape and a column slice.
    @Test(arguments: RecurrentCell.allCases)
    func hiddenSequenceThroughColumns(_ cell: RecurrentCell) {
        let (b, t, h) = (2, 3, 4)
        let x = Self.inputs(cell, batch: b, steps: t, hidden: h, seed: 25)
        let bad = gradientMismatches(x) { _, v in
            let ws = v[0].recurrence(cell, hiddenWeight: v[1], hiddenBias: v[2], initialState: v[3])
            return ws.reshaped([b * t, cell.workspaceWidth(hidden: h)]).columns(cell.hiddenColumns(hidden: h)).tanh()
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func columnsAndTimeShift() {
        var rng = Xoshiro256(seed: 26)
        let m = Tensor.uniform([3, 5], low: -2, high: 2, rng: &rng)
        #expect(gradientMismatches([m]) { _, v in v[0].columns(1..<4) }.isEmpty)
        let s = Tensor.uniform([2, 5, 3], low: -2, high: 2, rng: &rng)
        #expect(gradientMismatches([s]) { _, v in v[0].columns(1..<4, rowLength: 5) }.isEmpty)  // a [2, 5, 3] seen as 6 rows of 5
        #expect(s.columns(2..<3, rowLength: 15).scalars == [s[0, 0, 2], s[1, 0, 2]])
        for steps in [0, 2, 5, 7] {
            #expect(gradientMismatches([s]) { _, v in v[0].timeShifted(by: steps) }.isEmpty, "steps \(steps)")
        }
    }

    /// The forward equations, step by step with scalar Float math, for one small LSTM and GRU.
    @Test(arguments: RecurrentCell.allCases)
    func forwardMatchesScalarEquations(_ cell: RecurrentCell) {
        let (b, t, h) = (2, 3, 2)
        let x = Self.inputs(cell, batch: b, steps: t, hidden: h, seed: 27)
        let ws = x[0].recurrence(cell, hiddenWeight: x[1], hiddenBias: x[2], initialState: x[3])
        func sig(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        let gh = cell.gates * h, s = cell.workspaceWidth(hidden: h)
        for r in 0..<b {
            var hs = (0..<h).map { Double(x[3][r, $0]) }
            var cs = cell == .lstm ? (0..<h).map { Double(x[3][r, h + $0]) } : []
            for ti in 0..<t {
                var pre = (0..<gh).map { j in Double(x[2][j]) + (0..<h).reduce(0.0) { $0 + Double(x[1][j, $1]) * hs[$1] } }
                let gx = (0..<gh).map { Double(x[0][r, ti, $0]) }
                if cell == .lstm {
                    for j in 0..<gh { pre[j] += gx[j] }
                    for k in 0..<h {
                        let i = sig(pre[k]), f = sig(pre[h + k]), g = Foundation.tanh(pre[2 * h + k]), o = sig(pre[3 * h + k])
                        cs[k] = f * cs[k] + i * g
                        hs[k] = o * Foundation.tanh(cs[k])
                    }
                } else {
                    var next = hs
                    for k in 0..<h {
                        let rr = sig(gx[k] + pre[k]), z = sig(gx[h + k] + pre[h + k])
                        let n = Foundation.tanh(gx[2 * h + k] + rr * pre[2 * h + k])
                        next[k] = (1 - z) * n + z * hs[k]
                    }
                    hs = next
                }
                for k in 0..<h {
                    #expect(isClose(Double(ws[element: (r * t + ti) * s + k]), hs[k], relative: 1e-5, absolute: 1e-6),
                            "\(cell) b\(r) t\(ti) h\(k)")
                }
            }
        }
    }
}
