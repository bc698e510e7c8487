// The elementwise halves of an LSTM time step (CKernels.h documents each), fused into one pass
// per row and vectorized; the matrix products stay in OpenBLAS. Every operation is rounded
// separately (no fused multiply-add) and the vector and scalar paths run the same operations in
// the same order, so the bits do not depend on the vector width.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"
#include "vecmath.h"

// MARK: Forward

// The pre-activation of gate column j: (product or 0) + gx + bias, in that order.
static inline float lstm_pre(const float *gate, const float *gx, const float *bias, int product, size_t j) {
    float p = product ? gate[j] + gx[j] : gx[j];
    return bias ? p + bias[j] : p;
}

static void lstm_forward_scalar(float *hv, float *cv, float *ig, float *fg, float *gg, float *og, const float *gx,
                                const float *bias, int product, const float *pc, size_t lo, size_t h) {
    for (size_t k = lo; k < h; k++) {
        float i = mg_sigmoid1(lstm_pre(ig, gx, bias, product, k)), f = mg_sigmoid1(lstm_pre(fg, gx + h, bias ? bias + h : NULL, product, k));
        float g = mg_tanh1(lstm_pre(gg, gx + 2 * h, bias ? bias + 2 * h : NULL, product, k));
        float o = mg_sigmoid1(lstm_pre(og, gx + 3 * h, bias ? bias + 3 * h : NULL, product, k));
        ig[k] = i; fg[k] = f; gg[k] = g; og[k] = o;
        float c = pc ? f * pc[k] + i * g : i * g;
        cv[k] = c;
        hv[k] = mg_tanh1(c) * o;
    }
}

#if defined(__x86_64__)
#define LSTM_PRE(P, V, GATE, J)                                                                       \
    ({ V p_ = product ? P##_add_ps(P##_loadu_ps(GATE + k), P##_loadu_ps(gx + (J) * h + k))             \
                      : P##_loadu_ps(gx + (J) * h + k);                                                \
       bias ? P##_add_ps(p_, P##_loadu_ps(bias + (J) * h + k)) : p_; })
#define LSTM_FORWARD_LOOP(P, V, W, SIG, TANH)                                                         \
    size_t k = 0;                                                                                     \
    for (; k + W <= h; k += W) {                                                                      \
        V i = SIG(LSTM_PRE(P, V, ig, 0)), f = SIG(LSTM_PRE(P, V, fg, 1));                             \
        V g = TANH(LSTM_PRE(P, V, gg, 2)), o = SIG(LSTM_PRE(P, V, og, 3));                            \
        P##_storeu_ps(ig + k, i); P##_storeu_ps(fg + k, f);                                           \
        P##_storeu_ps(gg + k, g); P##_storeu_ps(og + k, o);                                           \
        V c = pc ? P##_add_ps(P##_mul_ps(f, P##_loadu_ps(pc + k)), P##_mul_ps(i, g)) : P##_mul_ps(i, g); \
        P##_storeu_ps(cv + k, c);                                                                     \
        P##_storeu_ps(hv + k, P##_mul_ps(TANH(c), o));                                                \
    }                                                                                                 \
    return k;

#define LSTM_FORWARD_ARGS float *hv, float *cv, float *ig, float *fg, float *gg, float *og, const float *gx, \
                          const float *bias, int product, const float *pc, size_t h
__attribute__((target("avx512f"))) static size_t lstm_forward_avx512(LSTM_FORWARD_ARGS) {
    LSTM_FORWARD_LOOP(_mm512, __m512, 16, mg_sigmoid16, mg_tanh16)
}
__attribute__((target("avx"))) static size_t lstm_forward_avx(LSTM_FORWARD_ARGS) {
    LSTM_FORWARD_LOOP(_mm256, __m256, 8, mg_sigmoid8, mg_tanh8)
}
#endif

void mg_lstm_forward(size_t rows, size_t h, float *ws, size_t ld, const float *gx, size_t ld_gx, const float *bias,
                     int product, const float *prev_c, size_t ld_prev) {
    int level = mg_simd_level();
    for (size_t r = 0; r < rows; r++) {
        float *hv = ws + r * ld, *cv = hv + h, *ig = hv + 2 * h, *fg = ig + h, *gg = ig + 2 * h, *og = ig + 3 * h;
        const float *pc = prev_c ? prev_c + r * ld_prev : NULL, *gxr = gx + r * ld_gx;
        size_t done = 0;
#if defined(__x86_64__)
        if (level == 3) done = lstm_forward_avx512(hv, cv, ig, fg, gg, og, gxr, bias, product, pc, h);
        else if (level == 2) done = lstm_forward_avx(hv, cv, ig, fg, gg, og, gxr, bias, product, pc, h);
#else
        (void)level;
#endif
        lstm_forward_scalar(hv, cv, ig, fg, gg, og, gxr, bias, product, pc, done, h);
    }
}

// MARK: Backward

// One row: see mg_lstm_backward in CKernels.h for the equations (Tape+Gradients.swift derives them).
static void lstm_backward_scalar(const float *row, const float *gr, const float *pc, float *dh, float *dc,
                                 float *dp, size_t lo, size_t h) {
    const float *cv = row + h, *ig = row + 2 * h, *fg = row + 3 * h, *gg = row + 4 * h, *og = row + 5 * h;
    for (size_t k = lo; k < h; k++) {
        float tc = mg_tanh1(cv[k]);
        float dhk = dh[k] + gr[k];
        float dck = dc[k] + gr[h + k] + dhk * og[k] * (1 - tc * tc);
        float di = dck * gg[k] + gr[2 * h + k], dg = dck * ig[k] + gr[4 * h + k];
        float df = dck * (pc ? pc[k] : 0.0f) + gr[3 * h + k];
        float dout = dhk * tc + gr[5 * h + k];
        dp[k] = di * ig[k] * (1 - ig[k]);
        dp[h + k] = df * fg[k] * (1 - fg[k]);
        dp[2 * h + k] = dg * (1 - gg[k] * gg[k]);
        dp[3 * h + k] = dout * og[k] * (1 - og[k]);
        dc[k] = dck * fg[k];
    }
}

#if defined(__x86_64__)
#define LSTM_BACKWARD_LOOP(P, V, W, TANH)                                                             \
    const float *cv = row + h, *ig = row + 2 * h, *fg = row + 3 * h, *gg = row + 4 * h, *og = row + 5 * h; \
    const V one = P##_set1_ps(1.0f);                                                                  \
    size_t k = 0;                                                                                     \
    for (; k + W <= h; k += W) {                                                                      \
        V tc = TANH(P##_loadu_ps(cv + k));                                                            \
        V i = P##_loadu_ps(ig + k), f = P##_loadu_ps(fg + k), g = P##_loadu_ps(gg + k), o = P##_loadu_ps(og + k); \
        V dhk = P##_add_ps(P##_loadu_ps(dh + k), P##_loadu_ps(gr + k));                               \
        V dck = P##_add_ps(P##_add_ps(P##_loadu_ps(dc + k), P##_loadu_ps(gr + h + k)),                \
                           P##_mul_ps(P##_mul_ps(dhk, o), P##_sub_ps(one, P##_mul_ps(tc, tc))));      \
        V di = P##_add_ps(P##_mul_ps(dck, g), P##_loadu_ps(gr + 2 * h + k));                          \
        V dg = P##_add_ps(P##_mul_ps(dck, i), P##_loadu_ps(gr + 4 * h + k));                          \
        V df = P##_add_ps(P##_mul_ps(dck, pc ? P##_loadu_ps(pc + k) : P##_setzero_ps()),             \
                          P##_loadu_ps(gr + 3 * h + k));                                              \
        V dout = P##_add_ps(P##_mul_ps(dhk, tc), P##_loadu_ps(gr + 5 * h + k));                       \
        P##_storeu_ps(dp + k, P##_mul_ps(P##_mul_ps(di, i), P##_sub_ps(one, i)));                     \
        P##_storeu_ps(dp + h + k, P##_mul_ps(P##_mul_ps(df, f), P##_sub_ps(one, f)));                 \
        P##_storeu_ps(dp + 2 * h + k, P##_mul_ps(dg, P##_sub_ps(one, P##_mul_ps(g, g))));             \
        P##_storeu_ps(dp + 3 * h + k, P##_mul_ps(P##_mul_ps(dout, o), P##_sub_ps(one, o)));           \
        P##_storeu_ps(dc + k, P##_mul_ps(dck, f));                                                    \
    }                                                                                                 \
    return k;

#define LSTM_BACKWARD_ARGS const float *row, const float *gr, const float *pc, float *dh, float *dc, float *dp, size_t h
__attribute__((target("avx512f"))) static size_t lstm_backward_avx512(LSTM_BACKWARD_ARGS) {
    LSTM_BACKWARD_LOOP(_mm512, __m512, 16, mg_tanh16)
}
__attribute__((target("avx"))) static size_t lstm_backward_avx(LSTM_BACKWARD_ARGS) {
    LSTM_BACKWARD_LOOP(_mm256, __m256, 8, mg_tanh8)
}
#endif

void mg_lstm_backward(size_t rows, size_t h, const float *ws, const float *gws, size_t ld,
                      const float *prev_c, size_t ld_prev, float *dh, float *dc, float *dp, size_t ld_dp) {
    int level = mg_simd_level();
    for (size_t r = 0; r < rows; r++) {
        const float *row = ws + r * ld, *gr = gws + r * ld, *pc = prev_c ? prev_c + r * ld_prev : NULL;
        float *dhr = dh + r * h, *dcr = dc + r * h, *dpr = dp + r * ld_dp;
        size_t done = 0;
#if defined(__x86_64__)
        if (level == 3) done = lstm_backward_avx512(row, gr, pc, dhr, dcr, dpr, h);
        else if (level == 2) done = lstm_backward_avx(row, gr, pc, dhr, dcr, dpr, h);
#else
        (void)level;
#endif
        lstm_backward_scalar(row, gr, pc, dhr, dcr, dpr, done, h);
    }
}

// MARK: Batch-1 hidden product

// y[j] += Σ_k x[k]·wt[k·m + j], k in order, one fused multiply-add per term (fmaf in the scalar
// path): each output is the same chain of operations at every vector width.
static void hidden_product_scalar(size_t m, size_t n, const float *x, const float *wt, float *y, int accumulate, size_t lo) {
    for (size_t j = lo; j < m; j++) {
        float acc = accumulate ? y[j] : 0.0f;
        for (size_t k = 0; k < n; k++) acc = fmaf(x[k], wt[k * m + j], acc);
        y[j] = acc;
    }
}

#if defined(__x86_64__)
// U accumulators of W lanes (U·W outputs) stay in registers over the whole k loop: 16 × 16 with
// AVX-512, 8 × 8 with AVX2.
#define HIDDEN_PRODUCT_LOOP(P, V, W, U)                                                               \
    size_t j = 0;                                                                                     \
    for (; j + U * W <= m; j += U * W) {                                                              \
        V acc[U];                                                                                     \
        for (int u = 0; u < U; u++) acc[u] = accumulate ? P##_loadu_ps(y + j + W * u) : P##_setzero_ps(); \
        for (size_t k = 0; k < n; k++) {                                                              \
            V xk = P##_set1_ps(x[k]);                                                                 \
            const float *row = wt + k * m + j;                                                        \
            for (int u = 0; u < U; u++) acc[u] = P##_fmadd_ps(xk, P##_loadu_ps(row + W * u), acc[u]); \
        }                                                                                             \
        for (int u = 0; u < U; u++) P##_storeu_ps(y + j + W * u, acc[u]);                            \
    }                                                                                                 \
    for (; j + W <= m; j += W) {                                                                      \
        V acc = accumulate ? P##_loadu_ps(y + j) : P##_setzero_ps();                                  \
        for (size_t k = 0; k < n; k++) acc = P##_fmadd_ps(P##_set1_ps(x[k]), P##_loadu_ps(wt + k * m + j), acc); \
        P##_storeu_ps(y + j, acc);                                                                    \
    }                                                                                                 \
    return j;

#define HIDDEN_PRODUCT_ARGS size_t m, size_t n, const float *x, const float *wt, float *y, int accumulate
__attribute__((target("avx512f"))) static size_t hidden_product_avx512(HIDDEN_PRODUCT_ARGS) {
    HIDDEN_PRODUCT_LOOP(_mm512, __m512, 16, 16)
}
__attribute__((target("avx2,fma"))) static size_t hidden_product_avx2(HIDDEN_PRODUCT_ARGS) {
    HIDDEN_PRODUCT_LOOP(_mm256, __m256, 8, 8)
}
#endif

void mg_hidden_product(size_t m, size_t n, const float *x, const float *wt, float *y, int accumulate) {
    size_t done = 0;
#if defined(__x86_64__)
    int level = mg_simd_level();
    if (level == 3) done = hidden_product_avx512(m, n, x, wt, y, accumulate);
    else if (level == 2 && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2")) done = hidden_product_avx2(m, n, x, wt, y, accumulate);
#endif
    hidden_product_scalar(m, n, x, wt, y, accumulate, done);
}

#if defined(__x86_64__)
// One 8x8 tile by the standard unpack / shuffle / lane-permute sequence (moves only: exact).
__attribute__((target("avx"))) static void transpose8x8(const float *a, size_t lda, float *at, size_t ldat) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(a + i * lda);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(at + i * ldat, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
        _mm256_storeu_ps(at + (i + 4) * ldat, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
}
#endif

void mg_transpose(size_t rows, size_t cols, const float *a, float *at) {
    size_t r8 = 0, c8 = 0;
#if defined(__x86_64__)
    if (mg_simd_level() >= 2) {
        r8 = rows / 8 * 8;
        c8 = cols / 8 * 8;
        for (size_t r = 0; r < r8; r += 8)
            for (size_t c = 0; c < c8; c += 8) transpose8x8(a + r * cols + c, cols, at + c * rows + r, rows);
    }
#endif
    // Whatever the tiles left: the last rows, then the last columns of the tiled rows.
    for (size_t r = r8; r < rows; r++)
        for (size_t c = 0; c < cols; c++) at[c * rows + r] = a[r * cols + c];
    for (size_t r = 0; r < r8; r++)
        for (size_t c = c8; c < cols; c++) at[c * rows + r] = a[r * cols + c];
}
