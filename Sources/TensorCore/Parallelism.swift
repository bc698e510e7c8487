import CKernels

/// How many threads TensorCore's kernels use: 1 or 2.
///
/// With 2, GEMMs of at least ``BLAS/splitAtMultiplyAdds`` multiply-adds and large elementwise
/// optimizer passes (Adam) are split between the calling thread and one persistent worker thread
/// (spin briefly, then sleep); OpenBLAS itself then runs single-threaded. The split is fixed by the
/// shapes, so **results are the same bits with 1 or 2 threads**.
///
/// Default: the environment variable `MARKETGYM_THREADS` (1 or 2) if set, else 2 on a machine with
/// at least two cores. There is one worker per process: when several agents train in parallel threads
/// of one process, whichever thread finds the worker free uses it and the others run single-threaded
/// (correct, never blocked). When several training processes share the machine (sweeps with several
/// workers), run each with `MARKETGYM_THREADS=1` so they do not compete for cores.
public enum Parallelism {
    /// The number of threads in effect; setting clamps to 1...2.
    public static var threads: Int {
        get { Int(mg_threads()) }
        set { mg_set_threads(Int32(newValue)) }
    }
}
