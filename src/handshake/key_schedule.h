/* TLS 1.3 key schedule (RFC 8446 7.1) with the label prefix of RFC 9147 5.9,
 * Finished keys (4.4.4), traffic key updates (7.2) and the exporter (7.5). */
#ifndef D13_KEY_SCHEDULE_H
#define D13_KEY_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define D13_MAX_SECRET 48

typedef struct d13_key_schedule {
    const d13_algs *algs; /* the configuration's fetched algorithms, or NULL */
    d13_hash_alg hash;
    size_t hash_len;
    const char *prefix; /* "dtls13" or, for known-answer tests, "tls13 " */
    uint8_t early_secret[D13_MAX_SECRET];
    uint8_t handshake_secret[D13_MAX_SECRET];
    uint8_t master_secret[D13_MAX_SECRET];
    uint8_t client_handshake_traffic[D13_MAX_SECRET];
    uint8_t server_handshake_traffic[D13_MAX_SECRET];
    uint8_t client_application_traffic[D13_MAX_SECRET]; /* current generation */
    uint8_t server_application_traffic[D13_MAX_SECRET];
    uint8_t exporter_master[D13_MAX_SECRET];
} d13_key_schedule;

/** Starts the schedule without PSK: early_secret = HKDF-Extract(0, 0). */
int d13_ks_init(d13_key_schedule *ks, const d13_algs *algs, d13_hash_alg hash, const char *prefix);
/** handshake_secret from the (EC)DHE shared secret; derives the client and
 *  server handshake traffic secrets with transcript hash H(ClientHello..ServerHello). */
int d13_ks_handshake(d13_key_schedule *ks, const uint8_t *shared, size_t shared_len,
                     const uint8_t *transcript_hash);
/** master_secret; derives application traffic secrets 0 and the exporter
 *  master secret with H(ClientHello..server Finished). */
int d13_ks_master(d13_key_schedule *ks, const uint8_t *transcript_hash);
/** verify_data = HMAC(finished_key(base_secret), transcript_hash); out gets hash_len bytes. */
int d13_ks_finished(const d13_key_schedule *ks, const uint8_t *base_secret,
                    const uint8_t *transcript_hash, uint8_t *out);
/** secret = HKDF-Expand-Label(secret, "traffic upd", "", Hash.length), in place. */
int d13_ks_update_traffic_secret(const d13_key_schedule *ks, uint8_t *secret);
/** RFC 8446 7.5 exporter with the schedule's prefix. */
int d13_ks_export(const d13_key_schedule *ks, const char *label, const uint8_t *context,
                  size_t context_len, uint8_t *out, size_t out_len);
/** Zeroizes all secrets. */
void d13_ks_clear(d13_key_schedule *ks);

#endif
