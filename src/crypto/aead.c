/* AEAD record protection: AES-GCM and ChaCha20-Poly1305 with the TLS 1.3
 * per-record nonce. The cipher context is keyed once in d13_aead_new; each
 * record only sets the nonce, so sealing and opening never allocate. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

struct d13_aead {
    EVP_CIPHER_CTX *ctx;
    d13_aead_alg alg;
    uint8_t iv[D13_AEAD_IV_LEN];
};

int d13_suite_aead(uint16_t suite, d13_aead_alg *out)
{
    d13_aead_alg alg;
    switch (suite) {
    case DTLS13_TLS_AES_128_GCM_SHA256: alg = D13_AEAD_AES_128_GCM; break;
    case DTLS13_TLS_AES_256_GCM_SHA384: alg = D13_AEAD_AES_256_GCM; break;
    case DTLS13_TLS_CHACHA20_POLY1305_SHA256: alg = D13_AEAD_CHACHA20_POLY1305; break;
    /* DTLS 1.2 (RFC 5289, RFC 7905) */
    case DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
    case DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: alg = D13_AEAD_AES_128_GCM; break;
    case DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
    case DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: alg = D13_AEAD_AES_256_GCM; break;
    case DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
    case DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: alg = D13_AEAD_CHACHA20_POLY1305; break;
    default: return -1;
    }
    if (out != NULL) *out = alg;
    return 0;
}

size_t d13_aead_key_len(d13_aead_alg alg)
{
    return alg == D13_AEAD_AES_128_GCM ? 16 : 32;
}

d13_aead *d13_aead_new(const d13_algs *algs, d13_aead_alg alg, const uint8_t *key,
                       const uint8_t iv[D13_AEAD_IV_LEN])
{
    const EVP_CIPHER *cipher = d13_algs_aead_cipher(algs, alg);
    if (cipher == NULL || key == NULL || iv == NULL) return NULL;
    d13_aead *aead = calloc(1, sizeof(*aead));
    if (aead == NULL) return NULL;
    aead->alg = alg;
    memcpy(aead->iv, iv, D13_AEAD_IV_LEN);
    aead->ctx = EVP_CIPHER_CTX_new();
    /* The default IV length of all three ciphers is 12 bytes. */
    if (aead->ctx == NULL || EVP_EncryptInit_ex(aead->ctx, cipher, NULL, key, NULL) != 1 ||
        EVP_CIPHER_CTX_get_iv_length(aead->ctx) != D13_AEAD_IV_LEN) {
        d13_aead_free(aead);
        return NULL;
    }
    return aead;
}

void d13_aead_free(d13_aead *aead)
{
    if (aead == NULL) return;
    EVP_CIPHER_CTX_free(aead->ctx); /* cleanses the key schedule */
    d13_cleanse(aead->iv, sizeof(aead->iv));
    free(aead);
}

/* nonce = iv XOR seq, seq big-endian in the last 8 bytes. */
static void aead_nonce(const d13_aead *aead, uint64_t seq, uint8_t nonce[D13_AEAD_IV_LEN])
{
    memcpy(nonce, aead->iv, D13_AEAD_IV_LEN);
    for (int i = 0; i < 8; i++) nonce[D13_AEAD_IV_LEN - 1 - i] ^= (uint8_t)(seq >> (8 * i));
}

int d13_aead_seal_prefixed(d13_aead *aead, uint64_t seq, const uint8_t *aad, size_t aad_len,
                           const uint8_t *data, size_t data_len, uint8_t *out, size_t total_len)
{
    if (aead == NULL || out == NULL || (aad == NULL && aad_len > 0) || (data == NULL && data_len > 0) ||
        data_len > total_len || aad_len > INT_MAX || total_len > INT_MAX - D13_AEAD_TAG_LEN)
        return DTLS13_ERR_INVALID_ARG;
    uint8_t nonce[D13_AEAD_IV_LEN];
    aead_nonce(aead, seq, nonce);
    EVP_CIPHER_CTX *ctx = aead->ctx;
    int outl = 0;
    int ok = EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce) == 1;
    if (ok && aad_len > 0) ok = EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) == 1;
    size_t total = 0;
    /* GCM and ChaCha20-Poly1305 are stream modes: EVP_EncryptUpdate
     * returns every byte it is given, whatever the split. */
    if (ok && data_len > 0) {
        ok = EVP_EncryptUpdate(ctx, out, &outl, data, (int)data_len) == 1;
        total += (size_t)outl;
    }
    if (ok && total_len > data_len) {
        ok = EVP_EncryptUpdate(ctx, out + total, &outl, out + data_len, (int)(total_len - data_len)) == 1;
        total += (size_t)outl;
    }
    if (ok) {
        ok = EVP_EncryptFinal_ex(ctx, out + total, &outl) == 1;
        total += (size_t)outl;
    }
    ok = ok && total == total_len &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, D13_AEAD_TAG_LEN, out + total_len) == 1;
    return ok ? 0 : DTLS13_ERR_CRYPTO;
}

int d13_aead_seal(d13_aead *aead, uint64_t seq, const uint8_t *aad, size_t aad_len,
                  const uint8_t *in, size_t len, uint8_t *out)
{
    if (in == NULL && len > 0) return DTLS13_ERR_INVALID_ARG;
    return d13_aead_seal_prefixed(aead, seq, aad, aad_len, in, len, out, len);
}

int d13_aead_open(d13_aead *aead, uint64_t seq, const uint8_t *aad, size_t aad_len,
                  const uint8_t *in, size_t len, uint8_t *out)
{
    if (aead == NULL || in == NULL || (aad == NULL && aad_len > 0) || aad_len > INT_MAX ||
        len > INT_MAX)
        return DTLS13_ERR_INVALID_ARG;
    if (len < D13_AEAD_TAG_LEN) return DTLS13_ERR_DECODE;
    size_t plain_len = len - D13_AEAD_TAG_LEN;
    if (out == NULL && plain_len > 0) return DTLS13_ERR_INVALID_ARG;
    uint8_t nonce[D13_AEAD_IV_LEN];
    uint8_t tag[D13_AEAD_TAG_LEN];
    aead_nonce(aead, seq, nonce);
    memcpy(tag, in + plain_len, D13_AEAD_TAG_LEN);
    EVP_CIPHER_CTX *ctx = aead->ctx;
    int outl = 0;
    int ok = EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, D13_AEAD_TAG_LEN, tag) == 1;
    if (ok && aad_len > 0) ok = EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) == 1;
    int total = 0;
    if (ok && plain_len > 0) {
        ok = EVP_DecryptUpdate(ctx, out, &outl, in, (int)plain_len) == 1;
        total = outl;
    }
    if (ok) {
        uint8_t none[1];
        ok = EVP_DecryptFinal_ex(ctx, plain_len > 0 ? out + total : none, &outl) == 1;
        total += outl;
    }
    if (!ok || (size_t)total != plain_len) {
        /* Never hand out unauthenticated plaintext. */
        if (plain_len > 0) d13_cleanse(out, plain_len);
        return DTLS13_ERR_CRYPTO;
    }
    return 0;
}
