// Hot kernels of MarketGym's tensor core that Swift cannot express efficiently: a two-thread
// split of OpenBLAS's sgemm over a persistent worker, and explicitly vectorized elementwise
// passes (Adam, sum of squares) whose operation order is fixed so that results are the same bits
// whatever the thread count and whatever the SIMD width. TensorCore wraps them (Parallel.swift,
// BLAS.swift); nothing else should call them directly.
#ifndef MARKETGYM_CKERNELS_H
#define MARKETGYM_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Sets how many threads the kernels below may use (1 or 2; other values are clamped). 2 starts
/// the persistent worker thread on first use. Returns the value now in effect.
int mg_set_threads(int threads);
/// The number of threads in effect (1 or 2).
int mg_threads(void);

/// Row-major `C = alpha * op(A) * op(B) + beta * C` (`op(A)` is m x k, `op(B)` k x n) through
/// `cblas_sgemm`, cut into `parts` (1 or 2) blocks of output rows or columns that are computed
/// independently: by the caller and the worker when two threads are in effect and the worker is
/// free, else one after the other by the caller. The cut depends only on the shape and `parts`,
/// never on who computes which block, so the result's bits do not depend on the thread count.
void mg_sgemm(int transA, int transB, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc, int parts);

/// The Adam moment and parameter update over `n` elements, PyTorch's operation order, every
/// operation rounded separately (no fused multiply-add):
/// m += c1 * (g - m); v = v * b2 + (c2 * g) * g; w -= step * (m / (sqrt(v) / bc2sqrt + eps)).
/// Elementwise, so it is split across the threads in effect when `n` is large.
void mg_adam(const float *g, float *m, float *v, float *w, size_t n,
             float c1, float b2, float c2, float bc2sqrt, float eps, float step);

/// Σ x[i]² in a fixed order: 16 running sums (lane j adds elements j, j+16, j+32, ... of the
/// whole 16-blocks in turn, each square rounded before the add), then the tail into lanes 0.., then
/// the lanes combined pairwise (8+8, 4+4, 2+2, 1+1). The same bits for every SIMD width.
float mg_sum_squares(const float *x, size_t n);

/// For tests: caps the vector width the kernels use (0 scalar, 1 SSE, 2 AVX, 3 AVX-512; -1 lifts
/// the cap); returns the level now in effect (never above what the CPU has).
int mg_limit_simd_level(int level);

/// `out[i] = ftanh(in[i])`: TensorCore's rational tanh (TensorCore.swift), vectorized with the same
/// operations in the same order, so the same bits as the Swift function for every input
/// (`in` and `out` may be the same buffer).
void mg_tanh(const float *in, float *out, size_t n);

/// `out[i] = y[i] > 0 ? g[i] : 0` (the ReLU backward from the layer's output), vectorized.
void mg_relu_backward(const float *y, const float *g, float *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
