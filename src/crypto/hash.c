/* Message digests: one-shot, running (transcript) and HMAC. */
#include <limits.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

struct d13_hash_ctx {
    EVP_MD_CTX *md_ctx;
    d13_hash_alg alg;
};

const EVP_MD *d13_evp_md(d13_hash_alg alg)
{
    switch (alg) {
    case D13_HASH_SHA256: return EVP_sha256();
    case D13_HASH_SHA384: return EVP_sha384();
    case D13_HASH_SHA512: return EVP_sha512();
    }
    return NULL;
}

size_t d13_hash_len(d13_hash_alg alg)
{
    switch (alg) {
    case D13_HASH_SHA256: return 32;
    case D13_HASH_SHA384: return 48;
    case D13_HASH_SHA512: return 64;
    }
    return 0;
}

d13_hash_alg d13_suite_hash(uint16_t suite)
{
    switch (suite) {
    case DTLS13_TLS_AES_256_GCM_SHA384:
    case DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
    case DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: return D13_HASH_SHA384;
    default: return D13_HASH_SHA256;
    }
}

d13_hash_ctx *d13_hash_new(const d13_algs *algs, d13_hash_alg alg)
{
    const EVP_MD *md = d13_algs_md(algs, alg);
    if (md == NULL) return NULL;
    d13_hash_ctx *ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) return NULL;
    ctx->alg = alg;
    ctx->md_ctx = EVP_MD_CTX_new();
    if (ctx->md_ctx == NULL || EVP_DigestInit_ex(ctx->md_ctx, md, NULL) != 1) {
        d13_hash_free(ctx);
        return NULL;
    }
    return ctx;
}

int d13_hash_update(d13_hash_ctx *ctx, const uint8_t *data, size_t len)
{
    if (ctx == NULL || (data == NULL && len > 0)) return DTLS13_ERR_INVALID_ARG;
    if (len == 0) return 0;
    return EVP_DigestUpdate(ctx->md_ctx, data, len) == 1 ? 0 : DTLS13_ERR_CRYPTO;
}

int d13_hash_peek(const d13_hash_ctx *ctx, uint8_t *out)
{
    if (ctx == NULL || out == NULL) return DTLS13_ERR_INVALID_ARG;
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    if (copy == NULL) return DTLS13_ERR_NO_MEMORY;
    int rc = DTLS13_ERR_CRYPTO;
    if (EVP_MD_CTX_copy_ex(copy, ctx->md_ctx) == 1 && EVP_DigestFinal_ex(copy, out, NULL) == 1)
        rc = 0;
    EVP_MD_CTX_free(copy);
    return rc;
}

d13_hash_alg d13_hash_ctx_alg(const d13_hash_ctx *ctx)
{
    return ctx->alg;
}

void d13_hash_free(d13_hash_ctx *ctx)
{
    if (ctx == NULL) return;
    EVP_MD_CTX_free(ctx->md_ctx);
    free(ctx);
}

int d13_hash(const d13_algs *algs, d13_hash_alg alg, const uint8_t *data, size_t len, uint8_t *out)
{
    const EVP_MD *md = d13_algs_md(algs, alg);
    if (md == NULL || out == NULL || (data == NULL && len > 0)) return DTLS13_ERR_INVALID_ARG;
    static const uint8_t empty[1] = {0};
    if (data == NULL) data = empty;
    return EVP_Digest(data, len, out, NULL, md, NULL) == 1 ? 0 : DTLS13_ERR_CRYPTO;
}
