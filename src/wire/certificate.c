/* Certificate codec (RFC 8446 4.4.2, X.509 certificate entries). */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_certificate_decode(const uint8_t *body, size_t len, d13_certificate *out)
{
    d13_reader r, context, list;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_vec8(&r, &context) || !d13_read_vec24(&r, &list) || !d13_reader_done(&r))
        return DTLS13_ALERT_DECODE_ERROR;
    d13_read_rest(&context, &out->context.p, &out->context.len);
    while (d13_reader_remaining(&list) > 0) {
        d13_reader cert;
        d13_extensions entry_ext;
        if (!d13_read_vec24(&list, &cert) || d13_reader_remaining(&cert) == 0)
            return DTLS13_ALERT_DECODE_ERROR;
        int rc = d13_extensions_read(&list, D13_EXTCTX_CERTIFICATE, &entry_ext);
        if (rc != 0) return rc;
        if (out->num_certs < D13_MAX_CERTS) {
            d13_bytes *slot = &out->certs[out->num_certs++];
            d13_read_rest(&cert, &slot->p, &slot->len);
        } else {
            out->certs_truncated = true;
        }
    }
    return 0;
}

bool d13_certificate_encode(d13_writer *w, const d13_certificate *m)
{
    if (m->num_certs > D13_MAX_CERTS) w->failed = true;
    size_t mark = d13_write_vec_begin(w, 1);
    d13_write_bytes(w, m->context.p, m->context.len);
    d13_write_vec_end(w, mark, 1);
    size_t list = d13_write_vec_begin(w, 3);
    for (size_t i = 0; i < m->num_certs && i < D13_MAX_CERTS; i++) {
        size_t cert = d13_write_vec_begin(w, 3);
        d13_write_bytes(w, m->certs[i].p, m->certs[i].len);
        d13_write_vec_end(w, cert, 3);
        d13_write_u16(w, 0); /* no extensions */
    }
    d13_write_vec_end(w, list, 3);
    return !d13_writer_failed(w);
}
