/* Record protection: unified header, AEAD and record number encryption
 * (RFC 9147 4 and 4.2.3). */
#include "record/record.h"

#include <string.h>

#define UNIFIED_FIXED_BITS 0x20u
#define UNIFIED_S_BIT 0x08u
#define UNIFIED_L_BIT 0x04u
#define UNIFIED_EPOCH_MASK 0x03u
#define MAX_INNER_PLAINTEXT (16384u + 1u)
#define SN_SAMPLE_LEN 16
#define MAX_UNIFIED_HEADER 5
#define MAX_RECORD_SEQ (UINT64_C(1) << 48)

/* Writes the unprotected header into header[]; returns its length (at
 * most 5: every index below is a constant within the array). Direct
 * stores rather than the writer: this runs for every record sent. */
static size_t build_header(const d13_epoch_keys *k, const d13_seal_options *opts,
                           size_t body_len, uint8_t header[MAX_UNIFIED_HEADER])
{
    uint8_t first = (uint8_t)(UNIFIED_FIXED_BITS | (k->epoch & UNIFIED_EPOCH_MASK));
    size_t n;

    if (!opts->seq8) first |= UNIFIED_S_BIT;
    if (!opts->omit_length) first |= UNIFIED_L_BIT;
    header[0] = first;
    if (opts->seq8) {
        header[1] = (uint8_t)k->next_seq;
        n = 2;
    } else {
        header[1] = (uint8_t)(k->next_seq >> 8);
        header[2] = (uint8_t)k->next_seq;
        n = 3;
    }
    if (!opts->omit_length) {
        header[n] = (uint8_t)(body_len >> 8);
        header[n + 1] = (uint8_t)body_len;
        n += 2;
    }
    return n;
}

int d13_record_seal_ex(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                       size_t pad, const d13_seal_options *opts, d13_writer *out)
{
    static const d13_seal_options default_options = {false, false};
    uint8_t header[MAX_UNIFIED_HEADER];
    uint8_t mask[SN_SAMPLE_LEN];
    uint8_t *header_out, *body;
    size_t header_len, inner_len, body_len, start;
    int rc;

    if (k == NULL || out == NULL || (data == NULL && len != 0) || content_type == 0)
        return DTLS13_ERR_INVALID_ARG;
    if (opts == NULL) opts = &default_options;
    if (!k->installed || k->aead == NULL || k->sn_mask == NULL) return DTLS13_ERR_BAD_STATE;
    if (k->next_seq >= MAX_RECORD_SEQ) return DTLS13_ERR_BAD_STATE;
    if (len >= MAX_INNER_PLAINTEXT || pad > MAX_INNER_PLAINTEXT - len - 1)
        return DTLS13_ERR_INVALID_ARG;
    if (d13_writer_failed(out)) return DTLS13_ERR_BUFFER_TOO_SMALL;

    inner_len = len + 1 + pad;
    body_len = inner_len + D13_AEAD_TAG_LEN;
    header_len = build_header(k, opts, body_len, header);
    if (out->cap - out->len < header_len + body_len) return DTLS13_ERR_BUFFER_TOO_SMALL;

    start = out->len;
    header_out = d13_write_reserve(out, header_len);
    body = d13_write_reserve(out, body_len);
    if (header_out == NULL || body == NULL) return DTLS13_ERR_BUFFER_TOO_SMALL;

    /* DTLSInnerPlaintext = content || type || zeros: the type and padding
     * are written in place after where the content goes, and the content
     * is encrypted straight from the caller's buffer (no copy). */
    body[len] = content_type; /* inner_len = len + 1 + pad bytes of body were reserved */
    if (pad > 0) memset(body + len + 1, 0, pad);
    rc = d13_aead_seal_prefixed(k->aead, k->next_seq, header, header_len, data, len, body, inner_len);
    /* body_len >= 17, so the sample is always there. */
    if (rc == 0) rc = d13_sn_mask_compute(k->sn_mask, body, mask);
    if (rc != 0) {
        d13_cleanse(body, body_len);
        out->len = start;
        return rc;
    }
    header[1] ^= mask[0];
    if (!opts->seq8) header[2] ^= mask[1];
    memcpy(header_out, header, header_len);
    d13_cleanse(mask, sizeof(mask));
    k->next_seq++;
    k->records_protected++;
    return 0;
}

int d13_record_seal(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                    size_t pad, d13_writer *out)
{
    return d13_record_seal_ex(k, content_type, data, len, pad, NULL, out);
}
