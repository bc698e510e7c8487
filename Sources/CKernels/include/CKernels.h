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

/// What MarketGym did about OpenBLAS's kernels before main (blascore.c), or NULL when it left
/// OpenBLAS's own choice alone: when OPENBLAS_CORETYPE is unset and OpenBLAS does not know the CPU
/// (its "Prescott" fallback, SSE3) on a CPU with AVX-512 or AVX2 and FMA, OpenBLAS's selection is
/// run again with the SkylakeX or Haswell core type. MARKETGYM_BLAS_CORE=keep turns this off.
const char *mg_blas_core_note(void);

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

/// The elementwise half of one LSTM time step (PyTorch's equations) for `rows` rows of a
/// recurrence workspace (TensorCore's `RecurrentCell` layout `h | c | i f g o`, row `r` at
/// `ws + r * ld`). The gate pre-activations are `(P + gx) + bias`, where P is the hidden product
/// already in the gate columns when `product` is nonzero (else 0, and the gate columns are not
/// read), `gx` the input gates (row `r` at `gx + r * ld_gx`, `4h` wide) and `bias` `b_hh` (`4h`, or
/// NULL). Writes the activated gates over them (`σ` for i, f, o as `0.5 + 0.5·tanh(x/2)`, `tanh`
/// for g, TensorCore's rational tanh), then `c = f ⊙ c₋ + i ⊙ g` and `h = tanh(c) ⊙ o`. `prev_c`
/// (row `r` at `prev_c + r * ld_prev`) is the previous cell state, or NULL for zeros. One fused
/// pass per row instead of six.
void mg_lstm_forward(size_t rows, size_t h, float *ws, size_t ld, const float *gx, size_t ld_gx, const float *bias,
                     int product, const float *prev_c, size_t ld_prev);

/// The elementwise half of one LSTM time step's backpropagation for `rows` rows: `ws` is the
/// forward workspace, `gws` its gradient (same layout and stride), `prev_c` as in
/// `mg_lstm_forward`; `dh`, `dc` (`[rows, h]`, contiguous) hold the gradients reaching the step's
/// new state from later steps; `dc` is replaced by the gradient for the previous cell state.
/// Writes the gate pre-activation gradients `[di σ'(i), df σ'(f), dg tanh'(g), do σ'(o)]` (`4h` per
/// row, row `r` at `dp + r * ld_dp`). With `tc = tanh(c)`: `dh += g_h`;
/// `dc += g_c + dh·o·(1 − tc²)`; `di = dc·g`, `dg = dc·i`, `df = dc·c₋`, `do = dh·tc` (each plus its
/// gate column of `gws`); `dc₋ = dc·f`. `dh` is left as read (the caller overwrites it with the
/// hidden product's gradient).
void mg_lstm_backward(size_t rows, size_t h, const float *ws, const float *gws, size_t ld,
                      const float *prev_c, size_t ld_prev, float *dh, float *dc, float *dp, size_t ld_dp);

/// `y[j] = (accumulate ? y[j] : 0) + Σ_k x[k]·wt[k·m + j]` for `j < m` (`x` has `n` elements, `wt`
/// is `[n, m]` row-major: a weight `[m, n]` transposed): the hidden product of a batch-1
/// recurrence step, with the accumulators in registers (faster than sgemv's dot products at these
/// sizes). `k` runs in order with one fused multiply-add per term, the same bits at every vector width.
void mg_hidden_product(size_t m, size_t n, const float *x, const float *wt, float *y, int accumulate);

/// `at = aᵀ` for a row-major `[rows, cols]` matrix (`at` is `[cols, rows]`; no aliasing).
void mg_transpose(size_t rows, size_t cols, const float *a, float *at);

#ifdef __cplusplus
}
#endif

#endif
