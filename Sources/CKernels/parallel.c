// A persistent worker thread for two-way parallel regions, low latency: the caller publishes a
// region, both threads claim its parts from one atomic counter, and the caller computes whatever
// the worker has not claimed yet, so it never waits for a worker that is asleep or descheduled,
// only for a part the worker is already computing. Between regions the worker spins briefly (the
// next region of a training step usually follows within microseconds), then parks on a futex.
// One caller at a time owns the worker (try-lock); other callers run their regions alone, so
// several agents training in parallel threads stay correct.
//
// On a machine where other processes hold the cores the worker often runs late (it was asleep or
// preempted) and the caller ends up waiting for it longer than computing the part itself would
// take. The owner therefore scores every region (did the worker's help pay?) and, after a run of
// regions where it did not, computes the next regions alone before trying again: 64 at first,
// twice as many each time the retry fails (up to 8,192), back to 64 after 1,024 regions in a row
// where the worker paid. Who computes a part never changes its bits, so none of this affects
// results.
#define _GNU_SOURCE
#include "parallel.h"
#include "CKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

static atomic_int threads_in_effect = -1;        // -1: not decided yet
static atomic_int owner_taken = 0;               // try-lock of the worker
static _Atomic uint64_t region = 0;              // generation << 32 | next unclaimed part
static atomic_int parts_done = 0;
static atomic_int worker_sleeping = 0;
static atomic_int wake_word = 0;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
static int worker_started = 0;

// The published region; written by the owner before the release store of `region`.
static mg_part_fn region_fn;
static void *region_ctx;
static atomic_int region_parts;                  // atomic: the worker may read it while the owner publishes the next region
static uint32_t generation = 0;                  // owner only
static int lost_score = 0;                       // owner only: regions where the worker did not pay off
static int solo_regions = 0;                     // owner only: regions left to run alone
static int solo_length = 64;                     // owner only: the next back-off, doubled while it keeps failing
static int wins_in_a_row = 0;                    // owner only
// Counters for MARKETGYM_THREADS_STATS=1 (printed at exit): regions run with the worker, regions
// whose wait did not pay, regions run alone because of the back-off, seconds spent waiting.
static long stat_regions = 0, stat_lost = 0, stat_solo = 0, stat_missed = 0;
static double stat_wait = 0, stat_own = 0;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double thread_cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void park(int expected) {
#if defined(__linux__)
    syscall(SYS_futex, &wake_word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
#else
    (void)expected;
    usleep(50);
#endif
}

static void unpark(void) {
    atomic_fetch_add(&wake_word, 1);
#if defined(__linux__)
    syscall(SYS_futex, &wake_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
#endif
}

// Claims and runs parts of generation `gen` until none is left; returns how many it ran.
static int run_parts(uint32_t gen) {
    int ran = 0;
    for (;;) {
        uint64_t cur = atomic_load_explicit(&region, memory_order_acquire);
        if ((uint32_t)(cur >> 32) != gen) return ran;
        uint32_t next = (uint32_t)cur;
        if ((int)next >= atomic_load_explicit(&region_parts, memory_order_relaxed)) return ran;
        if (!atomic_compare_exchange_weak_explicit(&region, &cur, cur + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        // The part is ours: the owner cannot finish (and overwrite the region) before we report it.
        region_fn(region_ctx, (int)next);
        atomic_fetch_add_explicit(&parts_done, 1, memory_order_release);
        ran += 1;
    }
}

static void *worker_main(void *unused) {
    (void)unused;
    uint32_t seen = 0;
    const double spin_seconds = 200e-6;
    for (;;) {
        double start = now_seconds();
        unsigned spins = 0;
        uint32_t gen;
        for (;;) {
            gen = (uint32_t)(atomic_load_explicit(&region, memory_order_acquire) >> 32);
            if (gen != seen) break;
            cpu_relax();
            if ((++spins & 255) == 0 && now_seconds() - start > spin_seconds) {
                int w = atomic_load(&wake_word);
                atomic_store(&worker_sleeping, 1);
                gen = (uint32_t)(atomic_load(&region) >> 32);
                if (gen == seen) park(w);
                atomic_store(&worker_sleeping, 0);
                start = now_seconds();
            }
        }
        seen = gen;
        run_parts(gen);
    }
    return NULL;
}

#include <stdio.h>
static void print_stats(void) {
    fprintf(stderr, "MARKETGYM_THREADS_STATS: %ld regions shared with the worker (%ld did not pay; caller computed %.3f s, waited %.3f s), "
            "%ld the worker missed, %ld alone after back-off\n", stat_regions, stat_lost, stat_own, stat_wait, stat_missed, stat_solo);
}

static void start_worker(void) {
    const char *stats = getenv("MARKETGYM_THREADS_STATS");
    if (stats && *stats == '1') atexit(print_stats);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    worker_started = pthread_create(&t, &attr, worker_main, NULL) == 0;
    pthread_attr_destroy(&attr);
}

static int default_threads(void) {
    const char *env = getenv("MARKETGYM_THREADS");
    if (env && *env) {
        int t = atoi(env);
        return t >= 2 ? 2 : 1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores >= 2 ? 2 : 1;
}

int mg_set_threads(int threads) {
    int t = threads >= 2 ? 2 : 1;
    atomic_store(&threads_in_effect, t);
    return t;
}

int mg_threads(void) {
    int t = atomic_load(&threads_in_effect);
    if (t < 0) {
        int d = default_threads();
        int expected = -1;
        atomic_compare_exchange_strong(&threads_in_effect, &expected, d);
        t = atomic_load(&threads_in_effect);
    }
    return t;
}

void mg_parallel(mg_part_fn fn, void *ctx, int parts) {
    if (parts <= 1 || mg_threads() < 2 || atomic_exchange_explicit(&owner_taken, 1, memory_order_acquire)) {
        for (int p = 0; p < parts; p++) fn(ctx, p);
        return;
    }
    pthread_once(&worker_once, start_worker);
    if (!worker_started || solo_regions > 0) {
        if (solo_regions > 0) {
            solo_regions -= 1;
            stat_solo += 1;
        }
        atomic_store_explicit(&owner_taken, 0, memory_order_release);
        for (int p = 0; p < parts; p++) fn(ctx, p);
        return;
    }
    region_fn = fn;
    region_ctx = ctx;
    atomic_store_explicit(&region_parts, parts, memory_order_relaxed);  // published by the seq_cst store of `region`
    atomic_store_explicit(&parts_done, 0, memory_order_relaxed);
    generation += 1;
    if (generation == 0) generation = 1;  // 0 is the worker's initial "seen"
    atomic_store(&region, (uint64_t)generation << 32);  // seq_cst: pairs with the worker's sleep check
    double t0 = now_seconds(), c0 = thread_cpu_seconds();
    if (atomic_load(&worker_sleeping)) unpark();
    int own = run_parts(generation);
    double t1 = now_seconds(), c1 = thread_cpu_seconds();
    while (atomic_load_explicit(&parts_done, memory_order_acquire) < parts) cpu_relax();
    double t2 = now_seconds();
    // Did the worker pay off? The caller computed `own` parts in t1 - t0; alone it would have
    // needed about (t1 - t0) / own per remaining part. A loss is waiting longer than that (the
    // worker was slow or preempted in its part), or the caller itself losing the CPU while it
    // computed (more than 20% of the wall time: our two threads and other processes are sharing the
    // cores, and one thread alone would be faster). A worker that took no part cost only the
    // publication: neither a loss nor a win.
    if (own >= parts) {
        stat_missed += 1;
        atomic_store_explicit(&owner_taken, 0, memory_order_release);
        return;
    }
    int lost = (own > 0 && (t2 - t1) > (t1 - t0) / (double)own * (double)(parts - own))
        || (t1 - t0) > 1.2 * (c1 - c0) + 5e-6;
    stat_regions += 1;
    stat_lost += lost;
    stat_wait += t2 - t1;
    stat_own += t1 - t0;
    lost_score += lost ? 1 : -1;
    if (lost_score < 0) lost_score = 0;
    wins_in_a_row = lost ? 0 : wins_in_a_row + 1;
    if (wins_in_a_row >= 1024) solo_length = 64;  // the machine is quiet again
    if (lost_score >= 8) {
        lost_score = 0;
        solo_regions = solo_length;
        solo_length = solo_length < 8192 ? 2 * solo_length : 8192;
    }
    atomic_store_explicit(&owner_taken, 0, memory_order_release);
}
