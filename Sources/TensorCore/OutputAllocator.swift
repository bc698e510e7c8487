/// The shape of an operation's result, described without building an array, so that a pooled
/// buffer whose shape already matches can be reused without any heap allocation.
@usableFromInline
enum ShapeSpec {
    /// The same shape as an existing tensor.
    case same([Int])
    /// A 2-D `[rows, cols]` result.
    case matrix(Int, Int)
    /// A 1-D result.
    case vector(Int)
    /// A rank-0 result.
    case scalar
    /// `shape` with `axis` removed (or set to 1 when `keepDims`).
    case reduced([Int], axis: Int, keepDims: Bool)

    @usableFromInline
    func matches(_ s: [Int]) -> Bool {
        switch self {
        case .same(let t): return s == t
        case .matrix(let r, let c): return s.count == 2 && s[0] == r && s[1] == c
        case .vector(let n): return s.count == 1 && s[0] == n
        case .scalar: return s.isEmpty
        case .reduced(let t, let axis, let keep):
            if keep {
                guard s.count == t.count else { return false }
                for i in 0..<t.count where s[i] != (i == axis ? 1 : t[i]) { return false }
                return true
            }
            guard s.count == t.count - 1 else { return false }
            var j = 0
            for i in 0..<t.count where i != axis {
                if s[j] != t[i] { return false }
                j += 1
            }
            return true
        }
    }

    @usableFromInline
    func make() -> [Int] {
        switch self {
        case .same(let t): return t
        case .matrix(let r, let c): return [r, c]
        case .vector(let n): return [n]
        case .scalar: return []
        case .reduced(var t, let axis, let keep):
            if keep { t[axis] = 1 } else { t.remove(at: axis) }
            return t
        }
    }
}

/// Where operation results get their buffers: fresh heap buffers (eager inference) or a tape's pool.
@usableFromInline
protocol OutputAllocator {
    /// A tensor of the described shape whose contents the caller overwrites entirely.
    func output(_ spec: ShapeSpec) -> Tensor
    /// Runs `body` with a temporary buffer of `count` floats (uninitialized, valid only inside
    /// `body`): a tape lends its reused scratch buffer (no allocation in steady state).
    func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R
}

/// Allocates a new buffer for every result: the eager path.
@usableFromInline
struct FreshAllocator: OutputAllocator {
    @usableFromInline init() {}
    @inlinable
    func output(_ spec: ShapeSpec) -> Tensor { Tensor(uninitializedShape: spec.make()) }

    @usableFromInline
    func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        defer { p.deallocate() }
        return body(p)
    }
}

/// Splits `shape` around `axis` into (outer, n, inner) for axis-wise kernels.
@inline(__always)
func axisSplit(_ shape: [Int], _ axis: Int) -> (outer: Int, n: Int, inner: Int) {
    precondition(axis >= 0 && axis < shape.count, "axis \(axis) out of range for shape \(shape)")
    var outer = 1, inner = 1
    for i in 0..<axis { outer *= shape[i] }
    for i in (axis + 1)..<shape.count { inner *= shape[i] }
    return (outer, shape[axis], inner)
}

/// Resolves a possibly negative axis (`-1` is the last) against a rank.
@inline(__always)
func normalizedAxis(_ axis: Int, rank: Int) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
    return a
}
