/* Protect + unprotect of a 1200-byte record through the record layer
 * against the bare AEAD seal + open of the same bytes through the crypto
 * layer. DTLS 1.3 (d13_record_seal, d13_record_next, d13_record_open;
 * issue 2) and DTLS 1.2 (d12_record_seal, d13_record_next,
 * d12_record_open; issue 11). Prints the ratio per suite, target <= 1.15
 * (1.3 for DTLS 1.3 ChaCha20-Poly1305, whose record number mask is one
 * ChaCha20 block that libcrypto computes only through a cipher
 * re-initialization: the project's decision for where libcrypto's glue is
 * the cost), and the heap allocations per record round trip, which must
 * be 0.
 *
 * Usage: bench_record [RECORDS]   (default 200000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_alloc.h"
#include "bench_util.h"
#include "crypto/crypto.h"
#include "record/record.h"
#include "record/record12.h"

#define PAYLOAD_LEN 1200
#define ROUNDS 3
#define CONTENT_APPLICATION_DATA 23
/** DTLS 1.2 additional_data: epoch, sequence number, type, version, length. */
#define D12_AAD_LEN 13

/* The DTLS 1.2 suites have code points 0xc0xx and 0xccxx. */
static bool is_v12(uint16_t suite)
{
    return suite >= 0xc000u;
}

/* Installs the same keys in both directions' structs (1.3: epoch 3 from a
 * traffic secret; 1.2: epoch 1 from key and IV bytes). */
static bool install_keys(uint16_t suite, d13_epoch_keys *wk, d13_epoch_keys *rk)
{
    memset(wk, 0, sizeof *wk);
    memset(rk, 0, sizeof *rk);
    if (is_v12(suite)) {
        d13_aead_alg alg;
        if (d13_suite_aead(suite, &alg) != 0) return false;
        uint8_t key[D13_MAX_KEY_LEN], iv[D13_AEAD_IV_LEN];
        memset(key, 0x11, sizeof key);
        memset(iv, 0x22, sizeof iv);
        size_t key_len = d13_aead_key_len(alg), iv_len = alg == D13_AEAD_CHACHA20_POLY1305 ? D13_AEAD_IV_LEN : 4;
        return d12_epoch_keys_init(wk, NULL, suite, key, key_len, iv, iv_len, 1) == 0 &&
               d12_epoch_keys_init(rk, NULL, suite, key, key_len, iv, iv_len, 1) == 0;
    }
    uint8_t secret[48];
    memset(secret, 0x5a, sizeof secret);
    size_t secret_len = d13_hash_len(d13_suite_hash(suite));
    return d13_epoch_keys_init(wk, NULL, suite, secret, secret_len, 3) == 0 &&
           d13_epoch_keys_init(rk, NULL, suite, secret, secret_len, 3) == 0;
}

/* One record through seal, next and open; false on any failure. */
static bool round_trip(d13_epoch_keys *wk, d13_epoch_keys *rk, const uint8_t *payload, uint8_t *datagram,
                       size_t datagram_cap, uint8_t *plain, size_t plain_cap)
{
    d13_writer w;
    d13_writer_init(&w, datagram, datagram_cap);
    int rc = wk->dtls12 ? d12_record_seal(wk, CONTENT_APPLICATION_DATA, payload, PAYLOAD_LEN, &w)
                        : d13_record_seal(wk, CONTENT_APPLICATION_DATA, payload, PAYLOAD_LEN, 0, &w);
    if (rc != 0) return false;
    d13_reader r;
    d13_reader_init(&r, datagram, d13_writer_len(&w));
    d13_record_view view;
    size_t out_len = 0;
    uint8_t type = 0;
    uint64_t seq = 0;
    if (d13_record_next(&r, &view) != D13_DROP_NONE) return false;
    if (rk->dtls12) {
        if (d12_record_open(rk, &view, plain, plain_cap, &out_len) != D13_DROP_NONE) return false;
        type = view.content_type;
    } else if (d13_record_open(rk, &view, plain, plain_cap, &out_len, &type, &seq) != D13_DROP_NONE) {
        return false;
    }
    return out_len == PAYLOAD_LEN && type == CONTENT_APPLICATION_DATA;
}

/* Runs count record-layer round trips; returns false on any failure.
 * *allocations: heap allocations during them (UINT64_MAX: not counted). */
static bool record_round_trips(uint16_t suite, long count, uint64_t *elapsed_ns, uint64_t *allocations)
{
    d13_epoch_keys wk, rk;
    bool ok = install_keys(suite, &wk, &rk);
    static const uint8_t zero_payload[PAYLOAD_LEN];
    uint8_t datagram[PAYLOAD_LEN + 64], plain[PAYLOAD_LEN + 64];
    uint64_t a0 = bench_alloc_count(), t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++)
        ok = round_trip(&wk, &rk, zero_payload, datagram, sizeof datagram, plain, sizeof plain);
    *elapsed_ns = bench_now_ns() - t0;
    uint64_t a1 = bench_alloc_count();
    *allocations = a0 == UINT64_MAX ? UINT64_MAX : a1 - a0;
    d13_epoch_keys_clear(&wk);
    d13_epoch_keys_clear(&rk);
    return ok;
}

/* Runs count bare AEAD seal + open round trips of the same bytes: 1.3
 * with the inner content type byte and the 5-byte header as AAD, 1.2
 * with the 13-byte additional_data (the explicit GCM nonce is not
 * encrypted, so the raw AEAD does not see it). */
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
    uint8_t aad[D12_AAD_LEN] = {0x2f, 0, 0, 0x04, 0xc1, 0, 0, 0, CONTENT_APPLICATION_DATA, 0xfe, 0xfd, 0x04, 0xb0};
    size_t aad_len = is_v12(suite) ? D12_AAD_LEN : D13_CIPHERTEXT_HEADER_LEN;
    size_t in_len = is_v12(suite) ? PAYLOAD_LEN : PAYLOAD_LEN + 1;
    uint8_t in[PAYLOAD_LEN + 1], ct[PAYLOAD_LEN + 1 + D13_AEAD_TAG_LEN], pt[PAYLOAD_LEN + 1];
    memset(in, 0, sizeof in);
    in[PAYLOAD_LEN] = CONTENT_APPLICATION_DATA;
    bool ok = true;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        if (d13_aead_seal(seal, (uint64_t)i, aad, aad_len, in, in_len, ct) != 0) ok = false;
        if (ok && d13_aead_open(open, (uint64_t)i, aad, aad_len, ct, in_len + D13_AEAD_TAG_LEN, pt) != 0) ok = false;
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
                                      DTLS13_TLS_CHACHA20_POLY1305_SHA256,
                                      DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                      DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
    printf("bench_record: %ld protect+unprotect round trips of a %d-byte record, %d rounds (fastest)\n", count,
           PAYLOAD_LEN, ROUNDS);
    int status = 0;
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
        double best_rec = 0, best_raw = 0;
        uint64_t allocations = 0;
        for (int round = 0; round < ROUNDS; round++) {
            uint64_t rec_ns = 0, raw_ns = 0, allocs = 0;
            if (!aead_round_trips(suites[s], count, &raw_ns) ||
                !record_round_trips(suites[s], count, &rec_ns, &allocs)) {
                fprintf(stderr, "bench_record: a round trip failed for %s\n", dtls13_cipher_suite_name(suites[s]));
                status = 1;
                break;
            }
            double rec = (double)rec_ns / (double)count, raw = (double)raw_ns / (double)count;
            if (round == 0 || rec < best_rec) best_rec = rec;
            if (round == 0 || raw < best_raw) best_raw = raw;
            allocations = allocs == UINT64_MAX || allocations == UINT64_MAX ? UINT64_MAX : allocations + allocs;
        }
        if (status != 0) break;
        printf("  %s %-44s record layer %7.0f ns, raw AEAD %7.0f ns, ratio %.3f (%.0f MB/s through the record "
               "layer)\n",
               is_v12(suites[s]) ? "DTLS1.2" : "DTLS1.3", dtls13_cipher_suite_name(suites[s]), best_rec, best_raw,
               best_rec / best_raw, (double)PAYLOAD_LEN * 1e3 / best_rec);
        double target = suites[s] == DTLS13_TLS_CHACHA20_POLY1305_SHA256 ? 1.3 : 1.15;
        bench_print_target("record layer / raw AEAD", best_rec / best_raw, target, "x");
        if (allocations == UINT64_MAX) {
            printf("  allocations per record: not counted (sanitizer build)\n");
        } else {
            printf("  allocations in %ld record round trips: %llu (%s)\n", count * ROUNDS,
                   (unsigned long long)allocations, allocations == 0 ? "none per record: met" : "NOT met");
        }
    }
    return status;
}
