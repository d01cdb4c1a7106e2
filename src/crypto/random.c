/* Randomness, zeroization and constant-time comparison. */
#include <limits.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/crypto.h"

int d13_random(uint8_t *buf, size_t len)
{
    if (buf == NULL && len > 0) return DTLS13_ERR_INVALID_ARG;
    while (len > 0) {
        int chunk = len > (size_t)INT_MAX ? INT_MAX : (int)len;
        if (RAND_bytes(buf, chunk) != 1) return DTLS13_ERR_CRYPTO;
        buf += chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

void d13_cleanse(void *p, size_t len)
{
    if (p != NULL && len > 0) OPENSSL_cleanse(p, len);
}

bool d13_ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    if (len == 0) return true;
    if (a == NULL || b == NULL) return false;
    return CRYPTO_memcmp(a, b, len) == 0;
}
