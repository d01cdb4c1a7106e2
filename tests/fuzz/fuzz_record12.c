/* Fuzz target for DTLS 1.2 record protection: splits the input into
 * records with d13_record_next and tries d12_record_open on every
 * protected (epoch != 0) one with fixed keys; also seals the input as one
 * record and checks that it opens, once only, and that no single bit flip
 * of it opens.
 *
 * Input: a selector byte, then the datagram. Selector: byte % 3 picks the
 * suite (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305); bit 7 adds the
 * round trip, whose content type comes from bits 2..3, sequence number
 * from bits 4..6, and flipped bit from the input length. Keys: key byte i
 * = 0xb0 + i, IV (salt for GCM) byte i = 0xd0 + i. The seeds in
 * corpus/record12/ (make_record12_corpus.py) are datagrams sealed with
 * those keys at epoch 1, so they authenticate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz/fuzz_target.h"
#include "record/record.h"
#include "record/record12.h"
#include "wire/reader.h"
#include "wire/writer.h"

static const uint16_t fuzz_suites[3] = {
    DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
};
static const size_t fuzz_key_len[3] = {16, 32, 32};
static const size_t fuzz_iv_len[3] = {4, 4, 12};

#define MAX_RECORDS_PER_DATAGRAM 64
#define MAX_RECORD (D12_RECORD_HEADER_LEN + D12_EXPLICIT_NONCE_LEN + D12_MAX_PLAINTEXT + D13_AEAD_TAG_LEN)

static int init_keys(d13_epoch_keys *k, unsigned s, uint64_t epoch)
{
    uint8_t key[32], iv[12];
    for (size_t i = 0; i < sizeof(key); i++) key[i] = (uint8_t)(0xb0 + i);
    for (size_t i = 0; i < sizeof(iv); i++) iv[i] = (uint8_t)(0xd0 + i);
    memset(k, 0, sizeof(*k));
    return d12_epoch_keys_init(k, NULL, fuzz_suites[s], key, fuzz_key_len[s], iv, fuzz_iv_len[s], epoch);
}

static void parse_and_open(d13_epoch_keys *k, const uint8_t *dgram, size_t len, uint8_t *out)
{
    d13_reader r;
    d13_reader_init(&r, dgram, len);
    for (int i = 0; i < MAX_RECORDS_PER_DATAGRAM && d13_reader_remaining(&r) > 0; i++) {
        d13_record_view v;
        size_t out_len = 0;
        uint64_t failures = k->auth_failures;
        d13_drop_reason reason;

        if (d13_record_next(&r, &v) != D13_DROP_NONE) break;
        if (v.is_ciphertext) continue;
        if (v.epoch16 != 0) k->epoch = v.epoch16; /* let every record reach the crypto path */
        reason = d12_record_open(k, &v, out, D12_MAX_PLAINTEXT, &out_len);
        if (reason == D13_DROP_NONE) {
            FUZZ_CHECK(out_len <= D12_MAX_PLAINTEXT);
            FUZZ_CHECK(out_len + d12_record_overhead(k) == D12_RECORD_HEADER_LEN + v.payload_len);
            FUZZ_CHECK(d13_replay_check(&k->window, v.seq48));
        }
        FUZZ_CHECK(k->auth_failures == failures + (reason == D13_DROP_BAD_TAG));
    }
}

static void round_trip(unsigned s, uint8_t mode, const uint8_t *in, size_t len, uint8_t *rec,
                       uint8_t *out)
{
    static const uint8_t types[4] = {20, 21, 22, 23};
    d13_epoch_keys tx, rx;
    d13_writer w;
    d13_reader r;
    d13_record_view v;
    size_t n, out_len = 0, bit;
    uint64_t seq = ((uint64_t)(mode >> 4 & 7) << 45) | (uint64_t)(mode >> 4 & 7);

    if (len > D12_MAX_PLAINTEXT) len = D12_MAX_PLAINTEXT;
    FUZZ_CHECK(init_keys(&tx, s, 1) == 0 && init_keys(&rx, s, 1) == 0);
    tx.next_seq = seq;
    d13_writer_init(&w, rec, MAX_RECORD);
    FUZZ_CHECK(d12_record_seal(&tx, types[mode >> 2 & 3], in, len, &w) == 0);
    n = d13_writer_len(&w);
    FUZZ_CHECK(n == d12_record_overhead(&tx) + len && tx.next_seq == seq + 1);

    /* No single bit flip opens (the keys stay fresh: no replay verdicts). */
    bit = (len * 131) % (8 * n);
    rec[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    d13_reader_init(&r, rec, n);
    if (d13_record_next(&r, &v) == D13_DROP_NONE)
        FUZZ_CHECK(d12_record_open(&rx, &v, out, D12_MAX_PLAINTEXT, &out_len) != D13_DROP_NONE);
    rec[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    FUZZ_CHECK(!rx.window.any);

    d13_reader_init(&r, rec, n);
    FUZZ_CHECK(d13_record_next(&r, &v) == D13_DROP_NONE && d13_reader_remaining(&r) == 0);
    FUZZ_CHECK(!v.is_ciphertext && v.epoch16 == 1 && v.seq48 == seq);
    FUZZ_CHECK(d12_record_open(&rx, &v, out, D12_MAX_PLAINTEXT, &out_len) == D13_DROP_NONE);
    FUZZ_CHECK(out_len == len && (len == 0 || memcmp(out, in, len) == 0));
    FUZZ_CHECK(d12_record_open(&rx, &v, out, D12_MAX_PLAINTEXT, &out_len) == D13_DROP_REPLAY);
    d13_epoch_keys_clear(&tx);
    d13_epoch_keys_clear(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d13_epoch_keys rx;
    d13_reader in;
    uint8_t selector = 0;
    const uint8_t *rest = NULL;
    size_t rest_len = 0;
    uint8_t *out, *rec;
    unsigned s;

    d13_reader_init(&in, data, size);
    if (!d13_read_u8(&in, &selector)) return 0;
    d13_read_rest(&in, &rest, &rest_len);
    s = selector % 3u;
    out = malloc(D12_MAX_PLAINTEXT);
    rec = malloc(MAX_RECORD);
    FUZZ_CHECK(out != NULL && rec != NULL && init_keys(&rx, s, 1) == 0);

    parse_and_open(&rx, rest, rest_len, out);
    d13_epoch_keys_clear(&rx);
    if (selector & 0x80) round_trip(s, selector, rest, rest_len, rec, out);
    free(out);
    free(rec);
    return 0;
}
