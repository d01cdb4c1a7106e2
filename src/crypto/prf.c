/* TLS 1.2 PRF (RFC 5246 5): P_<hash>(secret, label || seed) over libcrypto's
 * digests, with the secret absorbed into the HMAC once for all blocks. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "dtls13/errors.h"

int d13_tls12_prf(const d13_algs *algs, d13_hash_alg alg, const uint8_t *secret, size_t secret_len,
                  const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    if ((alg != D13_HASH_SHA256 && alg != D13_HASH_SHA384) || out == NULL || out_len == 0 || label == NULL ||
        (seed == NULL && seed_len > 0) || (secret == NULL && secret_len > 0))
        return DTLS13_ERR_INVALID_ARG;
    const EVP_MD *md = d13_algs_md(algs, alg);
    if (md == NULL) return DTLS13_ERR_CRYPTO;
    d13_hmac_key k;
    int rc = d13_hmac_key_init(&k, md, secret, secret_len);
    if (rc) return rc;
    EVP_MD_CTX *tmp = EVP_MD_CTX_new();
    if (tmp == NULL) {
        d13_hmac_key_free(&k);
        return DTLS13_ERR_NO_MEMORY;
    }
    const uint8_t *lbl = (const uint8_t *)label;
    size_t label_len = strlen(label), hlen = k.hash_len;
    /* A(1) = HMAC(secret, label || seed); block i = HMAC(secret, A(i) || label || seed);
     * A(i+1) = HMAC(secret, A(i)). */
    uint8_t a[EVP_MAX_MD_SIZE], block[EVP_MAX_MD_SIZE];
    rc = d13_hmac_key_run(&k, tmp, lbl, label_len, seed, seed_len, NULL, 0, a);
    size_t done = 0;
    while (rc == 0 && done < out_len) {
        rc = d13_hmac_key_run(&k, tmp, a, hlen, lbl, label_len, seed, seed_len, block);
        if (rc) break;
        size_t n = out_len - done < hlen ? out_len - done : hlen;
        memcpy(out + done, block, n);
        done += n;
        if (done < out_len) rc = d13_hmac_key_run(&k, tmp, a, hlen, NULL, 0, NULL, 0, a);
    }
    OPENSSL_cleanse(a, sizeof(a));
    OPENSSL_cleanse(block, sizeof(block));
    EVP_MD_CTX_free(tmp);
    d13_hmac_key_free(&k);
    if (rc) OPENSSL_cleanse(out, out_len);
    return rc ? DTLS13_ERR_CRYPTO : DTLS13_OK;
}
