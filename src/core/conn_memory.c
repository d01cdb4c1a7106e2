/* dtls13_conn_memory_bytes(): the heap a connection holds in the
 * library's own buffers. */
#include "dtls13/conn.h"
#include "handshake/engine.h"

static size_t flight_bytes(const d13_flight *f)
{
    if (!f->buf) return 0;
    return f->buf_cap + (f->recs ? f->recs_cap * sizeof(*f->recs) : 0);
}

static size_t reasm_bytes(const d13_reasm *r)
{
    size_t n = 0;
    for (size_t i = 0; i < D13_REASM_SLOTS; i++) {
        const d13_reasm_slot *s = &r->slots[i];
        if (!s->body) continue;
        size_t cap = s->length ? s->length : 1;
        n += cap + (cap + 7) / 8;
    }
    return n;
}

size_t dtls13_conn_memory_bytes(const dtls13_conn *c)
{
    if (!c) return 0;
    size_t n = sizeof(*c);
    if (c->dgram && !c->dgram_borrowed) n += 2 * (size_t)c->cfg->mtu; /* its own datagram scratch */
    n += flight_bytes(&c->flight) + flight_bytes(&c->ku_flight);
    n += reasm_bytes(&c->reasm);
    n += c->rq.cap;
    if (c->v12.log.buf) n += c->v12.log.cap;
    if (c->peer_cert) n += c->peer_cert_len;
    if (c->hrr_cookie) n += c->hrr_cookie_len;
    return n;
}
