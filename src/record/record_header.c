/* Record framing: splits a datagram into DTLSPlaintext and unified-header
 * DTLSCiphertext records (RFC 9147 4, 4.1) and writes DTLSPlaintext. */
#include "record/record.h"

#include <string.h>

#include "wire/messages.h"

/* Unified header first byte: 0b001CSLEE. */
#define UNIFIED_FIXED_MASK 0xe0u
#define UNIFIED_FIXED_BITS 0x20u
#define UNIFIED_C_BIT 0x10u
#define UNIFIED_S_BIT 0x08u
#define UNIFIED_L_BIT 0x04u
#define UNIFIED_EPOCH_MASK 0x03u

/* DTLSPlaintext fragment limits: 2^14 for epoch 0 (RFC 8446 5.1), and
 * 2^14 + 2048 for the DTLS 1.2 protected records that share this header
 * (RFC 6347 4.1). */
#define PLAINTEXT_MAX_FRAGMENT 16384u
#define PLAINTEXT_MAX_PROTECTED_FRAGMENT (16384u + 2048u)

#define MAX_PLAINTEXT_SEQ ((UINT64_C(1) << 48) - 1)

/* Outer content types that carry a DTLSPlaintext-format header (RFC 9147
 * Figure 5), except tls12_cid (25) whose header carries a connection ID
 * we never negotiate. */
static bool is_plaintext_content_type(uint8_t type)
{
    switch (type) {
    case D13_CT_CHANGE_CIPHER_SPEC:
    case D13_CT_ALERT:
    case D13_CT_HANDSHAKE:
    case D13_CT_APPLICATION_DATA:
    case D13_CT_HEARTBEAT:
    case D13_CT_ACK:
        return true;
    default:
        return false;
    }
}

static d13_drop_reason next_plaintext(d13_reader *datagram, d13_record_view *out)
{
    uint16_t length = 0;
    d13_read_u8(datagram, &out->content_type);
    d13_read_u16(datagram, &out->legacy_version);
    d13_read_u16(datagram, &out->epoch16);
    d13_read_u48(datagram, &out->seq48);
    if (!d13_read_u16(datagram, &length)) return D13_DROP_BAD_HEADER;
    if (length > PLAINTEXT_MAX_PROTECTED_FRAGMENT) return D13_DROP_BAD_HEADER;
    if (out->epoch16 == 0 && length > PLAINTEXT_MAX_FRAGMENT) return D13_DROP_BAD_HEADER;
    if (!d13_read_bytes(datagram, length, &out->payload)) return D13_DROP_BAD_HEADER;
    out->payload_len = length;
    return D13_DROP_NONE;
}

static d13_drop_reason next_ciphertext(d13_reader *datagram, d13_record_view *out)
{
    size_t start = d13_reader_offset(datagram);
    d13_reader header;
    uint8_t first = 0;

    /* Keep a view of the header start so the exact bytes can be returned. */
    header = *datagram;
    d13_read_u8(datagram, &first);
    if ((first & UNIFIED_C_BIT) != 0) return D13_DROP_BAD_HEADER;
    out->first_byte = first;
    out->epoch_bits = (uint8_t)(first & UNIFIED_EPOCH_MASK);
    out->seq16 = (first & UNIFIED_S_BIT) != 0;
    out->has_length = (first & UNIFIED_L_BIT) != 0;
    if (!d13_read_skip(datagram, out->seq16 ? 2 : 1)) return D13_DROP_BAD_HEADER;
    if (out->has_length) {
        uint16_t length = 0;
        if (!d13_read_u16(datagram, &length)) return D13_DROP_BAD_HEADER;
        out->header_len = d13_reader_offset(datagram) - start;
        if (length > D13_MAX_CIPHERTEXT) return D13_DROP_BAD_HEADER;
        if (!d13_read_bytes(datagram, length, &out->payload)) return D13_DROP_BAD_HEADER;
        out->payload_len = length;
    } else {
        out->header_len = d13_reader_offset(datagram) - start;
        d13_read_rest(datagram, &out->payload, &out->payload_len);
        if (out->payload_len > D13_MAX_CIPHERTEXT) return D13_DROP_BAD_HEADER;
    }
    if (!d13_read_bytes(&header, out->header_len, &out->header)) return D13_DROP_BAD_HEADER;
    return D13_DROP_NONE;
}

d13_drop_reason d13_record_next(d13_reader *datagram, d13_record_view *out)
{
    uint8_t first = 0;

    if (datagram == NULL || out == NULL) return D13_DROP_BAD_HEADER;
    memset(out, 0, sizeof(*out));
    if (!d13_peek_u8(datagram, &first)) return D13_DROP_BAD_HEADER;
    if (is_plaintext_content_type(first)) return next_plaintext(datagram, out);
    if ((first & UNIFIED_FIXED_MASK) == UNIFIED_FIXED_BITS) {
        out->is_ciphertext = true;
        return next_ciphertext(datagram, out);
    }
    return D13_DROP_BAD_HEADER;
}

bool d13_plaintext_write(d13_writer *w, uint8_t content_type, uint16_t legacy_version,
                         uint64_t seq, const uint8_t *data, size_t len)
{
    if (w == NULL || (data == NULL && len != 0)) return false;
    if (len > PLAINTEXT_MAX_FRAGMENT || seq > MAX_PLAINTEXT_SEQ) return false;
    if (legacy_version == 0) legacy_version = DTLS13_VERSION_DTLS12;
    d13_write_u8(w, content_type);
    d13_write_u16(w, legacy_version);
    d13_write_u16(w, 0); /* epoch 0 */
    d13_write_u48(w, seq);
    d13_write_u16(w, (uint16_t)len);
    d13_write_bytes(w, data, len);
    return !d13_writer_failed(w);
}
