/* DTLS 1.2 key derivation (RFC 5246 with the PRF of section 5): master
 * secret, extended master secret (RFC 7627), the key block for the AEAD
 * suites, Finished verify_data and the keying-material exporter (RFC 5705),
 * all from d13_tls12_prf in src/crypto. */
#ifndef D13_KEY_SCHEDULE12_H
#define D13_KEY_SCHEDULE12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define D12_MASTER_SECRET_LEN 48

/** master_secret = PRF(pms, "master secret", client_random || server_random)[0..47],
 *  or with ems: PRF(pms, "extended master secret", session_hash)[0..47]
 *  where session_hash (hash_len bytes of alg) is the hash of the handshake
 *  messages up to and including ClientKeyExchange (RFC 7627 4). */
int d12_master_secret(const d13_algs *algs, d13_hash_alg alg, const uint8_t *pms, size_t pms_len, bool ems,
                      const uint8_t *session_hash, const uint8_t client_random[32],
                      const uint8_t server_random[32], uint8_t master[D12_MASTER_SECRET_LEN]);

/** Traffic keys of an AEAD suite from the key block
 *  PRF(master, "key expansion", server_random || client_random):
 *  client_write_key, server_write_key (key_len each), client_write_IV,
 *  server_write_IV (iv_len each: 4 for AES-GCM, 12 for ChaCha20-Poly1305).
 *  key_len and iv_len come from the suite; DTLS13_ERR_UNSUPPORTED for a
 *  suite that is not a DTLS 1.2 AEAD suite. */
typedef struct d12_traffic_keys {
    size_t key_len;
    size_t iv_len;
    uint8_t client_key[32];
    uint8_t server_key[32];
    uint8_t client_iv[12];
    uint8_t server_iv[12];
} d12_traffic_keys;
int d12_derive_traffic_keys(const d13_algs *algs, uint16_t suite, const uint8_t master[D12_MASTER_SECRET_LEN],
                            const uint8_t client_random[32], const uint8_t server_random[32],
                            d12_traffic_keys *out);

/** verify_data = PRF(master, "client finished" or "server finished",
 *  handshake_hash)[0..11], handshake_hash being hash_len bytes of alg. */
int d12_finished_verify_data(const d13_algs *algs, d13_hash_alg alg, const uint8_t master[D12_MASTER_SECRET_LEN],
                             bool by_client, const uint8_t *handshake_hash, uint8_t out[12]);

/** RFC 5705 exporter: PRF(master, label, client_random || server_random
 *  [|| uint16 context_len || context])[0..out_len-1]; the context part is
 *  present only when has_context (an empty context differs from none).
 *  Labels reserved by RFC 5705 4 ("client finished", "server finished",
 *  "master secret", "extended master secret", "key expansion") are
 *  DTLS13_ERR_INVALID_ARG, as is a context longer than 65535 bytes. */
int d12_export(const d13_algs *algs, d13_hash_alg alg, const uint8_t master[D12_MASTER_SECRET_LEN],
               const uint8_t client_random[32], const uint8_t server_random[32], const char *label,
               const uint8_t *context, size_t context_len, bool has_context, uint8_t *out, size_t out_len);

#endif
