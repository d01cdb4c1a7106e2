/* DTLS 1.2 record protection with the AEAD suites: key installation, the
 * 13-byte header, the explicit GCM nonce and anti-replay (RFC 6347 4.1,
 * 4.1.2.1, 4.1.2.6; RFC 5246 6.2.3.3; RFC 5288 3; RFC 7905 2). */
#include "record/record12.h"

#include <string.h>

#define D12_AAD_LEN 13
#define GCM_SALT_LEN 4
#define MAX_RECORD_SEQ (UINT64_C(1) << 48)
#define MAX_EPOCH 0xffffu

/* The DTLS 1.2 ECDHE AEAD suites (RFC 5289, RFC 7905); d13_suite_aead
 * also knows the TLS 1.3 suites, which have no DTLS 1.2 record format. */
static bool is_dtls12_suite(uint16_t suite)
{
    switch (suite) {
    case DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
    case DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
    case DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
    case DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:
    case DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
    case DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
        return true;
    default:
        return false;
    }
}

int d12_epoch_keys_init(d13_epoch_keys *k, const d13_algs *algs, uint16_t suite, const uint8_t *key,
                        size_t key_len, const uint8_t *fixed_iv, size_t iv_len, uint64_t epoch)
{
    uint8_t iv[D13_AEAD_IV_LEN];
    d13_aead_alg alg;
    bool gcm;

    if (k == NULL) return DTLS13_ERR_INVALID_ARG;
    if (k->installed) d13_epoch_keys_clear(k);
    memset(k, 0, sizeof(*k));
    if (!is_dtls12_suite(suite) || d13_suite_aead(suite, &alg) != 0) return DTLS13_ERR_UNSUPPORTED;
    gcm = alg != D13_AEAD_CHACHA20_POLY1305;
    if (key == NULL || key_len != d13_aead_key_len(alg) || fixed_iv == NULL ||
        iv_len != (gcm ? GCM_SALT_LEN : D13_AEAD_IV_LEN) || epoch == 0 || epoch > MAX_EPOCH)
        return DTLS13_ERR_INVALID_ARG;

    /* d13_aead's nonce is iv XOR the 64-bit value passed as "seq" in the
     * last 8 bytes. GCM: iv = salt || 0^8, and the value passed is the
     * explicit nonce, giving salt || explicit_nonce (RFC 5288 3).
     * ChaCha20-Poly1305: iv = the 12-byte IV, and the value passed is
     * epoch << 48 | seq (RFC 7905 2). */
    memset(iv, 0, sizeof(iv));
    memcpy(iv, fixed_iv, iv_len);
    k->aead = d13_aead_new(algs, alg, key, iv);
    d13_cleanse(iv, sizeof(iv));
    if (k->aead == NULL) {
        d13_epoch_keys_clear(k);
        return DTLS13_ERR_CRYPTO;
    }
    k->installed = true;
    k->dtls12 = true;
    k->explicit_nonce = gcm;
    k->epoch = epoch;
    k->suite = suite;
    return 0;
}

static bool has_dtls12_keys(const d13_epoch_keys *k)
{
    return k != NULL && k->installed && k->dtls12 && k->aead != NULL && k->epoch != 0 &&
           k->epoch <= MAX_EPOCH;
}

/* Bytes between the header and the ciphertext. */
static size_t nonce_len(const d13_epoch_keys *k)
{
    return k->explicit_nonce ? D12_EXPLICIT_NONCE_LEN : 0;
}

size_t d12_record_overhead(const d13_epoch_keys *k)
{
    if (!has_dtls12_keys(k)) return 0;
    return D12_RECORD_HEADER_LEN + nonce_len(k) + D13_AEAD_TAG_LEN;
}

/* additional_data = seq_num (epoch 2 || seq 6) || type || version (2) ||
 * length (2) of the plaintext (RFC 5246 6.2.3.3, RFC 6347 4.1.2.1).
 * Direct stores at constant indices: this runs for every record. */
static void build_aad(uint16_t epoch, uint64_t seq, uint8_t type, uint16_t version,
                      size_t plain_len, uint8_t aad[D12_AAD_LEN])
{
    aad[0] = (uint8_t)(epoch >> 8);
    aad[1] = (uint8_t)epoch;
    for (int i = 0; i < 6; i++) aad[2 + i] = (uint8_t)(seq >> (8 * (5 - i)));
    aad[8] = type;
    aad[9] = (uint8_t)(version >> 8);
    aad[10] = (uint8_t)version;
    aad[11] = (uint8_t)(plain_len >> 8);
    aad[12] = (uint8_t)plain_len;
}

/* The value whose XOR with the AEAD's iv is the record's nonce: the
 * explicit nonce for GCM (which we choose as this value too), the record
 * number for ChaCha20-Poly1305. */
static uint64_t record_number(uint16_t epoch, uint64_t seq)
{
    return (uint64_t)epoch << 48 | seq;
}

int d12_record_seal(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                    d13_writer *out)
{
    uint8_t aad[D12_AAD_LEN];
    uint8_t *rec;
    size_t fragment_len, total, explicit_len, start;
    uint16_t epoch;
    uint64_t nonce;

    if (k == NULL || out == NULL || out->buf == NULL || (data == NULL && len != 0))
        return DTLS13_ERR_INVALID_ARG;
    if (len > D12_MAX_PLAINTEXT) return DTLS13_ERR_INVALID_ARG;
    if (!has_dtls12_keys(k) || k->next_seq >= MAX_RECORD_SEQ) return DTLS13_ERR_BAD_STATE;
    if (d13_writer_failed(out) || out->len > out->cap) return DTLS13_ERR_BUFFER_TOO_SMALL;

    explicit_len = nonce_len(k);
    fragment_len = explicit_len + len + D13_AEAD_TAG_LEN;
    total = D12_RECORD_HEADER_LEN + fragment_len;
    if (out->cap - out->len < total) return DTLS13_ERR_BUFFER_TOO_SMALL;

    epoch = (uint16_t)k->epoch;
    nonce = record_number(epoch, k->next_seq);
    build_aad(epoch, k->next_seq, content_type, DTLS13_VERSION_DTLS12, len, aad);
    start = out->len;
    rec = d13_write_reserve(out, total);
    if (rec == NULL) return DTLS13_ERR_BUFFER_TOO_SMALL; /* not reached: room checked */

    /* The ciphertext goes straight from data to its place in out. */
    if (d13_aead_seal(k->aead, nonce, aad, sizeof(aad), data, len,
                      rec + D12_RECORD_HEADER_LEN + explicit_len) != 0) {
        d13_cleanse(rec, total);
        out->len = start;
        return DTLS13_ERR_CRYPTO;
    }
    /* type || version || epoch (2) || seq (6) || fragment length, then
     * the explicit nonce; the epoch and seq bytes are the AAD's first 8. */
    rec[0] = content_type;
    rec[1] = (uint8_t)(DTLS13_VERSION_DTLS12 >> 8);
    rec[2] = (uint8_t)DTLS13_VERSION_DTLS12;
    memcpy(rec + 3, aad, 8);
    rec[11] = (uint8_t)(fragment_len >> 8);
    rec[12] = (uint8_t)fragment_len;
    for (size_t i = 0; i < explicit_len; i++)
        rec[D12_RECORD_HEADER_LEN + i] = (uint8_t)(nonce >> (8 * (explicit_len - 1 - i)));
    k->next_seq++;
    k->records_protected++;
    return 0;
}

d13_drop_reason d12_record_open(d13_epoch_keys *k, const d13_record_view *rec, uint8_t *out,
                                size_t cap, size_t *out_len)
{
    uint8_t aad[D12_AAD_LEN];
    d13_reader fragment;
    const uint8_t *ciphertext = NULL;
    size_t ciphertext_len = 0, plain_len;
    uint64_t nonce = 0;

    if (k == NULL || rec == NULL || out_len == NULL) return D13_DROP_BAD_HEADER;
    if (rec->is_ciphertext) return D13_DROP_BAD_HEADER;
    if (!has_dtls12_keys(k) || rec->epoch16 != k->epoch) return D13_DROP_UNKNOWN_EPOCH;
    if (rec->legacy_version != DTLS13_VERSION_DTLS12) return D13_DROP_BAD_HEADER;
    if (rec->payload == NULL || rec->seq48 >= MAX_RECORD_SEQ) return D13_DROP_BAD_HEADER;

    d13_reader_init(&fragment, rec->payload, rec->payload_len);
    if (k->explicit_nonce) {
        /* The peer's choice (RFC 5288 3): used as sent, not required to
         * equal the record number. */
        if (!d13_read_u64(&fragment, &nonce)) return D13_DROP_BAD_HEADER;
    } else {
        nonce = record_number(rec->epoch16, rec->seq48);
    }
    d13_read_rest(&fragment, &ciphertext, &ciphertext_len);
    if (ciphertext_len < D13_AEAD_TAG_LEN) return D13_DROP_BAD_HEADER;
    plain_len = ciphertext_len - D13_AEAD_TAG_LEN;
    if (plain_len > D12_MAX_PLAINTEXT) return D13_DROP_BAD_HEADER;
    if ((out == NULL && plain_len > 0) || cap < plain_len) return D13_DROP_BAD_HEADER;

    if (d13_replay_check(&k->window, rec->seq48)) return D13_DROP_REPLAY;

    build_aad(rec->epoch16, rec->seq48, rec->content_type, rec->legacy_version, plain_len, aad);
    if (d13_aead_open(k->aead, nonce, aad, sizeof(aad), ciphertext, ciphertext_len, out) != 0) {
        /* d13_aead_open already zeroized out; this keeps the promise
         * whatever it does. */
        if (plain_len > 0) d13_cleanse(out, plain_len);
        k->auth_failures++;
        return D13_DROP_BAD_TAG;
    }
    d13_replay_update(&k->window, rec->seq48);
    *out_len = plain_len;
    return D13_DROP_NONE;
}
