/* TLS 1.3 key schedule (RFC 8446 7.1, 4.4.4, 7.2, 7.5) with a label prefix
 * ("dtls13" for DTLS 1.3, RFC 9147 5.9). */
#include "handshake/key_schedule.h"

#include <string.h>

/* A valid pointer for hashing zero bytes. */
static const uint8_t no_bytes[1] = {0};

/* Derive-Secret(secret, label, messages) with Transcript-Hash(messages)
 * already computed. */
static int derive_secret(const d13_key_schedule *ks, const uint8_t *secret, const char *label,
                         const uint8_t *transcript_hash, uint8_t *out)
{
    return d13_hkdf_expand_label(ks->algs, ks->hash, ks->prefix, secret, ks->hash_len, label,
                                 transcript_hash, ks->hash_len, out, ks->hash_len);
}

/* Several Derive-Secret outputs of one secret, absorbing it once. */
static int derive_secrets(const d13_key_schedule *ks, const uint8_t *secret, const d13_hkdf_label *labels,
                          size_t count)
{
    return d13_hkdf_expand_labels(ks->algs, ks->hash, ks->prefix, secret, ks->hash_len, labels, count);
}

/* Derive-Secret(secret, "derived", ""): the salt of the next Extract. */
static int derive_salt(const d13_key_schedule *ks, const uint8_t *secret, uint8_t *out)
{
    uint8_t empty_hash[D13_MAX_HASH_LEN];
    int rc = d13_hash(ks->algs, ks->hash, no_bytes, 0, empty_hash);

    if (rc == 0) rc = derive_secret(ks, secret, "derived", empty_hash, out);
    return rc;
}

int d13_ks_init(d13_key_schedule *ks, const d13_algs *algs, d13_hash_alg hash, const char *prefix)
{
    uint8_t zeros[D13_MAX_SECRET] = {0};
    size_t hash_len;
    int rc;

    if (ks == NULL || prefix == NULL) return DTLS13_ERR_INVALID_ARG;
    memset(ks, 0, sizeof(*ks));
    hash_len = d13_hash_len(hash);
    if (hash_len == 0 || hash_len > D13_MAX_SECRET) return DTLS13_ERR_UNSUPPORTED;
    ks->algs = algs;
    ks->hash = hash;
    ks->hash_len = hash_len;
    ks->prefix = prefix;
    /* No PSK: both salt and IKM are Hash.length zeros. */
    rc = d13_hkdf_extract(algs, hash, zeros, hash_len, zeros, hash_len, ks->early_secret);
    if (rc != 0) d13_ks_clear(ks);
    return rc;
}

int d13_ks_handshake(d13_key_schedule *ks, const uint8_t *shared, size_t shared_len,
                     const uint8_t *transcript_hash)
{
    uint8_t salt[D13_MAX_SECRET];
    int rc;

    if (ks == NULL || ks->hash_len == 0 || shared == NULL || shared_len == 0 ||
        transcript_hash == NULL)
        return DTLS13_ERR_INVALID_ARG;
    rc = derive_salt(ks, ks->early_secret, salt);
    if (rc == 0)
        rc = d13_hkdf_extract(ks->algs, ks->hash, salt, ks->hash_len, shared, shared_len,
                              ks->handshake_secret);
    if (rc == 0) {
        const d13_hkdf_label labels[] = {
            {"c hs traffic", transcript_hash, ks->hash_len, ks->client_handshake_traffic, ks->hash_len},
            {"s hs traffic", transcript_hash, ks->hash_len, ks->server_handshake_traffic, ks->hash_len},
        };
        rc = derive_secrets(ks, ks->handshake_secret, labels, sizeof(labels) / sizeof(labels[0]));
    }
    d13_cleanse(salt, sizeof(salt));
    return rc;
}

int d13_ks_master(d13_key_schedule *ks, const uint8_t *transcript_hash)
{
    uint8_t salt[D13_MAX_SECRET];
    uint8_t zeros[D13_MAX_SECRET] = {0};
    int rc;

    if (ks == NULL || ks->hash_len == 0 || transcript_hash == NULL) return DTLS13_ERR_INVALID_ARG;
    rc = derive_salt(ks, ks->handshake_secret, salt);
    if (rc == 0)
        rc = d13_hkdf_extract(ks->algs, ks->hash, salt, ks->hash_len, zeros, ks->hash_len,
                              ks->master_secret);
    if (rc == 0) {
        const d13_hkdf_label labels[] = {
            {"c ap traffic", transcript_hash, ks->hash_len, ks->client_application_traffic, ks->hash_len},
            {"s ap traffic", transcript_hash, ks->hash_len, ks->server_application_traffic, ks->hash_len},
            {"exp master", transcript_hash, ks->hash_len, ks->exporter_master, ks->hash_len},
        };
        rc = derive_secrets(ks, ks->master_secret, labels, sizeof(labels) / sizeof(labels[0]));
    }
    d13_cleanse(salt, sizeof(salt));
    return rc;
}

int d13_ks_finished(const d13_key_schedule *ks, const uint8_t *base_secret,
                    const uint8_t *transcript_hash, uint8_t *out)
{
    uint8_t finished_key[D13_MAX_SECRET];
    int rc;

    if (ks == NULL || ks->hash_len == 0 || base_secret == NULL || transcript_hash == NULL ||
        out == NULL)
        return DTLS13_ERR_INVALID_ARG;
    rc = d13_hkdf_expand_label(ks->algs, ks->hash, ks->prefix, base_secret, ks->hash_len, "finished", NULL,
                               0, finished_key, ks->hash_len);
    if (rc == 0)
        rc = d13_hmac(ks->algs, ks->hash, finished_key, ks->hash_len, transcript_hash, ks->hash_len, out);
    d13_cleanse(finished_key, sizeof(finished_key));
    return rc;
}

int d13_ks_update_traffic_secret(const d13_key_schedule *ks, uint8_t *secret)
{
    uint8_t next[D13_MAX_SECRET];
    int rc;

    if (ks == NULL || ks->hash_len == 0 || secret == NULL) return DTLS13_ERR_INVALID_ARG;
    rc = d13_hkdf_expand_label(ks->algs, ks->hash, ks->prefix, secret, ks->hash_len, "traffic upd", NULL, 0,
                               next, ks->hash_len);
    if (rc == 0) memcpy(secret, next, ks->hash_len);
    d13_cleanse(next, sizeof(next));
    return rc;
}

int d13_ks_export(const d13_key_schedule *ks, const char *label, const uint8_t *context,
                  size_t context_len, uint8_t *out, size_t out_len)
{
    uint8_t empty_hash[D13_MAX_HASH_LEN];
    uint8_t context_hash[D13_MAX_HASH_LEN];
    uint8_t secret[D13_MAX_SECRET];
    int rc;

    if (ks == NULL || ks->hash_len == 0 || label == NULL || (context == NULL && context_len != 0) ||
        out == NULL)
        return DTLS13_ERR_INVALID_ARG;
    rc = d13_hash(ks->algs, ks->hash, no_bytes, 0, empty_hash);
    if (rc == 0) rc = derive_secret(ks, ks->exporter_master, label, empty_hash, secret);
    if (rc == 0)
        rc = d13_hash(ks->algs, ks->hash, context_len != 0 ? context : no_bytes, context_len, context_hash);
    if (rc == 0)
        rc = d13_hkdf_expand_label(ks->algs, ks->hash, ks->prefix, secret, ks->hash_len, "exporter",
                                   context_hash, ks->hash_len, out, out_len);
    d13_cleanse(secret, sizeof(secret));
    return rc;
}

void d13_ks_clear(d13_key_schedule *ks)
{
    if (ks == NULL) return;
    d13_cleanse(ks, sizeof(*ks));
}
