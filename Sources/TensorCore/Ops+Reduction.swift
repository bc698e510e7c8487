/// Reductions along one axis or over the whole tensor. Sum, mean, max, min and logsumexp are
/// differentiable primitives; argmax is an index query.
public enum Reduction: Sendable, Hashable {
    case sum, mean, max, min, logSumExp
}

extension Ops {
    /// Reduces over all elements to a rank-0 tensor.
    static func reduceAll<A: OutputAllocator>(_ r: Reduction, _ a: Tensor, _ alloc: A) -> Tensor {
        precondition(a.count > 0 || r == .sum, "\(r): empty tensor of shape \(a.shape)")
        let out = alloc.output(.scalar)
        out.pointer[0] = reduceRow(r, a.pointer, a.count, 1)
        return out
    }

    /// Reduces along `axis`; the axis is removed, or kept with extent 1 when `keepDims`.
    static func reduce<A: OutputAllocator>(_ r: Reduction, _ a: Tensor, axis: Int, keepDims: Bool, _ alloc: A) -> Tensor {
        let (outer, n, inner) = axisSplit(a.shape, axis)
        precondition(n > 0 || r == .sum, "\(r): empty axis \(axis) of shape \(a.shape)")
        let out = alloc.output(.reduced(a.shape, axis: axis, keepDims: keepDims))
        let x = a.pointer, y = out.pointer
        if inner == 1 {
            for o in 0..<outer { y[o] = reduceRow(r, x + o * n, n, 1) }
        } else {
            for o in 0..<outer {
                for i in 0..<inner { y[o * inner + i] = reduceRow(r, x + o * n * inner + i, n, inner) }
            }
        }
        return out
    }

    @inline(__always)
    static func reduceRow(_ r: Reduction, _ x: UnsafePointer<Float>, _ n: Int, _ stride: Int) -> Float {
        switch r {
        case .sum, .mean:
            var s: Float = 0
            if stride == 1 { for k in 0..<n { s += x[k] } } else { for k in 0..<n { s += x[k * stride] } }
            return r == .mean ? s / Float(n) : s
        case .max:
            var m = x[0]
            for k in 1..<max(n, 1) { m = Swift.max(m, x[k * stride]) }
            return m
        case .min:
            var m = x[0]
            for k in 1..<max(n, 1) { m = Swift.min(m, x[k * stride]) }
            return m
        case .logSumExp:
            // Shift by the maximum so exp cannot overflow; an all -inf row gives -inf.
            var m = x[0]
            for k in 1..<max(n, 1) { m = Swift.max(m, x[k * stride]) }
            if m == -.infinity { return -.infinity }
            var s: Float = 0
            for k in 0..<n { s += fexp(x[k * stride] - m) }
            return m + flog(s)
        }
    }

    /// Index of the first maximum along `axis`, for each position of the other axes (row-major).
    static func argmax(_ a: Tensor, axis: Int) -> [Int] {
        let (outer, n, inner) = axisSplit(a.shape, axis)
        precondition(n > 0, "argmax: empty axis \(axis) of shape \(a.shape)")
        var result = [Int](repeating: 0, count: outer * inner)
        let x = a.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var best = 0, m = x[base]
                for k in 1..<n where x[base + k * inner] > m { m = x[base + k * inner]; best = k }
                result[o * inner + i] = best
            }
        }
        return result
    }
}
