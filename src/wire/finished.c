/* Finished codec (RFC 8446 4.4.4): the body is verify_data. */
#include "wire/messages.h"

int d13_finished_decode(const uint8_t *body, size_t len, d13_finished *out)
{
    d13_reader r;
    d13_reader_init(&r, body, len);
    d13_read_rest(&r, &out->verify_data.p, &out->verify_data.len);
    return 0;
}

bool d13_finished_encode(d13_writer *w, const d13_finished *m)
{
    return d13_write_bytes(w, m->verify_data.p, m->verify_data.len);
}
