/// The recurrent cells TensorCore runs as one fused primitive over a whole sequence, with PyTorch's
/// equations and gate order (`torch.nn.LSTM`, `torch.nn.GRU`; Hochreiter & Schmidhuber 1997,
/// Cho et al. 2014).
///
/// - `lstm`: gates `i, f, g, o` (rows of the `[4H, ·]` weights in that order);
///   `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`.
/// - `gru`: gates `r, z, n`; the reset gate multiplies the hidden product *with its bias*:
///   `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`.
///
/// The primitive's value is a **workspace** `[B, T, S]` holding, for every sequence and time step,
/// the new state and the activated gates that backpropagation through time needs (like cuDNN's
/// reserve space). Row layout (`H` = hidden size):
/// - LSTM, `S = 6H`: `h | c | i f g o`;
/// - GRU, `S = 5H`: `h | r | z | hn | n` with `hn = W_hn h_prev + b_hn`.
/// The hidden sequence is columns `0..<H` (``hiddenColumns``); the cell state of an LSTM is
/// columns `H..<2H`.
public enum RecurrentCell: String, Sendable, Hashable, Codable, CaseIterable {
    case lstm, gru

    /// Gates per hidden unit: 4 (LSTM), 3 (GRU).
    public var gates: Int { self == .lstm ? 4 : 3 }

    /// Width of one workspace row for hidden size `h`: `6h` (LSTM) or `5h` (GRU).
    public func workspaceWidth(hidden h: Int) -> Int { self == .lstm ? 6 * h : 5 * h }

    /// Width of the packed initial state `[B, ·]`: `h0 | c0` (`2h`, LSTM) or `h0` (`h`, GRU).
    public func stateWidth(hidden h: Int) -> Int { self == .lstm ? 2 * h : h }

    /// The workspace columns holding the hidden state.
    public func hiddenColumns(hidden h: Int) -> Range<Int> { 0..<h }

    /// The workspace columns holding an LSTM's cell state (empty for a GRU).
    public func cellColumns(hidden h: Int) -> Range<Int> { self == .lstm ? h..<(2 * h) : h..<h }
}

extension Ops {
    /// `0.5 + 0.5·tanh(x/2)`, which is the logistic sigmoid, through the vectorized tanh kernel
    /// (the sigmoid with `expf` does not vectorize); error below 3e-7 absolute.
    @inline(__always)
    static func sigmoidInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        for k in 0..<n { p[k] *= 0.5 }
        Kernels.tanh(p, into: p, count: n)
        for k in 0..<n { p[k] = 0.5 + 0.5 * p[k] }
    }

    /// Runs `cell` over a whole batch of sequences (the recurrence only: the input products come in).
    ///
    /// - Parameters:
    ///   - inputGates: `[B, T, G·H]`, the input-to-hidden products `x_t W_ihᵀ + b_ih` of every time
    ///     step, computed beforehand as one matrix product.
    ///   - hiddenWeight: `W_hh`, `[G·H, H]`.
    ///   - hiddenBias: `b_hh`, `[G·H]`, or nil.
    ///   - initial: `[B, stateWidth]` (`h0 | c0` for an LSTM), or nil for zeros.
    ///   - reverse: run from the last time step to the first (the backward half of a bidirectional layer).
    /// - Returns: the workspace `[B, T, S]` described in ``RecurrentCell``.
    /// - Complexity: `T` products `[B, H] x [H, G·H]` and `O(B·T·H)` elementwise work; no allocation
    ///   besides the result.
    static func recurrence<A: OutputAllocator>(_ cell: RecurrentCell, inputGates: Tensor, hiddenWeight: Tensor, hiddenBias: Tensor?,
                                               initial: Tensor?, reverse: Bool, _ alloc: A) -> Tensor {
        precondition(hiddenWeight.rank == 2, "recurrence: hidden weight must be [G·H, H], got \(hiddenWeight.shape)")
        let h = hiddenWeight.shape[1], gh = cell.gates * h
        precondition(hiddenWeight.shape[0] == gh, "recurrence: \(cell) hidden weight \(hiddenWeight.shape) needs \(gh) rows")
        precondition(inputGates.rank == 3 && inputGates.shape[2] == gh,
                     "recurrence: input gates \(inputGates.shape) must be [B, T, \(gh)]")
        if let hiddenBias { precondition(hiddenBias.shape == [gh], "recurrence: hidden bias \(hiddenBias.shape) must be [\(gh)]") }
        let (b, t) = (inputGates.shape[0], inputGates.shape[1])
        let sw = cell.stateWidth(hidden: h)
        if let initial { precondition(initial.shape == [b, sw], "recurrence: initial state \(initial.shape) must be [\(b), \(sw)]") }
        let s = cell.workspaceWidth(hidden: h)
        let out = alloc.output(.same([b, t, s]))
        // W_hh transposed once per call ([H, G·H]): sgemm then packs it without transposing, and a
        // single sequence (inference) runs the register-blocked product over it.
        alloc.withScratch(gh * h) { wt in
            Kernels.transpose(hiddenWeight.pointer, rows: gh, columns: h, into: wt)
            recurrenceSteps(cell, inputGates: inputGates, transposedWeight: UnsafePointer(wt), hidden: h, hiddenBias: hiddenBias,
                            initial: initial, reverse: reverse, into: out)
        }
        return out
    }

    /// The time loop of ``recurrence(_:inputGates:hiddenWeight:hiddenBias:initial:reverse:_:)``, writing `out`.
    private static func recurrenceSteps(_ cell: RecurrentCell, inputGates: Tensor, transposedWeight wt: UnsafePointer<Float>, hidden h: Int,
                                        hiddenBias: Tensor?, initial: Tensor?, reverse: Bool, into out: Tensor) {
        let (b, t, s) = (out.shape[0], out.shape[1], out.shape[2])
        let gh = cell.gates * h, sw = cell.stateWidth(hidden: h)
        let y = out.pointer, gx = inputGates.pointer
        let bias = hiddenBias.map { UnsafePointer($0.pointer) }
        let rowStride = t * s
        for step in 0..<t {
            let ti = reverse ? t - 1 - step : step
            // The previous state: the initial state at the first step, else the workspace row.
            let prevH: UnsafeMutablePointer<Float>?, prevLd: Int
            if step == 0 {
                prevH = initial?.pointer
                prevLd = sw
            } else {
                prevH = y + (reverse ? ti + 1 : ti - 1) * s
                prevLd = rowStride
            }
            let row0 = y + ti * s
            switch cell {
            case .lstm:
                // gates = h_prev W_hhᵀ (sgemm into the gate columns), then + gx + b_hh, the activations,
                // c and h in one fused vectorized pass per row (CKernels/recurrent.c).
                if let prevH {
                    addHiddenProduct(prevH, ld: prevLd, transposedWeight: wt, rows: b, gates: gh, hidden: h, into: row0 + 2 * h,
                                     ld: rowStride, accumulate: false)
                }
                Kernels.lstmForward(rows: b, hidden: h, workspace: row0, ld: rowStride, inputGates: gx + ti * gh, ldInput: t * gh,
                                    bias: bias, product: prevH != nil, prevC: prevH.map { UnsafePointer($0 + h) }, ldPrev: prevLd)
            case .gru:
                // Columns h..<4h = [r | z | hn] pre-activations: b_hh + h_prev W_hhᵀ, plus gx for r and z.
                for r in 0..<b {
                    let pre = row0 + r * rowStride + h, src = gx + (r * t + ti) * gh
                    if let bias { pre.update(from: bias, count: gh) } else { pre.update(repeating: 0, count: gh) }
                    for k in 0..<(2 * h) { pre[k] += src[k] }
                }
                if let prevH {
                    addHiddenProduct(prevH, ld: prevLd, transposedWeight: wt, rows: b, gates: gh, hidden: h, into: row0 + h, ld: rowStride,
                                     accumulate: true)
                }
                for r in 0..<b {
                    let row = row0 + r * rowStride
                    let hv = row, rg = row + h, zg = row + 2 * h, hn = row + 3 * h, ng = row + 4 * h
                    let xn = gx + (r * t + ti) * gh + 2 * h
                    sigmoidInPlace(rg, 2 * h)
                    for k in 0..<h { ng[k] = xn[k] + rg[k] * hn[k] }
                    Kernels.tanh(ng, into: ng, count: h)
                    if let prevH {
                        let hp = prevH + r * prevLd
                        for k in 0..<h { hv[k] = (1 - zg[k]) * ng[k] + zg[k] * hp[k] }
                    } else {
                        for k in 0..<h { hv[k] = (1 - zg[k]) * ng[k] }
                    }
                }
            }
        }
    }

    /// `out[r] (+)= h[r] · W_hhᵀ` for `rows` rows (strided), from the transposed weight `wt`
    /// (`[H, G·H]`): one sgemm, or for a single row (batch-1 inference) the register-blocked
    /// product, which beats sgemv's dot products ~3× at these sizes.
    @inline(__always)
    static func addHiddenProduct(_ hp: UnsafePointer<Float>, ld: Int, transposedWeight wt: UnsafePointer<Float>, rows b: Int, gates gh: Int,
                                 hidden h: Int, into out: UnsafeMutablePointer<Float>, ld ldo: Int, accumulate: Bool) {
        if b == 1 {
            Kernels.hiddenProduct(hp, transposedWeight: wt, gates: gh, hidden: h, into: out, accumulate: accumulate)
        } else {
            BLAS.gemm(transA: false, transB: false, m: b, n: gh, k: h, alpha: 1, a: hp, lda: ld, b: wt, ldb: gh, beta: accumulate ? 1 : 0,
                      c: out, ldc: ldo)
        }
    }

    /// Columns `range` of `a` viewed as rows of `width` elements (any shape whose element count is a
    /// multiple of `width`), copied: `[count / width, range.count]`. Reading a view instead of
    /// recording a reshape saves a pass over a large input (and two in backward).
    static func columns<A: OutputAllocator>(_ a: Tensor, _ range: Range<Int>, width: Int, _ alloc: A) -> Tensor {
        precondition(width > 0 && a.count % width == 0, "columns: \(a.shape) is not made of rows of \(width)")
        precondition(range.lowerBound >= 0 && range.upperBound <= width, "columns: range \(range) out of bounds for rows of \(width)")
        let (rows, n) = (a.count / width, range.count)
        let out = alloc.output(.matrix(rows, n))
        for r in 0..<rows { (out.pointer + r * n).update(from: a.pointer + r * width + range.lowerBound, count: n) }
        return out
    }
}
