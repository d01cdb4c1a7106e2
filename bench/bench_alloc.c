/* Allocation counter: interposes malloc, calloc and realloc (the
 * executable's definitions take precedence over glibc's for every shared
 * library, libcrypto included) and forwards to glibc's implementations.
 * Single-threaded benchmarks only; nothing is interposed under a
 * sanitizer, which brings its own allocator. */
#include "bench_alloc.h"

#include <stddef.h>
#include <stdlib.h> /* and with it glibc's __GLIBC__ */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BENCH_ALLOC_COUNTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define BENCH_ALLOC_COUNTED 0
#endif
#endif
#ifndef BENCH_ALLOC_COUNTED
#ifdef __GLIBC__
#define BENCH_ALLOC_COUNTED 1
#else
#define BENCH_ALLOC_COUNTED 0
#endif
#endif

#if BENCH_ALLOC_COUNTED
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

static uint64_t allocations;

void *malloc(size_t size)
{
    allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    allocations++;
    return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
    allocations++;
    return __libc_realloc(ptr, size);
}

uint64_t bench_alloc_count(void)
{
    return allocations;
}
#else
uint64_t bench_alloc_count(void)
{
    return UINT64_MAX;
}
#endif
