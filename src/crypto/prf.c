/* TLS 1.2 PRF (RFC 5246 5): P_<hash>(secret, label || seed) over libcrypto's HMAC. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"

int d13_tls12_prf(const d13_algs *algs, d13_hash_alg alg, const uint8_t *secret, size_t secret_len,
                  const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    if ((alg != D13_HASH_SHA256 && alg != D13_HASH_SHA384) || out == NULL || out_len == 0 || label == NULL ||
        (seed == NULL && seed_len > 0) || (secret == NULL && secret_len > 0))
        return DTLS13_ERR_INVALID_ARG;
    size_t hlen = d13_hash_len(alg);
    size_t label_len = strlen(label);
    size_t ls_len = label_len + seed_len;
    /* buf = A(i) || label || seed: A(i+1) = HMAC(A(i)), output block = HMAC(buf). */
    uint8_t *buf = malloc(hlen + ls_len);
    if (buf == NULL) return DTLS13_ERR_NO_MEMORY;
    uint8_t *ls = buf + hlen;
    memcpy(ls, label, label_len);
    if (seed_len) memcpy(ls + label_len, seed, seed_len);
    uint8_t block[D13_MAX_HASH_LEN];
    /* A(1) = HMAC(secret, label || seed) */
    int rc = d13_hmac(algs, alg, secret, secret_len, ls, ls_len, buf);
    size_t done = 0;
    while (rc == 0 && done < out_len) {
        rc = d13_hmac(algs, alg, secret, secret_len, buf, hlen + ls_len, block);
        if (rc) break;
        size_t n = out_len - done < hlen ? out_len - done : hlen;
        memcpy(out + done, block, n);
        done += n;
        if (done < out_len) {
            rc = d13_hmac(algs, alg, secret, secret_len, buf, hlen, block); /* A(i+1) */
            memcpy(buf, block, hlen);
        }
    }
    d13_cleanse(block, sizeof(block));
    d13_cleanse(buf, hlen + ls_len);
    free(buf);
    if (rc) d13_cleanse(out, out_len);
    return rc ? DTLS13_ERR_CRYPTO : DTLS13_OK;
}
