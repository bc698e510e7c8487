// Interposes the allocation functions in the benchmark executable and forwards to glibc's own
// implementations, counting calls (glibc 2.34+ has no malloc hooks). ELF symbol interposition
// makes these definitions win for every library in the process, OpenBLAS included.
#include <errno.h>  /* first glibc header: defines __GLIBC__ */
#include "malloc_counter.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>
#include <stdatomic.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_size_t count;

void *malloc(size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_malloc(n); }
void *calloc(size_t k, size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_calloc(k, n); }
void *realloc(void *p, size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) {
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    void *p = __libc_memalign(a, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

size_t malloc_counter_count(void) { return atomic_load_explicit(&count, memory_order_relaxed); }
int malloc_counter_available(void) { return 1; }
#else
size_t malloc_counter_count(void) { return 0; }
int malloc_counter_available(void) { return 0; }
#endif
