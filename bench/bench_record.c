/* Protect + unprotect of a 1200-byte record through the record layer
 * (d13_record_seal, d13_record_next, d13_record_open) against the bare
 * AEAD seal + open of the same bytes. Prints the ratio; target <= 1.15.
 *
 * Usage: bench_record [RECORDS]   (default 200000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "crypto/crypto.h"
#include "record/record.h"

#define PAYLOAD_LEN 1200
#define ROUNDS 3
#define CONTENT_APPLICATION_DATA 23

/* Runs count record-layer round trips; returns false on any failure. */
static bool record_round_trips(uint16_t suite, long count, uint64_t *elapsed_ns)
{
    uint8_t secret[48];
    memset(secret, 0x5a, sizeof secret);
    size_t secret_len = d13_hash_len(d13_suite_hash(suite));
    d13_epoch_keys wk, rk;
    memset(&wk, 0, sizeof wk);
    memset(&rk, 0, sizeof rk);
    if (d13_epoch_keys_init(&wk, NULL, suite, secret, secret_len, 3) != 0 ||
        d13_epoch_keys_init(&rk, NULL, suite, secret, secret_len, 3) != 0)
        return false;
    static const uint8_t zero_payload[PAYLOAD_LEN];
    uint8_t datagram[PAYLOAD_LEN + 64], plain[PAYLOAD_LEN + 64];
    bool ok = true;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        d13_writer w;
        d13_writer_init(&w, datagram, sizeof datagram);
        if (d13_record_seal(&wk, CONTENT_APPLICATION_DATA, zero_payload, PAYLOAD_LEN, 0, &w) != 0) ok = false;
        d13_reader r;
        d13_reader_init(&r, datagram, d13_writer_len(&w));
        d13_record_view view;
        size_t out_len = 0;
        uint8_t type = 0;
        uint64_t seq = 0;
        if (ok && d13_record_next(&r, &view) != D13_DROP_NONE) ok = false;
        if (ok && d13_record_open(&rk, &view, plain, sizeof plain, &out_len, &type, &seq) != D13_DROP_NONE) ok = false;
        if (ok && (out_len != PAYLOAD_LEN || type != CONTENT_APPLICATION_DATA)) ok = false;
    }
    *elapsed_ns = bench_now_ns() - t0;
    d13_epoch_keys_clear(&wk);
    d13_epoch_keys_clear(&rk);
    return ok;
}

/* Runs count bare AEAD seal + open round trips of the same size (the
 * inner content type byte included, 5-byte header as AAD). */
static bool aead_round_trips(uint16_t suite, long count, uint64_t *elapsed_ns)
{
    d13_aead_alg alg;
    if (d13_suite_aead(suite, &alg) != 0) return false;
    uint8_t key[D13_MAX_KEY_LEN], iv[D13_AEAD_IV_LEN];
    memset(key, 0x11, sizeof key);
    memset(iv, 0x22, sizeof iv);
    d13_aead *seal = d13_aead_new(NULL, alg, key, iv);
    d13_aead *open = d13_aead_new(NULL, alg, key, iv);
    if (seal == NULL || open == NULL) return false;
    uint8_t aad[D13_CIPHERTEXT_HEADER_LEN] = {0x2f, 0, 0, 0x04, 0xc1};
    uint8_t in[PAYLOAD_LEN + 1], ct[PAYLOAD_LEN + 1 + D13_AEAD_TAG_LEN], pt[PAYLOAD_LEN + 1];
    memset(in, 0, sizeof in);
    in[PAYLOAD_LEN] = CONTENT_APPLICATION_DATA;
    bool ok = true;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        if (d13_aead_seal(seal, (uint64_t)i, aad, sizeof aad, in, sizeof in, ct) != 0) ok = false;
        if (ok && d13_aead_open(open, (uint64_t)i, aad, sizeof aad, ct, sizeof ct, pt) != 0) ok = false;
    }
    *elapsed_ns = bench_now_ns() - t0;
    d13_aead_free(seal);
    d13_aead_free(open);
    return ok;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
    if (count <= 0 || count > 100000000) {
        fprintf(stderr, "usage: bench_record [RECORDS]\n");
        return 2;
    }
    static const uint16_t suites[] = {DTLS13_TLS_AES_128_GCM_SHA256, DTLS13_TLS_AES_256_GCM_SHA384,
                                      DTLS13_TLS_CHACHA20_POLY1305_SHA256};
    printf("bench_record: %ld protect+unprotect round trips of a %d-byte record, %d rounds (fastest)\n", count,
           PAYLOAD_LEN, ROUNDS);
    int status = 0;
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
        double best_rec = 0, best_raw = 0;
        for (int round = 0; round < ROUNDS; round++) {
            uint64_t rec_ns = 0, raw_ns = 0;
            if (!aead_round_trips(suites[s], count, &raw_ns) || !record_round_trips(suites[s], count, &rec_ns)) {
                fprintf(stderr, "bench_record: a round trip failed for %s\n", dtls13_cipher_suite_name(suites[s]));
                status = 1;
                break;
            }
            double rec = (double)rec_ns / (double)count, raw = (double)raw_ns / (double)count;
            if (round == 0 || rec < best_rec) best_rec = rec;
            if (round == 0 || raw < best_raw) best_raw = raw;
        }
        if (status != 0) break;
        printf("  %-30s record layer %7.0f ns, raw AEAD %7.0f ns, ratio %.3f (%.0f MB/s through the record layer)\n",
               dtls13_cipher_suite_name(suites[s]), best_rec, best_raw, best_rec / best_raw,
               (double)PAYLOAD_LEN * 1e3 / best_rec);
        bench_print_target("record layer / raw AEAD", best_rec / best_raw, 1.15, "x");
    }
    return status;
}
