import Foundation
import Testing
import TestSupport
@testable import TensorCore

/// Single ops against PyTorch (Goldens/ops.*, from scripts/goldens/make_goldens.py).
@Suite("Ops vs PyTorch goldens")
struct TorchGoldenTests {
    @Test func forwardAndGradientMatchPyTorch() throws {
        let golden = try Golden("ops", bundle: Bundle.module)
        let x = try golden.tensor("x"), w = try golden.tensor("w"), m = try golden.tensor("m")
        let fns: [(String, (Variable) -> Variable)] = [
            ("softmax1", { $0.softmax(axis: 1) }), ("log_softmax1", { $0.logSoftmax(axis: 1) }),
            ("softmax0", { $0.softmax(axis: 0) }),
            ("logsumexp1", { $0.logSumExp(axis: 1, keepDims: true) + $0.tape.constant(Tensor.zeros([4, 6])) }),
            ("sigmoid", { $0.sigmoid() }), ("tanh", { $0.tanh() }), ("softplus", { $0.softplus() }), ("exp", { $0.exp() }),
            ("huber", { $0.huber(delta: 1.5) }),
        ]
        for (name, f) in fns {
            let tape = Tape()
            let xv = tape.variable(x)
            let y = f(xv)
            tape.backward((y * w).sum())
            let dx = try #require(tape.gradient(of: xv))
            let forward = goldenMismatch(y.value, try golden.tensor("\(name).y"))
            let backward = goldenMismatch(dx, try golden.tensor("\(name).dx"))
            #expect(forward == nil, "\(name) forward: \(forward ?? "")")
            #expect(backward == nil, "\(name) gradient: \(backward ?? "")")
        }
        let tape = Tape()
        let xv = tape.variable(x), mv = tape.variable(m)
        let y = xv.matmul(mv)
        tape.backward(y.squared().sum())
        #expect(goldenMismatch(y.value, try golden.tensor("matmul.y")) == nil)
        #expect(goldenMismatch(try #require(tape.gradient(of: xv)), try golden.tensor("matmul.dx")) == nil)
        #expect(goldenMismatch(try #require(tape.gradient(of: mv)), try golden.tensor("matmul.dm")) == nil)
    }
}
