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
        let y = out.pointer, gx = inputGates.pointer, w = hiddenWeight.pointer
        let bias = hiddenBias?.pointer
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
                // gates = gx + b_hh + h_prev W_hhᵀ, written into the gate columns of the workspace.
                for r in 0..<b {
                    let pre = row0 + r * rowStride + 2 * h, src = gx + (r * t + ti) * gh
                    if let bias { for k in 0..<gh { pre[k] = src[k] + bias[k] } } else { pre.update(from: src, count: gh) }
                }
                if let prevH { addHiddenProduct(prevH, ld: prevLd, weight: w, rows: b, gates: gh, hidden: h, into: row0 + 2 * h, ld: rowStride) }
                for r in 0..<b {
                    let row = row0 + r * rowStride
                    let hv = row, cv = row + h, gates = row + 2 * h
                    let ig = gates, fg = gates + h, gg = gates + 2 * h, og = gates + 3 * h
                    sigmoidInPlace(ig, 2 * h)
                    Kernels.tanh(gg, into: gg, count: h)
                    sigmoidInPlace(og, h)
                    let prevC: UnsafeMutablePointer<Float>? = prevH.map { $0 + r * prevLd + h }
                    if let prevC {
                        for k in 0..<h { cv[k] = fg[k] * prevC[k] + ig[k] * gg[k] }
                    } else {
                        for k in 0..<h { cv[k] = ig[k] * gg[k] }
                    }
                    Kernels.tanh(cv, into: hv, count: h)
                    for k in 0..<h { hv[k] *= og[k] }
                }
            case .gru:
                // Columns h..<4h = [r | z | hn] pre-activations: b_hh + h_prev W_hhᵀ, plus gx for r and z.
                for r in 0..<b {
                    let pre = row0 + r * rowStride + h, src = gx + (r * t + ti) * gh
                    if let bias { pre.update(from: bias, count: gh) } else { pre.update(repeating: 0, count: gh) }
                    for k in 0..<(2 * h) { pre[k] += src[k] }
                }
                if let prevH { addHiddenProduct(prevH, ld: prevLd, weight: w, rows: b, gates: gh, hidden: h, into: row0 + h, ld: rowStride) }
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
        return out
    }

    /// `out[r] += h[r] · W_hhᵀ` for `rows` rows (strided): one sgemm, or one sgemv for a single row
    /// (batch-1 inference), which skips sgemm's packing.
    @inline(__always)
    static func addHiddenProduct(_ hp: UnsafePointer<Float>, ld: Int, weight w: UnsafePointer<Float>, rows b: Int, gates gh: Int,
                                 hidden h: Int, into out: UnsafeMutablePointer<Float>, ld ldo: Int) {
        if b == 1 {
            BLAS.gemv(trans: false, rows: gh, cols: h, alpha: 1, a: w, x: hp, beta: 1, y: out)
        } else {
            BLAS.gemm(transA: false, transB: true, m: b, n: gh, k: h, alpha: 1, a: hp, lda: ld, b: w, ldb: h, beta: 1, c: out, ldc: ldo)
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
