/* Receive path: record demultiplexing by epoch and content type,
 * handshake reassembly and dispatch, alerts, ACKs, application data. */
#include "handshake/receive.h"

#include <stdlib.h>
#include <string.h>

#include "dtls13/constants.h"
#include "handshake/engine12.h"
#include "record/record12.h"

static void count_drop(dtls13_conn *c, d13_drop_reason reason)
{
    switch (reason) {
    case D13_DROP_BAD_HEADER: c->stats.dropped_bad_header++; break;
    case D13_DROP_BAD_TAG: c->stats.dropped_bad_tag++; break;
    case D13_DROP_UNKNOWN_EPOCH: c->stats.dropped_unknown_epoch++; break;
    case D13_DROP_REPLAY: c->stats.dropped_replay++; break;
    default: c->stats.dropped_unexpected++; break;
    }
}

/* The previous application epoch is kept only for a while after a KeyUpdate. */
static void drop_expired_prev_epoch(dtls13_conn *c)
{
    if (c->read_prev.installed && c->now_ms >= c->read_prev_expiry) d13_epoch_keys_clear(&c->read_prev);
}

/* Read keys whose epoch matches the 2 low bits; the newest wins. */
static d13_epoch_keys *read_keys_for(dtls13_conn *c, uint8_t epoch_bits)
{
    drop_expired_prev_epoch(c);
    if (c->read_app.installed && (c->read_app.epoch & 3) == epoch_bits) return &c->read_app;
    if (c->read_prev.installed && (c->read_prev.epoch & 3) == epoch_bits) return &c->read_prev;
    if (c->read_hs.installed && (c->read_hs.epoch & 3) == epoch_bits) return &c->read_hs;
    return NULL;
}

/* Makes room for need more bytes at the tail: compacts, then grows the
 * buffer (doubling, up to D13_READ_QUEUE_CAP). A connection that only
 * ever receives small records keeps a small queue. */
static bool read_queue_reserve(d13_read_queue *q, size_t need)
{
    if (q->tail + need <= q->cap) return true;
    if (q->head > 0) {
        memmove(q->buf, q->buf + q->head, q->tail - q->head);
        q->tail -= q->head;
        q->head = 0;
        if (q->tail + need <= q->cap) return true;
    }
    size_t cap = q->cap ? q->cap : D13_READ_QUEUE_INITIAL;
    while (cap < q->tail + need && cap < D13_READ_QUEUE_CAP) cap *= 2;
    if (cap > D13_READ_QUEUE_CAP) cap = D13_READ_QUEUE_CAP;
    if (q->tail + need > cap) return false;
    /* A fresh buffer rather than realloc, so the old one is cleansed. */
    uint8_t *nb = malloc(cap);
    if (!nb) return false;
    if (q->buf) {
        memcpy(nb, q->buf, q->tail);
        d13_cleanse(q->buf, q->cap);
        free(q->buf);
    }
    q->buf = nb;
    q->cap = cap;
    return true;
}

bool d13_read_queue_push(dtls13_conn *c, const uint8_t *data, size_t len)
{
    d13_read_queue *q = &c->rq;
    if (!read_queue_reserve(q, 2 + len)) return false;
    q->buf[q->tail] = (uint8_t)(len >> 8);
    q->buf[q->tail + 1] = (uint8_t)len;
    if (len) memcpy(q->buf + q->tail + 2, data, len);
    q->tail += 2 + len;
    return true;
}

int d13_read_queue_pop(dtls13_conn *c, uint8_t *buf, size_t cap)
{
    d13_read_queue *q = &c->rq;
    if (!q->buf || q->head == q->tail) return DTLS13_ERR_WOULD_BLOCK;
    size_t len = (size_t)q->buf[q->head] << 8 | q->buf[q->head + 1];
    if (len > cap) return DTLS13_ERR_BUFFER_TOO_SMALL;
    if (len) memcpy(buf, q->buf + q->head + 2, len);
    q->head += 2 + len;
    if (q->head == q->tail) q->head = q->tail = 0;
    return (int)len;
}

void d13_read_queue_free(dtls13_conn *c)
{
    if (c->rq.buf) {
        d13_cleanse(c->rq.buf, c->rq.cap);
        free(c->rq.buf);
    }
    c->rq.buf = NULL;
    c->rq.cap = 0;
}

/* The peer retransmitted a message we already processed: our reply was
 * probably lost. During the handshake answer with our current flight;
 * once our side is finished, acknowledge the records again (RFC 9147 5.8,
 * 7). Rate-limited to one answer per quarter timeout. */
static void on_old_message(dtls13_conn *c)
{
    if (c->dtls12) {
        d12_on_old_message(c);
        return;
    }
    /* A client whose final flight is unacknowledged sees the server repeat
     * its flight: our final flight was lost, so it is resent below. In every
     * other finished state, acknowledge once the whole datagram is read, so
     * that one ACK covers every record of the retransmitted flight. */
    if (c->hs == D13_HS_DONE && !(c->role == DTLS13_ROLE_CLIENT && c->flight.active)) {
        c->ack_after_datagram = true;
        /* The client is still retransmitting: keep answering it. */
        if (c->hs_keys_expiry) c->hs_keys_expiry = c->now_ms + d13_hs_keys_linger_ms(c);
        return;
    }
    if (c->last_old_retransmit_ms && c->now_ms - c->last_old_retransmit_ms < c->timeout_ms / 4 + 1) return;
    c->last_old_retransmit_ms = c->now_ms;
    if (c->flight.active) d13_flight_answer_retransmission(c, &c->flight);
}

/* Messages after the handshake (RFC 8446 4.6, RFC 9147 5.8.4, 8). */
static int handle_post_handshake(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    if (epoch < 3) return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "post-handshake message outside application epochs");
    int rc;
    if (type == D13_HS_KEY_UPDATE) {
        rc = d13_handle_key_update(c, body, len, epoch);
    } else if (type == D13_HS_NEW_SESSION_TICKET && c->role == DTLS13_ROLE_CLIENT) {
        d13_new_session_ticket nst;
        int alert = d13_new_session_ticket_decode(body, len, &nst);
        if (alert) return d13_fail(c, (uint8_t)alert, "malformed NewSessionTicket");
        rc = DTLS13_OK; /* no resumption: tolerated and ignored */
    } else {
        return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected post-handshake message");
    }
    if (rc) return rc;
    /* Post-handshake messages are acknowledged right away (RFC 9147 7). */
    rc = d13_send_ack(c);
    c->num_rx_records = 0;
    return rc;
}

static int dispatch_message(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    if (c->hs == D13_HS_DONE)
        return c->dtls12 ? d12_handle_post_handshake(c, type, body, len, epoch)
                         : handle_post_handshake(c, type, body, len, epoch);
    if (c->role == DTLS13_ROLE_CLIENT) return d13_client_handle(c, type, body, len, epoch);
    return d13_server_handle(c, type, body, len, epoch);
}

static int handle_handshake_record(dtls13_conn *c, const uint8_t *p, size_t len, uint64_t epoch, uint64_t seq)
{
    d13_reader r;
    d13_reader_init(&r, p, len);
    bool disorder = false, stored = false;
    while (d13_reader_remaining(&r) > 0) {
        d13_hs_header h;
        d13_bytes frag;
        int alert = d13_hs_header_read(&r, &h, &frag);
        if (alert) return d13_fail(c, (uint8_t)alert, "malformed handshake fragment");
        if (c->hs == D13_HS_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
        /* A DTLS 1.2 renegotiation starts again at message_seq 0 (RFC 6347
         * 4.2.2; GnuTLS numbers its repeats 1, 2, ...) in the current epoch:
         * a ClientHello or HelloRequest there is never a retransmission of
         * the handshake that finished (its ClientHello was in epoch 0), but
         * a new handshake, which is refused whatever its message_seq. */
        if (c->dtls12 && c->hs == D13_HS_DONE && epoch >= 1 && d12_is_renegotiation_request(c, h.msg_type)) {
            if (h.fragment_offset != 0) {
                c->stats.dropped_unexpected++;
                continue;
            }
            int rc = d12_handle_post_handshake(c, h.msg_type, frag.p, h.fragment_length, epoch);
            if (rc) return rc;
            continue;
        }
        /* Before our first flight the server has nothing to ACK with. */
        bool next_piece = h.message_seq == c->next_recv_seq;
        d13_reasm_result res = d13_reasm_add(&c->reasm, c->next_recv_seq, &h, frag.p, epoch);
        if (res == D13_REASM_TOO_BIG) return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "handshake message too large");
        if (res == D13_REASM_NO_MEMORY) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
        if (res == D13_REASM_OLD) {
            if (c->hs == D13_HS_DONE) d13_note_rx_record(c, epoch, seq);
            on_old_message(c);
            continue;
        }
        if (res == D13_REASM_DUPLICATE) {
            /* The peer is retransmitting what we already have: our ACK was
             * probably lost, so acknowledge again. */
            d13_note_rx_record(c, epoch, seq);
            disorder = true;
            continue;
        }
        if (res == D13_REASM_TOO_FAR || res == D13_REASM_MISMATCH) {
            c->stats.dropped_unexpected++;
            disorder = true;
            continue;
        }
        d13_note_rx_record(c, epoch, seq);
        stored = true;
        if (!next_piece) disorder = true;
        const d13_reasm_slot *s;
        while ((s = d13_reasm_complete(&c->reasm, c->next_recv_seq)) != NULL) {
            uint16_t mseq = s->message_seq;
            c->next_recv_seq++;
            int rc = dispatch_message(c, s->msg_type, s->body, s->length, s->epoch);
            d13_reasm_release(&c->reasm, mseq);
            if (rc) return rc;
            if (c->hs == D13_HS_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
        }
    }
    /* Part of a flight arrived, or pieces out of order: acknowledge what we
     * have after a quarter of the timer unless our reply goes out first. */
    if ((stored || disorder) && c->num_rx_records > 0 && c->hs != D13_HS_DONE) d13_arm_ack_timer(c);
    return DTLS13_OK;
}

static int handle_alert(dtls13_conn *c, const uint8_t *p, size_t len)
{
    d13_alert a;
    if (d13_alert_decode(p, len, &a)) {
        c->stats.dropped_unexpected++;
        return DTLS13_OK;
    }
    if (a.description == DTLS13_ALERT_CLOSE_NOTIFY) {
        d13_emit(c, DTLS13_EVENT_ALERT_RECEIVED, a.description, false, NULL);
        if (c->state == DTLS13_STATE_CONNECTED || c->state == DTLS13_STATE_HANDSHAKING) {
            c->state = DTLS13_STATE_CLOSED;
            if (c->hs != D13_HS_DONE) c->hs = D13_HS_FAILED;
            c->alert = DTLS13_ALERT_CLOSE_NOTIFY;
            d13_flight_clear(&c->flight);
            d13_flight_clear(&c->ku_flight);
            d13_emit(c, DTLS13_EVENT_CLOSED, a.description, false, NULL);
        }
        return DTLS13_OK;
    }
    if (a.description == DTLS13_ALERT_USER_CANCELED) {
        d13_emit(c, DTLS13_EVENT_ALERT_RECEIVED, a.description, false, NULL);
        return DTLS13_OK;
    }
    if (c->dtls12 && a.level == 1) {
        /* DTLS 1.2 (RFC 5246 7.2): a warning leaves the association up. */
        d13_logf(c, DTLS13_LOG_INFO, "peer sent warning alert %s (%u)",
                 dtls13_alert_name(a.description) ? dtls13_alert_name(a.description) : "unknown", a.description);
        d13_emit(c, DTLS13_EVENT_ALERT_RECEIVED, a.description, false, NULL);
        return DTLS13_OK;
    }
    /* TLS 1.3: every other alert is fatal whatever its level. */
    d13_logf(c, DTLS13_LOG_WARN, "peer sent fatal alert %s (%u)",
             dtls13_alert_name(a.description) ? dtls13_alert_name(a.description) : "unknown", a.description);
    d13_emit(c, DTLS13_EVENT_ALERT_RECEIVED, a.description, true, NULL);
    if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_PEER_ALERT;
    c->alert = a.description;
    c->failure_reason = "the peer sent a fatal alert";
    c->hs = D13_HS_FAILED;
    c->state = DTLS13_STATE_FAILED;
    d13_flight_clear(&c->flight);
    d13_flight_clear(&c->ku_flight);
    d13_emit(c, DTLS13_EVENT_CLOSED, a.description, true, c->failure_reason);
    return DTLS13_ERR_PEER_ALERT;
}

static int handle_ack(dtls13_conn *c, const uint8_t *p, size_t len)
{
    d13_ack ack;
    if (d13_ack_decode(p, len, &ack)) {
        return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "malformed ACK");
    }
    /* The client's final flight acknowledged: epoch 2 is over for both. */
    if (d13_flight_on_ack(c, &c->flight, &ack) && c->hs == D13_HS_DONE && c->role == DTLS13_ROLE_CLIENT)
        d13_retire_handshake_keys(c);
    if (d13_flight_on_ack(c, &c->ku_flight, &ack)) return d13_key_update_acked(c);
    return DTLS13_OK;
}

static int handle_application_data(dtls13_conn *c, const uint8_t *p, size_t len, uint64_t epoch)
{
    /* Only under application keys and only once the handshake is complete:
     * data that overtakes the peer's Finished is dropped, never delivered early. */
    bool app_epoch = c->dtls12 ? epoch == 1 : epoch >= 3;
    if (!app_epoch || c->hs != D13_HS_DONE || c->state != DTLS13_STATE_CONNECTED) {
        c->stats.dropped_unexpected++;
        return DTLS13_OK;
    }
    /* DTLS 1.2 server: data from the client shows that it has our Finished,
     * so our final flight will not be needed again. */
    if (c->dtls12 && c->role == DTLS13_ROLE_SERVER && c->flight.active) d13_flight_clear(&c->flight);
    if (!d13_read_queue_push(c, p, len)) {
        c->stats.dropped_unexpected++;
        return DTLS13_OK;
    }
    d13_emit(c, DTLS13_EVENT_DATA, 0, false, NULL);
    return DTLS13_OK;
}

static int handle_record(dtls13_conn *c, uint8_t type, const uint8_t *p, size_t len, uint64_t epoch, uint64_t seq)
{
    c->stats.records_in++;
    switch (type) {
    case D13_CT_HANDSHAKE: return handle_handshake_record(c, p, len, epoch, seq);
    case D13_CT_ALERT: return handle_alert(c, p, len);
    case D13_CT_CHANGE_CIPHER_SPEC:
        if (!c->dtls12) break;
        return d12_handle_ccs(c, p, len, epoch);
    case D13_CT_ACK:
        if (epoch == 0 || c->dtls12) break; /* ACKs are never sent in plaintext, nor in DTLS 1.2 */
        return handle_ack(c, p, len);
    case D13_CT_APPLICATION_DATA: return handle_application_data(c, p, len, epoch);
    default: break;
    }
    c->stats.dropped_unexpected++;
    return DTLS13_OK;
}

/* One record of a DTLS 1.2 association: epoch 0 in plaintext, epoch 1
 * under the keys the ChangeCipherSpec switched to. */
static int handle_record12(dtls13_conn *c, const d13_record_view *rec, uint8_t *plain, size_t cap, size_t *plain_used)
{
    if (rec->is_ciphertext) {
        count_drop(c, D13_DROP_BAD_HEADER); /* a DTLS 1.3 unified header */
        return DTLS13_OK;
    }
    if (rec->epoch16 == 0) {
        /* Once the peer protects its records, a plaintext alert or data can
         * only be forged: dropped. Handshake records stay readable, as
         * retransmissions of the peer's flight. */
        if (c->v12.read_epoch1 && rec->content_type != D13_CT_HANDSHAKE && rec->content_type != D13_CT_CHANGE_CIPHER_SPEC) {
            c->stats.dropped_unexpected++;
            return DTLS13_OK;
        }
        if (rec->content_type == D13_CT_APPLICATION_DATA) {
            c->stats.dropped_unexpected++;
            return DTLS13_OK;
        }
        return handle_record(c, rec->content_type, rec->payload, rec->payload_len, 0, rec->seq48);
    }
    if (!c->read_app.installed || rec->epoch16 != c->read_app.epoch) {
        count_drop(c, D13_DROP_UNKNOWN_EPOCH);
        return DTLS13_OK;
    }
    size_t plen = 0;
    if (rec->payload_len > *plain_used) *plain_used = rec->payload_len < cap ? rec->payload_len : cap;
    d13_drop_reason why = d12_record_open(&c->read_app, rec, plain, cap, &plen);
    if (why != D13_DROP_NONE) {
        count_drop(c, why);
        return DTLS13_OK;
    }
    return handle_record(c, rec->content_type, plain, plen, rec->epoch16, rec->seq48);
}

int d13_engine_handle_datagram(dtls13_conn *c, const uint8_t *datagram, size_t len)
{
    c->stats.datagrams_in++;
    c->stats.bytes_in += len;
    d13_reader r;
    d13_reader_init(&r, datagram, len);
    uint8_t plain[D13_MAX_CIPHERTEXT];
    size_t plain_used = 0; /* bytes of plain to zeroize afterwards */
    while (d13_reader_remaining(&r) > 0) {
        if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
        if (c->state == DTLS13_STATE_CLOSED) return DTLS13_OK;
        d13_record_view rec;
        d13_drop_reason why = d13_record_next(&r, &rec);
        if (why != D13_DROP_NONE) {
            count_drop(c, why);
            break; /* the record boundary is lost: drop the rest */
        }
        int rc;
        if (c->dtls12) {
            rc = handle_record12(c, &rec, plain, sizeof(plain), &plain_used);
        } else if (!rec.is_ciphertext) {
            if (rec.epoch16 != 0) {
                count_drop(c, D13_DROP_UNKNOWN_EPOCH);
                continue;
            }
            rc = handle_record(c, rec.content_type, rec.payload, rec.payload_len, 0, rec.seq48);
        } else {
            d13_epoch_keys *k = read_keys_for(c, rec.epoch_bits);
            if (!k) {
                count_drop(c, D13_DROP_UNKNOWN_EPOCH);
                continue;
            }
            size_t plen = 0;
            uint8_t ct = 0;
            uint64_t seq = 0;
            if (rec.payload_len > plain_used) plain_used = rec.payload_len < sizeof(plain) ? rec.payload_len : sizeof(plain);
            why = d13_record_open(k, &rec, plain, sizeof(plain), &plen, &ct, &seq);
            if (why != D13_DROP_NONE) {
                count_drop(c, why);
                continue;
            }
            /* Only a client that received our ServerHello can protect records
             * under the handshake keys: its address is valid (RFC 9147 5.1). */
            c->address_validated = true;
            rc = handle_record(c, ct, plain, plen, k->epoch, seq);
        }
        if (rc) {
            d13_cleanse(plain, plain_used);
            return rc;
        }
    }
    d13_cleanse(plain, plain_used);
    if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
    if (c->ack_after_datagram) {
        c->ack_after_datagram = false;
        int rc = d13_send_ack(c);
        if (rc) return rc;
    }
    /* More received bytes widen the anti-amplification budget. */
    if (c->flight.active && c->flight.next_msg < c->flight.num_msgs) return d13_flight_pump(c, &c->flight);
    return DTLS13_OK;
}

/* Runs the retransmission timer of one flight. */
static int flight_timeout(dtls13_conn *c, d13_flight *f)
{
    if (!f->active || c->now_ms < f->deadline) return DTLS13_OK;
    if (f->retransmits >= D13_MAX_RETRANSMITS) {
        if (c->hs == D13_HS_DONE) {
            /* A final flight or post-handshake message that was never
             * acknowledged: stop trying (the association stays up). */
            d13_flight_clear(f);
            if (f == &c->flight && !c->dtls12 && c->role == DTLS13_ROLE_CLIENT) d13_retire_handshake_keys(c);
            return DTLS13_OK;
        }
        c->failure_reason = "handshake timed out: no answer from the peer";
        c->hs = D13_HS_FAILED;
        c->state = DTLS13_STATE_FAILED;
        d13_flight_clear(&c->flight);
        d13_flight_clear(&c->ku_flight);
        d13_emit(c, DTLS13_EVENT_CLOSED, 0, true, c->failure_reason);
        return DTLS13_ERR_HANDSHAKE_FAILED;
    }
    /* Double the timer, up to 60 s (RFC 9147 5.8.2). */
    c->timeout_ms = c->timeout_ms * 2 > D13_MAX_TIMEOUT_MS ? D13_MAX_TIMEOUT_MS : c->timeout_ms * 2;
    int rc = d13_flight_retransmit(c, f);
    f->deadline = c->now_ms + c->timeout_ms;
    return rc;
}

int d13_engine_handle_timeout(dtls13_conn *c)
{
    /* Keys kept only for late or retransmitted records. */
    if (c->hs_keys_expiry && c->now_ms >= c->hs_keys_expiry) d13_retire_handshake_keys(c);
    drop_expired_prev_epoch(c);
    if (c->ack_deadline && c->now_ms >= c->ack_deadline) {
        int rc = d13_send_ack(c);
        if (rc) return rc;
        /* Waiting in the middle of the peer's flight with no flight of our
         * own to retransmit: our ACK is the only thing that can make the
         * peer continue (e.g. a server held back by the anti-amplification
         * limit, which only bytes from us can lift), so repeat it with the
         * backoff of a retransmission timer: a fixed interval gave up after
         * a second of burst loss and left both sides waiting for ever. The
         * count starts again with each new record from the peer. */
        if (c->hs != D13_HS_DONE && !c->flight.active && c->num_rx_records > 0 &&
            c->ack_repeats < D13_MAX_RETRANSMITS) {
            if (c->ack_repeats++ == 0) c->ack_repeat_ms = c->timeout_ms;
            else if (c->ack_repeats > 3)
                c->ack_repeat_ms = c->ack_repeat_ms * 2 > D13_MAX_TIMEOUT_MS ? D13_MAX_TIMEOUT_MS : c->ack_repeat_ms * 2;
            c->ack_deadline = c->now_ms + c->ack_repeat_ms;
        }
    }
    int rc = flight_timeout(c, &c->flight);
    if (rc == 0 && c->state != DTLS13_STATE_FAILED) rc = flight_timeout(c, &c->ku_flight);
    return rc;
}

int d13_engine_path_ready(dtls13_conn *c)
{
    if (c->hs == D13_HS_DONE || !c->flight.active) return DTLS13_OK;
    c->timeout_ms = c->cfg->initial_timeout_ms;
    int rc = d13_flight_answer_retransmission(c, &c->flight);
    c->flight.deadline = c->now_ms + c->timeout_ms;
    return rc;
}

uint64_t d13_engine_next_timeout(const dtls13_conn *c)
{
    if (c->state == DTLS13_STATE_FAILED || c->state == DTLS13_STATE_CLOSED) return UINT64_MAX;
    uint64_t next = UINT64_MAX;
    if (c->flight.active) next = c->flight.deadline;
    if (c->ku_flight.active && c->ku_flight.deadline < next) next = c->ku_flight.deadline;
    if (c->ack_deadline && c->ack_deadline < next) next = c->ack_deadline;
    if (c->hs_keys_expiry && c->read_hs.installed && c->hs_keys_expiry < next) next = c->hs_keys_expiry;
    if (c->read_prev.installed && c->read_prev_expiry < next) next = c->read_prev_expiry;
    return next;
}
