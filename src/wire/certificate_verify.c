/* CertificateVerify codec (RFC 8446 4.4.3). */
#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_certificate_verify_decode(const uint8_t *body, size_t len, d13_certificate_verify *out)
{
    d13_reader r, sig;
    d13_reader_init(&r, body, len);
    out->signature.p = NULL;
    out->signature.len = 0;
    if (!d13_read_u16(&r, &out->scheme) || !d13_read_vec16(&r, &sig) || !d13_reader_done(&r) ||
        d13_reader_remaining(&sig) == 0)
        return DTLS13_ALERT_DECODE_ERROR;
    d13_read_rest(&sig, &out->signature.p, &out->signature.len);
    return 0;
}

bool d13_certificate_verify_encode(d13_writer *w, const d13_certificate_verify *m)
{
    d13_write_u16(w, m->scheme);
    size_t mark = d13_write_vec_begin(w, 2);
    d13_write_bytes(w, m->signature.p, m->signature.len);
    return d13_write_vec_end(w, mark, 2);
}
