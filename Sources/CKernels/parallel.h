#ifndef MARKETGYM_CKERNELS_PARALLEL_H
#define MARKETGYM_CKERNELS_PARALLEL_H
/// One part of a parallel region.
typedef void (*mg_part_fn)(void *ctx, int part);
/// Runs fn(ctx, 0..<parts), on the caller and the worker when two threads are in effect and the
/// worker is free, else all on the caller; returns when every part is done.
void mg_parallel(mg_part_fn fn, void *ctx, int parts);
#endif
