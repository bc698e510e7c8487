// Counts heap allocations in the benchmark process (see malloc_counter.c).
#pragma once
#include <stddef.h>

/// Allocation calls (malloc, calloc, realloc, aligned allocations) since process start.
size_t malloc_counter_count(void);
/// 1 where counting works (Linux/glibc), else 0.
int malloc_counter_available(void);
