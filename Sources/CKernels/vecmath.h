// TensorCore's rational tanh (`ftanh` in TensorCore.swift; Eigen's approximation), scalar and
// vectorized with the same operations in the same order, so every width gives the same bits:
// clamp to ±7.905311..., odd polynomial over even polynomial, and x itself where |x| < 0.0004.
// Shared by the elementwise kernels (kernels.c) and the recurrent cells (recurrent.c).
#ifndef MARKETGYM_CKERNELS_VECMATH_H
#define MARKETGYM_CKERNELS_VECMATH_H
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// The widest vector set the kernels may use: 0 none, 1 SSE, 2 AVX, 3 AVX-512F (capped by
/// `mg_limit_simd_level`).
int mg_simd_level(void);

#define TANH_CLAMP 7.90531110763549805f
#define TANH_P0 -2.76076847742355e-16f
#define TANH_P1 2.00018790482477e-13f
#define TANH_P2 -8.60467152213735e-11f
#define TANH_P3 5.12229709037114e-08f
#define TANH_P4 1.48572235717979e-05f
#define TANH_P5 6.37261928875436e-04f
#define TANH_P6 4.89352455891786e-03f
#define TANH_Q0 1.19825839466702e-06f
#define TANH_Q1 1.18534705686654e-04f
#define TANH_Q2 2.26843463243900e-03f
#define TANH_Q3 4.89352518554385e-03f

static inline float mg_tanh1(float x) {
    // The clamps keep Swift's NaN behaviour (`max(x, lo)` is `lo >= x ? lo : x`: NaN passes through).
    float c = (-TANH_CLAMP >= x) ? -TANH_CLAMP : x;
    c = (TANH_CLAMP < c) ? TANH_CLAMP : c;
    float x2 = c * c;
    float p = TANH_P0;
    p = p * x2 + TANH_P1;
    p = p * x2 + TANH_P2;
    p = p * x2 + TANH_P3;
    p = p * x2 + TANH_P4;
    p = p * x2 + TANH_P5;
    p = p * x2 + TANH_P6;
    p = p * c;
    float q = TANH_Q0;
    q = q * x2 + TANH_Q1;
    q = q * x2 + TANH_Q2;
    q = q * x2 + TANH_Q3;
    return fabsf(x) < 0.0004f ? x : p / q;
}

/// The logistic sigmoid as `0.5 + 0.5·tanh(x/2)` (TensorCore's `sigmoidInPlace`, same order).
static inline float mg_sigmoid1(float x) { return 0.5f + 0.5f * mg_tanh1(x * 0.5f); }

#if defined(__x86_64__)
// max_ps(a, b) / min_ps(a, b) return b when either is NaN, and b on ties: with b = x these are
// Swift's `max(x, lo)` and `min(c, hi)` exactly.
#define MG_TANH_BODY(P, V, SMALLSEL)                                                                  \
    V c = P##_min_ps(P##_set1_ps(TANH_CLAMP), P##_max_ps(P##_set1_ps(-TANH_CLAMP), x));               \
    V x2 = P##_mul_ps(c, c);                                                                          \
    V p = P##_set1_ps(TANH_P0);                                                                       \
    p = P##_add_ps(P##_mul_ps(p, x2), P##_set1_ps(TANH_P1));                                          \
    p = P##_add_ps(P##_mul_ps(p, x2), P##_set1_ps(TANH_P2));                                          \
    p = P##_add_ps(P##_mul_ps(p, x2), P##_set1_ps(TANH_P3));                                          \
    p = P##_add_ps(P##_mul_ps(p, x2), P##_set1_ps(TANH_P4));                                          \
    p = P##_add_ps(P##_mul_ps(p, x2), P##_set1_ps(TANH_P5));                                          \
    p = P##_add_ps(P##_mul_ps(p, x2), P##_set1_ps(TANH_P6));                                          \
    p = P##_mul_ps(p, c);                                                                             \
    V q = P##_set1_ps(TANH_Q0);                                                                       \
    q = P##_add_ps(P##_mul_ps(q, x2), P##_set1_ps(TANH_Q1));                                          \
    q = P##_add_ps(P##_mul_ps(q, x2), P##_set1_ps(TANH_Q2));                                          \
    q = P##_add_ps(P##_mul_ps(q, x2), P##_set1_ps(TANH_Q3));                                          \
    V r = P##_div_ps(p, q);                                                                           \
    return SMALLSEL;

__attribute__((target("avx512f"))) static inline __m512 mg_tanh16(__m512 x) {
    MG_TANH_BODY(_mm512, __m512,
                 _mm512_mask_blend_ps(_mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0.0004f), _CMP_LT_OQ), r, x))
}
__attribute__((target("avx"))) static inline __m256 mg_tanh8(__m256 x) {
    MG_TANH_BODY(_mm256, __m256,
                 _mm256_blendv_ps(r, x, _mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), x),
                                                      _mm256_set1_ps(0.0004f), _CMP_LT_OQ)))
}
__attribute__((target("avx512f"))) static inline __m512 mg_sigmoid16(__m512 x) {
    __m512 half = _mm512_set1_ps(0.5f);
    return _mm512_add_ps(half, _mm512_mul_ps(half, mg_tanh16(_mm512_mul_ps(x, half))));
}
__attribute__((target("avx"))) static inline __m256 mg_sigmoid8(__m256 x) {
    __m256 half = _mm256_set1_ps(0.5f);
    return _mm256_add_ps(half, _mm256_mul_ps(half, mg_tanh8(_mm256_mul_ps(x, half))));
}
#endif

#endif
