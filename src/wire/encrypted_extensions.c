/* EncryptedExtensions codec (RFC 8446 4.3.1). */
#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_encrypted_extensions_decode(const uint8_t *body, size_t len, d13_encrypted_extensions *out)
{
    d13_reader r;
    d13_reader_init(&r, body, len);
    int rc = d13_extensions_read(&r, D13_EXTCTX_ENCRYPTED_EXTENSIONS, &out->ext);
    if (rc != 0) return rc;
    return d13_reader_done(&r) ? 0 : DTLS13_ALERT_DECODE_ERROR;
}

bool d13_encrypted_extensions_encode(d13_writer *w, const d13_encrypted_extensions *m)
{
    return d13_extensions_encode(w, D13_EXTCTX_ENCRYPTED_EXTENSIONS, &m->ext);
}
