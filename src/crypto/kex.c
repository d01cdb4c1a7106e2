/* Ephemeral ECDHE: x25519 (raw 32-byte keys) and secp256r1 (uncompressed
 * 65-byte points), with validation of the peer's share. */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

#define X25519_LEN 32
#define P256_POINT_LEN 65
#define P256_SECRET_LEN 32

struct d13_kex {
    EVP_PKEY *pkey;
    uint16_t group;
};

bool d13_kex_group_supported(uint16_t group)
{
    return group == DTLS13_GROUP_X25519 || group == DTLS13_GROUP_SECP256R1;
}

size_t d13_kex_public_len(uint16_t group)
{
    switch (group) {
    case DTLS13_GROUP_X25519: return X25519_LEN;
    case DTLS13_GROUP_SECP256R1: return P256_POINT_LEN;
    default: return 0;
    }
}

/* A key pair generated from the prepared context of algs, or NULL. */
static EVP_PKEY *generate_prepared(const d13_algs *algs, uint16_t group)
{
    EVP_PKEY_CTX *ctx = d13_algs_pkey_ctx(algs, group);
    if (ctx == NULL) return NULL;
    EVP_PKEY *pkey = NULL;
    if (EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_generate(ctx, &pkey) != 1) pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

d13_kex *d13_kex_generate(uint16_t group)
{
    return d13_kex_generate_with(NULL, group);
}

d13_kex *d13_kex_generate_with(const d13_algs *algs, uint16_t group)
{
    if (!d13_kex_group_supported(group)) return NULL;
    EVP_PKEY *pkey = generate_prepared(algs, group);
    if (pkey == NULL && group == DTLS13_GROUP_X25519)
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    else if (pkey == NULL)
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (pkey == NULL) {
        ERR_clear_error();
        return NULL;
    }
    d13_kex *kex = calloc(1, sizeof(*kex));
    if (kex == NULL) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    kex->pkey = pkey;
    kex->group = group;
    return kex;
}

d13_kex *d13_kex_from_private(uint16_t group, const uint8_t *priv, size_t len)
{
    if (group != DTLS13_GROUP_X25519 || priv == NULL || len != X25519_LEN) return NULL;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, len);
    if (pkey == NULL) return NULL;
    d13_kex *kex = calloc(1, sizeof(*kex));
    if (kex == NULL) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    kex->pkey = pkey;
    kex->group = group;
    return kex;
}

uint16_t d13_kex_group(const d13_kex *kex)
{
    return kex->group;
}

int d13_kex_public(const d13_kex *kex, uint8_t *out, size_t cap, size_t *out_len)
{
    if (kex == NULL || out == NULL || out_len == NULL) return DTLS13_ERR_INVALID_ARG;
    size_t want = d13_kex_public_len(kex->group);
    if (cap < want) return DTLS13_ERR_BUFFER_TOO_SMALL;
    size_t len = cap;
    int ok;
    if (kex->group == DTLS13_GROUP_X25519)
        ok = EVP_PKEY_get_raw_public_key(kex->pkey, out, &len);
    else /* uncompressed is the default point format */
        ok = EVP_PKEY_get_octet_string_param(kex->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out,
                                             cap, &len);
    if (ok != 1 || len != want) return DTLS13_ERR_CRYPTO;
    *out_len = len;
    return 0;
}

/* A P-256 public key as a copy of the parameters-only template with the
 * point set: OpenSSL decodes and validates the point (on the curve,
 * coordinates below the field prime; RFC 8446 4.2.8.2) without the key
 * type lookup of EVP_PKEY_fromdata. */
static EVP_PKEY *p256_public_from_template(const EVP_PKEY *params, const uint8_t *point, size_t len)
{
    EVP_PKEY *pkey = EVP_PKEY_new();
    if (pkey == NULL || EVP_PKEY_copy_parameters(pkey, params) != 1 ||
        EVP_PKEY_set1_encoded_public_key(pkey, point, len) != 1) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

/* Builds the peer's public key; NULL when it is not a valid key share. */
EVP_PKEY *d13_evp_public_from_share(const d13_algs *algs, uint16_t group, const uint8_t *peer,
                                    size_t peer_len)
{
    if (peer == NULL || peer_len != d13_kex_public_len(group)) return NULL;
    if (group == DTLS13_GROUP_X25519) {
        EVP_PKEY_CTX *ctx = d13_algs_pkey_ctx(algs, group);
        if (ctx == NULL) return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, peer_len);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)peer, peer_len),
            OSSL_PARAM_construct_end(),
        };
        EVP_PKEY *pkey = NULL;
        if (EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
            pkey = NULL;
        EVP_PKEY_CTX_free(ctx);
        return pkey;
    }

    /* TLS 1.3 allows only the uncompressed form (RFC 8446 4.2.8.2). */
    if (peer[0] != 0x04) return NULL;
    const EVP_PKEY *p256_params = d13_algs_p256_params(algs);
    if (p256_params != NULL) return p256_public_from_template(p256_params, peer, peer_len);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL) return NULL;
    char group_name[] = "P-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)peer, peer_len),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pkey = NULL;
    if (EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    if (pkey == NULL) return NULL;
    /* Public key validation: on the curve, not the point at infinity. The
     * full check would also multiply by the group order, which proves
     * nothing more on P-256 (cofactor 1) and costs a scalar multiplication. */
    EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int valid = check != NULL && EVP_PKEY_public_check_quick(check) == 1;
    EVP_PKEY_CTX_free(check);
    if (!valid) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

int d13_kex_derive(const d13_algs *algs, const d13_kex *kex, const uint8_t *peer, size_t peer_len,
                   uint8_t *secret, size_t cap, size_t *secret_len)
{
    if (kex == NULL || secret == NULL || secret_len == NULL) return DTLS13_ERR_INVALID_ARG;
    size_t want = kex->group == DTLS13_GROUP_X25519 ? X25519_LEN : P256_SECRET_LEN;
    if (cap < want) return DTLS13_ERR_BUFFER_TOO_SMALL;
    EVP_PKEY *peer_pkey = d13_evp_public_from_share(algs, kex->group, peer, peer_len);
    if (peer_pkey == NULL) {
        ERR_clear_error();
        return DTLS13_ERR_DECODE;
    }
    int rc = DTLS13_ERR_DECODE;
    size_t len = cap;
    /* The peer key is not validated again when set (libcrypto's check of
     * a P-256 key multiplies by the group order): d13_evp_public_from_share
     * checked the point, and every 32 bytes are an x25519 key (the
     * all-zero result below is the check that matters there). */
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, kex->pkey, NULL);
    if (ctx == NULL) {
        rc = DTLS13_ERR_NO_MEMORY;
    } else if (EVP_PKEY_derive_init(ctx) != 1) {
        rc = DTLS13_ERR_CRYPTO;
    } else if (EVP_PKEY_derive_set_peer_ex(ctx, peer_pkey, 0) == 1 &&
               EVP_PKEY_derive(ctx, secret, &len) == 1 && len == want) {
        /* An all-zero x25519 result means a small-order peer point
         * (RFC 7748 6.1); libcrypto refuses it too, this is belt and braces. */
        static const uint8_t zeros[X25519_LEN] = {0};
        if (kex->group == DTLS13_GROUP_X25519 && d13_ct_equal(secret, zeros, X25519_LEN)) {
            rc = DTLS13_ERR_DECODE;
        } else {
            rc = 0;
            *secret_len = len;
        }
    }
    if (rc != 0) {
        d13_cleanse(secret, cap);
        ERR_clear_error();
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer_pkey);
    return rc;
}

void d13_kex_free(d13_kex *kex)
{
    if (kex == NULL) return;
    EVP_PKEY_free(kex->pkey); /* cleanses the private key */
    free(kex);
}
