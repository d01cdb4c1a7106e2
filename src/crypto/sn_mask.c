/* Record number encryption masks (RFC 9147 4.2.3). */
#include <stdlib.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

struct d13_sn_mask {
    EVP_CIPHER_CTX *ctx;
    d13_aead_alg alg;
};

d13_sn_mask *d13_sn_mask_new(const d13_algs *algs, d13_aead_alg alg, const uint8_t *sn_key)
{
    const EVP_CIPHER *cipher = d13_algs_sn_mask_cipher(algs, alg);
    if (cipher == NULL || sn_key == NULL) return NULL;
    d13_sn_mask *m = calloc(1, sizeof(*m));
    if (m == NULL) return NULL;
    m->alg = alg;
    m->ctx = EVP_CIPHER_CTX_new();
    if (m->ctx == NULL || EVP_EncryptInit_ex(m->ctx, cipher, NULL, sn_key, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(m->ctx, 0) != 1) {
        d13_sn_mask_free(m);
        return NULL;
    }
    return m;
}

void d13_sn_mask_free(d13_sn_mask *m)
{
    if (m == NULL) return;
    EVP_CIPHER_CTX_free(m->ctx); /* cleanses the key */
    free(m);
}

int d13_sn_mask_compute(d13_sn_mask *m, const uint8_t sample[16], uint8_t mask[16])
{
    if (m == NULL || sample == NULL || mask == NULL) return DTLS13_ERR_INVALID_ARG;
    int outl = 0;
    if (m->alg == D13_AEAD_CHACHA20_POLY1305) {
        /* EVP_chacha20's 16-byte IV is counter (LE) || nonce: the sample as is. */
        static const uint8_t zeros[16] = {0};
        if (EVP_EncryptInit_ex(m->ctx, NULL, NULL, NULL, sample) != 1 ||
            EVP_EncryptUpdate(m->ctx, mask, &outl, zeros, 16) != 1 || outl != 16)
            return DTLS13_ERR_CRYPTO;
        return 0;
    }
    /* One ECB block: EVP_Cipher() goes straight to the provider's cipher
     * function, without EVP_EncryptUpdate's buffering bookkeeping (ECB
     * without padding keeps no state across whole blocks). */
    (void)outl;
    if (EVP_Cipher(m->ctx, mask, sample, 16) <= 0) return DTLS13_ERR_CRYPTO;
    return 0;
}
