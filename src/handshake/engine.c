/* Connection engine: events, alerts, epochs, key log and ACKs. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handshake/engine.h"

void d13_emit(dtls13_conn *c, dtls13_event_type type, uint8_t alert, bool fatal, const char *reason)
{
    if (!c->event) return;
    dtls13_event ev = {type, alert, fatal, reason};
    c->event(c->event_user, c, &ev);
}

/* Highest epoch the peer can read now. */
static uint64_t alert_epoch(const dtls13_conn *c)
{
    if (c->dtls12) return c->v12.write_epoch1 ? 1 : 0;
    if (c->hs == D13_HS_DONE && c->write_app.installed) return c->write_app.epoch;
    if (c->write_hs.installed) return c->write_hs.epoch;
    return 0;
}

void d13_send_alert(dtls13_conn *c, uint8_t level, uint8_t description)
{
    uint8_t body[2];
    d13_writer w;
    d13_writer_init(&w, body, sizeof(body));
    d13_alert a = {level, description};
    d13_alert_encode(&w, &a);
    if (d13_append_record(c, alert_epoch(c), D13_CT_ALERT, body, d13_writer_len(&w), NULL) == 0)
        d13_flush_datagram(c);
}

int d13_fail(dtls13_conn *c, uint8_t alert, const char *reason)
{
    if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
    d13_send_alert(c, 2, alert);
    c->alert = alert;
    c->failure_reason = reason;
    c->hs = D13_HS_FAILED;
    c->state = DTLS13_STATE_FAILED;
    d13_flight_clear(&c->flight);
    d13_flight_clear(&c->ku_flight);
    d13_logf(c, DTLS13_LOG_WARN, "handshake failed: %s (sent alert %s)", reason,
             dtls13_alert_name(alert) ? dtls13_alert_name(alert) : "unknown");
    d13_emit(c, DTLS13_EVENT_ALERT_SENT, alert, true, reason);
    d13_emit(c, DTLS13_EVENT_CLOSED, alert, true, reason);
    return DTLS13_ERR_HANDSHAKE_FAILED;
}

int d13_fail_internal(dtls13_conn *c, int err, const char *reason)
{
    (void)err;
    return d13_fail(c, DTLS13_ALERT_INTERNAL_ERROR, reason);
}

void d13_logf(dtls13_conn *c, dtls13_log_level level, const char *fmt, ...)
{
    if (!c->cfg->log) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->cfg->log(c->cfg->log_user, level, msg);
}

void d13_keylog(dtls13_conn *c, const char *label, const uint8_t *secret, size_t len)
{
    if (!c->cfg->keylog) return;
    static const char hex[] = "0123456789abcdef";
    char line[64 + 1 + 64 + 1 + 2 * D13_MAX_HASH_LEN + 1];
    size_t n = (size_t)snprintf(line, sizeof(line), "%s ", label);
    for (size_t i = 0; i < 32 && n + 2 < sizeof(line); i++) {
        line[n++] = hex[c->client_random[i] >> 4];
        line[n++] = hex[c->client_random[i] & 15];
    }
    line[n++] = ' ';
    for (size_t i = 0; i < len && n + 2 < sizeof(line); i++) {
        line[n++] = hex[secret[i] >> 4];
        line[n++] = hex[secret[i] & 15];
    }
    line[n] = '\0';
    c->cfg->keylog(c->cfg->keylog_user, line);
    d13_cleanse(line, sizeof(line));
}

int d13_install_handshake_keys(dtls13_conn *c)
{
    const d13_key_schedule *ks = &c->ks;
    const uint8_t *wr = c->role == DTLS13_ROLE_CLIENT ? ks->client_handshake_traffic : ks->server_handshake_traffic;
    const uint8_t *rd = c->role == DTLS13_ROLE_CLIENT ? ks->server_handshake_traffic : ks->client_handshake_traffic;
    if (d13_epoch_keys_init(&c->write_hs, c->cfg->algs, c->suite, wr, ks->hash_len, 2) ||
        d13_epoch_keys_init(&c->read_hs, c->cfg->algs, c->suite, rd, ks->hash_len, 2))
        return DTLS13_ERR_CRYPTO;
    d13_keylog(c, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", ks->client_handshake_traffic, ks->hash_len);
    d13_keylog(c, "SERVER_HANDSHAKE_TRAFFIC_SECRET", ks->server_handshake_traffic, ks->hash_len);
    return DTLS13_OK;
}

int d13_install_application_keys(dtls13_conn *c)
{
    const d13_key_schedule *ks = &c->ks;
    const uint8_t *wr = c->role == DTLS13_ROLE_CLIENT ? ks->client_application_traffic : ks->server_application_traffic;
    const uint8_t *rd = c->role == DTLS13_ROLE_CLIENT ? ks->server_application_traffic : ks->client_application_traffic;
    if (d13_epoch_keys_init(&c->write_app, c->cfg->algs, c->suite, wr, ks->hash_len, 3) ||
        d13_epoch_keys_init(&c->read_app, c->cfg->algs, c->suite, rd, ks->hash_len, 3))
        return DTLS13_ERR_CRYPTO;
    d13_keylog(c, "CLIENT_TRAFFIC_SECRET_0", ks->client_application_traffic, ks->hash_len);
    d13_keylog(c, "SERVER_TRAFFIC_SECRET_0", ks->server_application_traffic, ks->hash_len);
    d13_keylog(c, "EXPORTER_SECRET", ks->exporter_master, ks->hash_len);
    return DTLS13_OK;
}

void d13_handshake_complete(dtls13_conn *c)
{
    c->hs = D13_HS_DONE;
    c->state = DTLS13_STATE_CONNECTED;
    c->stats.handshake_ms = c->now_ms - c->start_ms;
    c->address_validated = true;
    c->ack_deadline = 0;
    /* The transcript and the key exchange are no longer needed. */
    d13_transcript_free(&c->transcript);
    d13_kex_free(c->kex);
    c->kex = NULL;
    /* The peer's key only verified its CertificateVerify (or 1.2
     * ServerKeyExchange); its certificate stays for the application. */
    d13_pkey_free(c->peer_key);
    c->peer_key = NULL;
    d13_reasm_clear(&c->reasm);
    /* A DTLS 1.3 server sends nothing more under epoch 2 (its ACKs and
     * alerts go under epoch 3); it reads epoch 2 only to acknowledge
     * retransmissions of the client's final flight, for a while. The
     * client keeps both until its final flight is acknowledged. */
    if (!c->dtls12 && c->role == DTLS13_ROLE_SERVER) {
        d13_epoch_keys_clear(&c->write_hs);
        c->hs_keys_expiry = c->now_ms + d13_hs_keys_linger_ms(c);
    }
    /* The client has nothing of the handshake left to acknowledge; the
     * server keeps the record numbers of the client's final flight. */
    if (c->role == DTLS13_ROLE_CLIENT) c->num_rx_records = 0;
    d13_logf(c, DTLS13_LOG_INFO, "handshake complete in %llu ms (%llu retransmissions)",
             (unsigned long long)c->stats.handshake_ms, (unsigned long long)c->stats.retransmissions);
    d13_emit(c, DTLS13_EVENT_HANDSHAKE_DONE, 0, false, NULL);
}

uint64_t d13_hs_keys_linger_ms(const dtls13_conn *c)
{
    uint64_t t = 8ull * c->base_timeout_ms;
    return t < D13_HS_KEYS_LINGER_MS ? D13_HS_KEYS_LINGER_MS : t;
}

void d13_retire_handshake_keys(dtls13_conn *c)
{
    d13_epoch_keys_clear(&c->write_hs);
    d13_epoch_keys_clear(&c->read_hs);
    c->hs_keys_expiry = 0;
}

void d13_arm_ack_timer(dtls13_conn *c)
{
    if (c->ack_deadline || c->dtls12) return; /* DTLS 1.2 has no ACKs */
    c->ack_deadline = c->now_ms + c->timeout_ms / 4;
}

void d13_note_rx_record(dtls13_conn *c, uint64_t epoch, uint64_t seq)
{
    for (size_t i = 0; i < c->num_rx_records; i++) {
        if (c->rx_records[i].epoch == epoch && c->rx_records[i].seq == seq) return;
    }
    c->ack_repeats = 0; /* progress: a repeated ACK's backoff starts again */
    if (c->num_rx_records < D13_MAX_RX_RECORDS) {
        c->rx_records[c->num_rx_records].epoch = epoch;
        c->rx_records[c->num_rx_records].seq = seq;
        c->num_rx_records++;
    }
}

int d13_send_ack(dtls13_conn *c)
{
    c->ack_deadline = 0;
    if (c->num_rx_records == 0 || c->dtls12) return DTLS13_OK;
    uint64_t epoch = c->write_app.installed && c->hs == D13_HS_DONE ? c->write_app.epoch
                     : c->write_hs.installed                       ? c->write_hs.epoch
                                                                   : 0;
    if (epoch == 0) return DTLS13_OK; /* ACKs are never sent in plaintext */
    d13_ack ack;
    memset(&ack, 0, sizeof(ack));
    for (size_t i = 0; i < c->num_rx_records && i < D13_MAX_ACK_ENTRIES; i++) {
        ack.records[ack.num_records++] = c->rx_records[i];
    }
    uint8_t body[2 + 16 * D13_MAX_RX_RECORDS];
    d13_writer w;
    d13_writer_init(&w, body, sizeof(body));
    if (!d13_ack_encode(&w, &ack)) return DTLS13_ERR_BUFFER_TOO_SMALL;
    int rc = d13_append_record(c, epoch, D13_CT_ACK, body, d13_writer_len(&w), NULL);
    if (rc == 0) rc = d13_flush_datagram(c);
    return rc;
}
