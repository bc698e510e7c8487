import CKernels

// The fused elementwise halves of an LSTM time step (CKernels/recurrent.c), for the recurrence
// primitive (Ops+Recurrent.swift) and its gradient rule (Tape+Gradients.swift).
extension Kernels {
    /// Activates the gates and writes `c` and `h` for `rows` rows of an LSTM workspace
    /// (`h | c | i f g o`, see ``RecurrentCell``). Pre-activations: the hidden product already in
    /// the gate columns (when `product`; else 0) + the input gates (row stride `ldInput`) + `bias`.
    /// `prevC` is the previous cell state (row stride `ldPrev`), or nil for zeros. One vectorized
    /// pass per row.
    @inline(__always)
    static func lstmForward(rows: Int, hidden h: Int, workspace: UnsafeMutablePointer<Float>, ld: Int, inputGates: UnsafePointer<Float>,
                            ldInput: Int, bias: UnsafePointer<Float>?, product: Bool, prevC: UnsafePointer<Float>?, ldPrev: Int) {
        mg_lstm_forward(rows, h, workspace, ld, inputGates, ldInput, bias, product ? 1 : 0, prevC, ldPrev)
    }

    /// One LSTM step's elementwise backward for `rows` rows (equations: `mg_lstm_backward` in
    /// CKernels.h and the recurrence rule in Tape+Gradients.swift): reads the workspace rows and
    /// their gradient (stride `ld`), `dh` and `dc` (`[rows, h]`), writes the gate gradients (row
    /// stride `ldGates`) and the previous cell state's gradient into `dc`.
    @inline(__always)
    static func lstmBackward(rows: Int, hidden h: Int, workspace: UnsafePointer<Float>, gradient: UnsafePointer<Float>, ld: Int,
                             prevC: UnsafePointer<Float>?, ldPrev: Int, dh: UnsafeMutablePointer<Float>,
                             dc: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>, ldGates: Int) {
        mg_lstm_backward(rows, h, workspace, gradient, ld, prevC, ldPrev, dh, dc, gates, ldGates)
    }

    /// `out[j] (+)= Σ_k h[k]·wt[k·G·H + j]`: the hidden product of one sequence over the transposed
    /// `W_hh` (`[H, G·H]`), accumulators in registers (CKernels `mg_hidden_product`); `accumulate`
    /// adds to `out`, else overwrites it.
    @inline(__always)
    static func hiddenProduct(_ hp: UnsafePointer<Float>, transposedWeight wt: UnsafePointer<Float>, gates gh: Int, hidden h: Int,
                              into out: UnsafeMutablePointer<Float>, accumulate: Bool = true) {
        mg_hidden_product(gh, h, hp, wt, out, accumulate ? 1 : 0)
    }

    /// `out = aᵀ` for a row-major `[rows, columns]` matrix.
    @inline(__always)
    static func transpose(_ a: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        mg_transpose(rows, columns, a, out)
    }
}
