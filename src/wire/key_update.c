/* KeyUpdate codec (RFC 8446 4.6.3). */
#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_key_update_decode(const uint8_t *body, size_t len, d13_key_update *out)
{
    d13_reader r;
    d13_reader_init(&r, body, len);
    if (!d13_read_u8(&r, &out->request_update) || !d13_reader_done(&r))
        return DTLS13_ALERT_DECODE_ERROR;
    return out->request_update > 1 ? DTLS13_ALERT_ILLEGAL_PARAMETER : 0;
}

bool d13_key_update_encode(d13_writer *w, const d13_key_update *m)
{
    return d13_write_u8(w, m->request_update);
}
