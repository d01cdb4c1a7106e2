/* SDP certificate fingerprints (RFC 8122): "sha-256 AB:CD:...". */
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

#define FP_ALG_SHA1 3

typedef struct fp_alg_info {
    const char *name;
    size_t len;
} fp_alg_info;

/* Indexed by the alg numbers of d13_fingerprint_parse. */
static const fp_alg_info fp_algs[] = {
    {"sha-256", 32},
    {"sha-384", 48},
    {"sha-512", 64},
    {"sha-1", 20},
};

static const EVP_MD *fp_md(int alg)
{
    if (alg == FP_ALG_SHA1) return EVP_sha1();
    if (alg >= 0 && alg < FP_ALG_SHA1) return d13_evp_md((d13_hash_alg)alg);
    return NULL;
}

int d13_fingerprint_format(d13_hash_alg alg, const uint8_t *der, size_t der_len, char *out,
                           size_t out_len)
{
    static const char hex[] = "0123456789ABCDEF";
    const EVP_MD *md = d13_evp_md(alg);
    if (md == NULL || der == NULL || der_len == 0 || out == NULL) return DTLS13_ERR_INVALID_ARG;
    const fp_alg_info *info = &fp_algs[alg];
    size_t name_len = strlen(info->name);
    size_t need = name_len + 1 + info->len * 3; /* "XX:" per byte, the last ':' becomes NUL */
    if (out_len < need) return DTLS13_ERR_BUFFER_TOO_SMALL;
    uint8_t digest[D13_MAX_HASH_LEN];
    if (EVP_Digest(der, der_len, digest, NULL, md, NULL) != 1) return DTLS13_ERR_CRYPTO;
    memcpy(out, info->name, name_len);
    size_t n = name_len;
    out[n++] = ' ';
    for (size_t i = 0; i < info->len; i++) {
        if (i > 0) out[n++] = ':';
        out[n++] = hex[digest[i] >> 4];
        out[n++] = hex[digest[i] & 0x0f];
    }
    out[n] = '\0';
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int d13_fingerprint_parse(const char *text, int *alg_out, uint8_t *digest, size_t cap,
                          size_t *digest_len)
{
    if (text == NULL || alg_out == NULL || digest == NULL || digest_len == NULL)
        return DTLS13_ERR_INVALID_ARG;
    const char *p = text;
    while (is_space(*p)) p++;
    int alg = -1;
    for (int i = 0; i < (int)(sizeof(fp_algs) / sizeof(fp_algs[0])); i++) {
        size_t name_len = strlen(fp_algs[i].name);
        if (strncasecmp(p, fp_algs[i].name, name_len) == 0 && is_space(p[name_len])) {
            alg = i;
            p += name_len;
            break;
        }
    }
    if (alg < 0) return DTLS13_ERR_INVALID_ARG;
    while (is_space(*p)) p++;
    size_t want = fp_algs[alg].len;
    if (cap < want) return DTLS13_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < want; i++) {
        if (i > 0 && *p++ != ':') return DTLS13_ERR_INVALID_ARG;
        int hi = hex_value(p[0]);
        int lo = hi < 0 ? -1 : hex_value(p[1]);
        if (lo < 0) return DTLS13_ERR_INVALID_ARG;
        digest[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    while (is_space(*p)) p++;
    if (*p != '\0') return DTLS13_ERR_INVALID_ARG;
    *alg_out = alg;
    *digest_len = want;
    return 0;
}

bool d13_fingerprint_matches(int alg, const uint8_t *digest, size_t digest_len, const uint8_t *der,
                             size_t der_len)
{
    const EVP_MD *md = fp_md(alg);
    if (md == NULL || digest == NULL || der == NULL || der_len == 0 ||
        digest_len != fp_algs[alg].len)
        return false;
    uint8_t actual[D13_MAX_HASH_LEN];
    if (EVP_Digest(der, der_len, actual, NULL, md, NULL) != 1) return false;
    return d13_ct_equal(actual, digest, digest_len);
}
