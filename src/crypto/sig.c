/* Signatures for TLS 1.3 CertificateVerify: ecdsa_secp256r1_sha256,
 * rsa_pss_rsae_sha256 and ed25519. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

#define RSA_MIN_BITS 2048
#define PSS_SALT_LEN 32

/* Whether pkey is an EC key on P-256. */
static bool is_p256(const EVP_PKEY *pkey)
{
    if (!EVP_PKEY_is_a(pkey, "EC")) return false;
    char name[64];
    size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, name, sizeof(name), &len) != 1) return false;
    return strcasecmp(name, "prime256v1") == 0 || strcasecmp(name, "P-256") == 0 ||
           strcasecmp(name, "secp256r1") == 0;
}

/* Whether pkey is an rsaEncryption key big enough for rsa_pss_rsae_*. */
static bool is_rsae(const EVP_PKEY *pkey)
{
    return EVP_PKEY_is_a(pkey, "RSA") && EVP_PKEY_get_bits(pkey) >= RSA_MIN_BITS;
}

static d13_pkey_kind key_kind(const EVP_PKEY *pkey)
{
    if (pkey == NULL) return D13_PKEY_OTHER;
    if (is_p256(pkey)) return D13_PKEY_P256;
    if (is_rsae(pkey)) return D13_PKEY_RSAE;
    if (EVP_PKEY_is_a(pkey, "ED25519")) return D13_PKEY_ED25519;
    return D13_PKEY_OTHER;
}

bool d13_evp_key_usable(const EVP_PKEY *pkey)
{
    return key_kind(pkey) != D13_PKEY_OTHER;
}

int d13_pkey_init(d13_pkey *key, EVP_PKEY *pkey, bool private_key)
{
    key->pkey = pkey;
    key->kind = key_kind(pkey);
    key->ecdsa_sign = NULL;
    key->sha256 = NULL;
    if (!private_key || key->kind != D13_PKEY_P256) return 0;
    key->ecdsa_sign = EVP_MD_CTX_new();
    if (key->ecdsa_sign == NULL) {
        d13_pkey_clear(key);
        return DTLS13_ERR_NO_MEMORY;
    }
    if (EVP_DigestSignInit_ex(key->ecdsa_sign, NULL, "SHA256", NULL, NULL, pkey, NULL) != 1) {
        d13_pkey_clear(key);
        ERR_clear_error();
        return DTLS13_ERR_CRYPTO;
    }
    return 0;
}

void d13_pkey_clear(d13_pkey *key)
{
    EVP_MD_CTX_free(key->ecdsa_sign);
    EVP_MD_free(key->sha256);
    EVP_PKEY_free(key->pkey);
    key->ecdsa_sign = NULL;
    key->sha256 = NULL;
    key->pkey = NULL;
    key->kind = D13_PKEY_OTHER;
}

/* The DER SubjectPublicKeyInfo headers of the two key types WebRTC
 * certificates use, up to the key bits: id-ecPublicKey with prime256v1
 * and a 65-byte BIT STRING, and id-Ed25519 with a 33-byte BIT STRING. */
static const uint8_t spki_p256_prefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                           0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                           0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
static const uint8_t spki_ed25519_prefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                              0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

/* Builds the key directly for those two exact encodings: OpenSSL 3's
 * generic decoder (d2i_PUBKEY) costs more than a signature verification. */
static EVP_PKEY *spki_fast_path(const d13_algs *algs, const uint8_t *spki, size_t len, d13_pkey_kind *kind)
{
    if (len == sizeof(spki_p256_prefix) + 65 && memcmp(spki, spki_p256_prefix, sizeof(spki_p256_prefix)) == 0) {
        *kind = D13_PKEY_P256;
        return d13_evp_public_from_share(algs, DTLS13_GROUP_SECP256R1, spki + sizeof(spki_p256_prefix), 65);
    }
    if (len == sizeof(spki_ed25519_prefix) + 32 &&
        memcmp(spki, spki_ed25519_prefix, sizeof(spki_ed25519_prefix)) == 0) {
        *kind = D13_PKEY_ED25519;
        return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, spki + sizeof(spki_ed25519_prefix), 32);
    }
    return NULL;
}

d13_pkey *d13_pkey_from_spki(const d13_algs *algs, const uint8_t *spki, size_t len)
{
    if (spki == NULL || len == 0 || len > LONG_MAX) return NULL;
    d13_pkey_kind kind = D13_PKEY_OTHER;
    EVP_PKEY *pkey = spki_fast_path(algs, spki, len, &kind);
    if (pkey == NULL) {
        kind = D13_PKEY_OTHER;
        const unsigned char *p = spki;
        pkey = d2i_PUBKEY(NULL, &p, (long)len);
        if (pkey == NULL || p != spki + len) { /* trailing bytes are not allowed */
            EVP_PKEY_free(pkey);
            ERR_clear_error();
            return NULL;
        }
    }
    d13_pkey *key = calloc(1, sizeof(*key));
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    if (kind == D13_PKEY_OTHER) {
        if (d13_pkey_init(key, pkey, false) != 0) {
            free(key);
            return NULL;
        }
    } else { /* the fast path decoded exactly this kind of key */
        key->pkey = pkey;
        key->kind = kind;
    }
    const EVP_MD *sha256 = algs != NULL ? d13_algs_md(algs, D13_HASH_SHA256) : NULL;
    if (key->kind == D13_PKEY_P256 && sha256 != NULL && EVP_MD_up_ref((EVP_MD *)sha256) == 1)
        key->sha256 = (EVP_MD *)sha256;
    return key;
}

/* ECDSA-SHA256 verification of SHA-256(msg) computed with key->sha256
 * (the same check EVP_DigestVerify makes). */
static int ecdsa_verify_prehashed(const d13_pkey *key, const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                                  size_t sig_len)
{
    uint8_t digest[32];
    unsigned int n = 0;
    if (EVP_Digest(msg, msg_len, digest, &n, key->sha256, NULL) != 1 || n != sizeof(digest))
        return DTLS13_ERR_CRYPTO;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (ctx == NULL) return DTLS13_ERR_NO_MEMORY;
    int ok = EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, sig_len, digest, n) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : DTLS13_ERR_CRYPTO;
}

void d13_pkey_free(d13_pkey *key)
{
    if (key == NULL) return;
    d13_pkey_clear(key);
    free(key);
}

bool d13_pkey_supports_scheme(const d13_pkey *key, uint16_t scheme)
{
    if (key == NULL || key->pkey == NULL) return false;
    switch (scheme) {
    case DTLS13_SIG_ECDSA_SECP256R1_SHA256: return key->kind == D13_PKEY_P256;
    case DTLS13_SIG_RSA_PSS_RSAE_SHA256: return key->kind == D13_PKEY_RSAE;
    /* DTLS 1.2 only (RFC 5246 7.4.1.4.1); the 1.3 engine never offers or
     * accepts it (RFC 8446 4.4.3). */
    case DTLS13_SIG_RSA_PKCS1_SHA256: return key->kind == D13_PKEY_RSAE;
    case DTLS13_SIG_ED25519: return key->kind == D13_PKEY_ED25519;
    default: return false;
    }
}

/* Prepares mctx for signing (sign = true) or verifying with scheme. */
static int sig_init(EVP_MD_CTX *mctx, const d13_pkey *key, uint16_t scheme, bool sign)
{
    if (sign && scheme == DTLS13_SIG_ECDSA_SECP256R1_SHA256 && key->ecdsa_sign != NULL) {
        if (EVP_MD_CTX_copy_ex(mctx, key->ecdsa_sign) != 1) return DTLS13_ERR_CRYPTO;
    } else {
        const char *md = scheme == DTLS13_SIG_ED25519 ? NULL : "SHA256";
        EVP_PKEY_CTX *pctx = NULL;
        int ok = sign ? EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, key->pkey, NULL)
                      : EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL, key->pkey, NULL);
        if (ok != 1) return DTLS13_ERR_CRYPTO;
        if (scheme == DTLS13_SIG_RSA_PSS_RSAE_SHA256) {
            if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, PSS_SALT_LEN) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", NULL) != 1)
                return DTLS13_ERR_CRYPTO;
        } else if (scheme == DTLS13_SIG_RSA_PKCS1_SHA256) {
            if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return DTLS13_ERR_CRYPTO;
        }
    }
    /* Used once: finalizing need not preserve the context, which libcrypto
     * otherwise duplicates to finalize the duplicate. */
    EVP_MD_CTX_set_flags(mctx, EVP_MD_CTX_FLAG_FINALISE);
    return 0;
}

int d13_sign(const d13_pkey *key, uint16_t scheme, const uint8_t *msg, size_t msg_len, uint8_t *sig,
             size_t cap, size_t *sig_len)
{
    if (key == NULL || sig == NULL || sig_len == NULL || (msg == NULL && msg_len > 0))
        return DTLS13_ERR_INVALID_ARG;
    if (!d13_pkey_supports_scheme(key, scheme)) return DTLS13_ERR_INVALID_ARG;
    static const uint8_t empty[1] = {0};
    if (msg == NULL) msg = empty;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    if (mctx == NULL) return DTLS13_ERR_NO_MEMORY;
    uint8_t *tmp = NULL;
    size_t max_len = 0;
    int rc = sig_init(mctx, key, scheme, true);
    int size = EVP_PKEY_get_size(key->pkey);
    if (size <= 0) rc = DTLS13_ERR_CRYPTO;
    max_len = (size_t)size;
    if (rc == 0) {
        /* ECDSA signatures are often shorter than the maximum: sign into a
         * scratch buffer when the caller's is smaller than that maximum. */
        uint8_t *dst = sig;
        if (cap < max_len) {
            tmp = malloc(max_len);
            if (tmp == NULL) rc = DTLS13_ERR_NO_MEMORY;
            dst = tmp;
        }
        size_t len = max_len;
        if (rc == 0 && EVP_DigestSign(mctx, dst, &len, msg, msg_len) != 1) rc = DTLS13_ERR_CRYPTO;
        if (rc == 0 && dst == tmp) {
            if (len > cap)
                rc = DTLS13_ERR_BUFFER_TOO_SMALL;
            else
                memcpy(sig, tmp, len);
        }
        if (rc == 0) *sig_len = len;
    }
    free(tmp);
    EVP_MD_CTX_free(mctx);
    if (rc != 0) ERR_clear_error();
    return rc;
}

int d13_verify(const d13_pkey *key, uint16_t scheme, const uint8_t *msg, size_t msg_len,
               const uint8_t *sig, size_t sig_len)
{
    if (key == NULL || (msg == NULL && msg_len > 0)) return DTLS13_ERR_INVALID_ARG;
    if (!d13_pkey_supports_scheme(key, scheme)) return DTLS13_ERR_INVALID_ARG;
    if (sig == NULL || sig_len == 0) return DTLS13_ERR_CRYPTO;
    static const uint8_t empty[1] = {0};
    if (msg == NULL) msg = empty;
    if (scheme == DTLS13_SIG_ECDSA_SECP256R1_SHA256 && key->sha256 != NULL) {
        int rc = ecdsa_verify_prehashed(key, msg, msg_len, sig, sig_len);
        if (rc != 0) ERR_clear_error();
        return rc;
    }
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    if (mctx == NULL) return DTLS13_ERR_NO_MEMORY;
    int rc = sig_init(mctx, key, scheme, false);
    if (rc == 0 && EVP_DigestVerify(mctx, sig, sig_len, msg, msg_len) != 1) rc = DTLS13_ERR_CRYPTO;
    EVP_MD_CTX_free(mctx);
    if (rc != 0) ERR_clear_error();
    return rc;
}
