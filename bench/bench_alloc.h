/* Counts heap allocations in the benchmark process (malloc, calloc and
 * realloc, libcrypto's included) to confirm that a code path allocates
 * nothing. */
#ifndef D13_BENCH_ALLOC_H
#define D13_BENCH_ALLOC_H

#include <stdint.h>

/** Allocations made in this process so far, or UINT64_MAX when they are
 *  not counted (sanitizer builds, whose allocator must not be replaced). */
uint64_t bench_alloc_count(void);

#endif
