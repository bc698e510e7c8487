// Eager operations on Tensor, for code that computes with tensors outside a network (targets,
// statistics, optimizers, tests' references). Layers are written once, on Variable (Variable+Ops.swift);
// an op is here only if some eager caller needs it. Both run the same kernels (Ops).

extension Tensor {
    /// Applies an elementwise function.
    func map(_ f: UnaryFunction) -> Tensor { Ops.unary(f, self, FreshAllocator()) }
    /// `e^x` elementwise.
    public func exp() -> Tensor { map(.exp) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor { map(.tanh) }
    /// Logistic sigmoid `1 / (1 + e^-x)` elementwise (overflow-free).
    public func sigmoid() -> Tensor { map(.sigmoid) }
    /// `max(x, 0)` elementwise.
    public func relu() -> Tensor { map(.relu) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { map(.sqrt) }
    /// `x * x` elementwise.
    public func squared() -> Tensor { map(.square) }
    /// Clamps each element to `[min, max]`.
    public func clamped(min: Float, max: Float) -> Tensor { Ops.clamp(self, min: min, max: max, FreshAllocator()) }
    /// The Huber function elementwise: `x²/2` for `|x| ≤ delta`, else `delta·(|x| − delta/2)`.
    public func huber(delta: Float = 1) -> Tensor { Ops.huber(self, delta: delta, FreshAllocator()) }
    /// `self * scale + shift` elementwise.
    public func affine(scale: Float, shift: Float) -> Tensor { Ops.affine(self, scale: scale, shift: shift, FreshAllocator()) }

    /// Applies a broadcasting elementwise function (NumPy broadcasting rules).
    func zip(_ other: Tensor, _ f: BinaryFunction) -> Tensor { Ops.binary(f, self, other, FreshAllocator()) }

    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .add) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .sub) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .mul) }
    /// Elementwise quotient (NumPy broadcasting; a `Float` applies to every element).
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .div) }
    /// Elementwise negation.
    public static prefix func - (a: Tensor) -> Tensor { a.map(.neg) }
    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    /// Elementwise quotient (NumPy broadcasting; a `Float` applies to every element).
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }

    /// Elementwise maximum (broadcasting).
    public func maximum(_ other: Tensor) -> Tensor { zip(other, .maximum) }
    /// Elementwise minimum (broadcasting).
    public func minimum(_ other: Tensor) -> Tensor { zip(other, .minimum) }
}

extension Tensor {
    /// Sum of all elements, as a rank-0 tensor.
    public func sum() -> Tensor { Ops.reduceAll(.sum, self, FreshAllocator()) }
    /// Mean of all elements, as a rank-0 tensor.
    public func mean() -> Tensor { Ops.reduceAll(.mean, self, FreshAllocator()) }
    /// Largest element, as a rank-0 tensor.
    public func max() -> Tensor { Ops.reduceAll(.max, self, FreshAllocator()) }
    /// Smallest element, as a rank-0 tensor.
    public func min() -> Tensor { Ops.reduceAll(.min, self, FreshAllocator()) }

    /// Reduces along `axis` (negative counts from the end); the axis is removed unless `keepDims`.
    func reduce(_ r: Reduction, axis: Int, keepDims: Bool = false) -> Tensor {
        Ops.reduce(r, self, axis: normalizedAxis(axis, rank: rank), keepDims: keepDims, FreshAllocator())
    }
    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.sum, axis: axis, keepDims: keepDims) }
    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.mean, axis: axis, keepDims: keepDims) }
    /// Maximum along `axis`.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { reduce(.max, axis: axis, keepDims: keepDims) }
    /// Index of the first maximum along `axis`, one per position of the other axes in row-major order.
    public func argmax(axis: Int) -> [Int] { Ops.argmax(self, axis: normalizedAxis(axis, rank: rank)) }
}

extension Tensor {
    /// The same elements with a new shape (shares the buffer). One extent may be `-1` (inferred).
    /// - Precondition: the element count is unchanged.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let resolved = Tensor.resolveReshape(newShape, count: count, from: shape)
        return Tensor(shape: resolved, count: count, storage: storage)
    }

    static func resolveReshape(_ newShape: [Int], count: Int, from shape: [Int]) -> [Int] {
        guard let hole = newShape.firstIndex(of: -1) else {
            precondition(Tensor.elementCount(newShape) == count, "reshape: \(shape) (\(count) elements) to \(newShape)")
            return newShape
        }
        var known = 1
        for (i, d) in newShape.enumerated() where i != hole { known *= d }
        precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) from \(shape)")
        var s = newShape
        s[hole] = count / known
        return s
    }

    /// Rows `range` of the first axis (copied).
    public func rows(_ range: Range<Int>) -> Tensor { Ops.rows(self, range, FreshAllocator()) }

    /// The transpose of a 2-D tensor (materialized; `matmul` takes transposes without copying).
    public func transposed() -> Tensor { Ops.transpose(self, FreshAllocator()) }

    /// Picks one element along `axis` per position of the other axes; the axis is removed.
    /// `q.gather([a0, a1, ...], axis: 1)` on a `[B, A]` tensor gives `[q[0, a0], q[1, a1], ...]`.
    public func gather(_ indices: [Int], axis: Int) -> Tensor {
        Ops.gather(self, indices: indices, axis: normalizedAxis(axis, rank: rank), FreshAllocator())
    }

    /// Softmax along `axis` (default last), shifted by the maximum for stability.
    public func softmax(axis: Int = -1) -> Tensor {
        Ops.softmax(self, axis: normalizedAxis(axis, rank: rank), log: false, FreshAllocator())
    }

    /// Log-softmax along `axis` (default last): `x - logsumexp(x)`, computed stably.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        Ops.softmax(self, axis: normalizedAxis(axis, rank: rank), log: true, FreshAllocator())
    }

    /// Matrix product `op(self) @ op(other)` through `cblas_sgemm`.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        Ops.matmul(self, other, transposeA: transposeSelf, transposeB: transposeOther, FreshAllocator())
    }

    /// `activation(self @ weightᵀ + bias)`: a fused linear layer (`weight` is `[out, in]`).
    public func linear(weight: Tensor, bias: Tensor?, activation: Activation = .identity) -> Tensor {
        Ops.linear(self, weight: weight, bias: bias, activation: activation, FreshAllocator())
    }

    /// The orthonormal factor `Q` of the QR factorization of this `[rows, cols]` matrix (LAPACK
    /// `sgeqrf`/`sorgqr`), with column signs chosen so that `R` has a non-negative diagonal. When
    /// `rows < cols` the factorization is of the transpose and the result is transposed back, so the
    /// result always has this tensor's shape and orthonormal rows or columns (as PyTorch's `orthogonal_`).
    public func orthonormalized() -> Tensor {
        precondition(rank == 2 && count > 0, "orthonormalized: needs a non-empty 2-D tensor, got \(shape)")
        let (m, n) = (shape[0], shape[1])
        if m >= n {
            return Tensor(shape: shape, scalars: BLAS.orthonormalColumns(scalars, rows: m, cols: n))
        }
        let q = BLAS.orthonormalColumns(transposed().scalars, rows: n, cols: m)
        return Tensor(shape: [n, m], scalars: q).transposed()
    }
}
