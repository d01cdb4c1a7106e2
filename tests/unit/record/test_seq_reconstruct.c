/* Sequence number reconstruction (RFC 9147 4.2.2). */
#include <stdint.h>

#include "record/record.h"
#include "test.h"

static uint64_t distance(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

static void test_simple(d13_test_state *t)
{
    CHECK_EQ(d13_seq_reconstruct(0, 0, 16), 0);
    CHECK_EQ(d13_seq_reconstruct(0, 5, 8), 5);
    CHECK_EQ(d13_seq_reconstruct(0x1234, 0x1234, 16), 0x1234);
    CHECK_EQ(d13_seq_reconstruct(0x10000, 0x0002, 16), 0x10002);
    /* just below a 16-bit boundary, low bits that wrapped */
    CHECK_EQ(d13_seq_reconstruct(0x1fff0, 0x0005, 16), 0x20005);
    /* just above a boundary, a late record from before it */
    CHECK_EQ(d13_seq_reconstruct(0x20003, 0xfffe, 16), 0x1fffe);
    /* 8 bits */
    CHECK_EQ(d13_seq_reconstruct(0x1fe, 0x03, 8), 0x203);
    CHECK_EQ(d13_seq_reconstruct(0x203, 0xfe, 8), 0x1fe);
    CHECK_EQ(d13_seq_reconstruct(0x280, 0x7f, 8), 0x27f);
    /* only the low bits of low_bits count */
    CHECK_EQ(d13_seq_reconstruct(0x100, 0x1ff, 8), 0xff);
}

static void test_never_negative(d13_test_state *t)
{
    /* Near 0 the window below does not exist. */
    CHECK_EQ(d13_seq_reconstruct(0, 0xffff, 16), 0xffff);
    CHECK_EQ(d13_seq_reconstruct(1, 0xff, 8), 0xff);
    CHECK_EQ(d13_seq_reconstruct(3, 0xfe, 8), 0xfe);
}

static void test_never_wraps_past_top(d13_test_state *t)
{
    CHECK_EQ(d13_seq_reconstruct(UINT64_MAX, 0x0000, 16), UINT64_MAX - 0xffff);
    CHECK_EQ(d13_seq_reconstruct(UINT64_MAX - 1, 0xff, 8), UINT64_MAX);
}

static void test_closest_property(d13_test_state *t)
{
    /* The result has the given low bits and lies within half a window of
     * expected, for many expected values and every 8-bit value. */
    uint64_t bases[] = {0, 1, 127, 128, 129, 255, 256, 1000, 65535, 65536, 0x123456789aULL};
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        for (uint32_t low = 0; low < 256; low++) {
            uint64_t r = d13_seq_reconstruct(bases[b], low, 8);
            CHECK_EQ(r & 0xff, low);
            if (bases[b] >= 128) CHECK(distance(r, bases[b]) <= 128);
        }
        for (uint32_t low = 0; low < 65536; low += 97) {
            uint64_t r = d13_seq_reconstruct(bases[b], low, 16);
            CHECK_EQ(r & 0xffff, low);
            if (bases[b] >= 32768) CHECK(distance(r, bases[b]) <= 32768);
        }
    }
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_simple);
    RUN_TEST(&st, test_never_negative);
    RUN_TEST(&st, test_never_wraps_past_top);
    RUN_TEST(&st, test_closest_property);
    TEST_MAIN_END(&st);
}
