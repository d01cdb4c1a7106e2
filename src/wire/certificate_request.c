/* CertificateRequest codec (RFC 8446 4.3.2). */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_certificate_request_decode(const uint8_t *body, size_t len, d13_certificate_request *out)
{
    d13_reader r, context;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_vec8(&r, &context)) return DTLS13_ALERT_DECODE_ERROR;
    d13_read_rest(&context, &out->context.p, &out->context.len);
    int rc = d13_extensions_read(&r, D13_EXTCTX_CERTIFICATE_REQUEST, &out->ext);
    if (rc != 0) return rc;
    if (!d13_reader_done(&r)) return DTLS13_ALERT_DECODE_ERROR;
    if (!(out->ext.present & D13_HAS_SIGNATURE_ALGORITHMS)) return DTLS13_ALERT_MISSING_EXTENSION;
    return 0;
}

bool d13_certificate_request_encode(d13_writer *w, const d13_certificate_request *m)
{
    size_t mark = d13_write_vec_begin(w, 1);
    d13_write_bytes(w, m->context.p, m->context.len);
    d13_write_vec_end(w, mark, 1);
    return d13_extensions_encode(w, D13_EXTCTX_CERTIFICATE_REQUEST, &m->ext);
}
