/* Outgoing flights: message storage, fragmentation into records that fit
 * the MTU, packing into datagrams, the burst limit of 10 records per
 * transmission (RFC 9147 5.8.3), the anti-amplification limit (5.1),
 * retransmission of what is not acknowledged (5.8, 7.2) and the RTT
 * measurement that sets the timer (5.8.2). */
#include <stdlib.h>
#include <string.h>

#include "handshake/engine.h"
#include "handshake/engine12.h"
#include "record/record12.h"

int d13_dgram_acquire(dtls13_conn *c)
{
    if (c->dgram) return DTLS13_OK;
    size_t need = 2 * (size_t)c->cfg->mtu;
    struct dtls13_datagram_buffer *b = c->shared_dgram;
    if (b && !b->busy && b->cap >= need) {
        b->busy = true;
        c->dgram = b->buf;
        c->dgram_borrowed = true;
        return DTLS13_OK;
    }
    c->dgram = malloc(need);
    c->dgram_borrowed = false;
    return c->dgram ? DTLS13_OK : DTLS13_ERR_NO_MEMORY;
}

void d13_dgram_release(dtls13_conn *c)
{
    if (!c->shared_dgram || !c->dgram || c->dgram_len) return;
    if (c->dgram_borrowed) c->shared_dgram->busy = false;
    else free(c->dgram);
    c->dgram = NULL;
    c->dgram_borrowed = false;
}

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

static size_t record_overhead(dtls13_conn *c, uint64_t epoch)
{
    if (epoch == 0) return D13_PLAINTEXT_HEADER_LEN;
    if (c->dtls12) {
        const d13_epoch_keys *k = write_keys(c, epoch);
        return k ? d12_record_overhead(k) : D12_RECORD_HEADER_LEN + D12_EXPLICIT_NONCE_LEN + D13_AEAD_TAG_LEN;
    }
    return D13_RECORD_OVERHEAD;
}

int d13_append_record(dtls13_conn *c, uint64_t epoch, uint8_t content_type, const uint8_t *data,
                      size_t len, uint64_t *seq_out)
{
    size_t mtu = c->cfg->mtu;
    size_t need = len + record_overhead(c, epoch);
    if (need > mtu) return DTLS13_ERR_INVALID_ARG;
    int acquired = d13_dgram_acquire(c);
    if (acquired) return acquired;
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
        int rc = k->dtls12 ? d12_record_seal(k, content_type, data, len, &w)
                           : d13_record_seal(k, content_type, data, len, 0, &w);
        if (rc) return rc;
    }
    c->dgram_len += d13_writer_len(&w);
    c->stats.records_out++;
    if (seq_out) *seq_out = seq;
    return DTLS13_OK;
}

/* The shortest retransmission timer. DTLS 1.3 follows the measured RTT
 * (RFC 9147 5.8.2), its ACKs tell the peer's receipt apart from its
 * processing. DTLS 1.2 has no ACKs: a flight is acknowledged by the peer's
 * next flight, whose delay includes signing and verifying, and the one
 * quick sample it gets, a stateless HelloVerifyRequest, includes neither;
 * so the timer keeps RFC 6347 4.2.4.1's fixed initial value as its floor
 * (otherwise a 1 ms HelloVerifyRequest round trip arms a 20 ms timer and
 * every later flight is sent several times before a slower peer answers). */
static uint64_t min_timeout_ms(const dtls13_conn *c)
{
    bool dtls12 = c->dtls12 || c->v12.hvr_count > 0 || !d13_config_allows_dtls13(c->cfg);
    return dtls12 && c->cfg->initial_timeout_ms > D13_MIN_TIMEOUT_MS ? c->cfg->initial_timeout_ms : D13_MIN_TIMEOUT_MS;
}

void d13_set_timeout_from_rtt(dtls13_conn *c, uint64_t rtt_ms)
{
    uint64_t t = rtt_ms + rtt_ms / 2;
    if (t < min_timeout_ms(c)) t = min_timeout_ms(c);
    if (t > D13_MAX_TIMEOUT_MS) t = D13_MAX_TIMEOUT_MS;
    c->timeout_ms = (uint32_t)t;
    c->base_timeout_ms = (uint32_t)t;
}

void d13_flight_clear(d13_flight *f)
{
    if (f->buf) {
        d13_cleanse(f->buf, f->buf_len);
        free(f->buf);
    }
    free(f->recs);
    memset(f, 0, sizeof(*f));
}

int d13_flight_begin(dtls13_conn *c, d13_flight *f)
{
    (void)c;
    d13_flight_clear(f);
    /* Only while a flight is outstanding: an established connection holds none. */
    f->buf = malloc(D13_FLIGHT_BUF);
    f->buf_cap = D13_FLIGHT_BUF;
    f->recs = calloc(D13_FLIGHT_MAX_RECORDS, sizeof(*f->recs));
    f->recs_cap = D13_FLIGHT_MAX_RECORDS;
    if (!f->buf || !f->recs) {
        d13_flight_clear(f);
        return DTLS13_ERR_NO_MEMORY;
    }
    return DTLS13_OK;
}

void d13_flight_shrink(d13_flight *f)
{
    if (!f->buf) return;
    if (f->buf_cap > f->buf_len) {
        /* Copy rather than realloc, so the freed tail is cleansed too. */
        uint8_t *kept = malloc(f->buf_len ? f->buf_len : 1);
        if (!kept) return; /* keeping the big buffer is fine */
        memcpy(kept, f->buf, f->buf_len);
        d13_cleanse(f->buf, f->buf_len);
        free(f->buf);
        f->buf = kept;
        f->buf_cap = f->buf_len;
    }
    /* The record list too: it is grown back if the flight is resent. */
    if (f->recs && f->recs_cap > f->num_recs) {
        d13_sent_record *recs = malloc((f->num_recs ? f->num_recs : 1) * sizeof(*recs));
        if (!recs) return;
        memcpy(recs, f->recs, f->num_recs * sizeof(*recs));
        free(f->recs);
        f->recs = recs;
        f->recs_cap = f->num_recs;
    }
}

/* Gives a kept flight its full record list back before it is resent. */
static int flight_grow_records(d13_flight *f)
{
    if (f->recs_cap >= D13_FLIGHT_MAX_RECORDS) return DTLS13_OK;
    d13_sent_record *recs = calloc(D13_FLIGHT_MAX_RECORDS, sizeof(*recs));
    if (!recs) return DTLS13_ERR_NO_MEMORY;
    memcpy(recs, f->recs, f->num_recs * sizeof(*recs));
    free(f->recs);
    f->recs = recs;
    f->recs_cap = D13_FLIGHT_MAX_RECORDS;
    return DTLS13_OK;
}

d13_writer d13_flight_body_writer(d13_flight *f)
{
    d13_writer w;
    if (!f->buf) {
        d13_writer_init(&w, NULL, 0);
        w.failed = true;
        return w;
    }
    d13_writer_init(&w, f->buf + f->buf_len, f->buf_cap - f->buf_len);
    return w;
}

int d13_flight_add(dtls13_conn *c, d13_flight *f, uint8_t msg_type, size_t len, uint64_t epoch,
                   bool add_to_transcript)
{
    if (!f->buf || !f->recs || f->num_msgs >= D13_FLIGHT_MAX_MSGS || f->buf_len + len > f->buf_cap)
        return DTLS13_ERR_BUFFER_TOO_SMALL;
    d13_out_msg *m = &f->msgs[f->num_msgs++];
    m->is_ccs = false;
    m->msg_type = msg_type;
    m->message_seq = c->next_send_seq++;
    m->epoch = epoch;
    m->body_off = f->buf_len;
    m->body_len = len;
    f->buf_len += len;
    if (!add_to_transcript) return DTLS13_OK;
    if (c->dtls12) return d12_hslog_add(c, msg_type, m->message_seq, f->buf + m->body_off, len);
    return d13_transcript_add(&c->transcript, msg_type, f->buf + m->body_off, len);
}

int d13_flight_add_ccs(dtls13_conn *c, d13_flight *f, uint64_t epoch)
{
    (void)c;
    if (!f->buf || !f->recs || f->num_msgs >= D13_FLIGHT_MAX_MSGS) return DTLS13_ERR_BUFFER_TOO_SMALL;
    d13_out_msg *m = &f->msgs[f->num_msgs++];
    memset(m, 0, sizeof(*m));
    m->is_ccs = true;
    m->epoch = epoch;
    m->body_off = f->buf_len;
    return DTLS13_OK;
}

/* The path MTU in use: after repeated timeouts, smaller records get through
 * paths whose real MTU is below the configured one. */
static size_t effective_mtu(const dtls13_conn *c, const d13_flight *f)
{
    size_t mtu = c->cfg->mtu;
    if (f->retransmits >= 3 && mtu / 2 >= 256) return mtu / 2;
    return mtu;
}

/* Anti-amplification (RFC 9147 5.1): until the client's address is
 * validated, a server sends at most three times what it received. */
static bool amplification_allows(const dtls13_conn *c, size_t more)
{
    if (c->role != DTLS13_ROLE_SERVER || c->address_validated) return true;
    return c->stats.bytes_out + c->dgram_len + more <= 3 * c->stats.bytes_in;
}

/* A slot to track a record being sent: a free one, else the newest
 * superseded transmission (the record just sent matters more than an old
 * copy of data sent again since), else NULL (then the record is not
 * tracked, as when the list was simply full). */
static d13_sent_record *new_record_slot(d13_flight *f)
{
    if (f->num_recs < f->recs_cap) return &f->recs[f->num_recs++];
    for (size_t r = f->num_recs; r-- > 0;) {
        if (f->recs[r].superseded && !f->recs[r].acked) return &f->recs[r];
    }
    return NULL;
}

/* Tracks a record just sent for message i. */
static void track_record(dtls13_conn *c, d13_flight *f, size_t i, uint64_t epoch, uint64_t seq, uint32_t off,
                         uint32_t len)
{
    d13_sent_record *r = new_record_slot(f);
    if (r == NULL) return;
    r->epoch = epoch;
    r->seq = seq;
    r->msg_index = (uint8_t)i;
    r->frag_off = off;
    r->frag_len = len;
    r->acked = false;
    r->superseded = false;
    r->sent_ms = c->now_ms;
}

/* A DTLS 1.2 ChangeCipherSpec: one record whose body is the byte 1. */
static int send_ccs(dtls13_conn *c, d13_flight *f, size_t i, size_t mtu, uint32_t *reached)
{
    static const uint8_t ccs[1] = {1};
    *reached = 0;
    if (c->burst_records >= D13_MAX_RECORDS_PER_TRANSMISSION) return DTLS13_OK;
    uint64_t epoch = f->msgs[i].epoch;
    if (c->dgram_len + sizeof(ccs) + record_overhead(c, epoch) > mtu) d13_flush_datagram(c);
    uint64_t seq = 0;
    int rc = d13_append_record(c, epoch, D13_CT_CHANGE_CIPHER_SPEC, ccs, sizeof(ccs), &seq);
    if (rc) return rc;
    c->burst_records++;
    track_record(c, f, i, epoch, seq, 0, 0);
    return DTLS13_OK;
}

/* Sends records for bytes [off, end) of message i. Stops early (returning
 * the offset reached in *reached) when the burst or amplification limit
 * is hit. */
static int send_message_range(dtls13_conn *c, d13_flight *f, size_t i, uint32_t off, uint32_t end, uint32_t *reached)
{
    const d13_out_msg *m = &f->msgs[i];
    size_t mtu = effective_mtu(c, f);
    if (m->is_ccs) return send_ccs(c, f, i, mtu, reached);
    size_t overhead = record_overhead(c, m->epoch) + D13_HS_HEADER_LEN;
    int rc = DTLS13_OK;
    do {
        if (c->burst_records >= D13_MAX_RECORDS_PER_TRANSMISSION) break;
        size_t room = c->dgram_len < mtu ? mtu - c->dgram_len : 0;
        /* Start a new datagram rather than sending a tiny fragment. */
        if (room < overhead + 64 && room < overhead + (end - off)) {
            d13_flush_datagram(c);
            room = mtu;
        }
        uint32_t frag_len = (uint32_t)(room - overhead);
        if (frag_len > end - off) frag_len = end - off;
        if (!amplification_allows(c, frag_len + overhead)) break;
        /* hs header + fragment in the scratch half of the datagram buffer. */
        rc = d13_dgram_acquire(c);
        if (rc) break;
        uint8_t *scratch = c->dgram + c->cfg->mtu;
        d13_writer w;
        d13_writer_init(&w, scratch, c->cfg->mtu);
        d13_hs_header h = {m->msg_type, (uint32_t)m->body_len, m->message_seq, off, frag_len};
        d13_hs_header_write(&w, &h);
        d13_write_bytes(&w, f->buf + m->body_off + off, frag_len);
        if (d13_writer_failed(&w)) return DTLS13_ERR_BUFFER_TOO_SMALL;
        uint64_t seq = 0;
        if (c->dgram_len + d13_writer_len(&w) + record_overhead(c, m->epoch) > mtu) d13_flush_datagram(c);
        rc = d13_append_record(c, m->epoch, D13_CT_HANDSHAKE, scratch, d13_writer_len(&w), &seq);
        if (rc) break;
        c->burst_records++;
        track_record(c, f, i, m->epoch, seq, off, frag_len);
        off += frag_len;
    } while (off < end);
    *reached = off;
    return rc;
}

int d13_flight_pump(dtls13_conn *c, d13_flight *f)
{
    if (!f->buf) return DTLS13_OK;
    c->burst_records = 0;
    while (f->next_msg < f->num_msgs) {
        uint32_t len = (uint32_t)f->msgs[f->next_msg].body_len;
        uint32_t reached = f->next_off;
        unsigned records_before = c->burst_records;
        int rc = send_message_range(c, f, f->next_msg, f->next_off, len, &reached);
        if (rc) return rc;
        f->next_off = reached;
        /* An empty message (ServerHelloDone, ChangeCipherSpec) is sent when
         * it produced a record. */
        if (reached < len || (len == 0 && c->burst_records == records_before)) break;
        f->next_msg++;
        f->next_off = 0;
    }
    return d13_flush_datagram(c);
}

int d13_flight_send(dtls13_conn *c, d13_flight *f, bool needs_ack)
{
    /* After a long idle period the timer may go back to its initial value. */
    if (c->last_flight_ms && c->now_ms - c->last_flight_ms > 10ull * c->timeout_ms)
        c->timeout_ms = c->cfg->initial_timeout_ms;
    c->last_flight_ms = c->now_ms;
    /* An RTT estimate given before the version was known, now 1.2. */
    if (c->timeout_ms < min_timeout_ms(c)) c->timeout_ms = c->base_timeout_ms = (uint32_t)min_timeout_ms(c);
    f->next_msg = 0;
    f->next_off = 0;
    f->active = true;
    f->needs_ack = needs_ack;
    f->first_sent_ms = c->now_ms;
    f->deadline = c->now_ms + c->timeout_ms;
    /* A new flight of ours starts a new incoming flight to acknowledge. */
    c->num_rx_records = 0;
    c->ack_deadline = 0;
    return d13_flight_pump(c, f);
}

/* Whether byte range [off, off+len) of message i is covered by one acked record. */
static bool range_acked(const d13_flight *f, size_t i, uint32_t off, uint32_t len)
{
    for (size_t r = 0; r < f->num_recs; r++) {
        const d13_sent_record *s = &f->recs[r];
        if (s->acked && s->msg_index == i && s->frag_off <= off && s->frag_off + s->frag_len >= off + len)
            return true;
    }
    return false;
}

/* Sends every unacknowledged record again, then whatever the first
 * transmission has not reached yet. */
static int resend_unacked(dtls13_conn *c, d13_flight *f)
{
    /* Keep the acknowledged records; the others are sent again with new
     * record numbers (at most 10 records in this transmission). */
    int grown = flight_grow_records(f);
    if (grown) return grown;
    d13_sent_record old[D13_FLIGHT_MAX_RECORDS];
    bool resent[D13_FLIGHT_MAX_RECORDS] = {false};
    size_t num_old = f->num_recs;
    memcpy(old, f->recs, num_old * sizeof(old[0]));
    size_t kept = 0;
    for (size_t r = 0; r < num_old; r++) {
        if (old[r].acked) f->recs[kept++] = old[r];
    }
    f->num_recs = kept;
    c->burst_records = 0;
    int rc = DTLS13_OK;
    for (size_t r = 0; r < num_old && rc == 0; r++) {
        if (old[r].acked || old[r].superseded ||
            range_acked(f, old[r].msg_index, old[r].frag_off, old[r].frag_len))
            continue;
        uint32_t end = old[r].frag_off + old[r].frag_len, reached = 0;
        if (c->burst_records >= D13_MAX_RECORDS_PER_TRANSMISSION) {
            /* Not sent this time: keep it listed so the next timeout resends it. */
            if (f->num_recs < D13_FLIGHT_MAX_RECORDS) f->recs[f->num_recs++] = old[r];
            continue;
        }
        rc = send_message_range(c, f, old[r].msg_index, old[r].frag_off, end, &reached);
        resent[r] = true;
        if (rc == 0 && reached < end && f->num_recs < D13_FLIGHT_MAX_RECORDS) {
            d13_sent_record rest = old[r];
            rest.frag_off = reached;
            rest.frag_len = end - reached;
            f->recs[f->num_recs++] = rest;
        }
    }
    /* The transmissions just replaced stay listed while there is room, then
     * older ones: an ACK that names them still acknowledges their data (the
     * peer's ACK may have crossed our retransmission). new_record_slot()
     * reuses these slots first when the list is full. */
    for (size_t r = 0; r < num_old && f->num_recs < D13_FLIGHT_MAX_RECORDS; r++) {
        if (!resent[r]) continue;
        f->recs[f->num_recs] = old[r];
        f->recs[f->num_recs++].superseded = true;
    }
    for (size_t r = 0; r < num_old && f->num_recs < D13_FLIGHT_MAX_RECORDS; r++) {
        if (old[r].superseded && !old[r].acked) f->recs[f->num_recs++] = old[r];
    }
    d13_flush_datagram(c);
    if (rc) return rc;
    /* Then whatever the first transmission has not reached yet. */
    unsigned used = c->burst_records;
    if (used < D13_MAX_RECORDS_PER_TRANSMISSION && f->next_msg < f->num_msgs) {
        rc = d13_flight_pump(c, f);
    }
    return rc;
}

int d13_flight_retransmit(dtls13_conn *c, d13_flight *f)
{
    if (!f->active) return DTLS13_OK;
    f->retransmits++; /* before sending: the MTU backoff counts this one */
    c->stats.retransmissions++;
    return resend_unacked(c, f);
}

int d13_flight_answer_retransmission(dtls13_conn *c, d13_flight *f)
{
    if (!f->active) return DTLS13_OK;
    c->stats.retransmissions++;
    return resend_unacked(c, f);
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

void d13_flight_implicit_ack(dtls13_conn *c, d13_flight *f)
{
    /* After early resends only, the timer already holds the clean sample
     * of the partial ACK; first_sent_ms would include the recovery. */
    if (f->active && f->retransmits == 0 && f->early_resends == 0) {
        d13_set_timeout_from_rtt(c, c->now_ms - f->first_sent_ms);
    } else if (f->active) {
        /* Answered after retransmissions: the RTT sample would be ambiguous
         * (Karn), but the peer's flight proves the path delivers again, so
         * the backoff ends and the timer returns to its last good value, as
         * deployed DTLS stacks do; otherwise a handshake with several round
         * trips (HelloRetryRequest) over a 30 % loss path keeps timers of
         * tens of seconds. */
        c->timeout_ms = c->base_timeout_ms;
    }
    d13_flight_clear(f);
}

/* Whether a record of f that is still unacknowledged was last sent at
 * least age_ms before now. */
static bool unacked_older_than(const d13_flight *f, uint64_t now_ms, uint64_t age_ms)
{
    bool any = false;
    for (size_t r = 0; r < f->num_recs; r++) {
        const d13_sent_record *s = &f->recs[r];
        if (s->acked || s->superseded) continue;
        if (s->sent_ms + age_ms > now_ms) return false;
        any = true;
    }
    return any;
}

/* About one round trip: the timer's last good value is 1.5 RTT
 * (d13_set_timeout_from_rtt). */
static uint64_t rtt_floor_ms(const dtls13_conn *c)
{
    return (uint64_t)c->base_timeout_ms * 2 / 3;
}

bool d13_flight_on_ack(dtls13_conn *c, d13_flight *f, const d13_ack *ack)
{
    if (!f->active) return false;
    bool any = false, repeated = false;
    uint64_t newest_sent = 0;
    for (size_t a = 0; a < ack->num_records; a++) {
        for (size_t r = 0; r < f->num_recs; r++) {
            if (f->recs[r].epoch != ack->records[a].epoch || f->recs[r].seq != ack->records[a].seq) continue;
            if (f->recs[r].acked) {
                repeated = true;
                continue;
            }
            f->recs[r].acked = true;
            any = true;
            if (f->recs[r].sent_ms > newest_sent) newest_sent = f->recs[r].sent_ms;
        }
    }
    if (!any) {
        /* The same partial ACK again: the peer is waiting in the middle of
         * this flight and repeats its ACK on its timer (receive.c). What it
         * still misses was lost again; resend it now rather than at our
         * own, backed-off timer, unless our last transmission is younger
         * than a round trip (the ACK may have crossed it). */
        if (repeated && unacked_older_than(f, c->now_ms, rtt_floor_ms(c))) {
            f->early_resends++;
            c->stats.retransmissions++;
            resend_unacked(c, f);
        }
        return false;
    }
    /* Record numbers are never reused, so an ACK gives an unambiguous RTT
     * sample even for a retransmitted record (RFC 9147 5.8.2, 7). */
    if (newest_sent && c->now_ms >= newest_sent) d13_set_timeout_from_rtt(c, c->now_ms - newest_sent);
    bool complete = f->next_msg >= f->num_msgs;
    for (size_t i = 0; i < f->num_msgs && complete; i++) {
        if (!message_acked(f, i)) complete = false;
    }
    if (complete) {
        d13_flight_implicit_ack(c, f);
        return true;
    }
    /* Partial ACK: the peer is receiving. A record sent no later than the
     * newest one it acknowledged and still unacknowledged was lost (the
     * peer ACKs a partial flight only after a disruption or a quarter of
     * its timer, RFC 9147 7.1): resend what is missing now, as 5.8.1 and
     * 7.2 ask, instead of at our timer, which after backoff can be seconds
     * away. The timer is re-armed with the value just measured, not
     * doubled: the path delivers. Otherwise send what the limits held back. */
    bool lost = false;
    for (size_t r = 0; r < f->num_recs && !lost; r++) {
        const d13_sent_record *s = &f->recs[r];
        if (!s->acked && !s->superseded && s->sent_ms <= newest_sent) lost = true;
    }
    if (lost) {
        f->early_resends++;
        c->stats.retransmissions++;
        resend_unacked(c, f);
        f->deadline = c->now_ms + c->timeout_ms;
        return false;
    }
    d13_flight_pump(c, f);
    return false;
}
