// Every gradient rule of TensorCore, one per primitive, in one place. Each rule ADDS its input
// gradients (inputs may feed several nodes). Notation: x = input value, y = this node's value,
// g = d loss / d y. Every rule is checked against central finite differences in
// Tests/TensorCoreTests/GradientTests.swift.

extension Tape {
    func propagate(_ i: Int) {
        let node = nodes[i]
        switch node.op {
        case .leaf, .parameter: return  // their gradient is the result; parameters' live in `grad`
        default: break
        }
        let g = gradPool[i].storage.pointer
        let y = node.value
        switch node.op {
        case .leaf, .parameter:
            return

        case .unary(let f):
            guard let dx = inputGrad(node.a) else { return }
            let x = value(node.a).pointer, yv = y.pointer, n = y.count
            switch f {
            case .exp: for k in 0..<n { dx[k] += g[k] * yv[k] }                          // e^x
            case .log: for k in 0..<n { dx[k] += g[k] / x[k] }                            // 1/x
            case .tanh: for k in 0..<n { dx[k] += g[k] * (1 - yv[k] * yv[k]) }            // 1 - tanh²
            case .sigmoid: for k in 0..<n { dx[k] += g[k] * yv[k] * (1 - yv[k]) }         // σ(1-σ)
            case .relu: for k in 0..<n where x[k] > 0 { dx[k] += g[k] }                   // 1[x>0]
            case .softplus: for k in 0..<n { dx[k] += g[k] * Ops.sigmoid(x[k]) }          // σ(x)
            case .sqrt: for k in 0..<n { dx[k] += g[k] * 0.5 / yv[k] }                    // 1/(2√x)
            case .abs: for k in 0..<n { dx[k] += x[k] > 0 ? g[k] : (x[k] < 0 ? -g[k] : 0) } // sign(x)
            case .neg: for k in 0..<n { dx[k] -= g[k] }                                   // -1
            case .square: for k in 0..<n { dx[k] += 2 * x[k] * g[k] }                     // 2x
            }

        case .affine(let scale):                                                          // d(ax+b)/dx = a
            guard let dx = inputGrad(node.a) else { return }
            for k in 0..<y.count { dx[k] += scale * g[k] }

        case .clamp(let lo, let hi):                                                      // 1[lo <= x <= hi]
            guard let dx = inputGrad(node.a) else { return }
            let x = value(node.a).pointer
            for k in 0..<y.count where x[k] >= lo && x[k] <= hi { dx[k] += g[k] }

        case .huber(let delta):                                                           // clamp(x, -δ, δ)
            guard let dx = inputGrad(node.a) else { return }
            let x = value(node.a).pointer
            for k in 0..<y.count { dx[k] += g[k] * Swift.min(Swift.max(x[k], -delta), delta) }

        case .binary(let f):
            binaryGradient(f, a: node.a, b: node.b, outShape: y.shape, g: g)

        case .select(let mask):                                                           // mask·g, (1-mask)·g
            let m = mask.pointer
            if let da = inputGrad(node.a) { for k in 0..<y.count where m[k] != 0 { da[k] += g[k] } }
            if let db = inputGrad(node.b) { for k in 0..<y.count where m[k] == 0 { db[k] += g[k] } }

        case .reduceAll(let r):
            guard let dx = inputGrad(node.a) else { return }
            let xv = value(node.a)
            reductionGradient(r, x: xv.pointer, y: y.pointer, g: g, dx: dx, outer: 1, n: xv.count, inner: 1)

        case .reduce(let r, let axis, _):
            guard let dx = inputGrad(node.a) else { return }
            let xv = value(node.a)
            let (outer, n, inner) = axisSplit(xv.shape, axis)
            reductionGradient(r, x: xv.pointer, y: y.pointer, g: g, dx: dx, outer: outer, n: n, inner: inner)

        case .reshape:                                                                    // identity on elements
            guard let dx = inputGradForWriting(node.a) else { return }
            write(g, into: dx, count: y.count)

        case .rows(let range):                                                            // scatter into the rows
            guard let dx = inputGrad(node.a) else { return }
            let rowSize = range.isEmpty ? 0 : y.count / range.count
            let base = dx + range.lowerBound * rowSize
            for k in 0..<y.count { base[k] += g[k] }

        case .concat(let axis, let inputs):                                               // split back
            let (outer, total, inner) = axisSplit(y.shape, axis)
            var offset = 0
            for j in inputs {
                let chunk = value(j).shape[axis] * inner
                if let dx = inputGrad(j) {
                    for o in 0..<outer {
                        let src = g + o * total * inner + offset, dst = dx + o * chunk
                        for k in 0..<chunk { dst[k] += src[k] }
                    }
                }
                offset += chunk
            }

        case .transpose:                                                                  // transpose back
            guard let dx = inputGrad(node.a) else { return }
            let (n, m) = (y.shape[0], y.shape[1])  // y is [n, m], x is [m, n]
            for r in 0..<m { for c in 0..<n { dx[r * n + c] += g[c * m + r] } }

        case .gather(let indices, let axis):                                              // scatter-add
            guard let dx = inputGrad(node.a) else { return }
            let (outer, n, inner) = axisSplit(value(node.a).shape, axis)
            indices.withUnsafeBufferPointer { idx in
                for o in 0..<outer {
                    for k in 0..<inner { dx[(o * n + idx[o * inner + k]) * inner + k] += g[o * inner + k] }
                }
            }

        case .softmax(let axis):                                                          // y ⊙ (g - Σ g⊙y)
            guard let dx = inputGrad(node.a) else { return }
            let (outer, n, inner) = axisSplit(y.shape, axis)
            let yv = y.pointer
            for o in 0..<outer {
                for k in 0..<inner {
                    let base = o * n * inner + k
                    var dot: Float = 0
                    for j in 0..<n { dot += g[base + j * inner] * yv[base + j * inner] }
                    for j in 0..<n { dx[base + j * inner] += yv[base + j * inner] * (g[base + j * inner] - dot) }
                }
            }

        case .logSoftmax(let axis):                                                       // g - e^y Σ g
            guard let dx = inputGrad(node.a) else { return }
            let (outer, n, inner) = axisSplit(y.shape, axis)
            let yv = y.pointer
            for o in 0..<outer {
                for k in 0..<inner {
                    let base = o * n * inner + k
                    var s: Float = 0
                    for j in 0..<n { s += g[base + j * inner] }
                    for j in 0..<n { dx[base + j * inner] += g[base + j * inner] - fexp(yv[base + j * inner]) * s }
                }
            }

        case .matmul(let tA, let tB):
            matmulGradient(a: node.a, b: node.b, transposeA: tA, transposeB: tB, outShape: y.shape, g: g)

        case .linear(let activation):
            linearGradient(node, activation: activation, g: g)

        case .recurrence(let cell, let reverse, let initial):
            recurrenceGradient(node, cell: cell, reverse: reverse, initial: initial, g: g)

        case .columns(let range, let cols):                                               // scatter into the columns
            guard let dx = inputGrad(node.a) else { return }
            let (rows, n) = (y.shape[0], y.shape[1])
            for r in 0..<rows {
                let dst = dx + r * cols + range.lowerBound, src = g + r * n
                for k in 0..<n { dst[k] += src[k] }
            }

        case .timeShift(let steps):                                                       // shift back: dx[t-s] += g[t]
            guard let dx = inputGrad(node.a) else { return }
            let (b, t, c) = (y.shape[0], y.shape[1], y.shape[2])
            if steps >= t { return }
            for r in 0..<b {
                let dst = dx + r * t * c, src = g + r * t * c + steps * c
                for k in 0..<((t - steps) * c) { dst[k] += src[k] }
            }
        }
    }

    /// Broadcasting binary arithmetic: per element d/dx and d/dy, summed over broadcast dimensions.
    private func binaryGradient(_ f: BinaryFunction, a: Int, b: Int, outShape: [Int], g: UnsafePointer<Float>) {
        let da = inputGrad(a), db = inputGrad(b)
        if da == nil && db == nil { return }
        let av = value(a), bv = value(b)
        let x = av.pointer, yv = bv.pointer
        // Gradient of one output element with respect to each side.
        @inline(__always) func partials(_ gk: Float, _ xk: Float, _ yk: Float) -> (Float, Float) {
            switch f {
            case .add: return (gk, gk)
            case .sub: return (gk, -gk)
            case .mul: return (gk * yk, gk * xk)
            case .div: return (gk / yk, -gk * xk / (yk * yk))
            case .maximum: return xk > yk ? (gk, 0) : (xk < yk ? (0, gk) : (gk / 2, gk / 2))
            case .minimum: return xk < yk ? (gk, 0) : (xk > yk ? (0, gk) : (gk / 2, gk / 2))
            default: return (0, 0)  // comparisons never require gradients
            }
        }
        if av.shape == bv.shape {
            for k in 0..<av.count {
                let (pa, pb) = partials(g[k], x[k], yv[k])
                da?[k] += pa
                db?[k] += pb
            }
            return
        }
        Ops.broadcastRows(out: outShape, a: av.shape, b: bv.shape) { o, ia, ib, n, sa, sb in
            for k in 0..<n {
                let (pa, pb) = partials(g[o + k], x[ia + k * sa], yv[ib + k * sb])
                da?[ia + k * sa] += pa
                db?[ib + k * sb] += pb
            }
        }
    }

    /// Sum: g; mean: g/n; max/min: g to the first extremal element; logsumexp: g·e^(x-y) (softmax).
    private func reductionGradient(_ r: Reduction, x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                                   dx: UnsafeMutablePointer<Float>, outer: Int, n: Int, inner: Int) {
        for o in 0..<outer {
            for k in 0..<inner {
                let base = o * n * inner + k, gk = g[o * inner + k], yk = y[o * inner + k]
                switch r {
                case .sum: for j in 0..<n { dx[base + j * inner] += gk }
                case .mean: for j in 0..<n { dx[base + j * inner] += gk / Float(n) }
                case .max, .min:
                    for j in 0..<n where x[base + j * inner] == yk {
                        dx[base + j * inner] += gk
                        break
                    }
                case .logSumExp: for j in 0..<n { dx[base + j * inner] += gk * fexp(x[base + j * inner] - yk) }
                }
            }
        }
    }

    /// C = op(A)·op(B): d op(A) = G·op(B)ᵀ and d op(B) = op(A)ᵀ·G, each written as one sgemm with
    /// beta = 1 (accumulate) and the transposes passed to BLAS.
    private func matmulGradient(a: Int, b: Int, transposeA tA: Bool, transposeB tB: Bool, outShape: [Int], g: UnsafePointer<Float>) {
        let av = value(a), bv = value(b)
        let (m, n) = (outShape[0], outShape[1])
        let k = tA ? av.shape[0] : av.shape[1]
        let (lda, ldb) = (av.shape[1], bv.shape[1])
        if let da = inputGrad(a) {
            if !tA {  // dA[m,k] += G[m,n] · op(B)ᵀ
                BLAS.gemm(transA: false, transB: !tB, m: m, n: k, k: n, alpha: 1, a: g, lda: n, b: bv.pointer, ldb: ldb, beta: 1, c: da, ldc: k)
            } else {  // dA[k,m] += op(B) · Gᵀ
                BLAS.gemm(transA: tB, transB: true, m: k, n: m, k: n, alpha: 1, a: bv.pointer, lda: ldb, b: g, ldb: n, beta: 1, c: da, ldc: m)
            }
        }
        if let db = inputGrad(b) {
            if !tB {  // dB[k,n] += op(A)ᵀ · G
                BLAS.gemm(transA: !tA, transB: false, m: k, n: n, k: m, alpha: 1, a: av.pointer, lda: lda, b: g, ldb: n, beta: 1, c: db, ldc: n)
            } else {  // dB[n,k] += Gᵀ · op(A)
                BLAS.gemm(transA: true, transB: tA, m: n, n: k, k: m, alpha: 1, a: g, lda: n, b: av.pointer, ldb: lda, beta: 1, c: db, ldc: k)
            }
        }
    }

    /// y = act(x·Wᵀ + b): dz = g ⊙ act'(y); dx += dz·W; dW += dzᵀ·x; db += Σ_rows dz.
    private func linearGradient(_ node: Node, activation: Activation, g: UnsafePointer<Float>) {
        let y = node.value
        let (rows, outs) = (y.shape[0], y.shape[1])
        let count = rows * outs
        var dz = g
        if activation != .identity {
            let s = scratch(count), yv = y.pointer
            switch activation {
            case .identity: break
            case .relu: Kernels.reluBackward(output: yv, gradient: g, into: s, count: count)  // yv > 0 ? g : 0
            case .tanh: for k in 0..<count { s[k] = g[k] * (1 - yv[k] * yv[k]) }
            case .sigmoid: for k in 0..<count { s[k] = g[k] * yv[k] * (1 - yv[k]) }
            }
            dz = UnsafePointer(s)
        }
        let x = value(node.a), w = value(node.b)
        let ins = w.shape[1]
        if let (dx, assign) = inputGradForWriting(node.a) {
            BLAS.gemm(transA: false, transB: false, m: rows, n: ins, k: outs, alpha: 1, a: dz, lda: outs,
                      b: w.pointer, ldb: ins, beta: assign ? 0 : 1, c: dx, ldc: ins)
        }
        if let dw = inputGrad(node.b) {
            BLAS.gemm(transA: true, transB: false, m: outs, n: ins, k: rows, alpha: 1, a: dz, lda: outs,
                      b: x.pointer, ldb: ins, beta: 1, c: dw, ldc: ins)
        }
        if node.c >= 0, let db = inputGrad(node.c) {
            for r in 0..<rows {
                let row = dz + r * outs
                for j in 0..<outs { db[j] += row[j] }
            }
        }
    }

    /// Backpropagation through time for ``RecurrentCell`` (Ops+Recurrent.swift), walking the steps in
    /// the reverse of the forward order. `g` is the gradient of the workspace `[B, T, S]` (any of its
    /// columns may have one: the hidden sequence, the final cell state, the gates). Per step, with
    /// `dh`, `dc` the gradients reaching the step's new state and `σ' = σ(1−σ)`, `tanh' = 1 − tanh²`:
    ///
    /// LSTM (`c = f c₋ + i g`, `h = o tanh c`):
    ///   dc += dh·o·tanh'(c); do = dh·tanh c; di = dc·g; dg = dc·i; df = dc·c₋; dc₋ = dc·f;
    ///   dpre = [di σ'(i), df σ'(f), dg tanh'(g), do σ'(o)]; it is both d(input gates) and d(hidden product).
    /// GRU (`n = tanh(xn + r·hn)`, `hn = W_hn h₋ + b_hn`, `h = (1−z) n + z h₋`):
    ///   dn = dh(1−z); dz = dh(h₋ − n); dh₋ = dh·z; dpn = dn·tanh'(n); dr = dpn·hn; dhn = dpn·r;
    ///   d(input gates) = [dr σ'(r), dz σ'(z), dpn]; d(hidden product) = [dr σ'(r), dz σ'(z), dhn].
    /// Then, with P the d(hidden product) rows `[B, G·H]` of the step:
    ///   dh₋ += P·W_hh; dW_hh += Pᵀ·h₋; db_hh += Σ_rows P (two sgemm and a row sum per step).
    /// The gradients left for the first step's previous state go to the initial state.
    private func recurrenceGradient(_ node: Node, cell: RecurrentCell, reverse: Bool, initial: Int, g: UnsafePointer<Float>) {
        switch cell {
        case .lstm: lstmGradient(node, reverse: reverse, initial: initial, g: g)
        case .gru: gruGradient(node, reverse: reverse, initial: initial, g: g)
        }
    }

    /// The GRU case of the recurrence rule above, step by step.
    private func gruGradient(_ node: Node, reverse: Bool, initial: Int, g: UnsafePointer<Float>) {
        let ws = node.value
        let (b, t, s) = (ws.shape[0], ws.shape[1], ws.shape[2])
        let w = value(node.b)
        let h = w.shape[1], gh = 3 * h
        let dgx = inputGrad(node.a), dw = inputGrad(node.b), dbias = node.c >= 0 ? inputGrad(node.c) : nil
        let initialValue = initial >= 0 ? value(initial).pointer : nil
        let dinitial = initial >= 0 ? inputGrad(initial) : nil
        // Scratch: dh, dpre, d(hidden product), and a zero row standing for the zero initial state
        // (so the inner loops carry no optionals).
        let buf = scratch(b * (h + 2 * gh) + h)
        let dh = buf, dpre = buf + b * h, dhid = dpre + b * gh
        let zeros = UnsafePointer(dhid + b * gh)
        dh.update(repeating: 0, count: b * h)
        (dhid + b * gh).update(repeating: 0, count: h)
        let y = ws.pointer, rowStride = t * s
        for step in stride(from: t - 1, through: 0, by: -1) {
            let ti = reverse ? t - 1 - step : step
            let prevH: UnsafePointer<Float>?, prevLd: Int
            if step == 0 {
                prevH = initialValue.map { UnsafePointer($0) }
                prevLd = h
            } else {
                prevH = UnsafePointer(y + (reverse ? ti + 1 : ti - 1) * s)
                prevLd = rowStride
            }
            for r in 0..<b {
                let row = y + ti * s + r * rowStride, gr = g + ti * s + r * rowStride
                let rg = row + h, zg = row + 2 * h, hn = row + 3 * h, ng = row + 4 * h
                let dhr = dh + r * h, dp = dpre + r * gh, dq = dhid + r * gh
                let hp = prevH.map { $0 + r * prevLd } ?? zeros
                for k in 0..<h {
                    let dhk = dhr[k] + gr[k]
                    let hpk = hp[k]
                    let dn = dhk * (1 - zg[k]) + gr[4 * h + k]
                    let dz = dhk * (hpk - ng[k]) + gr[2 * h + k]
                    let dpn = dn * (1 - ng[k] * ng[k])
                    let dr = dpn * hn[k] + gr[h + k]
                    let dpr = dr * rg[k] * (1 - rg[k]), dpz = dz * zg[k] * (1 - zg[k])
                    dp[k] = dpr; dp[h + k] = dpz; dp[2 * h + k] = dpn
                    dq[k] = dpr; dq[h + k] = dpz; dq[2 * h + k] = dpn * rg[k] + gr[3 * h + k]
                    dhr[k] = dhk * zg[k]  // the direct path; P·W_hh is added below
                }
            }
            recurrenceStepParameters(pre: dpre, hidden: dhid, b: b, t: t, ti: ti, gh: gh, h: h, w: w.pointer, prevH: prevH,
                                     prevLd: prevLd, dgx: dgx, dw: dw, dbias: dbias, dh: dh)
        }
        if let dinitial {
            for r in 0..<b {
                let dst = dinitial + r * h
                for k in 0..<h { dst[k] += dh[r * h + k] }
            }
        }
    }

    /// The LSTM case of the recurrence rule above (same equations), arranged for speed: each step
    /// runs the fused elementwise kernel (`Kernels.lstmBackward`) and one product `dh₋ = P·W_hh`,
    /// and writes its gate gradients P into one `[B, T, 4H]` buffer; after the last step that buffer
    /// gives d(input gates) by one addition, `db_hh` by one column sum and
    /// `dW_hh = Σ_t P_tᵀ·h_{t−1}` by **one** product over all `B·T` rows (row `j` of the buffer
    /// against workspace row `j ∓ 1`, the previous step of the same sequence; the rows of each
    /// sequence's first step, whose previous state is the initial state, are taken out of that
    /// product and multiplied by the initial state separately). `T` thin products with `k = B`
    /// become one with `k = B·T`, which OpenBLAS runs near its peak.
    private func lstmGradient(_ node: Node, reverse: Bool, initial: Int, g: UnsafePointer<Float>) {
        let ws = node.value
        let (b, t, s) = (ws.shape[0], ws.shape[1], ws.shape[2])
        let w = value(node.b)
        let h = w.shape[1], gh = 4 * h, sw = 2 * h, rows = b * t
        let dgx = inputGradForWriting(node.a), dw = inputGrad(node.b), dbias = node.c >= 0 ? inputGrad(node.c) : nil
        let initialValue = initial >= 0 ? UnsafePointer(value(initial).pointer) : nil
        let dinitial = initial >= 0 ? inputGrad(initial) : nil
        // Scratch: the gate gradients of every step [B, T, 4H], then dh and dc [B, H].
        let buf = scratch(rows * gh + 2 * b * h)
        let dp = buf, dh = buf + rows * gh, dc = dh + b * h
        dh.update(repeating: 0, count: 2 * b * h)
        let y = UnsafePointer(ws.pointer), rowStride = t * s, ldp = t * gh
        let first = reverse ? t - 1 : 0  // the step whose previous state is the initial state
        for step in stride(from: t - 1, through: 0, by: -1) {
            let ti = reverse ? t - 1 - step : step
            let prevH: UnsafePointer<Float>?, prevLd: Int
            if step == 0 {
                (prevH, prevLd) = (initialValue, sw)
            } else {
                (prevH, prevLd) = (y + (reverse ? ti + 1 : ti - 1) * s, rowStride)
            }
            Kernels.lstmBackward(rows: b, hidden: h, workspace: y + ti * s, gradient: g + ti * s, ld: rowStride,
                                 prevC: prevH.map { $0 + h }, ldPrev: prevLd, dh: dh, dc: dc, gates: dp + ti * gh, ldGates: ldp)
            // dh₋ = P·W_hh (nothing to carry past a zero initial state).
            if prevH != nil {
                BLAS.gemm(transA: false, transB: false, m: b, n: h, k: gh, alpha: 1, a: dp + ti * gh, lda: ldp, b: w.pointer,
                          ldb: h, beta: 0, c: dh, ldc: h)
            }
        }
        if let dgx { write(dp, into: dgx, count: rows * gh) }
        if let dbias {
            for r in 0..<rows {
                let src = dp + r * gh
                for k in 0..<gh { dbias[k] += src[k] }
            }
        }
        if let dw {
            if let initialValue {
                BLAS.gemm(transA: true, transB: false, m: gh, n: h, k: b, alpha: 1, a: dp + first * gh, lda: ldp,
                          b: initialValue, ldb: sw, beta: 1, c: dw, ldc: h)
            }
            for r in 0..<b { (dp + (r * t + first) * gh).update(repeating: 0, count: gh) }
            if rows > 1 {
                let (pStart, hStart) = reverse ? (0, 1) : (1, 0)
                BLAS.gemm(transA: true, transB: false, m: gh, n: h, k: rows - 1, alpha: 1, a: dp + pStart * gh, lda: gh,
                          b: y + hStart * s, ldb: s, beta: 1, c: dw, ldc: h)
            }
        }
        if let dinitial {
            for r in 0..<b {
                let dst = dinitial + r * sw
                for k in 0..<h { dst[k] += dh[r * h + k] }
                for k in 0..<h { dst[h + k] += dc[r * h + k] }
            }
        }
    }

    /// One GRU step's share of the recurrence gradient: the input-gate rows, `W_hh`, `b_hh` and the
    /// hidden state carried to the previous step (`dh += P·W_hh`: the direct path `dh·z` is already
    /// there; nothing when the previous state is the zero state).
    private func recurrenceStepParameters(pre: UnsafePointer<Float>, hidden p: UnsafePointer<Float>, b: Int, t: Int, ti: Int,
                                          gh: Int, h: Int, w: UnsafePointer<Float>, prevH: UnsafePointer<Float>?, prevLd: Int,
                                          dgx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?,
                                          dbias: UnsafeMutablePointer<Float>?, dh: UnsafeMutablePointer<Float>) {
        if let dgx {
            for r in 0..<b {
                let dst = dgx + (r * t + ti) * gh, src = pre + r * gh
                for k in 0..<gh { dst[k] += src[k] }
            }
        }
        if let dbias {
            for r in 0..<b {
                let src = p + r * gh
                for k in 0..<gh { dbias[k] += src[k] }
            }
        }
        guard let prevH else { return }  // the zero state: no W_hh term, nothing to carry
        if let dw {
            BLAS.gemm(transA: true, transB: false, m: gh, n: h, k: b, alpha: 1, a: p, lda: gh, b: prevH, ldb: prevLd,
                      beta: 1, c: dw, ldc: h)
        }
        BLAS.gemm(transA: false, transB: false, m: b, n: h, k: gh, alpha: 1, a: p, lda: gh, b: w, ldb: h,
                  beta: 1, c: dh, ldc: h)
    }
}
