/* HMAC (RFC 2104) and HKDF (RFC 5869) on EVP digests, and HKDF-Expand-Label (RFC 8446 7.1). */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

/* HMAC (RFC 2104) on EVP digests: the key is absorbed into an inner and
 * an outer context once, which are then copied for every block. This
 * avoids fetching a KDF or MAC implementation per call, which dominated
 * the cost of the key schedule with OpenSSL 3's provider lookups. */
void d13_hmac_key_free(d13_hmac_key *k)
{
    EVP_MD_CTX_free(k->inner);
    EVP_MD_CTX_free(k->outer);
    k->inner = k->outer = NULL;
}

#define HMAC_MAX_BLOCK 128 /* SHA-384/512 block size */

/* The inner and outer HMAC pads of key (RFC 2104: a key longer than the
 * block is hashed first, a shorter one padded with zeros); *block_len gets
 * the digest's block size. Returns 0 or a dtls13_err. */
static int hmac_pads(const EVP_MD *md, const uint8_t *key, size_t key_len, uint8_t ipad[HMAC_MAX_BLOCK],
                     uint8_t opad[HMAC_MAX_BLOCK], size_t *block_len)
{
    uint8_t block[HMAC_MAX_BLOCK];
    size_t len = (size_t)EVP_MD_get_block_size(md);
    if (len == 0 || len > sizeof(block)) return DTLS13_ERR_INVALID_ARG;
    memset(block, 0, sizeof(block));
    int ok = 1;
    if (key_len > len) {
        unsigned int n = 0;
        ok = EVP_Digest(key, key_len, block, &n, md, NULL);
    } else if (key_len > 0) {
        memcpy(block, key, key_len);
    }
    for (size_t i = 0; i < len; i++) {
        ipad[i] = block[i] ^ 0x36;
        opad[i] = block[i] ^ 0x5c;
    }
    OPENSSL_cleanse(block, sizeof(block));
    *block_len = len;
    return ok ? DTLS13_OK : DTLS13_ERR_CRYPTO;
}

int d13_hmac_key_init(d13_hmac_key *k, const EVP_MD *md, const uint8_t *key, size_t key_len)
{
    uint8_t ipad[HMAC_MAX_BLOCK], opad[HMAC_MAX_BLOCK];
    size_t block_len = 0;
    k->hash_len = (size_t)EVP_MD_get_size(md);
    k->inner = EVP_MD_CTX_new();
    k->outer = EVP_MD_CTX_new();
    if (k->inner == NULL || k->outer == NULL) {
        d13_hmac_key_free(k);
        return DTLS13_ERR_NO_MEMORY;
    }
    int rc = hmac_pads(md, key, key_len, ipad, opad, &block_len);
    if (rc == 0 && !(EVP_DigestInit_ex(k->inner, md, NULL) && EVP_DigestUpdate(k->inner, ipad, block_len) &&
                     EVP_DigestInit_ex(k->outer, md, NULL) && EVP_DigestUpdate(k->outer, opad, block_len)))
        rc = DTLS13_ERR_CRYPTO;
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
    if (rc) d13_hmac_key_free(k);
    return rc;
}

/* out = HMAC(key, a || b || c) for the key absorbed in k. */
int d13_hmac_key_run(const d13_hmac_key *k, EVP_MD_CTX *tmp, const uint8_t *a, size_t a_len, const uint8_t *b,
                     size_t b_len, const uint8_t *c, size_t c_len, uint8_t *out)
{
    uint8_t inner_hash[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int ok = EVP_MD_CTX_copy_ex(tmp, k->inner) && (a_len == 0 || EVP_DigestUpdate(tmp, a, a_len)) &&
             (b_len == 0 || EVP_DigestUpdate(tmp, b, b_len)) && (c_len == 0 || EVP_DigestUpdate(tmp, c, c_len)) &&
             EVP_DigestFinal_ex(tmp, inner_hash, &n) && EVP_MD_CTX_copy_ex(tmp, k->outer) &&
             EVP_DigestUpdate(tmp, inner_hash, n) && EVP_DigestFinal_ex(tmp, out, &n);
    OPENSSL_cleanse(inner_hash, sizeof(inner_hash));
    return ok ? DTLS13_OK : DTLS13_ERR_CRYPTO;
}

/* HKDF-Expand with the PRK absorbed in k: T(i) = HMAC(PRK, T(i-1) || info || i),
 * OKM = T(1) || T(2) ... (out_len at most 255 hash lengths, checked by callers). */
static int hkdf_expand_with(const d13_hmac_key *k, EVP_MD_CTX *tmp, const uint8_t *info, size_t info_len,
                            uint8_t *out, size_t out_len)
{
    uint8_t t[EVP_MAX_MD_SIZE];
    size_t t_len = 0, done = 0;
    int rc = DTLS13_OK;
    for (uint8_t i = 1; rc == 0 && done < out_len; i++) {
        rc = d13_hmac_key_run(k, tmp, t, t_len, info, info_len, &i, 1, t);
        t_len = k->hash_len;
        size_t take = out_len - done < t_len ? out_len - done : t_len;
        if (rc == 0) memcpy(out + done, t, take);
        done += take;
    }
    OPENSSL_cleanse(t, sizeof(t));
    return rc;
}

/* out = HMAC(key, a || b || c) with a single digest context, for a key
 * used once: H(K ^ opad || H(K ^ ipad || a || b || c)). Cheaper than
 * absorbing the key into two contexts that are then copied, which only
 * pays off for several outputs of one key. */
static int hmac_once(const EVP_MD *md, const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                     const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len, uint8_t *out)
{
    uint8_t ipad[HMAC_MAX_BLOCK], opad[HMAC_MAX_BLOCK];
    uint8_t inner_hash[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    size_t block_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return DTLS13_ERR_NO_MEMORY;
    int rc = hmac_pads(md, key, key_len, ipad, opad, &block_len);
    if (rc == 0 &&
        !(EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, ipad, block_len) &&
          (a_len == 0 || EVP_DigestUpdate(ctx, a, a_len)) && (b_len == 0 || EVP_DigestUpdate(ctx, b, b_len)) &&
          (c_len == 0 || EVP_DigestUpdate(ctx, c, c_len)) && EVP_DigestFinal_ex(ctx, inner_hash, &n) &&
          EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, opad, block_len) &&
          EVP_DigestUpdate(ctx, inner_hash, n) && EVP_DigestFinal_ex(ctx, out, &n)))
        rc = DTLS13_ERR_CRYPTO;
    EVP_MD_CTX_free(ctx);
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
    OPENSSL_cleanse(inner_hash, sizeof(inner_hash));
    return rc;
}

/* HKDF-Extract (key = salt) or HKDF-Expand (key = prk) in one function. */
static int hkdf_run(const d13_algs *algs, d13_hash_alg alg, bool extract, const uint8_t *key, size_t key_len, const uint8_t *data,
                    size_t data_len, uint8_t *out, size_t out_len)
{
    const EVP_MD *md = d13_algs_md(algs, alg);
    if (md == NULL) return DTLS13_ERR_INVALID_ARG;
    size_t hash_len = (size_t)EVP_MD_get_size(md);
    if (extract) return hmac_once(md, key, key_len, data, data_len, NULL, 0, NULL, 0, out);
    if (out_len <= hash_len) {
        /* One block of output: T(1) = HMAC(PRK, info || 0x01). */
        uint8_t t[EVP_MAX_MD_SIZE];
        static const uint8_t one = 1;
        int rc = hmac_once(md, key, key_len, data, data_len, &one, 1, NULL, 0, t);
        if (rc == 0) memcpy(out, t, out_len);
        OPENSSL_cleanse(t, sizeof(t));
        return rc;
    }
    d13_hmac_key k;
    int rc = d13_hmac_key_init(&k, md, key, key_len);
    if (rc) return rc;
    EVP_MD_CTX *tmp = EVP_MD_CTX_new();
    if (tmp == NULL) {
        d13_hmac_key_free(&k);
        return DTLS13_ERR_NO_MEMORY;
    }
    rc = hkdf_expand_with(&k, tmp, data, data_len, out, out_len);
    EVP_MD_CTX_free(tmp);
    d13_hmac_key_free(&k);
    return rc;
}

int d13_hmac(const d13_algs *algs, d13_hash_alg alg, const uint8_t *key, size_t key_len,
             const uint8_t *data, size_t len, uint8_t *out)
{
    size_t hash_len = d13_hash_len(alg);
    if (hash_len == 0 || out == NULL || (key == NULL && key_len > 0) || (data == NULL && len > 0))
        return DTLS13_ERR_INVALID_ARG;
    /* An empty key is a block of zeros, as RFC 2104 pads short keys. */
    return hkdf_run(algs, alg, true, key, key_len, data, len, out, hash_len);
}

int d13_hkdf_extract(const d13_algs *algs, d13_hash_alg alg, const uint8_t *salt, size_t salt_len,
                     const uint8_t *ikm, size_t ikm_len, uint8_t *out)
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
    return hkdf_run(algs, alg, true, salt, salt_len, ikm, ikm_len, out, hash_len);
}

int d13_hkdf_expand(const d13_algs *algs, d13_hash_alg alg, const uint8_t *prk, size_t prk_len,
                    const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    size_t hash_len = d13_hash_len(alg);
    if (hash_len == 0 || prk == NULL || prk_len == 0 || out == NULL || out_len == 0 ||
        out_len > 255 * hash_len || (info == NULL && info_len > 0))
        return DTLS13_ERR_INVALID_ARG;
    return hkdf_run(algs, alg, false, prk, prk_len, info, info_len, out, out_len);
}

/* Writes the HkdfLabel of RFC 8446 7.1 into info (at least 514 bytes):
 * struct { uint16 length; opaque label<7..255>; opaque context<0..255>; }.
 * Returns its length, or 0 when an argument is out of range. */
static size_t hkdf_label_info(const char *prefix, const char *label, const uint8_t *context,
                              size_t context_len, size_t out_len, uint8_t *info)
{
    if (prefix == NULL || label == NULL || (context == NULL && context_len > 0) || out_len > 0xffff)
        return 0;
    size_t prefix_len = strlen(prefix);
    size_t label_len = strlen(label);
    size_t full_label_len = prefix_len + label_len;
    if (full_label_len < 7 || full_label_len > 255 || context_len > 255) return 0;
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
    return n;
}

#define HKDF_LABEL_INFO_MAX (2 + 1 + 255 + 1 + 255)

int d13_hkdf_expand_label(const d13_algs *algs, d13_hash_alg alg, const char *prefix,
                          const uint8_t *secret, size_t secret_len, const char *label,
                          const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
    uint8_t info[HKDF_LABEL_INFO_MAX];
    size_t n = hkdf_label_info(prefix, label, context, context_len, out_len, info);
    if (n == 0) return DTLS13_ERR_INVALID_ARG;
    return d13_hkdf_expand(algs, alg, secret, secret_len, info, n, out, out_len);
}

int d13_hkdf_expand_labels(const d13_algs *algs, d13_hash_alg alg, const char *prefix,
                           const uint8_t *secret, size_t secret_len, const d13_hkdf_label *labels,
                           size_t count)
{
    size_t hash_len = d13_hash_len(alg);
    const EVP_MD *md = d13_algs_md(algs, alg);
    if (hash_len == 0 || md == NULL || secret == NULL || secret_len == 0 || labels == NULL || count == 0)
        return DTLS13_ERR_INVALID_ARG;
    for (size_t i = 0; i < count; i++) {
        if (labels[i].out == NULL || labels[i].out_len == 0 || labels[i].out_len > 255 * hash_len)
            return DTLS13_ERR_INVALID_ARG;
    }
    d13_hmac_key k;
    int rc = d13_hmac_key_init(&k, md, secret, secret_len);
    if (rc) return rc;
    EVP_MD_CTX *tmp = EVP_MD_CTX_new();
    if (tmp == NULL) rc = DTLS13_ERR_NO_MEMORY;
    uint8_t info[HKDF_LABEL_INFO_MAX];
    for (size_t i = 0; rc == 0 && i < count; i++) {
        const d13_hkdf_label *l = &labels[i];
        size_t n = hkdf_label_info(prefix, l->label, l->context, l->context_len, l->out_len, info);
        rc = n == 0 ? DTLS13_ERR_INVALID_ARG : hkdf_expand_with(&k, tmp, info, n, l->out, l->out_len);
    }
    EVP_MD_CTX_free(tmp);
    d13_hmac_key_free(&k);
    return rc;
}
