/* HKDF (RFC 5869) via EVP_KDF, and HKDF-Expand-Label (RFC 8446 7.1). */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

/* Runs the HKDF KDF in one mode (EXTRACT_ONLY or EXPAND_ONLY). */
static int hkdf_run(d13_hash_alg alg, int mode, const uint8_t *key, size_t key_len,
                    const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len,
                    uint8_t *out, size_t out_len)
{
    const EVP_MD *md = d13_evp_md(alg);
    if (md == NULL) return DTLS13_ERR_INVALID_ARG;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    if (kdf == NULL) return DTLS13_ERR_CRYPTO;
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (kctx == NULL) return DTLS13_ERR_NO_MEMORY;

    OSSL_PARAM params[6];
    size_t n = 0;
    params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                   (char *)EVP_MD_get0_name(md), 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
    if (salt != NULL)
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
                                                        salt_len);
    if (info != NULL && info_len > 0)
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
                                                        info_len);
    params[n] = OSSL_PARAM_construct_end();

    int rc = EVP_KDF_derive(kctx, out, out_len, params) == 1 ? 0 : DTLS13_ERR_CRYPTO;
    EVP_KDF_CTX_free(kctx);
    return rc;
}

int d13_hkdf_extract(d13_hash_alg alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                     size_t ikm_len, uint8_t *out)
{
    size_t hash_len = d13_hash_len(alg);
    if (hash_len == 0 || out == NULL || (salt == NULL && salt_len > 0) ||
        (ikm == NULL && ikm_len > 0))
        return DTLS13_ERR_INVALID_ARG;
    static const uint8_t zeros[D13_MAX_HASH_LEN] = {0};
    if (salt == NULL || salt_len == 0) {
        salt = zeros;
        salt_len = hash_len;
    }
    if (ikm == NULL || ikm_len == 0) {
        ikm = zeros;
        ikm_len = hash_len;
    }
    return hkdf_run(alg, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, ikm_len, salt, salt_len, NULL, 0,
                    out, hash_len);
}

int d13_hkdf_expand(d13_hash_alg alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                    size_t info_len, uint8_t *out, size_t out_len)
{
    size_t hash_len = d13_hash_len(alg);
    if (hash_len == 0 || prk == NULL || prk_len == 0 || out == NULL || out_len == 0 ||
        out_len > 255 * hash_len || (info == NULL && info_len > 0))
        return DTLS13_ERR_INVALID_ARG;
    return hkdf_run(alg, EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, prk_len, NULL, 0, info, info_len, out,
                    out_len);
}

int d13_hkdf_expand_label(d13_hash_alg alg, const char *prefix, const uint8_t *secret,
                          size_t secret_len, const char *label, const uint8_t *context,
                          size_t context_len, uint8_t *out, size_t out_len)
{
    if (prefix == NULL || label == NULL || (context == NULL && context_len > 0) ||
        out_len > 0xffff)
        return DTLS13_ERR_INVALID_ARG;
    size_t prefix_len = strlen(prefix);
    size_t label_len = strlen(label);
    size_t full_label_len = prefix_len + label_len;
    if (full_label_len < 7 || full_label_len > 255 || context_len > 255)
        return DTLS13_ERR_INVALID_ARG;

    /* struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel; */
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t n = 0;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)full_label_len;
    memcpy(info + n, prefix, prefix_len);
    n += prefix_len;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = (uint8_t)context_len;
    if (context_len > 0) memcpy(info + n, context, context_len);
    n += context_len;
    return d13_hkdf_expand(alg, secret, secret_len, info, n, out, out_len);
}
