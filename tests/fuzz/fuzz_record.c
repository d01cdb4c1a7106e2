/* Fuzz target for the record layer: splits the input into records with
 * d13_record_next and tries d13_record_open on every unified-header record
 * with fixed keys; also checks that seal then open round-trips the input.
 * The first byte picks the suite (byte % 3) and, with bit 7 set, the
 * round trip (header form and padding from bits 2..4); the rest is the
 * datagram. The seeds in corpus/record/ are datagrams sealed with these
 * fixed keys (traffic secret a0 a1 a2 .., epoch 1), so they authenticate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz/fuzz_target.h"
#include "record/record.h"
#include "wire/reader.h"
#include "wire/writer.h"

static const uint16_t fuzz_suites[3] = {
    DTLS13_TLS_AES_128_GCM_SHA256,
    DTLS13_TLS_AES_256_GCM_SHA384,
    DTLS13_TLS_CHACHA20_POLY1305_SHA256,
};

#define MAX_RECORDS_PER_DATAGRAM 64

static int init_keys(d13_epoch_keys *k, uint16_t suite)
{
    uint8_t secret[48];
    size_t len = d13_hash_len(d13_suite_hash(suite));
    for (size_t i = 0; i < sizeof(secret); i++) secret[i] = (uint8_t)(0xa0 + i);
    memset(k, 0, sizeof(*k));
    return d13_epoch_keys_init(k, NULL, suite, secret, len, 1);
}

static void parse_and_open(d13_epoch_keys *k, const uint8_t *dgram, size_t len, uint8_t *out)
{
    d13_reader r;
    d13_reader_init(&r, dgram, len);
    for (int i = 0; i < MAX_RECORDS_PER_DATAGRAM && d13_reader_remaining(&r) > 0; i++) {
        d13_record_view v;
        size_t out_len = 0;
        uint8_t type = 0;
        uint64_t seq = 0;
        if (d13_record_next(&r, &v) != D13_DROP_NONE) break;
        if (!v.is_ciphertext) continue;
        k->epoch = v.epoch_bits; /* let every record reach the crypto path */
        if (d13_record_open(k, &v, out, D13_MAX_CIPHERTEXT, &out_len, &type, &seq) == D13_DROP_NONE) {
            FUZZ_CHECK(out_len + 1 + D13_AEAD_TAG_LEN <= v.payload_len && type != 0);
        }
    }
}

static void round_trip(d13_epoch_keys *tx, d13_epoch_keys *rx, uint8_t mode, const uint8_t *in,
                       size_t len, uint8_t *dgram, uint8_t *out)
{
    d13_seal_options form = {(mode & 1) != 0, (mode & 2) != 0};
    d13_writer w;
    d13_reader r;
    d13_record_view v;
    size_t out_len = 0, pad = (size_t)(mode >> 2) & 7;
    uint8_t type = 0;
    uint64_t seq = 0;

    if (len > 16384 - pad) len = 16384 - pad; /* inner plaintext at most 2^14 + 1 */
    /* The receiver has seen the record before: short sequence numbers are
     * placed relative to it. */
    tx->next_seq = ((uint64_t)mode << 8) + 1;
    d13_replay_update(&rx->window, tx->next_seq - 1);
    d13_writer_init(&w, dgram, D13_RECORD_OVERHEAD + 16384 + 8);
    FUZZ_CHECK(d13_record_seal_ex(tx, 23, in, len, pad, &form, &w) == 0);
    d13_reader_init(&r, dgram, d13_writer_len(&w));
    FUZZ_CHECK(d13_record_next(&r, &v) == D13_DROP_NONE);
    FUZZ_CHECK(d13_record_open(rx, &v, out, D13_MAX_CIPHERTEXT, &out_len, &type, &seq) ==
               D13_DROP_NONE);
    FUZZ_CHECK(out_len == len && type == 23 && seq == tx->next_seq - 1);
    FUZZ_CHECK(len == 0 || memcmp(out, in, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d13_epoch_keys rx, tx;
    d13_reader in;
    uint8_t selector = 0;
    const uint8_t *rest = NULL;
    size_t rest_len = 0;
    uint8_t *out, *dgram;
    uint16_t suite;

    d13_reader_init(&in, data, size);
    if (!d13_read_u8(&in, &selector)) return 0;
    d13_read_rest(&in, &rest, &rest_len);
    suite = fuzz_suites[selector % 3];
    out = malloc(D13_MAX_CIPHERTEXT);
    dgram = malloc(D13_RECORD_OVERHEAD + 16384 + 8);
    FUZZ_CHECK(out != NULL && dgram != NULL && init_keys(&rx, suite) == 0);

    parse_and_open(&rx, rest, rest_len, out);
    if (selector & 0x80) {
        d13_epoch_keys_clear(&rx);
        FUZZ_CHECK(init_keys(&rx, suite) == 0 && init_keys(&tx, suite) == 0);
        round_trip(&tx, &rx, (uint8_t)(selector >> 2), rest, rest_len, dgram, out);
        d13_epoch_keys_clear(&tx);
    }
    d13_epoch_keys_clear(&rx);
    free(out);
    free(dgram);
    return 0;
}
