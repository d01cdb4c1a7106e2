/* Record framing: DTLSPlaintext and unified header parsing (RFC 9147 4,
 * 4.1) and DTLSPlaintext writing. */
#include <stdint.h>
#include <string.h>

#include "record/record.h"
#include "test.h"
#include "wire/reader.h"
#include "wire/writer.h"

static d13_drop_reason parse_one(const uint8_t *buf, size_t len, d13_record_view *v)
{
    d13_reader r;
    d13_reader_init(&r, buf, len);
    return d13_record_next(&r, v);
}

static void test_plaintext_record(d13_test_state *t)
{
    uint8_t dgram[64];
    size_t n = test_hex("16 fe fd 0000 000000000007 0003 aabbcc", dgram, sizeof(dgram));
    d13_record_view v;
    d13_reader r;

    d13_reader_init(&r, dgram, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK(!v.is_ciphertext);
    CHECK_EQ(v.content_type, 22);
    CHECK_EQ(v.legacy_version, 0xfefd);
    CHECK_EQ(v.epoch16, 0);
    CHECK_EQ(v.seq48, 7);
    CHECK_EQ(v.payload_len, 3);
    CHECK(v.payload != NULL && v.payload[0] == 0xaa && v.payload[2] == 0xcc);
    CHECK(d13_reader_done(&r));
}

static void test_plaintext_content_types(d13_test_state *t)
{
    uint8_t dgram[16];
    d13_record_view v;
    /* Zeros after the first byte: a valid empty DTLSPlaintext record, or a
     * unified header with sequence 0 and (if L) length 0. */
    size_t n = 13;

    memset(dgram, 0, sizeof(dgram));

    for (unsigned type = 0; type < 256; type++) {
        bool expect_plain = (type >= 20 && type <= 24) || type == 26;
        bool expect_unified = (type & 0xe0) == 0x20 && (type & 0x10) == 0;
        d13_drop_reason reason;
        dgram[0] = (uint8_t)type;
        reason = parse_one(dgram, n, &v);
        if (expect_plain) {
            CHECK_EQ(reason, D13_DROP_NONE);
            CHECK(!v.is_ciphertext);
        } else if (expect_unified) {
            CHECK_EQ(reason, D13_DROP_NONE);
            CHECK(v.is_ciphertext);
        } else {
            CHECK_EQ(reason, D13_DROP_BAD_HEADER);
        }
    }
}

static void test_plaintext_lengths(d13_test_state *t)
{
    static uint8_t dgram[D13_PLAINTEXT_HEADER_LEN + 16384 + 2048 + 1];
    d13_writer w;
    d13_record_view v;

    /* epoch 0: 2^14 is the limit */
    d13_writer_init(&w, dgram, sizeof(dgram));
    d13_write_u8(&w, 22);
    d13_write_u16(&w, 0xfefd);
    d13_write_u16(&w, 0);
    d13_write_u48(&w, 0);
    d13_write_u16(&w, 16384);
    d13_write_zeros(&w, 16384);
    CHECK_EQ(parse_one(dgram, d13_writer_len(&w), &v), D13_DROP_NONE);
    CHECK_EQ(v.payload_len, 16384);

    d13_writer_init(&w, dgram, sizeof(dgram));
    d13_write_u8(&w, 22);
    d13_write_u16(&w, 0xfefd);
    d13_write_u16(&w, 0);
    d13_write_u48(&w, 0);
    d13_write_u16(&w, 16385);
    d13_write_zeros(&w, 16385);
    CHECK_EQ(parse_one(dgram, d13_writer_len(&w), &v), D13_DROP_BAD_HEADER);

    /* other epochs (DTLS 1.2 protected records): 2^14 + 2048 */
    d13_writer_init(&w, dgram, sizeof(dgram));
    d13_write_u8(&w, 23);
    d13_write_u16(&w, 0xfefd);
    d13_write_u16(&w, 1);
    d13_write_u48(&w, 0);
    d13_write_u16(&w, 16384 + 2048);
    d13_write_zeros(&w, 16384 + 2048);
    CHECK_EQ(parse_one(dgram, d13_writer_len(&w), &v), D13_DROP_NONE);
    CHECK_EQ(v.epoch16, 1);

    d13_writer_init(&w, dgram, sizeof(dgram));
    d13_write_u8(&w, 23);
    d13_write_u16(&w, 0xfefd);
    d13_write_u16(&w, 1);
    d13_write_u48(&w, 0);
    d13_write_u16(&w, 16384 + 2049);
    d13_write_zeros(&w, 16384 + 2049);
    CHECK_EQ(parse_one(dgram, d13_writer_len(&w), &v), D13_DROP_BAD_HEADER);
}

static void test_unified_forms(d13_test_state *t)
{
    uint8_t dgram[64];
    d13_record_view v;
    size_t n;

    /* S=1, L=1, epoch bits 3 */
    n = test_hex("2f 1234 0003 aabbcc dd", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_NONE);
    CHECK(v.is_ciphertext);
    CHECK_EQ(v.first_byte, 0x2f);
    CHECK_EQ(v.epoch_bits, 3);
    CHECK(v.seq16);
    CHECK(v.has_length);
    CHECK_EQ(v.header_len, 5);
    CHECK(v.header == dgram);
    CHECK_EQ(v.payload_len, 3);
    CHECK(v.payload != NULL && v.payload[0] == 0xaa);

    /* S=0, L=1 */
    n = test_hex("25 12 0002 aabb", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_NONE);
    CHECK(!v.seq16);
    CHECK(v.has_length);
    CHECK_EQ(v.epoch_bits, 1);
    CHECK_EQ(v.header_len, 4);
    CHECK_EQ(v.payload_len, 2);

    /* S=1, L=0: the rest of the datagram */
    n = test_hex("2a 1234 01020304050607", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_NONE);
    CHECK(v.seq16);
    CHECK(!v.has_length);
    CHECK_EQ(v.epoch_bits, 2);
    CHECK_EQ(v.header_len, 3);
    CHECK_EQ(v.payload_len, 7);

    /* S=0, L=0: the minimal header */
    n = test_hex("20 12 0102", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_NONE);
    CHECK(!v.seq16);
    CHECK(!v.has_length);
    CHECK_EQ(v.epoch_bits, 0);
    CHECK_EQ(v.header_len, 2);
    CHECK_EQ(v.payload_len, 2);

    /* C bit: connection ID not negotiated */
    n = test_hex("3c 1234 0002 aabb", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_BAD_HEADER);
    /* length beyond D13_MAX_CIPHERTEXT */
    n = test_hex("2c 1234 4101", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_BAD_HEADER);
    /* length longer than the datagram */
    n = test_hex("2c 1234 0004 aabbcc", dgram, sizeof(dgram));
    CHECK_EQ(parse_one(dgram, n, &v), D13_DROP_BAD_HEADER);
}

static void test_several_records(d13_test_state *t)
{
    uint8_t dgram[64];
    d13_record_view v;
    d13_reader r;
    size_t n = test_hex("15 fe fd 0000 000000000001 0002 0102"
                        "2c 0001 0003 aabbcc"
                        "20 07 ddeeff",
                        dgram, sizeof(dgram));

    d13_reader_init(&r, dgram, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK(!v.is_ciphertext);
    CHECK_EQ(v.content_type, 21);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK(v.is_ciphertext && v.has_length);
    CHECK_EQ(v.payload_len, 3);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK(v.is_ciphertext && !v.has_length);
    CHECK_EQ(v.payload_len, 3);
    CHECK_EQ(v.header_len, 2);
    CHECK(d13_reader_done(&r));
    /* nothing left */
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_BAD_HEADER);
}

static void test_truncation(d13_test_state *t)
{
    uint8_t plain[32], unified[32];
    size_t plain_len = test_hex("16 fe fd 0000 000000000001 0002 0102", plain, sizeof(plain));
    size_t unified_len = test_hex("2c 0001 0003 aabbcc", unified, sizeof(unified));
    d13_record_view v;

    for (size_t cut = 0; cut < plain_len; cut++) CHECK_EQ(parse_one(plain, cut, &v), D13_DROP_BAD_HEADER);
    CHECK_EQ(parse_one(plain, plain_len, &v), D13_DROP_NONE);
    for (size_t cut = 0; cut < unified_len; cut++)
        CHECK_EQ(parse_one(unified, cut, &v), D13_DROP_BAD_HEADER);
    CHECK_EQ(parse_one(unified, unified_len, &v), D13_DROP_NONE);
}

static void test_plaintext_write(d13_test_state *t)
{
    uint8_t buf[64], expected[64];
    static const uint8_t data[3] = {1, 2, 3};
    static uint8_t big[16385];
    d13_writer w;
    d13_record_view v;
    size_t n = test_hex("16 fe fd 0000 0000 0000 0102 0003 010203", expected, sizeof(expected));

    d13_writer_init(&w, buf, sizeof(buf));
    CHECK(d13_plaintext_write(&w, 22, 0, 0x102, data, sizeof(data)));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(buf, expected, n);
    CHECK_EQ(parse_one(buf, d13_writer_len(&w), &v), D13_DROP_NONE);
    CHECK_EQ(v.seq48, 0x102);

    d13_writer_init(&w, buf, sizeof(buf));
    CHECK(d13_plaintext_write(&w, 22, 0xfeff, 0, data, sizeof(data)));
    CHECK_EQ(parse_one(buf, d13_writer_len(&w), &v), D13_DROP_NONE);
    CHECK_EQ(v.legacy_version, 0xfeff);

    d13_writer_init(&w, buf, sizeof(buf));
    CHECK(!d13_plaintext_write(&w, 22, 0, (UINT64_C(1) << 48), data, sizeof(data)));
    d13_writer_init(&w, buf, sizeof(buf));
    CHECK(!d13_plaintext_write(&w, 22, 0, 0, big, sizeof(big)));
    d13_writer_init(&w, buf, 15);
    CHECK(!d13_plaintext_write(&w, 22, 0, 0, data, sizeof(data)));
}

static void test_garbage(d13_test_state *t)
{
    /* Deterministic pseudo-random datagrams: parse until the reader is
     * exhausted or a record is dropped; never read outside the buffer. */
    uint8_t dgram[256];
    uint32_t state = 12345;
    d13_record_view v;

    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % (int)sizeof(dgram));
        d13_reader r;
        for (size_t i = 0; i < len; i++) {
            state = state * 1103515245u + 12345u;
            dgram[i] = (uint8_t)(state >> 16);
        }
        if (len > 0 && (round & 1)) dgram[0] = (uint8_t)(0x20 | (dgram[0] & 0x0f));
        d13_reader_init(&r, dgram, len);
        for (int records = 0; records < 300; records++) {
            size_t before = d13_reader_remaining(&r);
            if (d13_record_next(&r, &v) != D13_DROP_NONE) break;
            CHECK(d13_reader_remaining(&r) < before);
            CHECK(v.payload_len <= len);
        }
    }
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_plaintext_record);
    RUN_TEST(&st, test_plaintext_content_types);
    RUN_TEST(&st, test_plaintext_lengths);
    RUN_TEST(&st, test_unified_forms);
    RUN_TEST(&st, test_several_records);
    RUN_TEST(&st, test_truncation);
    RUN_TEST(&st, test_plaintext_write);
    RUN_TEST(&st, test_garbage);
    TEST_MAIN_END(&st);
}
