/// Unsafe in-place entry points for preallocated inference paths (single-observation inference in
/// the trading daemon, action selection): no allocation, no tape, no copy-on-write checks.
public enum Kernels {
    /// `output = activation(input @ weightᵀ + bias)` for `rows` rows, written into `output`.
    ///
    /// One row uses `cblas_sgemv`; more rows use `cblas_sgemm`. `input` holds `rows * weight.shape[1]`
    /// floats and `output` room for `rows * weight.shape[0]`; neither may alias the weights.
    /// - Precondition: `weight` is 2-D and `bias`, if given, has `weight.shape[0]` elements.
    public static func linear(input: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor?,
                              activation: Activation, output: UnsafeMutablePointer<Float>) {
        precondition(weight.rank == 2, "Kernels.linear: weight must be 2-D, got \(weight.shape)")
        let (n, k) = (weight.shape[0], weight.shape[1])
        if let bias {
            precondition(bias.count == n, "Kernels.linear: bias of \(bias.count) for weight \(weight.shape)")
            for r in 0..<rows { (output + r * n).update(from: bias.pointer, count: n) }
        } else {
            output.update(repeating: 0, count: rows * n)
        }
        if rows == 1 {
            BLAS.gemv(trans: false, rows: n, cols: k, alpha: 1, a: weight.pointer, x: input, beta: 1, y: output)
        } else {
            BLAS.gemm(transA: false, transB: true, m: rows, n: n, k: k, alpha: 1, a: input, lda: k,
                      b: weight.pointer, ldb: k, beta: 1, c: output, ldc: n)
        }
        Ops.applyInPlace(activation, output, rows * n)
    }
}
