// What Tensor carries besides creation and element access: shape views, argmax, the QR factor for
// the orthogonal initializer, and scaling by a Float. The operators exist once, on Variable
// (Variable+Ops.swift); an eager value is that surface on a gradient-free tape
// (`tape.withoutGradients { f(tape.constant(x)).value }`; tests: Tests/TestSupport/Tensor+Eager.swift).

extension Tensor {
    /// `self * scale + shift` elementwise.
    func affine(scale: Float, shift: Float) -> Tensor { Ops.affine(self, scale: scale, shift: shift, FreshAllocator()) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
}

extension Tensor {
    /// Index of the first maximum along `axis`, one per position of the other axes in row-major order.
    public func argmax(axis: Int) -> [Int] { Ops.argmax(self, axis: normalizedAxis(axis, rank: rank)) }

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



    /// The transpose of a 2-D tensor (materialized; `matmul` takes transposes without copying).
    public func transposed() -> Tensor { Ops.transpose(self, FreshAllocator()) }






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
