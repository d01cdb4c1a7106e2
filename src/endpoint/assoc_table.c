/* Address table of the endpoint: chained hash buckets keyed by the peer's
 * address bytes, hashed with a per-endpoint random seed so that a remote
 * party cannot aim many addresses at one bucket without knowing it. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"
#include "endpoint/endpoint_internal.h"

#define INITIAL_BUCKETS 64u
#define MAX_BUCKETS (1u << 22)

int d13_assoc_table_init(d13_assoc_table *t)
{
    memset(t, 0, sizeof(*t));
    t->buckets = calloc(INITIAL_BUCKETS, sizeof(*t->buckets));
    if (!t->buckets) return DTLS13_ERR_NO_MEMORY;
    t->num_buckets = INITIAL_BUCKETS;
    uint8_t seed[8];
    if (d13_random(seed, sizeof(seed))) {
        free(t->buckets);
        t->buckets = NULL;
        return DTLS13_ERR_CRYPTO;
    }
    for (size_t i = 0; i < sizeof(seed); i++) t->seed = (t->seed << 8) | seed[i];
    return DTLS13_OK;
}

void d13_assoc_table_free(d13_assoc_table *t)
{
    free(t->buckets);
    t->buckets = NULL;
    t->num_buckets = t->count = 0;
}

/* A 64-bit multiply-xorshift mix (the finalizer of MurmurHash3 / splitmix64)
 * over 8-byte words, seeded: a table hash, not a cryptographic one. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t d13_assoc_table_hash(const d13_assoc_table *t, const void *addr, size_t len)
{
    const uint8_t *p = addr;
    uint64_t h = mix(t->seed ^ (uint64_t)len);
    while (len > 0) {
        uint64_t word = 0;
        size_t n = len < 8 ? len : 8;
        memcpy(&word, p, n);
        h = mix(h ^ word) + 0x9e3779b97f4a7c15ull;
        p += n;
        len -= n;
    }
    return mix(h);
}

static size_t bucket_of(const d13_assoc_table *t, uint64_t hash)
{
    return (size_t)(hash & (t->num_buckets - 1));
}

dtls13_assoc *d13_assoc_table_find(const d13_assoc_table *t, const void *addr, size_t len)
{
    uint64_t hash = d13_assoc_table_hash(t, addr, len);
    for (dtls13_assoc *a = t->buckets[bucket_of(t, hash)]; a; a = a->next_in_bucket)
        if (a->addr_hash == hash && a->addr_len == len && memcmp(a->addr, addr, len) == 0) return a;
    return NULL;
}

static void grow(d13_assoc_table *t)
{
    if (t->num_buckets >= MAX_BUCKETS) return;
    size_t n = t->num_buckets * 2;
    dtls13_assoc **nb = calloc(n, sizeof(*nb));
    if (!nb) return; /* longer chains, still correct */
    for (size_t i = 0; i < t->num_buckets; i++) {
        dtls13_assoc *a = t->buckets[i];
        while (a) {
            dtls13_assoc *next = a->next_in_bucket;
            size_t b = (size_t)(a->addr_hash & (n - 1));
            a->next_in_bucket = nb[b];
            nb[b] = a;
            a = next;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->num_buckets = n;
}

void d13_assoc_table_insert(d13_assoc_table *t, dtls13_assoc *a)
{
    if (t->count + 1 > t->num_buckets) grow(t);
    size_t b = bucket_of(t, a->addr_hash);
    a->next_in_bucket = t->buckets[b];
    t->buckets[b] = a;
    t->count++;
}

void d13_assoc_table_remove(d13_assoc_table *t, dtls13_assoc *a)
{
    dtls13_assoc **pp = &t->buckets[bucket_of(t, a->addr_hash)];
    while (*pp && *pp != a) pp = &(*pp)->next_in_bucket;
    if (!*pp) return;
    *pp = a->next_in_bucket;
    a->next_in_bucket = NULL;
    t->count--;
}

size_t d13_assoc_table_bytes(const d13_assoc_table *t)
{
    return t->num_buckets * sizeof(*t->buckets);
}
