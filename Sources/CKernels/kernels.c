// GEMM split, Adam and sum-of-squares kernels (CKernels.h documents each). Every floating-point
// operation is rounded separately: no contraction into fused multiply-adds, so the vector paths
// give the same bits as the scalar reference path and as the Swift code they replaced.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"
#include "parallel.h"
#include "vecmath.h"
#include <cblas.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// MARK: GEMM

typedef struct {
    int transA, transB, m, n, k, lda, ldb, ldc, splitRows, cut;
    float alpha, beta;
    const float *a, *b;
    float *c;
} gemm_args;

static void gemm_part(void *ctx, int part) {
    const gemm_args *g = (const gemm_args *)ctx;
    const float *a = g->a, *b = g->b;
    float *c = g->c;
    int m = g->m, n = g->n;
    if (g->splitRows) {   // output rows [0, cut) and [cut, m)
        int lo = part == 0 ? 0 : g->cut, hi = part == 0 ? g->cut : g->m;
        m = hi - lo;
        a += g->transA ? (size_t)lo : (size_t)lo * (size_t)g->lda;
        c += (size_t)lo * (size_t)g->ldc;
    } else {              // output columns [0, cut) and [cut, n)
        int lo = part == 0 ? 0 : g->cut, hi = part == 0 ? g->cut : g->n;
        n = hi - lo;
        b += g->transB ? (size_t)lo * (size_t)g->ldb : (size_t)lo;
        c += lo;
    }
    if (m <= 0 || n <= 0) return;
    cblas_sgemm(CblasRowMajor, g->transA ? CblasTrans : CblasNoTrans, g->transB ? CblasTrans : CblasNoTrans,
                m, n, g->k, g->alpha, a, g->lda, b, g->ldb, g->beta, c, g->ldc);
}

void mg_sgemm(int transA, int transB, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc, int parts) {
    gemm_args g = {transA, transB, m, n, k, lda, ldb, ldc, 0, 0, alpha, beta, a, b, c};
    // Cut the larger output extent (columns on a tie) in two, at a multiple of 16 (the kernels'
    // register-block width) when it is wide enough.
    int extent = n >= m ? n : m;
    if (parts < 2 || extent < 32) {
        gemm_part(&(gemm_args){transA, transB, m, n, k, lda, ldb, ldc, 0, n, alpha, beta, a, b, c}, 0);
        return;
    }
    g.splitRows = m > n;
    g.cut = ((extent / 2) + 15) / 16 * 16;
    if (g.cut >= extent) g.cut = extent / 2;
    mg_parallel(gemm_part, &g, 2);
}

// MARK: Adam

static void adam_scalar(const float *g, float *m, float *v, float *w, size_t n,
                        float c1, float b2, float c2, float bc, float eps, float step) {
    for (size_t k = 0; k < n; k++) {
        float gk = g[k];
        float mk = m[k] + c1 * (gk - m[k]);
        float vk = v[k] * b2 + (c2 * gk) * gk;
        m[k] = mk;
        v[k] = vk;
        w[k] = w[k] - step * (mk / (sqrtf(vk) / bc + eps));
    }
}

#if defined(__x86_64__)
// One loop body for the three vector widths: P is the intrinsic prefix, V the vector type, W lanes.
#define ADAM_LOOP(P, V, W)                                                                             \
    V vc1 = P##_set1_ps(c1), vb2 = P##_set1_ps(b2), vc2 = P##_set1_ps(c2);                           \
    V vbc = P##_set1_ps(bc), veps = P##_set1_ps(eps), vstep = P##_set1_ps(step);                      \
    size_t k = 0;                                                                                     \
    for (; k + W <= n; k += W) {                                                                      \
        V gk = P##_loadu_ps(g + k), m0 = P##_loadu_ps(m + k), v0 = P##_loadu_ps(v + k);              \
        V mk = P##_add_ps(m0, P##_mul_ps(vc1, P##_sub_ps(gk, m0)));                                   \
        V vk = P##_add_ps(P##_mul_ps(v0, vb2), P##_mul_ps(P##_mul_ps(vc2, gk), gk));                 \
        V den = P##_add_ps(P##_div_ps(P##_sqrt_ps(vk), vbc), veps);                                   \
        V wk = P##_sub_ps(P##_loadu_ps(w + k), P##_mul_ps(vstep, P##_div_ps(mk, den)));              \
        P##_storeu_ps(m + k, mk);                                                                     \
        P##_storeu_ps(v + k, vk);                                                                     \
        P##_storeu_ps(w + k, wk);                                                                     \
    }                                                                                                 \
    return k;

#define ADAM_ARGS const float *g, float *m, float *v, float *w, size_t n, \
                  float c1, float b2, float c2, float bc, float eps, float step

__attribute__((target("avx512f"))) static size_t adam_avx512(ADAM_ARGS) { ADAM_LOOP(_mm512, __m512, 16) }
__attribute__((target("avx"))) static size_t adam_avx(ADAM_ARGS) { ADAM_LOOP(_mm256, __m256, 8) }
static size_t adam_sse(ADAM_ARGS) { ADAM_LOOP(_mm, __m128, 4) }
#endif

static _Atomic int detected_level = -1, forced_level = -1;

int mg_simd_level(void) {  // 0 none, 1 SSE, 2 AVX, 3 AVX-512F
    int level = atomic_load_explicit(&detected_level, memory_order_relaxed);
    if (level < 0) {
#if defined(__x86_64__)
        __builtin_cpu_init();
        level = __builtin_cpu_supports("avx512f") ? 3 : (__builtin_cpu_supports("avx") ? 2 : 1);
#else
        level = 0;
#endif
        atomic_store_explicit(&detected_level, level, memory_order_relaxed);
    }
    int forced = atomic_load_explicit(&forced_level, memory_order_relaxed);
    return forced >= 0 && forced < level ? forced : level;
}

int mg_limit_simd_level(int level) {
    atomic_store_explicit(&forced_level, level, memory_order_relaxed);
    return mg_simd_level();
}

static void adam_range(const float *g, float *m, float *v, float *w, size_t n,
                       float c1, float b2, float c2, float bc, float eps, float step) {
    size_t done = 0;
#if defined(__x86_64__)
    switch (mg_simd_level()) {
    case 3: done = adam_avx512(g, m, v, w, n, c1, b2, c2, bc, eps, step); break;
    case 2: done = adam_avx(g, m, v, w, n, c1, b2, c2, bc, eps, step); break;
    case 1: done = adam_sse(g, m, v, w, n, c1, b2, c2, bc, eps, step); break;
    default: break;
    }
#endif
    adam_scalar(g + done, m + done, v + done, w + done, n - done, c1, b2, c2, bc, eps, step);
}

typedef struct {
    const float *g;
    float *m, *v, *w;
    size_t n, cut;
    float c1, b2, c2, bc, eps, step;
} adam_args;

static void adam_part(void *ctx, int part) {
    const adam_args *a = (const adam_args *)ctx;
    size_t lo = part == 0 ? 0 : a->cut, hi = part == 0 ? a->cut : a->n;
    adam_range(a->g + lo, a->m + lo, a->v + lo, a->w + lo, hi - lo, a->c1, a->b2, a->c2, a->bc, a->eps, a->step);
}

void mg_adam(const float *g, float *m, float *v, float *w, size_t n,
             float c1, float b2, float c2, float bc2sqrt, float eps, float step) {
    // Below ~16k elements the pass takes a few microseconds: not worth waking the worker.
    if (n < 16384) {
        adam_range(g, m, v, w, n, c1, b2, c2, bc2sqrt, eps, step);
        return;
    }
    adam_args a = {g, m, v, w, n, (n / 2 + 15) / 16 * 16, c1, b2, c2, bc2sqrt, eps, step};
    mg_parallel(adam_part, &a, 2);
}

// MARK: Sum of squares

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void sumsq_avx512(const float *x, size_t blocks, float lanes[16]) {
    __m512 acc = _mm512_loadu_ps(lanes);
    for (size_t i = 0; i < blocks; i++) {
        __m512 xi = _mm512_loadu_ps(x + 16 * i);
        acc = _mm512_add_ps(acc, _mm512_mul_ps(xi, xi));
    }
    _mm512_storeu_ps(lanes, acc);
}

__attribute__((target("avx")))
static void sumsq_avx(const float *x, size_t blocks, float lanes[16]) {
    __m256 lo = _mm256_loadu_ps(lanes), hi = _mm256_loadu_ps(lanes + 8);
    for (size_t i = 0; i < blocks; i++) {
        __m256 a = _mm256_loadu_ps(x + 16 * i), b = _mm256_loadu_ps(x + 16 * i + 8);
        lo = _mm256_add_ps(lo, _mm256_mul_ps(a, a));
        hi = _mm256_add_ps(hi, _mm256_mul_ps(b, b));
    }
    _mm256_storeu_ps(lanes, lo);
    _mm256_storeu_ps(lanes + 8, hi);
}
#endif

float mg_sum_squares(const float *x, size_t n) {
    float lanes[16] = {0};
    size_t blocks = n / 16, done = 0;
#if defined(__x86_64__)
    int level = mg_simd_level();
    if (level == 3) { sumsq_avx512(x, blocks, lanes); done = blocks * 16; }
    else if (level == 2) { sumsq_avx(x, blocks, lanes); done = blocks * 16; }
#endif
    for (size_t i = done; i < n; i++) {
        float xi = x[i];
        lanes[i % 16] = lanes[i % 16] + xi * xi;
    }
    for (int width = 8; width >= 1; width /= 2)
        for (int j = 0; j < width; j++) lanes[j] = lanes[j] + lanes[j + width];
    return lanes[0];
}

// MARK: ReLU backward

void mg_relu_backward(const float *restrict y, const float *restrict g, float *restrict out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float gi = g[i], yi = y[i];  // both loaded unconditionally, so the select vectorizes
        out[i] = yi > 0.0f ? gi : 0.0f;
    }
}

// MARK: tanh

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static size_t tanh_avx512(const float *in, float *out, size_t n) {
    size_t k = 0;
    for (; k + 16 <= n; k += 16) _mm512_storeu_ps(out + k, mg_tanh16(_mm512_loadu_ps(in + k)));
    return k;
}
__attribute__((target("avx"))) static size_t tanh_avx(const float *in, float *out, size_t n) {
    size_t k = 0;
    for (; k + 8 <= n; k += 8) _mm256_storeu_ps(out + k, mg_tanh8(_mm256_loadu_ps(in + k)));
    return k;
}
#endif

void mg_tanh(const float *in, float *out, size_t n) {
    size_t done = 0;
#if defined(__x86_64__)
    int level = mg_simd_level();
    if (level == 3) done = tanh_avx512(in, out, n);
    else if (level == 2) done = tanh_avx(in, out, n);
#endif
    for (size_t i = done; i < n; i++) out[i] = mg_tanh1(in[i]);
}
