/* DTLS 1.2 record protection (RFC 6347 4.1, RFC 5246 6.2.3.3, RFC 5288,
 * RFC 7905): known records built outside our code, the formula re-stated
 * by hand, wire layout, round trips, AAD binding, replay, epochs,
 * truncation, limits and argument errors. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "record/record.h"
#include "record/record12.h"
#include "test.h"
#include "wire/reader.h"
#include "wire/writer.h"

/* ---- begin output of tests/unit/record/gen_record12_vectors.py ---- */
static const uint8_t kat_gcm128_record[97] = {
    0x17, 0xfe, 0xfd, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88, 0x00, 0x54, 0xfa, 0xce,
    0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88, 0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b,
    0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c, 0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0,
    0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93,
    0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05, 0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a,
    0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91, 0x48, 0x5f, 0xe4, 0x40, 0x3c, 0xa0, 0xdd, 0xc5, 0x75,
    0xff, 0x7b, 0xa8, 0x26, 0xea, 0x59, 0xd7};
static const uint8_t kat_gcm256_key[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f};
static const uint8_t kat_gcm256_record[57] = {
    0x16, 0xfe, 0xfd, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x31, 0xf9, 0xd3, 0xe5, 0x95, 0x5d, 0xe4, 0x4b, 0x5a,
    0xe3, 0x9f, 0xba, 0x83, 0xc1, 0x09, 0xba, 0x26, 0xcb, 0x4e, 0xda, 0x02, 0x14, 0xd0, 0x37,
    0xa2, 0xf2, 0x27, 0x8e, 0x9e, 0xf4, 0xaa, 0x95, 0x60, 0x14, 0x4d, 0x95};
static const uint8_t kat_chacha_iv[12] = {
    0x07, 0x00, 0x00, 0x00, 0x40, 0x43, 0x42, 0x43, 0x44, 0x45, 0x46, 0x40};
static const uint8_t kat_chacha_record[143] = {
    0x17, 0xfe, 0xfd, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x82, 0xd3, 0x1a,
    0x8d, 0x34, 0x64, 0x8e, 0x60, 0xdb, 0x7b, 0x86, 0xaf, 0xbc, 0x53, 0xef, 0x7e, 0xc2, 0xa4,
    0xad, 0xed, 0x51, 0x29, 0x6e, 0x08, 0xfe, 0xa9, 0xe2, 0xb5, 0xa7, 0x36, 0xee, 0x62, 0xd6,
    0x3d, 0xbe, 0xa4, 0x5e, 0x8c, 0xa9, 0x67, 0x12, 0x82, 0xfa, 0xfb, 0x69, 0xda, 0x92, 0x72,
    0x8b, 0x1a, 0x71, 0xde, 0x0a, 0x9e, 0x06, 0x0b, 0x29, 0x05, 0xd6, 0xa5, 0xb6, 0x7e, 0xcd,
    0x3b, 0x36, 0x92, 0xdd, 0xbd, 0x7f, 0x2d, 0x77, 0x8b, 0x8c, 0x98, 0x03, 0xae, 0xe3, 0x28,
    0x09, 0x1b, 0x58, 0xfa, 0xb3, 0x24, 0xe4, 0xfa, 0xd6, 0x75, 0x94, 0x55, 0x85, 0x80, 0x8b,
    0x48, 0x31, 0xd7, 0xbc, 0x3f, 0xf4, 0xde, 0xf0, 0x8e, 0x4b, 0x7a, 0x9d, 0xe5, 0x76, 0xd2,
    0x65, 0x86, 0xce, 0xc6, 0x4b, 0x61, 0x16, 0x96, 0x3b, 0xee, 0x8b, 0xde, 0x4f, 0xbf, 0xc1,
    0x49, 0x86, 0xd2, 0xd8, 0x57, 0x7a, 0x30, 0x2f};
/* ---- end of generated values ---- */

/* The published ciphertexts the two generated records contain (McGrew &
 * Viega GCM test case 4, RFC 8439 2.8.2), and their plaintexts. */
#define MV_KEY "feffe9928665731c6d6a8f9467308308"
#define MV_SALT "cafebabe"
#define MV_PT                                                                                      \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6" \
    "b525b16aedf5aa0de657ba637b39"
#define MV_CT                                                                                      \
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84" \
    "aa051ba30b396a0aac973d58e091"
#define CC_KEY "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define CC_PT                                                                                      \
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, " \
    "sunscreen would be it."
#define CC_CT                                                                                      \
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92" \
    "728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b" \
    "4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"

#define CT_HANDSHAKE 22
#define CT_APPLICATION_DATA 23
#define HDR D12_RECORD_HEADER_LEN
#define TAG D13_AEAD_TAG_LEN
#define MAX_RECORD (HDR + D12_EXPLICIT_NONCE_LEN + D12_MAX_PLAINTEXT + 2048 + TAG)
#define SEQ_LIMIT (UINT64_C(1) << 48)

typedef struct suite_case {
    uint16_t suite;
    d13_aead_alg alg;
    size_t key_len;
    size_t iv_len;
    size_t nonce_len; /* explicit nonce bytes in the fragment */
} suite_case;

static const suite_case suites[] = {
    {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, D13_AEAD_AES_128_GCM, 16, 4, 8},
    {DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, D13_AEAD_AES_256_GCM, 32, 4, 8},
    {DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, D13_AEAD_CHACHA20_POLY1305, 32, 12, 0},
};
#define SUITE_COUNT (sizeof(suites) / sizeof(suites[0]))

/* Fixed key and IV material for a suite (distinct per byte). */
static void material(const suite_case *sc, uint8_t key[32], uint8_t iv[12])
{
    for (size_t i = 0; i < 32; i++) key[i] = (uint8_t)(0x40 + 3 * i);
    for (size_t i = 0; i < 12; i++) iv[i] = (uint8_t)(0xc0 ^ (i * 17));
    (void)sc;
}

/* Installs the same keys for epoch on a sending and a receiving side. */
static void make_pair(d13_test_state *t, const suite_case *sc, uint64_t epoch, d13_epoch_keys *tx,
                      d13_epoch_keys *rx)
{
    uint8_t key[32], iv[12];
    material(sc, key, iv);
    memset(tx, 0, sizeof(*tx));
    memset(rx, 0, sizeof(*rx));
    CHECK_EQ(d12_epoch_keys_init(tx, NULL, sc->suite, key, sc->key_len, iv, sc->iv_len, epoch), 0);
    CHECK_EQ(d12_epoch_keys_init(rx, NULL, sc->suite, key, sc->key_len, iv, sc->iv_len, epoch), 0);
}

/* Seals one record at seq into rec (cap MAX_RECORD); returns its length. */
static size_t seal_at(d13_test_state *t, d13_epoch_keys *tx, uint64_t seq, uint8_t type,
                      const uint8_t *data, size_t len, uint8_t *rec)
{
    d13_writer w;
    d13_writer_init(&w, rec, MAX_RECORD);
    tx->next_seq = seq;
    CHECK_EQ(d12_record_seal(tx, type, data, len, &w), 0);
    return d13_writer_len(&w);
}

/* Parses the first record of a datagram and opens it. */
static d13_drop_reason open_first(d13_epoch_keys *rx, const uint8_t *dgram, size_t len,
                                  uint8_t *out, size_t cap, size_t *out_len)
{
    d13_reader r;
    d13_record_view v;
    d13_drop_reason reason;

    d13_reader_init(&r, dgram, len);
    reason = d13_record_next(&r, &v);
    if (reason != D13_DROP_NONE) return reason;
    return d12_record_open(rx, &v, out, cap, out_len);
}

static void put_u16(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_u48(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 6; i++) p[i] = (uint8_t)(v >> (8 * (5 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* ---- known answers ---- */

/* One generated record: sealing its plaintext gives exactly its bytes,
 * opening them gives the plaintext back, and the ciphertext inside is the
 * published one. */
static void check_known_record(d13_test_state *t, uint16_t suite, const uint8_t *key,
                               size_t key_len, const uint8_t *iv, size_t iv_len, uint64_t epoch,
                               uint64_t seq, uint8_t type, const uint8_t *pt, size_t pt_len,
                               const uint8_t *want, size_t want_len)
{
    d13_epoch_keys tx, rx;
    uint8_t rec[256], out[256];
    size_t n, out_len = 0;

    memset(&tx, 0, sizeof(tx));
    memset(&rx, 0, sizeof(rx));
    CHECK_EQ(d12_epoch_keys_init(&tx, NULL, suite, key, key_len, iv, iv_len, epoch), 0);
    CHECK_EQ(d12_epoch_keys_init(&rx, NULL, suite, key, key_len, iv, iv_len, epoch), 0);
    n = seal_at(t, &tx, seq, type, pt, pt_len, rec);
    CHECK_EQ(n, want_len);
    CHECK_MEM(rec, want, want_len);
    CHECK_EQ(open_first(&rx, want, want_len, out, sizeof(out), &out_len), D13_DROP_NONE);
    CHECK_EQ(out_len, pt_len);
    CHECK_MEM(out, pt, pt_len);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
}

static void test_known_records(d13_test_state *t)
{
    uint8_t key[32], salt[4], pt[128], ct[128];
    size_t pt_len, ct_len;

    /* AES-128-GCM, nonce = cafebabe || facedbaddecaf888 (test case 4). */
    test_hex(MV_KEY, key, sizeof(key));
    test_hex(MV_SALT, salt, sizeof(salt));
    pt_len = test_hex(MV_PT, pt, sizeof(pt));
    ct_len = test_hex(MV_CT, ct, sizeof(ct));
    check_known_record(t, DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, key, 16, salt, 4, 0xface,
                       UINT64_C(0xdbaddecaf888), CT_APPLICATION_DATA, pt, pt_len,
                       kat_gcm128_record, sizeof(kat_gcm128_record));
    CHECK_EQ(sizeof(kat_gcm128_record), HDR + 8 + ct_len + TAG);
    CHECK_MEM(kat_gcm128_record + HDR + 8, ct, ct_len);

    /* AES-256-GCM. */
    check_known_record(t, DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, kat_gcm256_key, 32,
                       (const uint8_t *)"\xa0\xa1\xa2\xa3", 4, 1, 0, CT_HANDSHAKE,
                       (const uint8_t *)"DTLS 1.2 Finished...", 20, kat_gcm256_record,
                       sizeof(kat_gcm256_record));

    /* ChaCha20-Poly1305, iv XOR (2 << 48 | 7) = the RFC 8439 nonce. */
    test_hex(CC_KEY, key, sizeof(key));
    pt_len = strlen(CC_PT);
    ct_len = test_hex(CC_CT, ct, sizeof(ct));
    check_known_record(t, DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, key, 32,
                       kat_chacha_iv, 12, 2, 7, CT_APPLICATION_DATA, (const uint8_t *)CC_PT,
                       pt_len, kat_chacha_record, sizeof(kat_chacha_record));
    CHECK_EQ(sizeof(kat_chacha_record), HDR + ct_len + TAG);
    CHECK_MEM(kat_chacha_record + HDR, ct, ct_len);
}

/* The RFC formulas re-stated with d13_aead alone: the nonce is built here
 * in full (d13_aead with that nonce as its IV and sequence 0), the AAD byte
 * by byte. The record must carry exactly that ciphertext and tag. */
static void test_hand_built_formula(d13_test_state *t)
{
    static const uint8_t data[33] = "the quick brown fox jumps over it";
    const uint64_t epoch = 0x1234, seq = UINT64_C(0x0000a1b2c3d4);

    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        d13_epoch_keys tx, rx;
        uint8_t key[32], iv[12], nonce[12], aad[13], rec[128], want[64];
        size_t n;

        make_pair(t, sc, epoch, &tx, &rx);
        material(sc, key, iv);
        n = seal_at(t, &tx, seq, CT_APPLICATION_DATA, data, sizeof(data), rec);
        CHECK_EQ(n, HDR + sc->nonce_len + sizeof(data) + TAG);

        /* RFC 5246 6.2.3.3: seq_num || type || version || length. */
        aad[0] = 0x12, aad[1] = 0x34;
        aad[2] = 0x00, aad[3] = 0x00, aad[4] = 0xa1, aad[5] = 0xb2, aad[6] = 0xc3, aad[7] = 0xd4;
        aad[8] = 23;
        aad[9] = 0xfe, aad[10] = 0xfd;
        aad[11] = 0x00, aad[12] = sizeof(data);
        if (sc->nonce_len) {
            /* RFC 5288 3: salt || explicit nonce, the latter epoch || seq. */
            static const uint8_t explicit_nonce[8] = {0x12, 0x34, 0x00, 0x00, 0xa1, 0xb2, 0xc3, 0xd4};
            memcpy(nonce, iv, 4);
            memcpy(nonce + 4, explicit_nonce, 8);
            CHECK_MEM(rec + HDR, explicit_nonce, 8);
        } else {
            /* RFC 7905 2: iv XOR the left-padded 64-bit record number. */
            static const uint8_t number[12] = {0, 0, 0, 0, 0x12, 0x34, 0x00, 0x00, 0xa1, 0xb2, 0xc3, 0xd4};
            for (size_t i = 0; i < 12; i++) nonce[i] = (uint8_t)(iv[i] ^ number[i]);
        }
        d13_aead *ref = d13_aead_new(NULL, sc->alg, key, nonce);
        CHECK(ref != NULL);
        if (ref != NULL) {
            CHECK_EQ(d13_aead_seal(ref, 0, aad, sizeof(aad), data, sizeof(data), want), 0);
            CHECK_MEM(rec + HDR + sc->nonce_len, want, sizeof(data) + TAG);
            /* The AAD length is the plaintext's, not the fragment's. */
            aad[12] = (uint8_t)(sizeof(data) + sc->nonce_len + TAG);
            CHECK_EQ(d13_aead_seal(ref, 0, aad, sizeof(aad), data, sizeof(data), want), 0);
            CHECK(memcmp(rec + HDR + sc->nonce_len + sizeof(data), want + sizeof(data), TAG) != 0);
            d13_aead_free(ref);
        }
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

/* A GCM record whose explicit nonce is not epoch || seq (some stacks send
 * a counter or random value) opens: the receiver uses it as sent. */
static void test_foreign_explicit_nonce(d13_test_state *t)
{
    static const uint8_t data[5] = "hello";
    static const uint8_t explicit_nonce[8] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};

    for (size_t s = 0; s < 2; s++) {
        const suite_case *sc = &suites[s];
        d13_epoch_keys tx, rx;
        uint8_t key[32], iv[12], nonce[12], aad[13], rec[64], out[16];
        size_t out_len = 0;

        make_pair(t, sc, 1, &tx, &rx);
        material(sc, key, iv);
        memcpy(nonce, iv, 4);
        memcpy(nonce + 4, explicit_nonce, 8);
        /* type 23, 0xfefd, epoch 1, seq 9, fragment 8 + 5 + 16 */
        rec[0] = 23, rec[1] = 0xfe, rec[2] = 0xfd;
        put_u16(rec + 3, 1);
        put_u48(rec + 5, 9);
        put_u16(rec + 11, 8 + sizeof(data) + TAG);
        memcpy(rec + HDR, explicit_nonce, 8);
        memcpy(aad, rec + 3, 8);
        aad[8] = 23, aad[9] = 0xfe, aad[10] = 0xfd;
        put_u16(aad + 11, sizeof(data));
        d13_aead *ref = d13_aead_new(NULL, sc->alg, key, nonce);
        CHECK(ref != NULL);
        if (ref != NULL) {
            CHECK_EQ(d13_aead_seal(ref, 0, aad, sizeof(aad), data, sizeof(data), rec + HDR + 8), 0);
            d13_aead_free(ref);
        }
        CHECK_EQ(open_first(&rx, rec, HDR + 8 + sizeof(data) + TAG, out, sizeof(out), &out_len),
                 D13_DROP_NONE);
        CHECK_EQ(out_len, sizeof(data));
        CHECK_MEM(out, data, sizeof(data));
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

/* ---- installation ---- */

static void test_init(d13_test_state *t)
{
    uint8_t key[32], iv[12];
    d13_epoch_keys k;

    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        material(sc, key, iv);
        memset(&k, 0, sizeof(k));
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len, iv, sc->iv_len, 7), 0);
        CHECK(k.installed && k.dtls12 && k.aead != NULL && k.sn_mask == NULL);
        CHECK_EQ(k.explicit_nonce, sc->nonce_len != 0);
        CHECK_EQ(k.epoch, 7);
        CHECK_EQ(k.suite, sc->suite);
        CHECK_EQ(k.next_seq, 0);
        CHECK(!k.window.any);
        CHECK_EQ(d12_record_overhead(&k), HDR + sc->nonce_len + TAG);
        /* Re-initialization over installed keys (ASan: nothing leaks). */
        k.next_seq = 5;
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len, iv, sc->iv_len, 65535), 0);
        CHECK_EQ(k.next_seq, 0);
        CHECK_EQ(k.epoch, 65535);

        /* Wrong lengths, epochs and pointers: cleared, INVALID_ARG. */
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len == 16 ? 32 : 16, iv,
                                     sc->iv_len, 1),
                 DTLS13_ERR_INVALID_ARG);
        CHECK(!k.installed && k.aead == NULL);
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len, iv,
                                     sc->iv_len == 4 ? 12 : 4, 1),
                 DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len, iv, sc->iv_len, 0),
                 DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len, iv, sc->iv_len, 65536),
                 DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, NULL, sc->key_len, iv, sc->iv_len, 1),
                 DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_epoch_keys_init(&k, NULL, sc->suite, key, sc->key_len, NULL, sc->iv_len, 1),
                 DTLS13_ERR_INVALID_ARG);
        CHECK(!k.installed && k.aead == NULL);
        CHECK_EQ(d12_record_overhead(&k), 0);
    }
    CHECK_EQ(d12_epoch_keys_init(NULL, NULL, suites[0].suite, key, 16, iv, 4, 1), DTLS13_ERR_INVALID_ARG);

    /* TLS 1.3 suites have no DTLS 1.2 record format; unknown suites neither. */
    memset(&k, 0, sizeof(k));
    CHECK_EQ(d12_epoch_keys_init(&k, NULL, DTLS13_TLS_AES_128_GCM_SHA256, key, 16, iv, 4, 1),
             DTLS13_ERR_UNSUPPORTED);
    CHECK_EQ(d12_epoch_keys_init(&k, NULL, DTLS13_TLS_CHACHA20_POLY1305_SHA256, key, 32, iv, 12, 1),
             DTLS13_ERR_UNSUPPORTED);
    CHECK_EQ(d12_epoch_keys_init(&k, NULL, 0x009c, key, 16, iv, 4, 1), DTLS13_ERR_UNSUPPORTED);
    CHECK(!k.installed);
    CHECK_EQ(d12_record_overhead(NULL), 0);

    /* With fetched algorithms. */
    d13_algs *algs = d13_algs_new();
    CHECK(algs != NULL);
    CHECK_EQ(d12_epoch_keys_init(&k, algs, suites[2].suite, key, 32, iv, 12, 1), 0);
    d13_epoch_keys_clear(&k);
    d13_algs_free(algs);
}

/* 1.2 and 1.3 keys do not mix: each record function refuses the other kind. */
static void test_versions_do_not_mix(d13_test_state *t)
{
    uint8_t secret[32], rec[128], out[64];
    d13_epoch_keys k13, k12, rx12;
    d13_writer w;
    d13_reader r;
    d13_record_view v;
    size_t out_len = 0, n;
    uint8_t type = 0;
    uint64_t seq = 0;

    memset(secret, 0x11, sizeof(secret));
    memset(&k13, 0, sizeof(k13));
    CHECK_EQ(d13_epoch_keys_init(&k13, NULL, DTLS13_TLS_AES_128_GCM_SHA256, secret, 32, 1), 0);
    make_pair(t, &suites[0], 1, &k12, &rx12);
    CHECK_EQ(d12_record_overhead(&k13), 0);

    d13_writer_init(&w, rec, sizeof(rec));
    CHECK_EQ(d12_record_seal(&k13, 23, secret, 4, &w), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(d13_record_seal(&k12, 23, secret, 4, 0, &w), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(d13_writer_len(&w), 0);

    /* A 1.3 unified-header record given to d12_record_open, and a 1.2
     * record given to 1.3 keys. */
    CHECK_EQ(d13_record_seal(&k13, 23, secret, 4, 0, &w), 0);
    d13_reader_init(&r, rec, d13_writer_len(&w));
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK(v.is_ciphertext);
    CHECK_EQ(d12_record_open(&rx12, &v, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
    n = seal_at(t, &k12, 0, 23, secret, 4, rec);
    d13_reader_init(&r, rec, n);
    CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
    CHECK_EQ(d12_record_open(&k13, &v, out, sizeof(out), &out_len), D13_DROP_UNKNOWN_EPOCH);
    CHECK_EQ(d13_record_open(&rx12, &v, out, sizeof(out), &out_len, &type, &seq), D13_DROP_BAD_HEADER);
    CHECK_EQ(d12_record_open(&rx12, &v, out, sizeof(out), &out_len), D13_DROP_NONE);
    d13_epoch_keys_clear(&k13);
    d13_epoch_keys_clear(&k12);
    d13_epoch_keys_clear(&rx12);
}

/* ---- sealing ---- */

/* Round trips of every suite and a range of lengths, several records per
 * datagram, with the header checked field by field. */
static void test_round_trips_and_layout(d13_test_state *t)
{
    static const size_t lengths[] = {0, 1, 15, 16, 17, 100, 1200, D12_MAX_PLAINTEXT};
    const size_t count = sizeof(lengths) / sizeof(lengths[0]);
    uint8_t *data = malloc(D12_MAX_PLAINTEXT), *out = malloc(D12_MAX_PLAINTEXT);
    size_t dgram_cap = count * (HDR + 8 + TAG) + D12_MAX_PLAINTEXT + 1200 + 200;
    uint8_t *dgram = malloc(dgram_cap);

    CHECK(data != NULL && out != NULL && dgram != NULL);
    if (data == NULL || out == NULL || dgram == NULL) goto done;
    for (size_t i = 0; i < D12_MAX_PLAINTEXT; i++) data[i] = (uint8_t)(i * 7 + 3);
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        const uint64_t epoch = 0x0102, first_seq = UINT64_C(0x0000fffffffe);
        d13_epoch_keys tx, rx;
        d13_writer w;
        d13_reader r;
        size_t offsets[8];

        make_pair(t, sc, epoch, &tx, &rx);
        tx.next_seq = first_seq;
        d13_writer_init(&w, dgram, dgram_cap);
        for (size_t l = 0; l < count; l++) {
            size_t before = d13_writer_len(&w);
            offsets[l] = before;
            CHECK_EQ(d12_record_seal(&tx, (uint8_t)(20 + l % 4), data, lengths[l], &w), 0);
            CHECK_EQ(d13_writer_len(&w) - before, d12_record_overhead(&tx) + lengths[l]);
            CHECK_EQ(tx.next_seq, first_seq + l + 1);
            CHECK_EQ(tx.records_protected, l + 1);
        }
        for (size_t l = 0; l < count; l++) {
            const uint8_t *p = dgram + offsets[l];
            uint64_t seq = first_seq + l;
            CHECK_EQ(p[0], 20 + l % 4);
            CHECK_EQ(p[1], 0xfe);
            CHECK_EQ(p[2], 0xfd);
            CHECK_EQ(get_be(p + 3, 2), epoch);
            CHECK_EQ(get_be(p + 5, 6), seq);
            CHECK_EQ(get_be(p + 11, 2), sc->nonce_len + lengths[l] + TAG);
            if (sc->nonce_len) CHECK_EQ(get_be(p + HDR, 8), epoch << 48 | seq);
        }
        d13_reader_init(&r, dgram, d13_writer_len(&w));
        for (size_t l = 0; l < count; l++) {
            d13_record_view v;
            size_t out_len = 99;
            CHECK_EQ(d13_record_next(&r, &v), D13_DROP_NONE);
            CHECK(!v.is_ciphertext);
            CHECK_EQ(v.content_type, 20 + l % 4);
            CHECK_EQ(v.seq48, first_seq + l);
            CHECK_EQ(d12_record_open(&rx, &v, out, D12_MAX_PLAINTEXT, &out_len), D13_DROP_NONE);
            CHECK_EQ(out_len, lengths[l]);
            CHECK(lengths[l] == 0 || memcmp(out, data, lengths[l]) == 0);
        }
        CHECK_EQ(d13_reader_remaining(&r), 0);
        CHECK_EQ(rx.window.highest, first_seq + count - 1);
        CHECK_EQ(rx.auth_failures, 0);
        /* An empty record opens with out NULL. */
        {
            uint8_t rec[64];
            size_t out_len = 99, n = seal_at(t, &tx, tx.next_seq, 23, NULL, 0, rec);
            CHECK_EQ(open_first(&rx, rec, n, NULL, 0, &out_len), D13_DROP_NONE);
            CHECK_EQ(out_len, 0);
        }
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
done:
    free(data);
    free(out);
    free(dgram);
}

static void test_seal_errors(d13_test_state *t)
{
    uint8_t *data = calloc(1, D12_MAX_PLAINTEXT + 1), *rec = malloc(MAX_RECORD);

    CHECK(data != NULL && rec != NULL);
    if (data == NULL || rec == NULL) goto done;
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        d13_epoch_keys tx, rx, none;
        d13_writer w;
        size_t total;

        make_pair(t, sc, 3, &tx, &rx);
        total = HDR + sc->nonce_len + 40 + TAG;
        /* Every capacity short of the record: nothing written, nothing counted. */
        for (size_t cap = 0; cap < total; cap++) {
            memset(rec, 0x5a, total);
            d13_writer_init(&w, rec, cap);
            CHECK_EQ(d12_record_seal(&tx, 23, data, 40, &w), DTLS13_ERR_BUFFER_TOO_SMALL);
            CHECK_EQ(d13_writer_len(&w), 0);
            CHECK(!d13_writer_failed(&w));
            CHECK_EQ(rec[0], 0x5a);
        }
        CHECK_EQ(tx.next_seq, 0);
        CHECK_EQ(tx.records_protected, 0);
        /* A writer with something in it already: room counted from its end. */
        d13_writer_init(&w, rec, total + 3);
        d13_write_zeros(&w, 4);
        CHECK_EQ(d12_record_seal(&tx, 23, data, 40, &w), DTLS13_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ(d13_writer_len(&w), 4);
        d13_writer_init(&w, rec, total + 4);
        d13_write_zeros(&w, 4);
        CHECK_EQ(d12_record_seal(&tx, 23, data, 40, &w), 0);
        CHECK_EQ(d13_writer_len(&w), total + 4);
        CHECK_EQ(tx.next_seq, 1);
        /* A failed writer. */
        d13_writer_init(&w, rec, 2);
        d13_write_zeros(&w, 3);
        CHECK_EQ(d12_record_seal(&tx, 23, data, 40, &w), DTLS13_ERR_BUFFER_TOO_SMALL);
        /* Too long, NULL data, no keys. */
        d13_writer_init(&w, rec, MAX_RECORD);
        CHECK_EQ(d12_record_seal(&tx, 23, data, D12_MAX_PLAINTEXT + 1, &w), DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_record_seal(&tx, 23, NULL, 1, &w), DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_record_seal(NULL, 23, data, 1, &w), DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(d12_record_seal(&tx, 23, data, 1, NULL), DTLS13_ERR_INVALID_ARG);
        memset(&none, 0, sizeof(none));
        CHECK_EQ(d12_record_seal(&none, 23, data, 1, &w), DTLS13_ERR_BAD_STATE);
        CHECK_EQ(d13_writer_len(&w), 0);
        CHECK_EQ(tx.next_seq, 1);
        CHECK_EQ(tx.records_protected, 1);
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
done:
    free(data);
    free(rec);
}

/* The last sequence number of an epoch is 2^48 - 1; then sealing stops. */
static void test_seq_limit(d13_test_state *t)
{
    static const uint8_t data[4] = "last";
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        d13_epoch_keys tx, rx;
        uint8_t rec[64], out[8];
        d13_writer w;
        size_t n, out_len = 0;

        make_pair(t, &suites[s], 0xffff, &tx, &rx);
        n = seal_at(t, &tx, SEQ_LIMIT - 1, 23, data, sizeof(data), rec);
        CHECK_EQ(tx.next_seq, SEQ_LIMIT);
        CHECK_EQ(get_be(rec + 3, 2), 0xffff);
        CHECK_EQ(get_be(rec + 5, 6), SEQ_LIMIT - 1);
        if (suites[s].nonce_len) CHECK_EQ(get_be(rec + HDR, 8), UINT64_MAX);
        CHECK_EQ(open_first(&rx, rec, n, out, sizeof(out), &out_len), D13_DROP_NONE);
        CHECK_EQ(out_len, sizeof(data));
        d13_writer_init(&w, rec, sizeof(rec));
        CHECK_EQ(d12_record_seal(&tx, 23, data, sizeof(data), &w), DTLS13_ERR_BAD_STATE);
        CHECK_EQ(d13_writer_len(&w), 0);
        CHECK_EQ(tx.next_seq, SEQ_LIMIT);
        CHECK_EQ(tx.records_protected, 1);
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

/* ---- opening ---- */

/* Every header field is authenticated: changing one makes the record fail
 * authentication (not crash, not decrypt), and the failures leave the
 * window alone, so the genuine record still opens afterwards. The record
 * version is checked before that and gives BAD_HEADER. */
static void test_aad_binding(d13_test_state *t)
{
    static const uint8_t data[24] = "authenticated additional";
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        d13_epoch_keys tx, rx, rx_other;
        uint8_t rec[128], bad[129], out[64];
        size_t n, out_len = 0;
        uint64_t failures = 0;

        make_pair(t, sc, 5, &tx, &rx);
        n = seal_at(t, &tx, 1000, CT_APPLICATION_DATA, data, sizeof(data), rec);

        /* Content type 23 -> 22 and -> 21. */
        memcpy(bad, rec, n);
        bad[0] = CT_HANDSHAKE;
        CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
        CHECK_EQ(rx.auth_failures, ++failures);
        bad[0] = 21;
        CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
        CHECK_EQ(rx.auth_failures, ++failures);
        /* Each bit of the sequence number. */
        for (size_t bit = 0; bit < 48; bit++) {
            memcpy(bad, rec, n);
            bad[10 - bit / 8] ^= (uint8_t)(1u << (bit % 8));
            CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
        }
        failures += 48;
        CHECK_EQ(rx.auth_failures, failures);
        CHECK(!rx.window.any);
        /* Epoch 5 -> 4: no keys for it, or keys with the same secrets. */
        memcpy(bad, rec, n);
        bad[4] = 4;
        CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_UNKNOWN_EPOCH);
        {
            uint8_t key[32], iv[12];
            material(sc, key, iv);
            memset(&rx_other, 0, sizeof(rx_other));
            CHECK_EQ(d12_epoch_keys_init(&rx_other, NULL, sc->suite, key, sc->key_len, iv,
                                         sc->iv_len, 4), 0);
            CHECK_EQ(open_first(&rx_other, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
            CHECK_EQ(rx_other.auth_failures, 1);
            d13_epoch_keys_clear(&rx_other);
        }
        /* Record version. */
        memcpy(bad, rec, n);
        bad[2] = 0xff; /* DTLS 1.0 */
        CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
        bad[2] = 0xfc; /* the DTLS 1.3 number */
        CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
        /* Length one shorter, and one longer with an extra byte. */
        memcpy(bad, rec, n);
        put_u16(bad + 11, n - HDR - 1);
        CHECK_EQ(open_first(&rx, bad, n - 1, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
        put_u16(bad + 11, n - HDR + 1);
        bad[n] = 0;
        CHECK_EQ(open_first(&rx, bad, n + 1, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
        failures += 2;
        /* Every byte of the fragment: explicit nonce, ciphertext, tag. */
        for (size_t i = HDR; i < n; i++) {
            memcpy(bad, rec, n);
            bad[i] ^= 0x01;
            memset(out, 0xaa, sizeof(out));
            CHECK_EQ(open_first(&rx, bad, n, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
            /* No unauthenticated plaintext is left behind. */
            for (size_t j = 0; j < sizeof(data); j++) CHECK_EQ(out[j], 0);
        }
        failures += n - HDR;
        CHECK_EQ(rx.auth_failures, failures);
        CHECK(!rx.window.any);

        CHECK_EQ(open_first(&rx, rec, n, out, sizeof(out), &out_len), D13_DROP_NONE);
        CHECK_EQ(out_len, sizeof(data));
        CHECK_MEM(out, data, sizeof(data));
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

/* RFC 6347 4.1.2.6: duplicates and records left of the window are dropped
 * before decryption; reordered ones inside the window are accepted; only
 * authenticated records move the window. */
static void test_replay(d13_test_state *t)
{
    static const uint8_t data[3] = "abc";
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        d13_epoch_keys tx, rx;
        uint8_t rec[64], out[8];
        size_t n, out_len = 0;

#define OPEN_AT(seq) (n = seal_at(t, &tx, (seq), 23, data, sizeof(data), rec), \
                      open_first(&rx, rec, n, out, sizeof(out), &out_len))
        make_pair(t, &suites[s], 1, &tx, &rx);
        CHECK_EQ(OPEN_AT(5), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(5), D13_DROP_REPLAY);
        CHECK_EQ(OPEN_AT(3), D13_DROP_NONE); /* reordered, inside the window */
        CHECK_EQ(OPEN_AT(3), D13_DROP_REPLAY);
        CHECK_EQ(OPEN_AT(0), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(4), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(100), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(36), D13_DROP_REPLAY); /* 64 behind: left of the window */
        CHECK_EQ(OPEN_AT(37), D13_DROP_NONE);   /* 63 behind: the window's left edge */
        CHECK_EQ(OPEN_AT(37), D13_DROP_REPLAY);
        CHECK_EQ(OPEN_AT(99), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(100), D13_DROP_REPLAY);

        /* A duplicate with a broken tag is a replay: checked first, no
         * authentication failure counted. */
        n = seal_at(t, &tx, 99, 23, data, sizeof(data), rec);
        rec[n - 1] ^= 1;
        CHECK_EQ(open_first(&rx, rec, n, out, sizeof(out), &out_len), D13_DROP_REPLAY);
        CHECK_EQ(rx.auth_failures, 0);
        /* A forgery far ahead does not move the window. */
        n = seal_at(t, &tx, 100000, 23, data, sizeof(data), rec);
        rec[n - 1] ^= 1;
        CHECK_EQ(open_first(&rx, rec, n, out, sizeof(out), &out_len), D13_DROP_BAD_TAG);
        CHECK_EQ(rx.auth_failures, 1);
        CHECK_EQ(rx.window.highest, 100);
        CHECK_EQ(OPEN_AT(40), D13_DROP_NONE);
        /* A genuine jump ahead does. */
        CHECK_EQ(OPEN_AT(100000), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(101), D13_DROP_REPLAY);
        CHECK_EQ(OPEN_AT(SEQ_LIMIT - 1), D13_DROP_NONE);
        CHECK_EQ(OPEN_AT(SEQ_LIMIT - 1), D13_DROP_REPLAY);
#undef OPEN_AT
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

static void test_wrong_epoch_and_view(d13_test_state *t)
{
    static const uint8_t data[3] = "abc";
    uint8_t rec[64], out[8];
    d13_epoch_keys tx, rx, none;
    d13_record_view v;
    d13_writer w;
    size_t n, out_len = 0;

    make_pair(t, &suites[0], 1, &tx, &rx);
    n = seal_at(t, &tx, 0, 23, data, sizeof(data), rec);
    /* Keys of epoch 2 for a record of epoch 1, and the reverse. */
    d13_epoch_keys_clear(&rx);
    {
        uint8_t key[32], iv[12];
        material(&suites[0], key, iv);
        CHECK_EQ(d12_epoch_keys_init(&rx, NULL, suites[0].suite, key, 16, iv, 4, 2), 0);
    }
    CHECK_EQ(open_first(&rx, rec, n, out, sizeof(out), &out_len), D13_DROP_UNKNOWN_EPOCH);
    memset(&none, 0, sizeof(none));
    CHECK_EQ(open_first(&none, rec, n, out, sizeof(out), &out_len), D13_DROP_UNKNOWN_EPOCH);
    /* An epoch 0 plaintext record. */
    d13_writer_init(&w, rec, sizeof(rec));
    CHECK(d13_plaintext_write(&w, 22, 0, 0, data, sizeof(data)));
    CHECK_EQ(open_first(&rx, rec, d13_writer_len(&w), out, sizeof(out), &out_len),
             D13_DROP_UNKNOWN_EPOCH);
    /* Unified-header view, NULL arguments. */
    memset(&v, 0, sizeof(v));
    v.is_ciphertext = true;
    v.epoch16 = 2;
    v.legacy_version = 0xfefd;
    v.payload = rec;
    v.payload_len = 40;
    CHECK_EQ(d12_record_open(&rx, &v, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
    v.is_ciphertext = false;
    CHECK_EQ(d12_record_open(NULL, &v, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
    CHECK_EQ(d12_record_open(&rx, NULL, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
    CHECK_EQ(d12_record_open(&rx, &v, out, sizeof(out), NULL), D13_DROP_BAD_HEADER);
    v.payload = NULL;
    CHECK_EQ(d12_record_open(&rx, &v, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
    CHECK_EQ(rx.auth_failures, 0);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
}

/* Truncation at every length: of the datagram (the header's length then
 * overruns it) and of the fragment with a matching length field (too
 * short for nonce and tag: BAD_HEADER; otherwise the tag fails). */
static void test_truncations(d13_test_state *t)
{
    static const uint8_t data[40] = "truncate me at every single length, ok?";
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        d13_epoch_keys tx, rx;
        uint8_t rec[128], cut[128], out[64];
        size_t n, out_len = 0;

        make_pair(t, sc, 1, &tx, &rx);
        n = seal_at(t, &tx, 0, 23, data, sizeof(data), rec);
        for (size_t len = 0; len < n; len++)
            CHECK_EQ(open_first(&rx, rec, len, out, sizeof(out), &out_len), D13_DROP_BAD_HEADER);
        for (size_t f = 0; f < n - HDR; f++) {
            memcpy(cut, rec, HDR + f);
            put_u16(cut + 11, f);
            CHECK_EQ(open_first(&rx, cut, HDR + f, out, sizeof(out), &out_len),
                     f < sc->nonce_len + TAG ? D13_DROP_BAD_HEADER : D13_DROP_BAD_TAG);
        }
        CHECK_EQ(rx.auth_failures, n - HDR - (sc->nonce_len + TAG));
        CHECK(!rx.window.any);
        /* cap: one byte short of the plaintext, then exact. */
        CHECK_EQ(open_first(&rx, rec, n, out, sizeof(data) - 1, &out_len), D13_DROP_BAD_HEADER);
        CHECK_EQ(open_first(&rx, rec, n, NULL, 0, &out_len), D13_DROP_BAD_HEADER);
        CHECK_EQ(open_first(&rx, rec, n, out, sizeof(data), &out_len), D13_DROP_NONE);
        CHECK_EQ(out_len, sizeof(data));
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
}

/* A fragment whose plaintext would exceed 2^14 bytes (d13_record_next
 * lets protected fragments reach 2^14 + 2048) is a bad header, before any
 * decryption; exactly 2^14 is fine. */
static void test_plaintext_limit(d13_test_state *t)
{
    uint8_t *data = calloc(1, D12_MAX_PLAINTEXT + 1), *rec = malloc(MAX_RECORD);
    uint8_t *out = malloc(D12_MAX_PLAINTEXT + 1);

    CHECK(data != NULL && rec != NULL && out != NULL);
    if (data == NULL || rec == NULL || out == NULL) goto done;
    for (size_t s = 0; s < SUITE_COUNT; s++) {
        const suite_case *sc = &suites[s];
        d13_epoch_keys tx, rx;
        size_t n, out_len = 0;

        make_pair(t, sc, 1, &tx, &rx);
        n = seal_at(t, &tx, 0, 23, data, D12_MAX_PLAINTEXT, rec);
        /* One more byte in the fragment: a 2^14 + 1 byte plaintext. */
        rec[n] = 0;
        put_u16(rec + 11, n + 1 - HDR);
        CHECK_EQ(open_first(&rx, rec, n + 1, out, D12_MAX_PLAINTEXT + 1, &out_len),
                 D13_DROP_BAD_HEADER);
        CHECK_EQ(rx.auth_failures, 0);
        put_u16(rec + 11, n - HDR);
        CHECK_EQ(open_first(&rx, rec, n, out, D12_MAX_PLAINTEXT, &out_len), D13_DROP_NONE);
        CHECK_EQ(out_len, D12_MAX_PLAINTEXT);
        d13_epoch_keys_clear(&tx);
        d13_epoch_keys_clear(&rx);
    }
done:
    free(data);
    free(rec);
    free(out);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_known_records);
    RUN_TEST(&st, test_hand_built_formula);
    RUN_TEST(&st, test_foreign_explicit_nonce);
    RUN_TEST(&st, test_init);
    RUN_TEST(&st, test_versions_do_not_mix);
    RUN_TEST(&st, test_round_trips_and_layout);
    RUN_TEST(&st, test_seal_errors);
    RUN_TEST(&st, test_seq_limit);
    RUN_TEST(&st, test_aad_binding);
    RUN_TEST(&st, test_replay);
    RUN_TEST(&st, test_wrong_epoch_and_view);
    RUN_TEST(&st, test_truncations);
    RUN_TEST(&st, test_plaintext_limit);
    TEST_MAIN_END(&st);
}
