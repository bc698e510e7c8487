/// Elementwise functions of one tensor. Each is a differentiable primitive (rules in Tape+Gradients.swift).
public enum UnaryFunction: Sendable, Hashable {
    case exp, log, tanh, sigmoid, relu, softplus, sqrt, abs, neg, square
}

/// Elementwise functions of two broadcast tensors. Arithmetic ones are differentiable (gradient to
/// both sides, summed over broadcast dimensions); comparisons give 1/0 masks and no gradient.
public enum BinaryFunction: Sendable, Hashable {
    case add, sub, mul, div, maximum, minimum
    case greater, greaterEqual, less, lessEqual, equal

    var isComparison: Bool {
        switch self {
        case .greater, .greaterEqual, .less, .lessEqual, .equal: return true
        default: return false
        }
    }
}

/// Forward kernels shared by the eager (`Tensor`) and recorded (`Variable`) paths.
@usableFromInline
enum Ops {
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        // Two branches so exp never overflows: for x < 0 use e^x / (1 + e^x).
        if x >= 0 { return 1 / (1 + fexp(-x)) }
        let e = fexp(x)
        return e / (1 + e)
    }

    @inline(__always)
    static func softplus(_ x: Float) -> Float {
        // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), exact in range and never overflowing.
        max(x, 0) + flog1p(fexp(-Swift.abs(x)))
    }

    static func unary<A: OutputAllocator>(_ f: UnaryFunction, _ a: Tensor, _ alloc: A) -> Tensor {
        let out = alloc.output(.same(a.shape))
        let n = a.count, x = a.pointer, y = out.pointer
        switch f {
        case .exp: for i in 0..<n { y[i] = fexp(x[i]) }
        case .log: for i in 0..<n { y[i] = flog(x[i]) }
        case .tanh: Kernels.tanh(x, into: y, count: n)
        case .sigmoid: for i in 0..<n { y[i] = sigmoid(x[i]) }
        case .relu: for i in 0..<n { y[i] = max(x[i], 0) }
        case .softplus: for i in 0..<n { y[i] = softplus(x[i]) }
        case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
        case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
        case .neg: for i in 0..<n { y[i] = -x[i] }
        case .square: for i in 0..<n { y[i] = x[i] * x[i] }
        }
        return out
    }

    /// `a * scale + shift`.
    static func affine<A: OutputAllocator>(_ a: Tensor, scale: Float, shift: Float, _ alloc: A) -> Tensor {
        let out = alloc.output(.same(a.shape))
        let n = a.count, x = a.pointer, y = out.pointer
        for i in 0..<n { y[i] = x[i] * scale + shift }
        return out
    }

    static func clamp<A: OutputAllocator>(_ a: Tensor, min lo: Float, max hi: Float, _ alloc: A) -> Tensor {
        precondition(lo <= hi, "clamp: min \(lo) > max \(hi)")
        let out = alloc.output(.same(a.shape))
        let n = a.count, x = a.pointer, y = out.pointer
        for i in 0..<n { y[i] = Swift.min(Swift.max(x[i], lo), hi) }
        return out
    }

    /// Elementwise Huber function: `x^2/2` for `|x| <= delta`, else `delta * (|x| - delta/2)`.
    static func huber<A: OutputAllocator>(_ a: Tensor, delta: Float, _ alloc: A) -> Tensor {
        precondition(delta > 0, "huber: delta must be positive, got \(delta)")
        let out = alloc.output(.same(a.shape))
        let n = a.count, x = a.pointer, y = out.pointer
        for i in 0..<n {
            let ax = Swift.abs(x[i])
            y[i] = ax <= delta ? 0.5 * x[i] * x[i] : delta * (ax - 0.5 * delta)
        }
        return out
    }

    @inline(__always)
    static func apply(_ f: BinaryFunction, _ x: Float, _ y: Float) -> Float {
        switch f {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        case .maximum: return Swift.max(x, y)
        case .minimum: return Swift.min(x, y)
        case .greater: return x > y ? 1 : 0
        case .greaterEqual: return x >= y ? 1 : 0
        case .less: return x < y ? 1 : 0
        case .lessEqual: return x <= y ? 1 : 0
        case .equal: return x == y ? 1 : 0
        }
    }

    @inline(__always)
    static func loop(_ f: BinaryFunction, _ x: UnsafePointer<Float>, _ dx: Int, _ y: UnsafePointer<Float>, _ dy: Int,
                     _ z: UnsafeMutablePointer<Float>, _ n: Int) {
        // Specialize the common stride patterns so the compiler vectorizes them.
        switch (dx, dy) {
        case (1, 1):
            switch f {
            case .add: for i in 0..<n { z[i] = x[i] + y[i] }
            case .sub: for i in 0..<n { z[i] = x[i] - y[i] }
            case .mul: for i in 0..<n { z[i] = x[i] * y[i] }
            default: for i in 0..<n { z[i] = apply(f, x[i], y[i]) }
            }
        case (1, 0):
            let c = y[0]
            for i in 0..<n { z[i] = apply(f, x[i], c) }
        case (0, 1):
            let c = x[0]
            for i in 0..<n { z[i] = apply(f, c, y[i]) }
        default:
            for i in 0..<n { z[i] = apply(f, x[i * dx], y[i * dy]) }
        }
    }

    static func binary<A: OutputAllocator>(_ f: BinaryFunction, _ a: Tensor, _ b: Tensor, _ alloc: A) -> Tensor {
        if a.shape == b.shape {
            let out = alloc.output(.same(a.shape))
            loop(f, a.pointer, 1, b.pointer, 1, out.pointer, a.count)
            return out
        }
        let shape = broadcastShape(a.shape, b.shape)
        if b.count == 1 && shape == a.shape {
            let out = alloc.output(.same(a.shape))
            loop(f, a.pointer, 1, b.pointer, 0, out.pointer, a.count)
            return out
        }
        if a.count == 1 && shape == b.shape {
            let out = alloc.output(.same(b.shape))
            loop(f, a.pointer, 0, b.pointer, 1, out.pointer, b.count)
            return out
        }
        let out = alloc.output(.same(shape))
        let (x, y, z) = (a.pointer, b.pointer, out.pointer)
        broadcastRows(out: shape, a: a.shape, b: b.shape) { o, ia, ib, n, da, db in
            loop(f, x + ia, da, y + ib, db, z + o, n)
        }
        return out
    }

    /// `mask != 0 ? a : b`, all three of one shape.
    static func select<A: OutputAllocator>(_ mask: Tensor, _ a: Tensor, _ b: Tensor, _ alloc: A) -> Tensor {
        precondition(mask.shape == a.shape && a.shape == b.shape, "where: shapes \(mask.shape), \(a.shape), \(b.shape) must be equal")
        let out = alloc.output(.same(a.shape))
        let (m, x, y, z) = (mask.pointer, a.pointer, b.pointer, out.pointer)
        for i in 0..<a.count { z[i] = m[i] != 0 ? x[i] : y[i] }
        return out
    }

    /// The NumPy broadcast of two shapes.
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            precondition(da == db || da == 1 || db == 1, "broadcast: shapes \(a) and \(b) are incompatible")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Row-major strides of `shape` aligned to the right of a rank-`rank` shape, 0 where broadcast.
    static func broadcastStrides(_ shape: [Int], out: [Int]) -> [Int] {
        let r = out.count
        var strides = [Int](repeating: 0, count: r)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let j = i + r - shape.count
            strides[j] = shape[i] == 1 && out[j] != 1 ? 0 : s
            s *= shape[i]
        }
        return strides
    }

    /// Visits the output in rows of its last dimension, giving the row's output offset, the matching
    /// offsets in `a` and `b`, the row length and the per-element strides in `a` and `b`.
    static func broadcastRows(out: [Int], a: [Int], b: [Int],
                              _ body: (_ o: Int, _ ia: Int, _ ib: Int, _ n: Int, _ da: Int, _ db: Int) -> Void) {
        let r = out.count
        if r == 0 { body(0, 0, 0, 1, 0, 0); return }
        let sa = broadcastStrides(a, out: out), sb = broadcastStrides(b, out: out)
        let n = out[r - 1]
        var rows = 1
        for i in 0..<(r - 1) { rows *= out[i] }
        var counter = [Int](repeating: 0, count: r)
        var ia = 0, ib = 0
        for row in 0..<rows {
            body(row * n, ia, ib, n, sa[r - 1], sb[r - 1])
            // Odometer increment over the leading dimensions.
            var d = r - 2
            while d >= 0 {
                counter[d] += 1
                ia += sa[d]; ib += sb[d]
                if counter[d] < out[d] { break }
                ia -= sa[d] * out[d]; ib -= sb[d] * out[d]
                counter[d] = 0
                d -= 1
            }
        }
    }

    /// Adds `g` (of shape `outShape`) into `dst` (of shape `shape`, broadcast to `outShape`),
    /// summing over broadcast dimensions: the gradient of broadcasting.
    static func accumulateUnbroadcast(_ g: UnsafePointer<Float>, outShape: [Int], into dst: UnsafeMutablePointer<Float>,
                                      shape: [Int], scale: Float = 1) {
        if shape == outShape {
            let n = Tensor.elementCount(shape)
            for i in 0..<n { dst[i] += scale * g[i] }
            return
        }
        broadcastRows(out: outShape, a: shape, b: []) { o, ia, _, n, da, _ in
            if da == 0 {
                var s: Float = 0
                for k in 0..<n { s += g[o + k] }
                dst[ia] += scale * s
            } else {
                for k in 0..<n { dst[ia + k * da] += scale * g[o + k] }
            }
        }
    }
}
