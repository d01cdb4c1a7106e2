/* Algorithm implementations fetched once per configuration.
 *
 * OpenSSL 3 resolves an implicitly named algorithm (EVP_sha256(),
 * EVP_aes_128_gcm(), a key type given by name) through the provider
 * registry on every initialization: a name lookup, a method construction
 * and a reference count, which costs more than hashing a block. A
 * configuration fetches what its connections use once, here; the objects
 * are immutable afterwards and libcrypto allows using fetched algorithms
 * and a parameters-only key from many threads at once. */
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

#define HASH_COUNT 3 /* d13_hash_alg values */
#define AEAD_COUNT 3 /* d13_aead_alg values */

struct d13_algs {
    EVP_MD *md[HASH_COUNT];
    EVP_CIPHER *aead[AEAD_COUNT];
    EVP_CIPHER *sn_mask[AEAD_COUNT];
    EVP_PKEY *p256_params; /* parameters-only P-256 key: a template for public keys */
    /* Contexts with the key management resolved and no operation started:
     * duplicated (never used themselves) to generate or import keys. */
    EVP_PKEY_CTX *x25519_ctx;
    EVP_PKEY_CTX *p256_ctx; /* from p256_params */
};

static const char *const md_names[HASH_COUNT] = {"SHA2-256", "SHA2-384", "SHA2-512"};
static const char *const aead_names[AEAD_COUNT] = {"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"};
static const char *const sn_mask_names[AEAD_COUNT] = {"AES-128-ECB", "AES-256-ECB", "ChaCha20"};

/* A parameters-only EC key on P-256, or NULL. */
static EVP_PKEY *p256_parameters(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL) return NULL;
    char group_name[] = "P-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *pkey = NULL;
    if (EVP_PKEY_paramgen_init(ctx) != 1 || EVP_PKEY_CTX_set_params(ctx, params) != 1 ||
        EVP_PKEY_paramgen(ctx, &pkey) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

d13_algs *d13_algs_new(void)
{
    d13_algs *a = calloc(1, sizeof(*a));
    if (a == NULL) return NULL;
    /* A fetch that fails leaves NULL: the accessors then fall back to the
     * implicitly fetched algorithm, which reports the error where used. */
    for (size_t i = 0; i < HASH_COUNT; i++) a->md[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
    for (size_t i = 0; i < AEAD_COUNT; i++) {
        a->aead[i] = EVP_CIPHER_fetch(NULL, aead_names[i], NULL);
        a->sn_mask[i] = EVP_CIPHER_fetch(NULL, sn_mask_names[i], NULL);
    }
    a->p256_params = p256_parameters();
    a->x25519_ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    if (a->p256_params != NULL) a->p256_ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a->p256_params, NULL);
    ERR_clear_error();
    return a;
}

void d13_algs_free(d13_algs *a)
{
    if (a == NULL) return;
    for (size_t i = 0; i < HASH_COUNT; i++) EVP_MD_free(a->md[i]);
    for (size_t i = 0; i < AEAD_COUNT; i++) {
        EVP_CIPHER_free(a->aead[i]);
        EVP_CIPHER_free(a->sn_mask[i]);
    }
    EVP_PKEY_CTX_free(a->x25519_ctx);
    EVP_PKEY_CTX_free(a->p256_ctx);
    EVP_PKEY_free(a->p256_params);
    free(a);
}

const EVP_MD *d13_algs_md(const d13_algs *a, d13_hash_alg alg)
{
    if (a != NULL && (unsigned)alg < HASH_COUNT && a->md[alg] != NULL) return a->md[alg];
    return d13_evp_md(alg);
}

const EVP_CIPHER *d13_algs_aead_cipher(const d13_algs *a, d13_aead_alg alg)
{
    if (a != NULL && (unsigned)alg < AEAD_COUNT && a->aead[alg] != NULL) return a->aead[alg];
    switch (alg) {
    case D13_AEAD_AES_128_GCM: return EVP_aes_128_gcm();
    case D13_AEAD_AES_256_GCM: return EVP_aes_256_gcm();
    case D13_AEAD_CHACHA20_POLY1305: return EVP_chacha20_poly1305();
    }
    return NULL;
}

const EVP_CIPHER *d13_algs_sn_mask_cipher(const d13_algs *a, d13_aead_alg alg)
{
    if (a != NULL && (unsigned)alg < AEAD_COUNT && a->sn_mask[alg] != NULL) return a->sn_mask[alg];
    switch (alg) {
    case D13_AEAD_AES_128_GCM: return EVP_aes_128_ecb();
    case D13_AEAD_AES_256_GCM: return EVP_aes_256_ecb();
    case D13_AEAD_CHACHA20_POLY1305: return EVP_chacha20();
    }
    return NULL;
}

const EVP_PKEY *d13_algs_p256_params(const d13_algs *a)
{
    return a != NULL ? a->p256_params : NULL;
}

EVP_PKEY_CTX *d13_algs_pkey_ctx(const d13_algs *a, uint16_t group)
{
    if (a == NULL) return NULL;
    const EVP_PKEY_CTX *tmpl = group == DTLS13_GROUP_X25519      ? a->x25519_ctx
                               : group == DTLS13_GROUP_SECP256R1 ? a->p256_ctx
                                                                 : NULL;
    return tmpl != NULL ? EVP_PKEY_CTX_dup(tmpl) : NULL;
}
