#!/usr/bin/env bash
# Counts heap allocations of GymBench's stepping paths for two step counts (LD_PRELOAD malloc
# counter; valgrind 3.19 cannot read the toolchain's DWARF 5). Equal counts: no per-step allocation.
#   cd Benchmarks && swift build -c release --product GymBench && GymBench/count_allocations.sh
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/count.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static unsigned long count;
static void *(*real_malloc)(size_t);
void *malloc(size_t n) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    count++;
    return real_malloc(n);
}
__attribute__((destructor)) static void report(void) {
    char line[64];
    int len = snprintf(line, sizeof line, "mallocs: %lu\n", count);
    write(2, line, len);
}
C
cc -shared -fPIC -O2 -o "$tmp/count.so" "$tmp/count.c" -ldl
for n in 1000 11000; do
    echo "steps $n:"
    LD_PRELOAD="$tmp/count.so" .build/release/GymBench allocations "$n"
done
