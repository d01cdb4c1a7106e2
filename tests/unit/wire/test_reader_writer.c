/* Tests for the bounds-checked reader and writer. */
#include "test.h"
#include "wire/reader.h"
#include "wire/writer.h"

static void test_read_every_width(d13_test_state *t)
{
    static const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                                  0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
                                  0x15, 0x16, 0x17, 0x18, 0xff, 0xfe, 0xfd, 0xfc};
    d13_reader r;
    d13_reader_init(&r, buf, sizeof buf);
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    CHECK(d13_read_u8(&r, &v8));
    CHECK_EQ(v8, 0x01);
    CHECK(d13_read_u16(&r, &v16));
    CHECK_EQ(v16, 0x0203);
    CHECK(d13_read_u24(&r, &v32));
    CHECK_EQ(v32, 0x040506);
    CHECK(d13_read_u32(&r, &v32));
    CHECK_EQ(v32, 0x0708090a);
    CHECK(d13_read_u48(&r, &v64));
    CHECK(v64 == 0x0b0c0d0e0f10ull);
    CHECK(d13_read_u64(&r, &v64));
    CHECK(v64 == 0x1112131415161718ull);
    CHECK_EQ(d13_reader_offset(&r), 24);
    CHECK_EQ(d13_reader_remaining(&r), 4);
    CHECK(d13_read_u32(&r, &v32));
    CHECK(v32 == 0xfffefdfcu);
    CHECK(d13_reader_done(&r));
    CHECK(!d13_reader_failed(&r));
}

static void test_read_short_each_width(d13_test_state *t)
{
    static const uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    for (size_t len = 0; len < 8; len++) {
        d13_reader r;
        uint64_t v64 = 99;
        d13_reader_init(&r, buf, len);
        CHECK(!d13_read_u64(&r, &v64));
        CHECK(v64 == 0);
        CHECK(d13_reader_failed(&r));
        CHECK_EQ(d13_reader_remaining(&r), 0);
        CHECK(!d13_reader_done(&r));
    }
    d13_reader r;
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    d13_reader_init(&r, buf, 0);
    CHECK(!d13_read_u8(&r, &v8));
    d13_reader_init(&r, buf, 1);
    CHECK(!d13_read_u16(&r, &v16));
    d13_reader_init(&r, buf, 2);
    CHECK(!d13_read_u24(&r, &v32));
    d13_reader_init(&r, buf, 3);
    CHECK(!d13_read_u32(&r, &v32));
    d13_reader_init(&r, buf, 5);
    CHECK(!d13_read_u48(&r, &v64));
    /* Exactly enough succeeds. */
    d13_reader_init(&r, buf, 6);
    CHECK(d13_read_u48(&r, &v64));
    CHECK(v64 == 0x010203040506ull);
    CHECK(d13_reader_done(&r));
}

static void test_sticky_failure(d13_test_state *t)
{
    static const uint8_t buf[] = {0xaa, 0xbb, 0xcc};
    d13_reader r;
    d13_reader_init(&r, buf, sizeof buf);
    uint32_t v32;
    uint8_t v8 = 7;
    CHECK(!d13_read_u32(&r, &v32));
    CHECK(d13_reader_failed(&r));
    /* A later read that would fit still fails. */
    CHECK(!d13_read_u8(&r, &v8));
    CHECK_EQ(v8, 0);
    CHECK(!d13_peek_u8(&r, &v8));
    CHECK(!d13_read_skip(&r, 0));
    const uint8_t *p = buf;
    CHECK(!d13_read_bytes(&r, 0, &p));
    CHECK(p == NULL);
    d13_reader sub;
    CHECK(!d13_read_sub(&r, 0, &sub));
    CHECK(d13_reader_failed(&sub));
    size_t n = 5;
    d13_read_rest(&r, &p, &n);
    CHECK_EQ(n, 0);
    CHECK(d13_reader_failed(&r));
    CHECK_EQ(d13_reader_remaining(&r), 0);
}

static void test_bytes_copy_skip_peek_rest(d13_test_state *t)
{
    static const uint8_t buf[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    d13_reader r;
    d13_reader_init(&r, buf, sizeof buf);
    uint8_t v8;
    CHECK(d13_peek_u8(&r, &v8));
    CHECK_EQ(v8, 1);
    CHECK_EQ(d13_reader_offset(&r), 0);
    uint8_t out[3] = {0};
    CHECK(d13_read_copy(&r, out, 3));
    CHECK_MEM(out, buf, 3);
    const uint8_t *p = NULL;
    CHECK(d13_read_bytes(&r, 2, &p));
    CHECK(p == buf + 3);
    CHECK(d13_read_skip(&r, 1));
    CHECK(d13_read_bytes(&r, 0, &p));
    CHECK(p != NULL);
    size_t n = 0;
    d13_read_rest(&r, &p, &n);
    CHECK_EQ(n, 3);
    CHECK(p == buf + 6);
    CHECK(d13_reader_done(&r));
    CHECK(!d13_peek_u8(&r, &v8));
    CHECK(!d13_reader_failed(&r)); /* peeking at the end is not a failure */
    CHECK(!d13_read_copy(&r, out, 1));
    CHECK(d13_reader_failed(&r));

    /* Huge lengths do not wrap. */
    d13_reader_init(&r, buf, sizeof buf);
    CHECK(d13_read_skip(&r, 1));
    CHECK(!d13_read_skip(&r, (size_t)-1));
    CHECK(d13_reader_failed(&r));

    /* A NULL empty buffer is a valid empty reader. */
    d13_reader_init(&r, NULL, 0);
    CHECK(d13_reader_done(&r));
    CHECK(d13_read_skip(&r, 0));
    CHECK(!d13_read_u8(&r, &v8));
}

static void test_vectors(d13_test_state *t)
{
    /* vec8 {AA BB}, vec16 {CC}, vec24 {} , vec8 too long */
    static const uint8_t buf[] = {0x02, 0xaa, 0xbb, 0x00, 0x01, 0xcc,
                                  0x00, 0x00, 0x00, 0x05, 0x01};
    d13_reader r, sub;
    uint8_t v8;
    d13_reader_init(&r, buf, sizeof buf);
    CHECK(d13_read_vec8(&r, &sub));
    CHECK_EQ(d13_reader_remaining(&sub), 2);
    CHECK(d13_read_u8(&sub, &v8));
    CHECK_EQ(v8, 0xaa);
    CHECK(d13_read_u8(&sub, &v8));
    CHECK_EQ(v8, 0xbb);
    CHECK(d13_reader_done(&sub));
    CHECK(!d13_read_u8(&sub, &v8)); /* sub-reader cannot read past its end */
    CHECK(!d13_reader_failed(&r));  /* ... and that does not fail the parent */
    CHECK(d13_read_vec16(&r, &sub));
    CHECK_EQ(d13_reader_remaining(&sub), 1);
    CHECK(d13_read_u8(&sub, &v8));
    CHECK_EQ(v8, 0xcc);
    CHECK(d13_read_vec24(&r, &sub));
    CHECK(d13_reader_done(&sub));
    CHECK(!d13_read_vec8(&r, &sub)); /* claims 5 bytes, 1 left */
    CHECK(d13_reader_failed(&r));
    CHECK(d13_reader_failed(&sub));

    /* Truncated length prefix. */
    static const uint8_t short16[] = {0x00};
    d13_reader_init(&r, short16, sizeof short16);
    CHECK(!d13_read_vec16(&r, &sub));
    CHECK(d13_reader_failed(&sub));
    static const uint8_t short24[] = {0x00, 0x00};
    d13_reader_init(&r, short24, sizeof short24);
    CHECK(!d13_read_vec24(&r, &sub));

    /* vec24 of the full 3-byte width. */
    static const uint8_t big24[] = {0x01, 0x00, 0x00};
    d13_reader_init(&r, big24, sizeof big24);
    CHECK(!d13_read_vec24(&r, &sub));

    /* read_sub */
    d13_reader_init(&r, buf, sizeof buf);
    CHECK(d13_read_sub(&r, 3, &sub));
    CHECK_EQ(d13_reader_remaining(&sub), 3);
    CHECK_EQ(d13_reader_offset(&r), 3);
    CHECK(!d13_read_sub(&r, sizeof buf, &sub));
}

static void test_write_every_width(d13_test_state *t)
{
    uint8_t buf[32];
    d13_writer w;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_write_u8(&w, 0x01));
    CHECK(d13_write_u16(&w, 0x0203));
    CHECK(d13_write_u24(&w, 0x040506));
    CHECK(d13_write_u32(&w, 0x0708090a));
    CHECK(d13_write_u48(&w, 0x0b0c0d0e0f10ull));
    CHECK(d13_write_u64(&w, 0x1112131415161718ull));
    static const uint8_t tail[] = {0xfe, 0xed};
    CHECK(d13_write_bytes(&w, tail, 2));
    CHECK(d13_write_zeros(&w, 2));
    CHECK_EQ(d13_writer_len(&w), 28);
    static const uint8_t want[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                                   0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
                                   0x15, 0x16, 0x17, 0x18, 0xfe, 0xed, 0x00, 0x00};
    CHECK_MEM(buf, want, sizeof want);
    CHECK(!d13_writer_failed(&w));
    uint8_t *p = d13_write_reserve(&w, 4);
    CHECK(p == buf + 28);
    CHECK_EQ(d13_writer_len(&w), 32);
    CHECK(d13_write_bytes(&w, NULL, 0));
    CHECK(!d13_writer_failed(&w));

    /* Values that do not fit their width fail. */
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(!d13_write_u24(&w, 0x1000000));
    CHECK(d13_writer_failed(&w));
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(!d13_write_u48(&w, 0x1000000000000ull));
    CHECK(d13_writer_failed(&w));
}

static void test_write_overflow_sticky(d13_test_state *t)
{
    uint8_t buf[5] = {0};
    d13_writer w;
    d13_writer_init(&w, buf, 3);
    CHECK(d13_write_u16(&w, 0xabcd));
    CHECK(!d13_write_u16(&w, 0x1234)); /* one byte left */
    CHECK(d13_writer_failed(&w));
    CHECK_EQ(d13_writer_len(&w), 2);
    CHECK_EQ(buf[2], 0); /* nothing partially written */
    CHECK(!d13_write_u8(&w, 1)); /* fits, but the failure is sticky */
    CHECK(d13_write_reserve(&w, 0) == NULL);
    CHECK(!d13_write_zeros(&w, 0));
    CHECK(!d13_write_bytes(&w, buf, 0));
    CHECK_EQ(buf[2], 0);
    CHECK_EQ(buf[3], 0);

    for (size_t cap = 0; cap < 8; cap++) {
        d13_writer_init(&w, buf, cap);
        CHECK(!d13_write_u64(&w, 1));
        CHECK(d13_writer_failed(&w));
    }
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_write_u8(&w, 1));
    CHECK(d13_write_reserve(&w, (size_t)-1) == NULL);
    CHECK(d13_writer_failed(&w));

    d13_writer_init(&w, NULL, 0);
    CHECK(!d13_write_u8(&w, 1));
    CHECK(d13_writer_failed(&w));
}

static void test_write_vectors(d13_test_state *t)
{
    uint8_t buf[300];
    d13_writer w;
    d13_writer_init(&w, buf, sizeof buf);
    size_t m16 = d13_write_vec_begin(&w, 2);
    size_t m8 = d13_write_vec_begin(&w, 1);
    CHECK(d13_write_u16(&w, 0x0a0b));
    CHECK(d13_write_vec_end(&w, m8, 1));
    size_t m24 = d13_write_vec_begin(&w, 3);
    CHECK(d13_write_vec_end(&w, m24, 3));
    CHECK(d13_write_vec_end(&w, m16, 2));
    static const uint8_t want[] = {0x00, 0x06, 0x02, 0x0a, 0x0b, 0x00, 0x00, 0x00};
    CHECK_EQ(d13_writer_len(&w), sizeof want);
    CHECK_MEM(buf, want, sizeof want);

    /* Read back what was written. */
    d13_reader r, outer, inner;
    uint16_t v16;
    d13_reader_init(&r, buf, d13_writer_len(&w));
    CHECK(d13_read_vec16(&r, &outer));
    CHECK(d13_read_vec8(&outer, &inner));
    CHECK(d13_read_u16(&inner, &v16));
    CHECK_EQ(v16, 0x0a0b);
    CHECK(d13_read_vec24(&outer, &inner));
    CHECK(d13_reader_done(&inner));
    CHECK(d13_reader_done(&outer));
    CHECK(d13_reader_done(&r));

    /* A vec8 holding 256 bytes is too long. */
    d13_writer_init(&w, buf, sizeof buf);
    m8 = d13_write_vec_begin(&w, 1);
    CHECK(d13_write_zeros(&w, 255));
    CHECK(d13_write_vec_end(&w, m8, 1));
    CHECK_EQ(buf[0], 255);
    d13_writer_init(&w, buf, sizeof buf);
    m8 = d13_write_vec_begin(&w, 1);
    CHECK(d13_write_zeros(&w, 256));
    CHECK(!d13_write_vec_end(&w, m8, 1));
    CHECK(d13_writer_failed(&w));

    /* A vec16 holding 65536 bytes is too long; 65535 is fine. */
    static uint8_t big[70000];
    d13_writer_init(&w, big, sizeof big);
    m16 = d13_write_vec_begin(&w, 2);
    CHECK(d13_write_zeros(&w, 65535));
    CHECK(d13_write_vec_end(&w, m16, 2));
    CHECK_EQ(big[0], 0xff);
    CHECK_EQ(big[1], 0xff);
    d13_writer_init(&w, big, sizeof big);
    m16 = d13_write_vec_begin(&w, 2);
    CHECK(d13_write_zeros(&w, 65536));
    CHECK(!d13_write_vec_end(&w, m16, 2));

    /* Bad prefix widths and marks fail. */
    d13_writer_init(&w, buf, sizeof buf);
    (void)d13_write_vec_begin(&w, 4);
    CHECK(d13_writer_failed(&w));
    d13_writer_init(&w, buf, sizeof buf);
    (void)d13_write_vec_begin(&w, 0);
    CHECK(d13_writer_failed(&w));
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(!d13_write_vec_end(&w, 10, 2)); /* mark beyond the end */
    d13_writer_init(&w, buf, sizeof buf);
    m16 = d13_write_vec_begin(&w, 2);
    CHECK(!d13_write_vec_end(&w, m16, 3)); /* prefix does not fit */

    /* Overflow while opening a vector: end fails. */
    d13_writer_init(&w, buf, 1);
    m16 = d13_write_vec_begin(&w, 2);
    CHECK(d13_writer_failed(&w));
    CHECK(!d13_write_vec_end(&w, m16, 2));
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_read_every_width);
    RUN_TEST(&st, test_read_short_each_width);
    RUN_TEST(&st, test_sticky_failure);
    RUN_TEST(&st, test_bytes_copy_skip_peek_rest);
    RUN_TEST(&st, test_vectors);
    RUN_TEST(&st, test_write_every_width);
    RUN_TEST(&st, test_write_overflow_sticky);
    RUN_TEST(&st, test_write_vectors);
    TEST_MAIN_END(&st);
}
