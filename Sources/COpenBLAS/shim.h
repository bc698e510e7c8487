// CBLAS and the few LAPACK routines TensorCore needs, from Debian's OpenBLAS (libopenblas-dev).
// The include path comes from pkg-config `openblas`. Debian ships no lapacke.h with OpenBLAS, so the
// Fortran-ABI LAPACK symbols that libopenblas exports are declared here.
#pragma once
#include <cblas.h>

/// QR factorization (LAPACK SGEQRF), column-major.
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau,
             float *work, const int *lwork, int *info);
/// Forms the orthogonal Q of a QR factorization (LAPACK SORGQR), column-major.
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda,
             const float *tau, float *work, const int *lwork, int *info);
