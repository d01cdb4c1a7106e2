/* NewSessionTicket codec (RFC 8446 4.6.1). */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"

int d13_new_session_ticket_decode(const uint8_t *body, size_t len, d13_new_session_ticket *out)
{
    d13_reader r, nonce, ticket;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_u32(&r, &out->lifetime) || !d13_read_u32(&r, &out->age_add) ||
        !d13_read_vec8(&r, &nonce) || !d13_read_vec16(&r, &ticket) ||
        d13_reader_remaining(&ticket) == 0)
        return DTLS13_ALERT_DECODE_ERROR;
    d13_read_rest(&nonce, &out->nonce.p, &out->nonce.len);
    d13_read_rest(&ticket, &out->ticket.p, &out->ticket.len);
    int rc = d13_extensions_read(&r, D13_EXTCTX_NEW_SESSION_TICKET, &out->ext);
    if (rc != 0) return rc;
    return d13_reader_done(&r) ? 0 : DTLS13_ALERT_DECODE_ERROR;
}

bool d13_new_session_ticket_encode(d13_writer *w, const d13_new_session_ticket *m)
{
    d13_write_u32(w, m->lifetime);
    d13_write_u32(w, m->age_add);
    size_t mark = d13_write_vec_begin(w, 1);
    d13_write_bytes(w, m->nonce.p, m->nonce.len);
    d13_write_vec_end(w, mark, 1);
    mark = d13_write_vec_begin(w, 2);
    d13_write_bytes(w, m->ticket.p, m->ticket.len);
    d13_write_vec_end(w, mark, 2);
    return d13_extensions_encode(w, D13_EXTCTX_NEW_SESSION_TICKET, &m->ext);
}
