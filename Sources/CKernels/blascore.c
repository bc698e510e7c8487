// OpenBLAS's kernels on CPUs newer than the OpenBLAS build.
//
// A DYNAMIC_ARCH OpenBLAS (Debian 12's 0.3.21) picks its kernels when it is loaded, from the CPU's
// family and model. A CPU newer than the build (Intel family 6 model 207, a 5th-generation Xeon,
// on some of our machines) is not in its table and gets the "Prescott" fallback: SSE3 kernels,
// about a third of the speed of its AVX-512 ones on the same CPU (an LSTM training step 39.5 ms
// against 12.4 ms, docs/tensor.md). OPENBLAS_CORETYPE chooses the kernels, but OpenBLAS reads it
// in its own constructor, before main: too late for a program to set it for itself.
//
// So, before main (this constructor runs after OpenBLAS's, libraries before the executable): when
// OPENBLAS_CORETYPE is unset, OpenBLAS took the Prescott fallback and the CPU and the operating
// system support AVX-512 (F, CD, BW, DQ, VL: what OpenBLAS's SkylakeX kernels use) or AVX2 and FMA
// (its Haswell kernels), OpenBLAS's own selection is run again with that core type named, exactly
// as OPENBLAS_CORETYPE would have named it (gotoblas_dynamic_quit + gotoblas_dynamic_init, found
// with dlsym so a non-DYNAMIC_ARCH OpenBLAS is left alone). Nothing else is touched: a set
// OPENBLAS_CORETYPE is obeyed as it is, a recognised CPU keeps OpenBLAS's choice, and the
// environment is restored (children make the same decision themselves). What was done is kept
// for mg_blas_core_note (the CLI and the benchmarks print it). MARKETGYM_BLAS_CORE=keep turns
// this off.
#include "CKernels.h"

#if defined(__linux__) && defined(__x86_64__)
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char note[200];

static const char *supported_core(void) {
    __builtin_cpu_init();  // compiler-rt sets the AVX and AVX-512 bits only when the OS saves their state
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    return NULL;
}

__attribute__((constructor)) static void mg_choose_blas_core(void) {
    const char *keep = getenv("MARKETGYM_BLAS_CORE");
    if (getenv("OPENBLAS_CORETYPE") != NULL || (keep != NULL && strcmp(keep, "keep") == 0)) return;
    char *(*corename)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
    void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (corename == NULL || quit == NULL || init == NULL) return;
    const char *before = corename();
    if (before == NULL || strcasecmp(before, "prescott") != 0) return;
    const char *wanted = supported_core();
    if (wanted == NULL) return;
    if (setenv("OPENBLAS_CORETYPE", wanted, 1) != 0) return;
    quit();
    init();
    unsetenv("OPENBLAS_CORETYPE");
    const char *after = corename();
    if (after != NULL && strcasecmp(after, wanted) == 0)
        snprintf(note, sizeof note,
                 "OpenBLAS did not know this CPU and took its Prescott (SSE3) kernels; MarketGym had it "
                 "select %s, which this CPU supports. Set OPENBLAS_CORETYPE to choose yourself.", wanted);
    else
        snprintf(note, sizeof note,
                 "OpenBLAS did not know this CPU and took its Prescott (SSE3) kernels; MarketGym asked it "
                 "for %s and it now runs %s. Set OPENBLAS_CORETYPE to choose yourself.",
                 wanted, after != NULL ? after : "(unknown)");
}

const char *mg_blas_core_note(void) { return note[0] != 0 ? note : NULL; }

#else
const char *mg_blas_core_note(void) { return NULL; }
#endif
