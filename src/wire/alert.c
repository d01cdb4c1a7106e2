/* Alert record body (RFC 8446 6): level and description, exactly 2 bytes. */
#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_alert_decode(const uint8_t *body, size_t len, d13_alert *out)
{
    d13_reader r;
    d13_reader_init(&r, body, len);
    if (!d13_read_u8(&r, &out->level) || !d13_read_u8(&r, &out->description) ||
        !d13_reader_done(&r))
        return DTLS13_ALERT_DECODE_ERROR;
    return 0;
}

bool d13_alert_encode(d13_writer *w, const d13_alert *m)
{
    d13_write_u8(w, m->level);
    return d13_write_u8(w, m->description);
}
