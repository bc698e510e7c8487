// The one Swift file of MarketGym that calls OpenBLAS (CBLAS and LAPACK). Everything else goes
// through these wrappers, so the C interface, its integer types and the thread policy live in one
// place. Large products go through CKernels' `mg_sgemm`, which cuts them in two blocks of output
// rows or columns and computes the blocks on two threads (Parallelism.swift).
import CKernels
import COpenBLAS

/// Thin wrappers over OpenBLAS: row-major GEMM/GEMV, thread control and the QR factorization used by
/// orthogonal initialization.
public enum BLAS {
    /// Products with fewer multiply-adds than this run on one OpenBLAS thread. Measured here
    /// (TOOLCHAIN.md): a second thread barely helps or hurts shapes up to 256x256x256, and stalls
    /// when another process holds the other core.
    nonisolated(unsafe) public static var singleThreadBelowFlops: Int = 1 << 25
    // nonisolated(unsafe): a tuning knob set once at startup (benchmarks); reads race benignly.

    /// The number of threads OpenBLAS uses for large products; defaults to OpenBLAS's own choice.
    nonisolated(unsafe) public static var maxThreads: Int = Int(openblas_get_num_threads())

    /// The kernels OpenBLAS runs (`openblas_get_corename`: "SkylakeX", "Haswell", "Prescott", ...).
    public static var kernels: String { String(cString: openblas_get_corename()) }

    /// What MarketGym did about OpenBLAS's kernels before main, or nil when it left OpenBLAS's
    /// choice alone: with `OPENBLAS_CORETYPE` unset, a CPU the OpenBLAS build does not know gets
    /// its SSE3 "Prescott" kernels, and MarketGym has OpenBLAS select SkylakeX or Haswell instead
    /// when the CPU supports them (CKernels/blascore.c; `MARKETGYM_BLAS_CORE=keep` turns it off).
    public static var kernelNote: String? { mg_blas_core_note().map { String(cString: $0) } }

    /// Products with at least this many multiply-adds are always cut in two blocks of output rows
    /// or columns (`mg_sgemm`), computed on two threads when ``Parallelism/threads`` is 2 and one
    /// after the other otherwise: the cut depends only on the shape, so the bits do not depend on
    /// the thread count. A constant, because moving it could change the bits of a training run.
    /// 2²¹: 32×256×256 and 64×256×256 (a DQN hidden layer at batch 32 or 64, ~45–90 µs on one
    /// core) are cut; the [4→256] input layer, the Q head and PPO's 256×64×64 products are not —
    /// at 2²⁰ (~23 µs) the worker's spinning between regions cost more than the split saved
    /// (PPO CartPole 2.26 s with one thread, 3.34 s with two, quiet machine).
    public static let splitAtMultiplyAdds = 1 << 21

    @inline(__always)
    static func useThreads(forFlops flops: Int) {
        // With TensorCore's own second thread in effect OpenBLAS stays single-threaded: two
        // threaded OpenBLAS calls at once would oversubscribe the cores.
        let wanted = flops < singleThreadBelowFlops || Parallelism.threads > 1 ? 1 : maxThreads
        if Int(openblas_get_num_threads()) != wanted { openblas_set_num_threads(Int32(wanted)) }
    }

    /// Row-major `C = alpha * op(A) * op(B) + beta * C` with `op(A)` of shape `m x k`, `op(B)` `k x n`.
    @inline(__always)
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        let multiplyAdds = m * n * k
        if multiplyAdds >= splitAtMultiplyAdds {
            useThreads(forFlops: multiplyAdds / 2)
            mg_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                     beta, c, Int32(ldc), 2)
            return
        }
        useThreads(forFlops: multiplyAdds)
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Row-major `y = alpha * op(A) * x + beta * y` with `A` stored `rows x cols`.
    @inline(__always)
    static func gemv(trans: Bool, rows: Int, cols: Int, alpha: Float, a: UnsafePointer<Float>,
                     x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        useThreads(forFlops: rows * cols)
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), alpha, a, Int32(cols),
                    x, 1, beta, y, 1)
    }

    /// The orthonormal factor `Q` of the thin QR factorization of a `rows x cols` row-major matrix
    /// with `rows >= cols`, signs fixed so that `R` has a non-negative diagonal (as PyTorch's
    /// `orthogonal_`), returned row-major `rows x cols`.
    /// - Precondition: `rows >= cols >= 1`; LAPACK reports success.
    static func orthonormalColumns(_ a: [Float], rows m: Int, cols n: Int) -> [Float] {
        precondition(m >= n && n >= 1, "orthonormalColumns: need rows >= cols >= 1, got \(m) x \(n)")
        var col = [Float](repeating: 0, count: m * n)  // LAPACK is column-major
        for i in 0..<m { for j in 0..<n { col[j * m + i] = a[i * n + j] } }
        var tau = [Float](repeating: 0, count: n)
        var mm = Int32(m), nn = Int32(n), kk = Int32(n), lda = Int32(m), info: Int32 = 0
        var lwork = Int32(-1), query: Float = 0
        sgeqrf_(&mm, &nn, &col, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(max(Float(n), query))
        var work = [Float](repeating: 0, count: Int(lwork))
        sgeqrf_(&mm, &nn, &col, &lda, &tau, &work, &lwork, &info)
        precondition(info == 0, "sgeqrf failed with info \(info) for a \(m) x \(n) matrix")
        var signs = [Float](repeating: 1, count: n)
        for j in 0..<n where col[j * m + j] < 0 { signs[j] = -1 }
        lwork = -1
        sorgqr_(&mm, &nn, &kk, &col, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(max(Float(n), query))
        work = [Float](repeating: 0, count: Int(lwork))
        sorgqr_(&mm, &nn, &kk, &col, &lda, &tau, &work, &lwork, &info)
        precondition(info == 0, "sorgqr failed with info \(info) for a \(m) x \(n) matrix")
        var q = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { q[i * n + j] = col[j * m + i] * signs[j] } }
        return q
    }
}
