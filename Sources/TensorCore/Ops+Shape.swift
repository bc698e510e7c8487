extension Ops {
    /// Rows `range` of the first axis, copied.
    static func rows<A: OutputAllocator>(_ a: Tensor, _ range: Range<Int>, _ alloc: A) -> Tensor {
        precondition(a.rank >= 1, "rows: tensor of rank 0")
        precondition(range.lowerBound >= 0 && range.upperBound <= a.shape[0],
                     "rows: range \(range) out of bounds for first extent \(a.shape[0])")
        let rowSize = a.shape[0] == 0 ? 0 : a.count / a.shape[0]
        var shape = a.shape
        shape[0] = range.count
        let out = alloc.output(.same(shape))
        out.pointer.update(from: a.pointer + range.lowerBound * rowSize, count: range.count * rowSize)
        return out
    }

    /// Joins tensors along `axis`; all other extents must match.
    static func concat<A: OutputAllocator>(_ parts: [Tensor], axis: Int, _ alloc: A) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        var shape = parts[0].shape
        var total = 0
        for p in parts {
            precondition(p.rank == shape.count, "concat: ranks differ, \(p.shape) vs \(shape)")
            for d in 0..<shape.count where d != axis {
                precondition(p.shape[d] == shape[d], "concat: shapes \(p.shape) and \(parts[0].shape) differ off axis \(axis)")
            }
            total += p.shape[axis]
        }
        shape[axis] = total
        let out = alloc.output(.same(shape))
        let (outer, _, inner) = axisSplit(shape, axis)
        var offset = 0
        for p in parts {
            let chunk = p.shape[axis] * inner
            for o in 0..<outer {
                (out.pointer + o * total * inner + offset).update(from: p.pointer + o * chunk, count: chunk)
            }
            offset += chunk
        }
        return out
    }

    /// The transpose of a 2-D tensor.
    static func transpose<A: OutputAllocator>(_ a: Tensor, _ alloc: A) -> Tensor {
        precondition(a.rank == 2, "transpose: needs a 2-D tensor, got shape \(a.shape)")
        let (m, n) = (a.shape[0], a.shape[1])
        let out = alloc.output(.matrix(n, m))
        let x = a.pointer, y = out.pointer
        for i in 0..<m { for j in 0..<n { y[j * m + i] = x[i * n + j] } }
        return out
    }

    /// `a[..., indices[...], ...]` along `axis`: one index per position of the other axes, row-major;
    /// the axis is removed. With a `[B, A]` Q-table and `axis: 1` this picks `Q(s_b, a_b)`.
    static func gather<A: OutputAllocator>(_ a: Tensor, indices: [Int], axis: Int, _ alloc: A) -> Tensor {
        let (outer, n, inner) = axisSplit(a.shape, axis)
        precondition(indices.count == outer * inner,
                     "gather: \(indices.count) indices for shape \(a.shape) along axis \(axis) (need \(outer * inner))")
        let out = alloc.output(.reduced(a.shape, axis: axis, keepDims: false))
        let x = a.pointer, y = out.pointer
        indices.withUnsafeBufferPointer { idx in
            for o in 0..<outer {
                for i in 0..<inner {
                    let k = idx[o * inner + i]
                    precondition(k >= 0 && k < n, "gather: index \(k) out of range 0..<\(n)")
                    y[o * inner + i] = x[(o * n + k) * inner + i]
                }
            }
        }
        return out
    }

    /// Softmax (or log-softmax) along `axis`, shifted by the maximum for stability.
    static func softmax<A: OutputAllocator>(_ a: Tensor, axis: Int, log: Bool, _ alloc: A) -> Tensor {
        let (outer, n, inner) = axisSplit(a.shape, axis)
        let out = alloc.output(.same(a.shape))
        let x = a.pointer, y = out.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var m = -Float.infinity
                for k in 0..<n { m = Swift.max(m, x[base + k * inner]) }
                var s: Float = 0
                for k in 0..<n {
                    let e = fexp(x[base + k * inner] - m)
                    s += e
                    if !log { y[base + k * inner] = e }
                }
                if log {
                    let lse = m + flog(s)
                    for k in 0..<n { y[base + k * inner] = x[base + k * inner] - lse }
                } else {
                    let inv = 1 / s
                    for k in 0..<n { y[base + k * inner] *= inv }
                }
            }
        }
        return out
    }
}
