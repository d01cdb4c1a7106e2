/* Record deprotection: header check, record number decryption, sequence
 * number reconstruction, replay check, AEAD open and padding removal
 * (RFC 9147 4, 4.2.2, 4.2.3, 4.5.1; RFC 8446 5.2, 5.4). */
#include "record/record.h"

#include <string.h>

#define UNIFIED_FIXED_MASK 0xe0u
#define UNIFIED_FIXED_BITS 0x20u
#define UNIFIED_C_BIT 0x10u
#define UNIFIED_S_BIT 0x08u
#define UNIFIED_L_BIT 0x04u
#define UNIFIED_EPOCH_MASK 0x03u
#define MAX_INNER_PLAINTEXT (16384u + 1u)
#define SN_SAMPLE_LEN 16
#define MAX_UNIFIED_HEADER 5

/* The header as received, with the sequence number still masked. */
typedef struct parsed_header {
    uint8_t first;
    bool seq16;
    bool has_length;
    uint16_t masked_seq;
    uint16_t length;
} parsed_header;

static bool parse_header(const d13_record_view *rec, parsed_header *h)
{
    d13_reader r;

    if (rec->header == NULL || rec->header_len > MAX_UNIFIED_HEADER) return false;
    d13_reader_init(&r, rec->header, rec->header_len);
    if (!d13_read_u8(&r, &h->first)) return false;
    if ((h->first & UNIFIED_FIXED_MASK) != UNIFIED_FIXED_BITS) return false;
    if ((h->first & UNIFIED_C_BIT) != 0) return false;
    if ((h->first & UNIFIED_EPOCH_MASK) != rec->epoch_bits) return false;
    h->seq16 = (h->first & UNIFIED_S_BIT) != 0;
    h->has_length = (h->first & UNIFIED_L_BIT) != 0;
    if (h->seq16) {
        d13_read_u16(&r, &h->masked_seq);
    } else {
        uint8_t seq8 = 0;
        d13_read_u8(&r, &seq8);
        h->masked_seq = seq8;
    }
    h->length = 0;
    if (h->has_length) {
        d13_read_u16(&r, &h->length);
        if (h->length != rec->payload_len) return false;
    }
    return d13_reader_done(&r);
}

/* The header with the unmasked sequence number: the AEAD's AAD (at most
 * 5 bytes; constant indices within the array, for every record received). */
static size_t build_aad(const parsed_header *h, uint16_t seq_bits, uint8_t aad[MAX_UNIFIED_HEADER])
{
    size_t n;

    aad[0] = h->first;
    if (h->seq16) {
        aad[1] = (uint8_t)(seq_bits >> 8);
        aad[2] = (uint8_t)seq_bits;
        n = 3;
    } else {
        aad[1] = (uint8_t)seq_bits;
        n = 2;
    }
    if (h->has_length) {
        aad[n] = (uint8_t)(h->length >> 8);
        aad[n + 1] = (uint8_t)h->length;
        n += 2;
    }
    return n;
}

/* Length of the content once the zero padding and the type byte are
 * removed; false when there is no non-zero byte. */
static bool strip_padding(const uint8_t *plain, size_t len, size_t *content_len, uint8_t *type)
{
    size_t i = len;

    while (i > 0 && plain[i - 1] == 0) i--;
    if (i == 0) return false;
    *type = plain[i - 1];
    *content_len = i - 1;
    return true;
}

d13_drop_reason d13_record_open(d13_epoch_keys *k, const d13_record_view *rec, uint8_t *out,
                                size_t cap, size_t *out_len, uint8_t *content_type, uint64_t *seq)
{
    uint8_t sample[SN_SAMPLE_LEN];
    uint8_t mask[SN_SAMPLE_LEN];
    uint8_t aad[MAX_UNIFIED_HEADER];
    parsed_header h;
    d13_reader payload;
    uint16_t seq_bits;
    uint64_t expected, full_seq;
    size_t aad_len, plain_len, content_len = 0;
    uint8_t type = 0;

    if (k == NULL || rec == NULL || out_len == NULL || content_type == NULL || seq == NULL)
        return D13_DROP_BAD_HEADER;
    if (!rec->is_ciphertext) return D13_DROP_BAD_HEADER;
    if (!k->installed || k->aead == NULL || k->sn_mask == NULL) return D13_DROP_UNKNOWN_EPOCH;
    if (rec->epoch_bits != (k->epoch & UNIFIED_EPOCH_MASK)) return D13_DROP_UNKNOWN_EPOCH;
    if (!parse_header(rec, &h)) return D13_DROP_BAD_HEADER;
    if (rec->payload == NULL || rec->payload_len < SN_SAMPLE_LEN) return D13_DROP_BAD_HEADER;
    if (rec->payload_len < D13_AEAD_TAG_LEN + 1) return D13_DROP_BAD_HEADER;
    plain_len = rec->payload_len - D13_AEAD_TAG_LEN;
    if (plain_len > MAX_INNER_PLAINTEXT) return D13_DROP_BAD_HEADER;
    if (out == NULL || cap < plain_len) return D13_DROP_BAD_HEADER;

    /* Record number decryption (4.2.3). */
    d13_reader_init(&payload, rec->payload, rec->payload_len);
    if (!d13_read_copy(&payload, sample, sizeof(sample))) return D13_DROP_BAD_HEADER;
    if (d13_sn_mask_compute(k->sn_mask, sample, mask) != 0) return D13_DROP_BAD_TAG;
    if (h.seq16)
        seq_bits = (uint16_t)(h.masked_seq ^ (uint16_t)((mask[0] << 8) | mask[1]));
    else
        seq_bits = (uint16_t)((h.masked_seq ^ mask[0]) & 0xffu);
    d13_cleanse(mask, sizeof(mask));

    /* Reconstruction against the highest authenticated record (4.2.2). */
    expected = 0;
    if (k->window.any)
        expected = k->window.highest < UINT64_MAX ? k->window.highest + 1 : UINT64_MAX;
    full_seq = d13_seq_reconstruct(expected, seq_bits, h.seq16 ? 16 : 8);
    if (d13_replay_check(&k->window, full_seq)) return D13_DROP_REPLAY;

    aad_len = build_aad(&h, seq_bits, aad);
    if (d13_aead_open(k->aead, full_seq, aad, aad_len, rec->payload, rec->payload_len, out) != 0) {
        k->auth_failures++;
        d13_cleanse(out, plain_len);
        return D13_DROP_BAD_TAG;
    }
    if (!strip_padding(out, plain_len, &content_len, &type)) {
        d13_cleanse(out, plain_len);
        return D13_DROP_BAD_TAG;
    }
    d13_replay_update(&k->window, full_seq);
    *out_len = content_len;
    *content_type = type;
    *seq = full_seq;
    return D13_DROP_NONE;
}
