/* Outgoing flights: message storage, fragmentation into records that fit
 * the MTU, packing into datagrams, retransmission and ACK processing
 * (RFC 9147 5.5, 5.8, 7). */
#include <stdlib.h>
#include <string.h>

#include "handshake/engine.h"

int d13_flush_datagram(dtls13_conn *c)
{
    if (c->dgram_len == 0) return DTLS13_OK;
    int rc = c->send(c->send_user, c->dgram, c->dgram_len);
    c->stats.datagrams_out++;
    c->stats.bytes_out += c->dgram_len;
    if (rc < 0) c->stats.send_failures++;
    c->dgram_len = 0;
    return DTLS13_OK;
}

static d13_epoch_keys *write_keys(dtls13_conn *c, uint64_t epoch)
{
    if (c->write_hs.installed && c->write_hs.epoch == epoch) return &c->write_hs;
    if (c->write_app.installed && c->write_app.epoch == epoch) return &c->write_app;
    return NULL;
}

static size_t record_overhead(uint64_t epoch)
{
    return epoch == 0 ? D13_PLAINTEXT_HEADER_LEN : D13_RECORD_OVERHEAD;
}

int d13_append_record(dtls13_conn *c, uint64_t epoch, uint8_t content_type, const uint8_t *data,
                      size_t len, uint64_t *seq_out)
{
    size_t mtu = c->cfg->mtu;
    size_t need = len + record_overhead(epoch);
    if (need > mtu) return DTLS13_ERR_INVALID_ARG;
    if (c->dgram_len + need > mtu) d13_flush_datagram(c);
    d13_writer w;
    d13_writer_init(&w, c->dgram + c->dgram_len, mtu - c->dgram_len);
    uint64_t seq;
    if (epoch == 0) {
        seq = c->epoch0_write_seq++;
        if (!d13_plaintext_write(&w, content_type, DTLS13_VERSION_DTLS12, seq, data, len))
            return DTLS13_ERR_BUFFER_TOO_SMALL;
    } else {
        d13_epoch_keys *k = write_keys(c, epoch);
        if (!k) return DTLS13_ERR_BAD_STATE;
        seq = k->next_seq;
        int rc = d13_record_seal(k, content_type, data, len, 0, &w);
        if (rc) return rc;
    }
    c->dgram_len += d13_writer_len(&w);
    c->stats.records_out++;
    if (seq_out) *seq_out = seq;
    return DTLS13_OK;
}

void d13_flight_clear(dtls13_conn *c)
{
    d13_flight *f = &c->flight;
    if (f->buf) {
        d13_cleanse(f->buf, f->buf_len);
        free(f->buf);
    }
    memset(f, 0, sizeof(*f));
}

int d13_flight_begin(dtls13_conn *c)
{
    d13_flight_clear(c);
    c->flight.buf = malloc(D13_FLIGHT_BUF);
    if (!c->flight.buf) return DTLS13_ERR_NO_MEMORY;
    return DTLS13_OK;
}

d13_writer d13_flight_body_writer(dtls13_conn *c)
{
    d13_writer w;
    d13_flight *f = &c->flight;
    if (!f->buf) {
        d13_writer_init(&w, NULL, 0);
        w.failed = true;
        return w;
    }
    d13_writer_init(&w, f->buf + f->buf_len, D13_FLIGHT_BUF - f->buf_len);
    return w;
}

int d13_flight_add(dtls13_conn *c, uint8_t msg_type, size_t len, uint64_t epoch, bool add_to_transcript)
{
    d13_flight *f = &c->flight;
    if (!f->buf || f->num_msgs >= D13_FLIGHT_MAX_MSGS || f->buf_len + len > D13_FLIGHT_BUF)
        return DTLS13_ERR_BUFFER_TOO_SMALL;
    d13_out_msg *m = &f->msgs[f->num_msgs++];
    m->msg_type = msg_type;
    m->message_seq = c->next_send_seq++;
    m->epoch = epoch;
    m->body_off = f->buf_len;
    m->body_len = len;
    f->buf_len += len;
    if (add_to_transcript) return d13_transcript_add(&c->transcript, msg_type, f->buf + m->body_off, len);
    return DTLS13_OK;
}

/* Sends fragments [off, end) of message i as records. */
static int send_message_range(dtls13_conn *c, size_t i, uint32_t off, uint32_t end)
{
    d13_flight *f = &c->flight;
    const d13_out_msg *m = &f->msgs[i];
    size_t mtu = c->cfg->mtu;
    size_t overhead = record_overhead(m->epoch) + D13_HS_HEADER_LEN;
    do {
        size_t room = mtu - c->dgram_len;
        /* Start a new datagram rather than sending a tiny fragment. */
        if (room < overhead + 64 && room < overhead + (end - off)) {
            d13_flush_datagram(c);
            room = mtu;
        }
        uint32_t frag_len = (uint32_t)(room - overhead);
        if (frag_len > end - off) frag_len = end - off;
        /* hs header + fragment, assembled in the tail of the datagram buffer's
         * scratch area: the record layer copies it into the datagram. */
        uint8_t *scratch = c->dgram + mtu; /* dgram has 2*mtu bytes: second half is scratch */
        d13_writer w;
        d13_writer_init(&w, scratch, mtu);
        d13_hs_header h = {m->msg_type, (uint32_t)m->body_len, m->message_seq, off, frag_len};
        d13_hs_header_write(&w, &h);
        d13_write_bytes(&w, f->buf + m->body_off + off, frag_len);
        if (d13_writer_failed(&w)) return DTLS13_ERR_BUFFER_TOO_SMALL;
        uint64_t seq = 0;
        int rc = d13_append_record(c, m->epoch, D13_CT_HANDSHAKE, scratch, d13_writer_len(&w), &seq);
        if (rc) return rc;
        if (f->num_recs < D13_FLIGHT_MAX_RECORDS) {
            d13_sent_record *r = &f->recs[f->num_recs++];
            r->epoch = m->epoch;
            r->seq = seq;
            r->msg_index = (uint8_t)i;
            r->frag_off = off;
            r->frag_len = frag_len;
            r->acked = false;
        }
        off += frag_len;
    } while (off < end);
    return DTLS13_OK;
}

int d13_flight_send(dtls13_conn *c, bool needs_ack)
{
    d13_flight *f = &c->flight;
    for (size_t i = 0; i < f->num_msgs; i++) {
        int rc = send_message_range(c, i, 0, (uint32_t)f->msgs[i].body_len);
        if (rc) return rc;
    }
    d13_flush_datagram(c);
    f->active = true;
    f->needs_ack = needs_ack;
    f->deadline = c->now_ms + c->timeout_ms;
    return DTLS13_OK;
}

/* Whether byte range [off, off+len) of message i is covered by acked records. */
static bool range_acked(const d13_flight *f, size_t i, uint32_t off, uint32_t len)
{
    for (size_t r = 0; r < f->num_recs; r++) {
        const d13_sent_record *s = &f->recs[r];
        if (s->acked && s->msg_index == i && s->frag_off <= off && s->frag_off + s->frag_len >= off + len)
            return true;
    }
    return false;
}

int d13_flight_retransmit(dtls13_conn *c)
{
    d13_flight *f = &c->flight;
    if (!f->active) return DTLS13_OK;
    /* Keep the records of earlier transmissions that were acknowledged;
     * forget the rest (they will get new record numbers). */
    d13_sent_record kept[D13_FLIGHT_MAX_RECORDS];
    size_t num_kept = 0;
    for (size_t r = 0; r < f->num_recs; r++) {
        if (f->recs[r].acked) kept[num_kept++] = f->recs[r];
    }
    d13_sent_record old[D13_FLIGHT_MAX_RECORDS];
    size_t num_old = f->num_recs;
    memcpy(old, f->recs, num_old * sizeof(old[0]));
    memcpy(f->recs, kept, num_kept * sizeof(kept[0]));
    f->num_recs = num_kept;
    for (size_t i = 0; i < f->num_msgs; i++) {
        /* Resend each previously sent fragment of message i that is not acked. */
        bool any = false;
        for (size_t r = 0; r < num_old; r++) {
            if (old[r].msg_index != i) continue;
            any = true;
            if (old[r].acked || range_acked(f, i, old[r].frag_off, old[r].frag_len)) continue;
            int rc = send_message_range(c, i, old[r].frag_off, old[r].frag_off + old[r].frag_len);
            if (rc) return rc;
        }
        if (!any) {
            int rc = send_message_range(c, i, 0, (uint32_t)f->msgs[i].body_len);
            if (rc) return rc;
        }
    }
    d13_flush_datagram(c);
    c->stats.retransmissions++;
    f->retransmits++;
    return DTLS13_OK;
}

/* Whether acked records cover all of message i (an empty message: any acked record). */
static bool message_acked(const d13_flight *f, size_t i)
{
    uint32_t len = (uint32_t)f->msgs[i].body_len;
    uint32_t covered = 0;
    bool found = true;
    while (found && covered < len) {
        found = false;
        for (size_t r = 0; r < f->num_recs; r++) {
            const d13_sent_record *s = &f->recs[r];
            if (s->acked && s->msg_index == i && s->frag_off <= covered && s->frag_off + s->frag_len > covered) {
                covered = s->frag_off + s->frag_len;
                found = true;
            }
        }
    }
    if (len > 0) return covered >= len;
    for (size_t r = 0; r < f->num_recs; r++) {
        if (f->recs[r].acked && f->recs[r].msg_index == i) return true;
    }
    return false;
}

void d13_flight_on_ack(dtls13_conn *c, const d13_ack *ack)
{
    d13_flight *f = &c->flight;
    if (!f->active) return;
    for (size_t a = 0; a < ack->num_records; a++) {
        for (size_t r = 0; r < f->num_recs; r++) {
            if (f->recs[r].epoch == ack->records[a].epoch && f->recs[r].seq == ack->records[a].seq)
                f->recs[r].acked = true;
        }
    }
    /* The flight is done when every byte of every message is acknowledged. */
    for (size_t i = 0; i < f->num_msgs; i++) {
        if (!message_acked(f, i)) return;
    }
    d13_flight_clear(c);
}
