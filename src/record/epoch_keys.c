/* Per-epoch traffic keys (RFC 8446 7.3, RFC 9147 4.2.3 and 5.9). */
#include "record/record.h"

#include <string.h>

#define DTLS13_LABEL_PREFIX "dtls13"

int d13_epoch_keys_init(d13_epoch_keys *k, const d13_algs *algs, uint16_t suite,
                        const uint8_t *traffic_secret, size_t secret_len, uint64_t epoch)
{
    uint8_t key[D13_MAX_KEY_LEN];
    uint8_t iv[D13_AEAD_IV_LEN];
    uint8_t sn_key[D13_MAX_KEY_LEN];
    d13_aead_alg alg;
    d13_hash_alg hash;
    size_t key_len;
    int rc;

    if (k == NULL) return DTLS13_ERR_INVALID_ARG;
    if (k->installed) d13_epoch_keys_clear(k);
    memset(k, 0, sizeof(*k));
    if (d13_suite_aead(suite, &alg) != 0) return DTLS13_ERR_UNSUPPORTED;
    hash = d13_suite_hash(suite);
    if (traffic_secret == NULL || secret_len != d13_hash_len(hash)) return DTLS13_ERR_INVALID_ARG;
    key_len = d13_aead_key_len(alg);

    /* [sender]_write_key, [sender]_write_iv and the record number key
     * (RFC 9147 4.2.3), all from the one traffic secret. */
    const d13_hkdf_label labels[] = {
        {"key", NULL, 0, key, key_len},
        {"iv", NULL, 0, iv, sizeof(iv)},
        {"sn", NULL, 0, sn_key, key_len},
    };
    rc = d13_hkdf_expand_labels(algs, hash, DTLS13_LABEL_PREFIX, traffic_secret, secret_len, labels,
                                sizeof(labels) / sizeof(labels[0]));
    if (rc == 0) {
        k->aead = d13_aead_new(algs, alg, key, iv);
        k->sn_mask = d13_sn_mask_new(algs, alg, sn_key);
        if (k->aead == NULL || k->sn_mask == NULL) rc = DTLS13_ERR_CRYPTO;
    }
    d13_cleanse(key, sizeof(key));
    d13_cleanse(iv, sizeof(iv));
    d13_cleanse(sn_key, sizeof(sn_key));
    if (rc != 0) {
        d13_epoch_keys_clear(k);
        return rc;
    }
    k->installed = true;
    k->epoch = epoch;
    k->suite = suite;
    return 0;
}

void d13_epoch_keys_clear(d13_epoch_keys *k)
{
    if (k == NULL) return;
    d13_aead_free(k->aead);
    d13_sn_mask_free(k->sn_mask);
    d13_cleanse(k, sizeof(*k));
}
