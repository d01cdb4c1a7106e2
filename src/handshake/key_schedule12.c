/* DTLS 1.2 key derivation (RFC 5246 6.3, 7.4.9, 8.1; RFC 7627; RFC 5705). */
#include "handshake/key_schedule12.h"

#include <stdlib.h>
#include <string.h>

#include "dtls13/errors.h"

int d12_master_secret(const d13_algs *algs, d13_hash_alg alg, const uint8_t *pms, size_t pms_len, bool ems,
                      const uint8_t *session_hash, const uint8_t client_random[32],
                      const uint8_t server_random[32], uint8_t master[D12_MASTER_SECRET_LEN])
{
    if (!pms || !master || (ems && !session_hash) || (!ems && (!client_random || !server_random)))
        return DTLS13_ERR_INVALID_ARG;
    if (ems)
        return d13_tls12_prf(algs, alg, pms, pms_len, "extended master secret", session_hash, d13_hash_len(alg),
                             master, D12_MASTER_SECRET_LEN);
    uint8_t seed[64];
    memcpy(seed, client_random, 32);
    memcpy(seed + 32, server_random, 32);
    return d13_tls12_prf(algs, alg, pms, pms_len, "master secret", seed, sizeof(seed), master, D12_MASTER_SECRET_LEN);
}

int d12_derive_traffic_keys(const d13_algs *algs, uint16_t suite, const uint8_t master[D12_MASTER_SECRET_LEN],
                            const uint8_t client_random[32], const uint8_t server_random[32],
                            d12_traffic_keys *out)
{
    d13_aead_alg aead;
    if (!master || !client_random || !server_random || !out) return DTLS13_ERR_INVALID_ARG;
    if ((suite >> 8) == 0x13 || d13_suite_aead(suite, &aead) != 0) return DTLS13_ERR_UNSUPPORTED;
    memset(out, 0, sizeof(*out));
    out->key_len = d13_aead_key_len(aead);
    /* RFC 5288 3: a 4-byte salt for AES-GCM; RFC 7905 2: a 12-byte IV for ChaCha20-Poly1305. */
    out->iv_len = aead == D13_AEAD_CHACHA20_POLY1305 ? 12 : 4;
    uint8_t seed[64];
    memcpy(seed, server_random, 32);
    memcpy(seed + 32, client_random, 32);
    uint8_t block[2 * 32 + 2 * 12];
    size_t n = 2 * out->key_len + 2 * out->iv_len;
    int rc = d13_tls12_prf(algs, d13_suite_hash(suite), master, D12_MASTER_SECRET_LEN, "key expansion", seed,
                           sizeof(seed), block, n);
    if (rc == 0) {
        const uint8_t *p = block;
        memcpy(out->client_key, p, out->key_len);
        p += out->key_len;
        memcpy(out->server_key, p, out->key_len);
        p += out->key_len;
        memcpy(out->client_iv, p, out->iv_len);
        p += out->iv_len;
        memcpy(out->server_iv, p, out->iv_len);
    }
    d13_cleanse(block, sizeof(block));
    return rc;
}

int d12_finished_verify_data(const d13_algs *algs, d13_hash_alg alg, const uint8_t master[D12_MASTER_SECRET_LEN],
                             bool by_client, const uint8_t *handshake_hash, uint8_t out[12])
{
    if (!master || !handshake_hash || !out) return DTLS13_ERR_INVALID_ARG;
    return d13_tls12_prf(algs, alg, master, D12_MASTER_SECRET_LEN, by_client ? "client finished" : "server finished",
                         handshake_hash, d13_hash_len(alg), out, 12);
}

static bool reserved_label(const char *label)
{
    static const char *const reserved[] = {"client finished", "server finished", "master secret",
                                           "extended master secret", "key expansion"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcmp(label, reserved[i]) == 0) return true;
    return false;
}

int d12_export(const d13_algs *algs, d13_hash_alg alg, const uint8_t master[D12_MASTER_SECRET_LEN],
               const uint8_t client_random[32], const uint8_t server_random[32], const char *label,
               const uint8_t *context, size_t context_len, bool has_context, uint8_t *out, size_t out_len)
{
    if (!master || !client_random || !server_random || !label || !out || out_len == 0 ||
        (!context && context_len) || context_len > 65535 || reserved_label(label))
        return DTLS13_ERR_INVALID_ARG;
    size_t seed_len = 64 + (has_context ? 2 + context_len : 0);
    uint8_t *seed = malloc(seed_len);
    if (!seed) return DTLS13_ERR_NO_MEMORY;
    memcpy(seed, client_random, 32);
    memcpy(seed + 32, server_random, 32);
    if (has_context) {
        seed[64] = (uint8_t)(context_len >> 8);
        seed[65] = (uint8_t)context_len;
        if (context_len) memcpy(seed + 66, context, context_len);
    }
    int rc = d13_tls12_prf(algs, alg, master, D12_MASTER_SECRET_LEN, label, seed, seed_len, out, out_len);
    free(seed);
    return rc;
}
