/* DTLS handshake fragment header (RFC 9147 5.2). */
#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_hs_header_read(d13_reader *r, d13_hs_header *h, d13_bytes *fragment)
{
    d13_hs_header tmp;
    const uint8_t *frag = NULL;
    fragment->p = NULL;
    fragment->len = 0;
    if (!d13_read_u8(r, &tmp.msg_type) || !d13_read_u24(r, &tmp.length) ||
        !d13_read_u16(r, &tmp.message_seq) || !d13_read_u24(r, &tmp.fragment_offset) ||
        !d13_read_u24(r, &tmp.fragment_length))
        return DTLS13_ALERT_DECODE_ERROR;
    if (tmp.fragment_offset > tmp.length || tmp.fragment_length > tmp.length - tmp.fragment_offset) {
        r->failed = true; /* a caller walking several messages stops here */
        return DTLS13_ALERT_DECODE_ERROR;
    }
    if (!d13_read_bytes(r, tmp.fragment_length, &frag)) return DTLS13_ALERT_DECODE_ERROR;
    *h = tmp;
    fragment->p = frag;
    fragment->len = tmp.fragment_length;
    return 0;
}

bool d13_hs_header_write(d13_writer *w, const d13_hs_header *h)
{
    d13_write_u8(w, h->msg_type);
    d13_write_u24(w, h->length);
    d13_write_u16(w, h->message_seq);
    d13_write_u24(w, h->fragment_offset);
    d13_write_u24(w, h->fragment_length);
    return !d13_writer_failed(w);
}
