/* SRTP's primitives (AES-CTR, AES-GCM, HMAC-SHA1) from libcrypto, keyed
 * once per context; a packet only restarts the context. See srtp_prims.h.
 *
 * What a packet costs here is what OpenSSL 3's EVP interface needs at the
 * least: for the ciphers one EVP_CipherInit_ex with only the IV (the key
 * schedule and the provider's context stay), for HMAC one EVP_MAC_init
 * without a key (the provider restarts from its keyed inner and outer
 * digests). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/srtp_prims.h"

struct d13_srtp_cipher {
    EVP_CIPHER *cipher; /* fetched once per context */
    EVP_CIPHER_CTX *ctx;
    d13_srtp_cipher_alg alg;
    bool keyed;
    bool encrypt; /* direction of the packet under way (GCM) */
};

static const char *cipher_name(d13_srtp_cipher_alg alg)
{
    switch (alg) {
    case D13_SRTP_AES_128_CTR: return "AES-128-CTR";
    case D13_SRTP_AES_256_CTR: return "AES-256-CTR";
    case D13_SRTP_AES_128_GCM: return "AES-128-GCM";
    case D13_SRTP_AES_256_GCM: return "AES-256-GCM";
    }
    return NULL;
}

size_t d13_srtp_cipher_key_len(d13_srtp_cipher_alg alg)
{
    return (alg == D13_SRTP_AES_128_CTR || alg == D13_SRTP_AES_128_GCM) ? 16 : 32;
}

bool d13_srtp_cipher_is_aead(d13_srtp_cipher_alg alg)
{
    return alg == D13_SRTP_AES_128_GCM || alg == D13_SRTP_AES_256_GCM;
}

d13_srtp_cipher *d13_srtp_cipher_new(d13_srtp_cipher_alg alg)
{
    const char *name = cipher_name(alg);
    if (name == NULL) return NULL;
    d13_srtp_cipher *c = calloc(1, sizeof(*c));
    if (c == NULL) return NULL;
    c->alg = alg;
    c->cipher = EVP_CIPHER_fetch(NULL, name, NULL);
    c->ctx = EVP_CIPHER_CTX_new();
    if (c->cipher == NULL || c->ctx == NULL) {
        d13_srtp_cipher_free(c);
        return NULL;
    }
    return c;
}

void d13_srtp_cipher_free(d13_srtp_cipher *c)
{
    if (c == NULL) return;
    EVP_CIPHER_CTX_free(c->ctx); /* clears the key schedule */
    EVP_CIPHER_free(c->cipher);
    free(c);
}

int d13_srtp_cipher_set_key(d13_srtp_cipher *c, const uint8_t *key, size_t key_len)
{
    if (c == NULL || key == NULL || key_len != d13_srtp_cipher_key_len(c->alg)) return DTLS13_ERR_INVALID_ARG;
    c->keyed = false;
    if (EVP_CipherInit_ex(c->ctx, c->cipher, NULL, key, NULL, 1) != 1) return DTLS13_ERR_CRYPTO;
    if (d13_srtp_cipher_is_aead(c->alg) && EVP_CIPHER_CTX_get_iv_length(c->ctx) != D13_SRTP_GCM_IV_LEN)
        return DTLS13_ERR_CRYPTO;
    c->keyed = true;
    c->encrypt = true;
    return 0;
}

int d13_srtp_cipher_start(d13_srtp_cipher *c, const uint8_t *iv, bool encrypt)
{
    if (c == NULL || iv == NULL || !c->keyed) return DTLS13_ERR_INVALID_ARG;
    /* Counter mode encrypts in both directions. */
    bool enc = d13_srtp_cipher_is_aead(c->alg) ? encrypt : true;
    if (EVP_CipherInit_ex(c->ctx, NULL, NULL, NULL, iv, enc ? 1 : 0) != 1) return DTLS13_ERR_CRYPTO;
    c->encrypt = enc;
    return 0;
}

int d13_srtp_cipher_aad(d13_srtp_cipher *c, const uint8_t *aad, size_t len)
{
    if (c == NULL || !d13_srtp_cipher_is_aead(c->alg) || (aad == NULL && len > 0) || len > INT_MAX)
        return DTLS13_ERR_INVALID_ARG;
    if (len == 0) return 0;
    int outl = 0;
    return EVP_CipherUpdate(c->ctx, NULL, &outl, aad, (int)len) == 1 ? 0 : DTLS13_ERR_CRYPTO;
}

int d13_srtp_cipher_update(d13_srtp_cipher *c, uint8_t *buf, size_t len)
{
    if (c == NULL || (buf == NULL && len > 0) || len > INT_MAX) return DTLS13_ERR_INVALID_ARG;
    if (len == 0) return 0;
    int outl = 0;
    if (EVP_CipherUpdate(c->ctx, buf, &outl, buf, (int)len) != 1 || (size_t)outl != len) return DTLS13_ERR_CRYPTO;
    return 0;
}

int d13_srtp_cipher_get_tag(d13_srtp_cipher *c, uint8_t *tag, size_t tag_len)
{
    if (c == NULL || tag == NULL || !d13_srtp_cipher_is_aead(c->alg) || !c->encrypt || tag_len == 0 ||
        tag_len > D13_SRTP_GCM_TAG_MAX)
        return DTLS13_ERR_INVALID_ARG;
    uint8_t none[1];
    uint8_t full[D13_SRTP_GCM_TAG_MAX];
    int outl = 0;
    if (EVP_CipherFinal_ex(c->ctx, none, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_GET_TAG, D13_SRTP_GCM_TAG_MAX, full) != 1)
        return DTLS13_ERR_CRYPTO;
    memcpy(tag, full, tag_len);
    return 0;
}

int d13_srtp_cipher_check_tag(d13_srtp_cipher *c, const uint8_t *tag, size_t tag_len)
{
    if (c == NULL || tag == NULL || !d13_srtp_cipher_is_aead(c->alg) || c->encrypt || tag_len == 0 ||
        tag_len > D13_SRTP_GCM_TAG_MAX)
        return DTLS13_ERR_INVALID_ARG;
    uint8_t copy[D13_SRTP_GCM_TAG_MAX];
    memcpy(copy, tag, tag_len); /* the ctrl takes a non-const pointer */
    uint8_t none[1];
    int outl = 0;
    if (EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, copy) != 1) return DTLS13_ERR_CRYPTO;
    return EVP_CipherFinal_ex(c->ctx, none, &outl) == 1 ? 0 : DTLS13_ERR_CRYPTO;
}

/* ---- HMAC-SHA1 ---- */

struct d13_srtp_hmac {
    EVP_MAC *mac;
    EVP_MAC_CTX *keyed; /* absorbed the key; restarted per message */
    EVP_MAC_CTX *work;  /* == keyed, or a copy of it (OpenSSL < 3.0.3) */
    bool reinit;        /* EVP_MAC_init without a key restarts (3.0.3+) */
    bool have_key;
};

d13_srtp_hmac *d13_srtp_hmac_new(void)
{
    d13_srtp_hmac *h = calloc(1, sizeof(*h));
    if (h == NULL) return NULL;
    /* OpenSSL 3.0.0 to 3.0.2 cannot restart a keyed HMAC without the key;
     * there each message works on a copy of the keyed context (the
     * version that runs decides, not the one built against). */
    h->reinit = OpenSSL_version_num() >= 0x30000030L;
    h->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    h->keyed = h->mac ? EVP_MAC_CTX_new(h->mac) : NULL;
    if (h->keyed == NULL) {
        d13_srtp_hmac_free(h);
        return NULL;
    }
    return h;
}

void d13_srtp_hmac_free(d13_srtp_hmac *h)
{
    if (h == NULL) return;
    if (h->work != h->keyed) EVP_MAC_CTX_free(h->work);
    EVP_MAC_CTX_free(h->keyed); /* clears the keyed digests */
    EVP_MAC_free(h->mac);
    free(h);
}

int d13_srtp_hmac_set_key(d13_srtp_hmac *h, const uint8_t *key, size_t key_len)
{
    static const uint8_t empty[1] = {0};
    if (h == NULL || (key == NULL && key_len > 0)) return DTLS13_ERR_INVALID_ARG;
    char digest[] = "SHA1";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    h->have_key = false;
    if (EVP_MAC_init(h->keyed, key ? key : empty, key_len, params) != 1) return DTLS13_ERR_CRYPTO;
    h->have_key = true;
    return d13_srtp_hmac_start(h);
}

int d13_srtp_hmac_start(d13_srtp_hmac *h)
{
    if (h == NULL || !h->have_key) return DTLS13_ERR_INVALID_ARG;
    if (h->reinit) {
        h->work = h->keyed;
        return EVP_MAC_init(h->keyed, NULL, 0, NULL) == 1 ? 0 : DTLS13_ERR_CRYPTO;
    }
    if (h->work != h->keyed) EVP_MAC_CTX_free(h->work);
    h->work = EVP_MAC_CTX_dup(h->keyed);
    return h->work != NULL ? 0 : DTLS13_ERR_NO_MEMORY;
}

int d13_srtp_hmac_update(d13_srtp_hmac *h, const uint8_t *data, size_t len)
{
    if (h == NULL || h->work == NULL || (data == NULL && len > 0)) return DTLS13_ERR_INVALID_ARG;
    if (len == 0) return 0;
    return EVP_MAC_update(h->work, data, len) == 1 ? 0 : DTLS13_ERR_CRYPTO;
}

int d13_srtp_hmac_final(d13_srtp_hmac *h, uint8_t out[D13_SRTP_SHA1_LEN])
{
    if (h == NULL || h->work == NULL || out == NULL) return DTLS13_ERR_INVALID_ARG;
    size_t outl = 0;
    if (EVP_MAC_final(h->work, out, &outl, D13_SRTP_SHA1_LEN) != 1 || outl != D13_SRTP_SHA1_LEN)
        return DTLS13_ERR_CRYPTO;
    return 0;
}
