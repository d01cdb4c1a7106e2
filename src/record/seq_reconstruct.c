/* Full sequence number from its low 8 or 16 bits (RFC 9147 4.2.2). */
#include "record/record.h"

static uint64_t distance(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

uint64_t d13_seq_reconstruct(uint64_t expected, uint32_t low_bits, unsigned nbits)
{
    uint64_t span, mask, candidate, best;

    if (nbits == 0 || nbits >= 32) return low_bits;
    span = UINT64_C(1) << nbits;
    mask = span - 1;
    candidate = (expected & ~mask) | ((uint64_t)low_bits & mask);
    best = candidate;
    /* One window below, unless that would go negative. */
    if (candidate >= span && distance(candidate - span, expected) < distance(best, expected))
        best = candidate - span;
    /* One window above, unless that would wrap past 2^64. */
    if (candidate <= UINT64_MAX - span && distance(candidate + span, expected) < distance(best, expected))
        best = candidate + span;
    return best;
}
