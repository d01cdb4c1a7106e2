/* Record protection (RFC 9147 4, 4.2.3, 4.5.1): epoch key derivation
 * against independent values, seal/open round trips for every suite and
 * header form, and rejection of truncated, modified, replayed and garbage
 * records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "record/record.h"
#include "test.h"
#include "wire/reader.h"
#include "wire/writer.h"

/* ---- begin output of tests/unit/handshake/gen_key_schedule_vectors.py (record keys) ---- */
/* Record keys: traffic secret = 01 02 03 .. Hash.length, "dtls13" prefix. */
static const uint8_t suite_1301_key[16] = {
    0xee, 0x90, 0xf3, 0x8c, 0xb7, 0x0b, 0xa4, 0xf0, 0x06, 0x8d, 0xc5, 0x2d, 0x59, 0x01, 0x4e,
    0xa1};
static const uint8_t suite_1301_iv[12] = {
    0xa6, 0xa1, 0x31, 0xd4, 0xd9, 0xbd, 0x21, 0xa2, 0xf7, 0xc0, 0xef, 0x7c};
static const uint8_t suite_1301_sn[16] = {
    0x16, 0xe5, 0xde, 0x46, 0xae, 0x48, 0xe8, 0xb1, 0x18, 0xf0, 0xcb, 0x49, 0x84, 0xfb, 0xdf,
    0x41};
static const uint8_t suite_1302_key[32] = {
    0x8d, 0xb0, 0xdc, 0x71, 0x4d, 0xb4, 0xa2, 0x75, 0xa0, 0x23, 0x2d, 0xd4, 0x0c, 0x5b, 0xc3,
    0xa7, 0x14, 0x2c, 0xf3, 0x83, 0xeb, 0x49, 0xb7, 0x58, 0x57, 0x61, 0x4a, 0xdd, 0x52, 0x14,
    0x18, 0xa4};
static const uint8_t suite_1302_iv[12] = {
    0x34, 0xfd, 0x3c, 0x7d, 0x6a, 0xd1, 0x50, 0x96, 0x15, 0x7a, 0x6a, 0x82};
static const uint8_t suite_1302_sn[32] = {
    0x53, 0x77, 0x63, 0x90, 0x97, 0xc4, 0x7c, 0x46, 0xd8, 0x7d, 0xbf, 0x40, 0xf2, 0xfe, 0xcf,
    0xce, 0x49, 0xc1, 0x12, 0x89, 0x9b, 0xe4, 0xba, 0xa2, 0x3b, 0x22, 0x65, 0xbe, 0x55, 0x09,
    0xbc, 0x97};
static const uint8_t suite_1303_key[32] = {
    0x1e, 0x8c, 0xf8, 0x41, 0xc5, 0xdb, 0xae, 0x0d, 0xc9, 0xd2, 0xdd, 0x92, 0xd9, 0x33, 0xad,
    0x34, 0xe6, 0xcc, 0x19, 0xaf, 0x7d, 0x1e, 0x30, 0x61, 0xe1, 0x42, 0xe7, 0x8c, 0x49, 0xa4,
    0x6e, 0xfa};
static const uint8_t suite_1303_iv[12] = {
    0xa6, 0xa1, 0x31, 0xd4, 0xd9, 0xbd, 0x21, 0xa2, 0xf7, 0xc0, 0xef, 0x7c};
static const uint8_t suite_1303_sn[32] = {
    0xbd, 0x7c, 0xad, 0x8a, 0x06, 0x97, 0x22, 0x2a, 0x60, 0xe8, 0x2d, 0xff, 0x6b, 0xc3, 0xeb,
    0x07, 0xe3, 0xf2, 0x9d, 0x04, 0x61, 0x64, 0x31, 0xdd, 0x1e, 0x0d, 0xf4, 0x8d, 0xd1, 0x6e,
    0x2d, 0x68};
/* ---- end of generated values ---- */

#define MAX_DATAGRAM (D13_RECORD_OVERHEAD + 16384 + 256)
#define MAX_INNER 16385

typedef struct suite_case {
    uint16_t suite;
    d13_aead_alg alg;
    size_t secret_len;
    const uint8_t *key;
    const uint8_t *iv;
    const uint8_t *sn_key;
} suite_case;

static const suite_case suites[] = {
    {DTLS13_TLS_AES_128_GCM_SHA256, D13_AEAD_AES_128_GCM, 32, suite_1301_key, suite_1301_iv,
     suite_1301_sn},
    {DTLS13_TLS_AES_256_GCM_SHA384, D13_AEAD_AES_256_GCM, 48, suite_1302_key, suite_1302_iv,
     suite_1302_sn},
    {DTLS13_TLS_CHACHA20_POLY1305_SHA256, D13_AEAD_CHACHA20_POLY1305, 32, suite_1303_key,
     suite_1303_iv, suite_1303_sn},
};
#define SUITE_COUNT (sizeof(suites) / sizeof(suites[0]))

/* Every legal header form. */
static const d13_seal_options forms[] = {
    {false, false}, /* S=1 L=1 (the default) */
    {true, false},  /* S=0 L=1 */
    {false, true},  /* S=1 L=0 */
    {true, true},   /* S=0 L=0 */
};
#define FORM_COUNT (sizeof(forms) / sizeof(forms[0]))

static void traffic_secret(size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(i + 1);
}

/* Installs the same keys on a sending and a receiving side. */
static void make_pair(d13_test_state *t, const suite_case *sc, uint64_t epoch, d13_epoch_keys *tx,
                      d13_epoch_keys *rx)
{
    uint8_t secret[48];
    traffic_secret(sc->secret_len, secret);
    memset(tx, 0, sizeof(*tx));
    memset(rx, 0, sizeof(*rx));
    CHECK_EQ(d13_epoch_keys_init(tx, NULL, sc->suite, secret, sc->secret_len, epoch), 0);
    CHECK_EQ(d13_epoch_keys_init(rx, NULL, sc->suite, secret, sc->secret_len, epoch), 0);
}

/* Parses the first record of a datagram and opens it. */
static d13_drop_reason open_first(d13_epoch_keys *rx, const uint8_t *dgram, size_t len,
                                  uint8_t *out, size_t *out_len, uint8_t *type, uint64_t *seq)
{
    d13_reader r;
    d13_record_view v;
    d13_drop_reason reason;

    d13_reader_init(&r, dgram, len);
    reason = d13_record_next(&r, &v);
    if (reason != D13_DROP_NONE) return reason;
    return d13_record_open(rx, &v, out, MAX_DATAGRAM, out_len, type, seq);
}

static size_t seal_one(d13_test_state *t, d13_epoch_keys *tx, const d13_seal_options *form,
                       uint8_t type, const uint8_t *data, size_t len, size_t pad, uint8_t *dgram)
{
    d13_writer w;
    d13_writer_init(&w, dgram, MAX_DATAGRAM);
    CHECK_EQ(d13_record_seal_ex(tx, type, data, len, pad, form, &w), 0);
    return d13_writer_len(&w);
}

/* Builds the record a correct implementation must produce, from the
 * independently derived key, iv and sn_key and the crypto primitives. */
static size_t reference_record(d13_test_state *t, const suite_case *sc, uint64_t epoch,
                               uint64_t seq, const d13_seal_options *form, uint8_t type,
                               const uint8_t *data, size_t len, uint8_t *out)
{
    uint8_t header[5], mask[16];
    uint8_t inner[64];
    size_t header_len = 0, inner_len = len + 1, body_len = inner_len + D13_AEAD_TAG_LEN;
    d13_aead *aead = d13_aead_new(NULL, sc->alg, sc->key, sc->iv);
    d13_sn_mask *sn = d13_sn_mask_new(NULL, sc->alg, sc->sn_key);

    CHECK(aead != NULL && sn != NULL && len < sizeof(inner));
    header[header_len++] = (uint8_t)(0x20 | (form->seq8 ? 0 : 0x08) | (form->omit_length ? 0 : 0x04) |
                                     (epoch & 3));
    if (!form->seq8) header[header_len++] = (uint8_t)(seq >> 8);
    header[header_len++] = (uint8_t)seq;
    if (!form->omit_length) {
        header[header_len++] = (uint8_t)(body_len >> 8);
        header[header_len++] = (uint8_t)body_len;
    }
    memcpy(inner, data, len);
    inner[len] = type;
    CHECK_EQ(d13_aead_seal(aead, seq, header, header_len, inner, inner_len, out + header_len), 0);
    CHECK_EQ(d13_sn_mask_compute(sn, out + header_len, mask), 0);
    header[1] ^= mask[0];
    if (!form->seq8) header[2] ^= mask[1];
    memcpy(out, header, header_len);
    d13_aead_free(aead);
    d13_sn_mask_free(sn);
    return header_len + body_len;
}

static void test_known_records(d13_test_state *t)
{
    static const uint8_t data[] = "hello, dtls 1.3";
    uint8_t *got = malloc(MAX_DATAGRAM), *want = malloc(MAX_DATAGRAM);

    CHECK(got != NULL && want != NULL);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        for (size_t f = 0; f < FORM_COUNT; f++) {
            d13_epoch_keys tx, rx;
            make_pair(t, &suites[s], 2, &tx, &rx);
            tx.next_seq = 0x1234 + f;
            for (int i = 0; i < 3; i++) {
                uint64_t seq = tx.next_seq;
                size_t n = seal_one(t, &tx, &forms[f], 23, data, sizeof(data), 0, got);
                size_t m = reference_record(t, &suites[s], 2, seq, &forms[f], 23, data,
                                            sizeof(data), want);
                CHECK_EQ(n, m);
                CHECK_MEM(got, want, m);
            }
            CHECK_EQ(tx.records_protected, 3);
            d13_epoch_keys_clear(&tx);
            d13_epoch_keys_clear(&rx);
        }
    }
    free(got);
    free(want);
}

static void test_round_trips(d13_test_state *t)
{
    static const size_t lengths[] = {0, 1, 15, 16, 100, 1200, 16384};
    static const size_t pads[] = {0, 1, 7};
    uint8_t *data = malloc(16384), *dgram = malloc(MAX_DATAGRAM), *out = malloc(MAX_DATAGRAM);

    CHECK(data != NULL && dgram != NULL && out != NULL);
    for (size_t i = 0; i < 16384; i++) data[i] = (uint8_t)(i * 7 + 3);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        for (size_t f = 0; f < FORM_COUNT; f++) {
            for (uint64_t epoch = 1; epoch <= 4; epoch++) {
                d13_epoch_keys tx, rx;
                uint64_t expect_seq = 0;
                make_pair(t, &suites[s], epoch, &tx, &rx);
                for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
                    for (size_t p = 0; p < sizeof(pads) / sizeof(pads[0]); p++) {
                        size_t pad = lengths[l] + 1 + pads[p] > MAX_INNER ? 0 : pads[p];
                        uint8_t type = (uint8_t)(21 + (l + p) % 3);
                        size_t n = seal_one(t, &tx, &forms[f], type, data, lengths[l], pad, dgram);
                        size_t out_len = 0;
                        uint8_t got_type = 0;
                        uint64_t seq = 99;
                        d13_record_view v;
                        d13_reader r;

                        CHECK_EQ(n, D13_RECORD_OVERHEAD + lengths[l] + pad - (forms[f].seq8 ? 1 : 0) -
                                        (forms[f].omit_length ? 2 : 0));
                        d13_reader_init(&r, dgram, n);
                        CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
                        CHECK(v.is_ciphertext);
                        CHECK_EQ(v.epoch_bits, epoch & 3);
                        CHECK_EQ(v.seq16, !forms[f].seq8);
                        CHECK_EQ(v.has_length, !forms[f].omit_length);
                        CHECK(d13_reader_done(&r));
                        CHECK_EQ(d13_record_open(&rx, &v, out, MAX_DATAGRAM, &out_len, &got_type, &seq),
                                 D13_DROP_NONE);
                        CHECK_EQ(out_len, lengths[l]);
                        CHECK_EQ(got_type, type);
                        CHECK_EQ(seq, expect_seq);
                        CHECK(out_len == 0 || memcmp(out, data, out_len) == 0);
                        expect_seq++;
                    }
                }
                CHECK_EQ(rx.auth_failures, 0);
                d13_epoch_keys_clear(&tx);
                d13_epoch_keys_clear(&rx);
            }
        }
    }
    free(data);
    free(dgram);
    free(out);
}

static void test_several_records_in_a_datagram(d13_test_state *t)
{
    static const uint8_t data[] = {1, 2, 3, 4, 5};
    uint8_t *dgram = malloc(MAX_DATAGRAM), *out = malloc(MAX_DATAGRAM);
    d13_epoch_keys tx, rx;
    d13_writer w;
    d13_reader r;
    d13_record_view v;
    size_t out_len;
    uint8_t type;
    uint64_t seq;

    CHECK(dgram != NULL && out != NULL);
    make_pair(t, &suites[0], 3, &tx, &rx);
    d13_writer_init(&w, dgram, MAX_DATAGRAM);
    CHECK(d13_plaintext_write(&w, 22, 0, 5, data, sizeof(data)));
    CHECK_EQ(d13_record_seal_ex(&tx, 22, data, 5, 0, &forms[0], &w), 0);
    CHECK_EQ(d13_record_seal_ex(&tx, 26, data, 4, 3, &forms[1], &w), 0);
    CHECK_EQ(d13_record_seal_ex(&tx, 23, data, 3, 0, &forms[3], &w), 0);
    d13_reader_init(&r, dgram, d13_writer_len(&w));
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK(!v.is_ciphertext);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
        CHECK_EQ(d13_record_open(&rx, &v, out, MAX_DATAGRAM, &out_len, &type, &seq), D13_DROP_NONE);
        CHECK_EQ(seq, i);
        CHECK_EQ(out_len, 5 - i);
        CHECK_EQ(type, i == 0 ? 22 : i == 1 ? 26 : 23);
    }
    CHECK(d13_reader_done(&r));
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
    free(dgram);
    free(out);
}

static void test_truncation(d13_test_state *t)
{
    static const uint8_t data[] = "truncate me at every length";
    uint8_t *dgram = malloc(MAX_DATAGRAM), *out = malloc(MAX_DATAGRAM);

    CHECK(dgram != NULL && out != NULL);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        for (size_t f = 0; f < FORM_COUNT; f++) {
            d13_epoch_keys tx, rx;
            size_t n, out_len;
            uint8_t type;
            uint64_t seq;
            make_pair(t, &suites[s], 1, &tx, &rx);
            n = seal_one(t, &tx, &forms[f], 23, data, sizeof(data), 0, dgram);
            for (size_t cut = 0; cut < n; cut++) {
                d13_drop_reason reason = open_first(&rx, dgram, cut, out, &out_len, &type, &seq);
                CHECK(reason != D13_DROP_NONE);
                CHECK(reason == D13_DROP_BAD_HEADER || reason == D13_DROP_BAD_TAG);
            }
            /* the window did not move: the whole record still opens */
            CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_NONE);
            CHECK_EQ(out_len, sizeof(data));
            d13_epoch_keys_clear(&tx);
            d13_epoch_keys_clear(&rx);
        }
    }
    free(dgram);
    free(out);
}

static void test_bit_flips(d13_test_state *t)
{
    static const uint8_t data[] = "flip every bit";
    uint8_t *dgram = malloc(MAX_DATAGRAM), *out = malloc(MAX_DATAGRAM);

    CHECK(dgram != NULL && out != NULL);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        for (size_t f = 0; f < FORM_COUNT; f++) {
            d13_epoch_keys tx, rx;
            size_t n, out_len;
            uint8_t type;
            uint64_t seq;
            unsigned failures = 0;
            make_pair(t, &suites[s], 1, &tx, &rx);
            n = seal_one(t, &tx, &forms[f], 23, data, sizeof(data), 2, dgram);
            for (size_t i = 0; i < n; i++) {
                for (unsigned bit = 0; bit < 8; bit++) {
                    d13_drop_reason reason;
                    dgram[i] ^= (uint8_t)(1u << bit);
                    reason = open_first(&rx, dgram, n, out, &out_len, &type, &seq);
                    CHECK(reason != D13_DROP_NONE);
                    if (reason == D13_DROP_BAD_TAG) failures++;
                    dgram[i] ^= (uint8_t)(1u << bit);
                }
            }
            /* every flip of the sequence number or ciphertext failed authentication */
            CHECK(failures >= (n - 1) * 8 - (forms[f].omit_length ? 0 : 16));
            CHECK_EQ(rx.auth_failures, failures);
            CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_NONE);
            CHECK_MEM(out, data, sizeof(data));
            d13_epoch_keys_clear(&tx);
            d13_epoch_keys_clear(&rx);
        }
    }
    free(dgram);
    free(out);
}

static void test_garbage(d13_test_state *t)
{
    uint8_t *dgram = malloc(MAX_DATAGRAM), *out = malloc(MAX_DATAGRAM);
    uint32_t state = 777;

    CHECK(dgram != NULL && out != NULL);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        d13_epoch_keys tx, rx;
        make_pair(t, &suites[s], 1, &tx, &rx);
        for (int round = 0; round < 3000; round++) {
            size_t len = (size_t)(round % 200), out_len;
            uint8_t type;
            uint64_t seq;
            d13_drop_reason reason;
            for (size_t i = 0; i < len; i++) {
                state = state * 1103515245u + 12345u;
                dgram[i] = (uint8_t)(state >> 16);
            }
            if (len > 0) dgram[0] = (uint8_t)(0x21 | (dgram[0] & 0x0c)); /* epoch bits 1, no CID */
            if (len > 4 && (dgram[0] & 0x0c) == 0x0c) { /* a length that fits */
                dgram[3] = (uint8_t)((len - 5) >> 8);
                dgram[4] = (uint8_t)(len - 5);
            }
            reason = open_first(&rx, dgram, len, out, &out_len, &type, &seq);
            CHECK(reason == D13_DROP_BAD_HEADER || reason == D13_DROP_BAD_TAG ||
                  reason == D13_DROP_REPLAY);
        }
        CHECK(rx.auth_failures > 0);
        CHECK(!rx.window.any);
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
    free(dgram);
    free(out);
}

static void test_replay_and_reordering(d13_test_state *t)
{
    enum { COUNT = 64 };
    uint8_t *dgrams = malloc((size_t)COUNT * 64), *out = malloc(MAX_DATAGRAM);
    size_t lens[COUNT];
    uint8_t data[8] = {0};

    CHECK(dgrams != NULL && out != NULL);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        for (size_t f = 0; f < FORM_COUNT; f++) {
            d13_epoch_keys tx, rx;
            size_t out_len;
            uint8_t type;
            uint64_t seq;
            make_pair(t, &suites[s], 1, &tx, &rx);
            tx.next_seq = 250; /* crosses the 8-bit boundary */
            for (unsigned i = 0; i < COUNT; i++) {
                d13_writer w;
                data[0] = (uint8_t)i;
                d13_writer_init(&w, dgrams + (size_t)i * 64, 64);
                CHECK_EQ(d13_record_seal_ex(&tx, 23, data, sizeof(data), 0, &forms[f], &w), 0);
                lens[i] = d13_writer_len(&w);
            }
            /* deliver in a scrambled order (37 is coprime with 64): each once */
            for (unsigned k = 0; k < COUNT; k++) {
                unsigned i = (k * 37u + 5u) % COUNT;
                const uint8_t *d = dgrams + (size_t)i * 64;
                CHECK_EQ(open_first(&rx, d, lens[i], out, &out_len, &type, &seq), D13_DROP_NONE);
                CHECK_EQ(seq, 250 + i);
                CHECK_EQ(out[0], i);
                /* a duplicate right away */
                CHECK_EQ(open_first(&rx, d, lens[i], out, &out_len, &type, &seq), D13_DROP_REPLAY);
            }
            /* every one again: all replays */
            for (unsigned i = 0; i < COUNT; i++)
                CHECK_EQ(open_first(&rx, dgrams + (size_t)i * 64, lens[i], out, &out_len, &type, &seq),
                         D13_DROP_REPLAY);
            CHECK_EQ(rx.auth_failures, 0);
            d13_epoch_keys_clear(&tx);
            d13_epoch_keys_clear(&rx);
        }
    }
    free(dgrams);
    free(out);
}

static void test_far_left(d13_test_state *t)
{
    uint8_t old[64], dgram[64], out[64];
    uint8_t data[4] = {9, 9, 9, 9};
    d13_epoch_keys tx, rx;
    size_t old_len, n, out_len;
    uint8_t type;
    uint64_t seq;

    make_pair(t, &suites[0], 1, &tx, &rx);
    tx.next_seq = 100;
    old_len = seal_one(t, &tx, &forms[0], 23, data, sizeof(data), 0, old);
    tx.next_seq = 200;
    n = seal_one(t, &tx, &forms[0], 23, data, sizeof(data), 0, dgram);
    CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_NONE);
    CHECK_EQ(seq, 200);
    CHECK_EQ(open_first(&rx, old, old_len, out, &out_len, &type, &seq), D13_DROP_REPLAY);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
}

static void test_sequence_wrap(d13_test_state *t)
{
    /* Reconstruction across 8- and 16-bit boundaries, with losses. */
    uint8_t dgram[64], out[64];
    uint8_t data[3] = {1, 2, 3};

    for (size_t f = 0; f < FORM_COUNT; f++) {
        d13_epoch_keys tx, rx;
        make_pair(t, &suites[2], 1, &tx, &rx);
        /* the receiver has seen up to 0xffef: a lone record can only be
         * placed relative to what was received before */
        tx.next_seq = 0xfff0;
        d13_replay_update(&rx.window, 0xffef);
        while (tx.next_seq < 0x10110) {
            uint64_t sent = tx.next_seq, seq = 0;
            size_t n = seal_one(t, &tx, &forms[f], 23, data, sizeof(data), 0, dgram), out_len;
            uint8_t type;
            if (sent % 3 == 1) continue; /* lost */
            CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_NONE);
            CHECK_EQ(seq, sent);
        }
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

/* Seals an arbitrary inner plaintext with the reference primitives (S=1, L=1). */
static size_t raw_record(d13_test_state *t, const suite_case *sc, uint64_t epoch, uint64_t seq,
                         const uint8_t *inner, size_t inner_len, uint8_t *out)
{
    uint8_t header[5], mask[16];
    size_t body_len = inner_len + D13_AEAD_TAG_LEN;
    d13_aead *aead = d13_aead_new(NULL, sc->alg, sc->key, sc->iv);
    d13_sn_mask *sn = d13_sn_mask_new(NULL, sc->alg, sc->sn_key);

    header[0] = (uint8_t)(0x2c | (epoch & 3));
    header[1] = (uint8_t)(seq >> 8);
    header[2] = (uint8_t)seq;
    header[3] = (uint8_t)(body_len >> 8);
    header[4] = (uint8_t)body_len;
    CHECK_EQ(d13_aead_seal(aead, seq, header, 5, inner, inner_len, out + 5), 0);
    CHECK_EQ(d13_sn_mask_compute(sn, out + 5, mask), 0);
    header[1] ^= mask[0];
    header[2] ^= mask[1];
    memcpy(out, header, 5);
    d13_aead_free(aead);
    d13_sn_mask_free(sn);
    return 5 + body_len;
}

static void test_inner_plaintext(d13_test_state *t)
{
    uint8_t *inner = calloc(1, MAX_INNER + 2), *dgram = malloc(MAX_DATAGRAM + 64),
            *out = malloc(MAX_DATAGRAM);
    d13_epoch_keys tx, rx;
    size_t n, out_len;
    uint8_t type;
    uint64_t seq;

    CHECK(inner != NULL && dgram != NULL && out != NULL);
    make_pair(t, &suites[0], 1, &tx, &rx);
    /* all zeros: no content type */
    n = raw_record(t, &suites[0], 1, 0, inner, 20, dgram);
    CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_BAD_TAG);
    CHECK_EQ(rx.auth_failures, 0); /* it authenticated */
    CHECK(!rx.window.any);
    /* exactly 2^14 + 1 bytes: accepted, padding stripped */
    inner[100] = 23;
    n = raw_record(t, &suites[0], 1, 1, inner, MAX_INNER, dgram);
    CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_NONE);
    CHECK_EQ(out_len, 100);
    CHECK_EQ(type, 23);
    /* one byte more: dropped before decryption */
    n = raw_record(t, &suites[0], 1, 2, inner, MAX_INNER + 1, dgram);
    CHECK_EQ(open_first(&rx, dgram, n, out, &out_len, &type, &seq), D13_DROP_BAD_HEADER);
    CHECK_EQ(rx.auth_failures, 0);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
    free(inner);
    free(dgram);
    free(out);
}

static void test_open_rejections(d13_test_state *t)
{
    uint8_t dgram[64], out[64], short_rec[32];
    uint8_t data[4] = {1, 2, 3, 4};
    d13_epoch_keys tx, rx, none;
    d13_record_view v;
    d13_reader r;
    size_t n, out_len;
    uint8_t type;
    uint64_t seq;

    make_pair(t, &suites[1], 2, &tx, &rx);
    n = seal_one(t, &tx, &forms[0], 23, data, sizeof(data), 0, dgram);
    d13_reader_init(&r, dgram, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);

    /* keys of another epoch (bits 3 vs 2) and no keys: the caller picks keys */
    memset(&none, 0, sizeof(none));
    CHECK_EQ(d13_record_open(&none, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_UNKNOWN_EPOCH);
    rx.epoch = 3;
    CHECK_EQ(d13_record_open(&rx, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_UNKNOWN_EPOCH);
    rx.epoch = 6; /* same low bits (as four key updates later): the keys are tried */
    CHECK_EQ(d13_record_open(&rx, &v, out, 4, &out_len, &type, &seq), D13_DROP_BAD_HEADER); /* cap */
    rx.epoch = 2;
    CHECK_EQ(d13_record_open(&rx, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_NONE);

    /* a plaintext view */
    n = test_hex("16 fe fd 0000 000000000000 0001 01", dgram, sizeof(dgram));
    d13_reader_init(&r, dgram, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK_EQ(d13_record_open(&rx, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_BAD_HEADER);

    /* ciphertext shorter than the 16-byte sample */
    n = test_hex("2e 0000 000f 000102030405060708090a0b0c0d0e", short_rec, sizeof(short_rec));
    d13_reader_init(&r, short_rec, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK_EQ(d13_record_open(&rx, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_BAD_HEADER);
    /* 16 bytes: a sample but no room for a content type */
    n = test_hex("2e 0000 0010 000102030405060708090a0b0c0d0e0f", short_rec, sizeof(short_rec));
    d13_reader_init(&r, short_rec, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK_EQ(d13_record_open(&rx, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_BAD_HEADER);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
}

static void test_seal_errors(d13_test_state *t)
{
    uint8_t buf[64];
    uint8_t *big = calloc(1, MAX_DATAGRAM), *dgram = malloc(MAX_DATAGRAM + 64);
    uint8_t data[4] = {1, 2, 3, 4};
    d13_epoch_keys tx, rx, none;
    d13_writer w;

    CHECK(big != NULL && dgram != NULL);
    make_pair(t, &suites[0], 1, &tx, &rx);
    memset(&none, 0, sizeof(none));
    d13_writer_init(&w, buf, sizeof(buf));
    CHECK_EQ(d13_record_seal(&none, 23, data, 4, 0, &w), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(d13_record_seal(&tx, 0, data, 4, 0, &w), DTLS13_ERR_INVALID_ARG);
    /* no room: nothing written, sequence unchanged */
    d13_writer_init(&w, buf, D13_RECORD_OVERHEAD + 3);
    CHECK_EQ(d13_record_seal(&tx, 23, data, 4, 0, &w), DTLS13_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(d13_writer_len(&w), 0);
    CHECK_EQ(tx.next_seq, 0);
    d13_writer_init(&w, buf, D13_RECORD_OVERHEAD + 4);
    CHECK_EQ(d13_record_seal(&tx, 23, data, 4, 0, &w), 0);
    CHECK_EQ(d13_writer_len(&w), D13_RECORD_OVERHEAD + 4);
    CHECK_EQ(tx.next_seq, 1);
    /* inner plaintext limit 2^14 + 1 */
    d13_writer_init(&w, dgram, MAX_DATAGRAM + 64);
    CHECK_EQ(d13_record_seal(&tx, 23, big, 16384, 0, &w), 0);
    CHECK_EQ(d13_record_seal(&tx, 23, big, 16384, 1, &w), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_record_seal(&tx, 23, big, 16000, 385, &w), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_record_seal(&tx, 23, big, 16385, 0, &w), DTLS13_ERR_INVALID_ARG);
    d13_writer_init(&w, dgram, MAX_DATAGRAM + 64);
    CHECK_EQ(d13_record_seal(&tx, 23, big, 16000, 384, &w), 0);
    CHECK_EQ(d13_record_seal(&tx, 23, big, 10, SIZE_MAX, &w), DTLS13_ERR_INVALID_ARG);
    /* sequence space exhausted */
    tx.next_seq = UINT64_C(1) << 48;
    d13_writer_init(&w, buf, sizeof(buf));
    CHECK_EQ(d13_record_seal(&tx, 23, data, 4, 0, &w), DTLS13_ERR_BAD_STATE);
    tx.next_seq = (UINT64_C(1) << 48) - 1;
    CHECK_EQ(d13_record_seal(&tx, 23, data, 4, 0, &w), 0);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
    free(big);
    free(dgram);
}

static void test_epoch_keys_init(d13_test_state *t)
{
    uint8_t secret[48];
    d13_epoch_keys k;
    static const uint8_t zeros[sizeof(d13_epoch_keys)] = {0};

    traffic_secret(sizeof(secret), secret);
    memset(&k, 0, sizeof(k));
    CHECK_EQ(d13_epoch_keys_init(&k, NULL, 0x1304, secret, 32, 1), DTLS13_ERR_UNSUPPORTED);
    CHECK(!k.installed);
    CHECK_EQ(d13_epoch_keys_init(&k, NULL, DTLS13_TLS_AES_256_GCM_SHA384, secret, 32, 1),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_epoch_keys_init(&k, NULL, DTLS13_TLS_AES_128_GCM_SHA256, NULL, 32, 1),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_epoch_keys_init(&k, NULL, DTLS13_TLS_AES_128_GCM_SHA256, secret, 32, 5), 0);
    CHECK(k.installed);
    CHECK_EQ(k.epoch, 5);
    CHECK_EQ(k.suite, DTLS13_TLS_AES_128_GCM_SHA256);
    /* re-initialising frees the old keys */
    CHECK_EQ(d13_epoch_keys_init(&k, NULL, DTLS13_TLS_CHACHA20_POLY1305_SHA256, secret, 32, 6), 0);
    CHECK_EQ(k.epoch, 6);
    d13_epoch_keys_clear(&k);
    CHECK_MEM(&k, zeros, sizeof(k));
    d13_epoch_keys_clear(NULL);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_epoch_keys_init);
    RUN_TEST(&st, test_known_records);
    RUN_TEST(&st, test_round_trips);
    RUN_TEST(&st, test_several_records_in_a_datagram);
    RUN_TEST(&st, test_truncation);
    RUN_TEST(&st, test_bit_flips);
    RUN_TEST(&st, test_garbage);
    RUN_TEST(&st, test_replay_and_reordering);
    RUN_TEST(&st, test_far_left);
    RUN_TEST(&st, test_sequence_wrap);
    RUN_TEST(&st, test_inner_plaintext);
    RUN_TEST(&st, test_open_rejections);
    RUN_TEST(&st, test_seal_errors);
    TEST_MAIN_END(&st);
}
