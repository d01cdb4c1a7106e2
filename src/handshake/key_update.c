/* KeyUpdate (RFC 8446 4.6.3 as adapted by RFC 9147 8): its own flight,
 * acknowledged by ACK before the new write epoch is used; the previous
 * read epoch is kept for a short while for reordered records. */
#include <string.h>

#include "handshake/engine.h"

/* How long the previous read epoch stays usable after a KeyUpdate. */
static uint64_t prev_epoch_lifetime(const dtls13_conn *c)
{
    uint64_t t = 2ull * c->timeout_ms;
    return t < 1000 ? 1000 : t;
}

int d13_send_key_update(dtls13_conn *c, bool request_update)
{
    if (c->hs != D13_HS_DONE || c->state != DTLS13_STATE_CONNECTED) return DTLS13_ERR_BAD_STATE;
    if (c->ku_flight.active) {
        /* One KeyUpdate at a time; a request is folded into the next one. */
        if (request_update) c->ku_pending_request = true;
        return DTLS13_OK;
    }
    int rc = d13_flight_begin(c, &c->ku_flight);
    if (rc) return rc;
    d13_key_update m = {request_update ? 1 : 0};
    d13_writer w = d13_flight_body_writer(&c->ku_flight);
    if (!d13_key_update_encode(&w, &m)) return DTLS13_ERR_BUFFER_TOO_SMALL;
    rc = d13_flight_add(c, &c->ku_flight, D13_HS_KEY_UPDATE, d13_writer_len(&w), c->write_app.epoch, false);
    if (rc) return rc;
    c->stats.key_updates_sent++;
    /* Keep the pending ACK list: the KeyUpdate flight is independent. */
    size_t rx = c->num_rx_records;
    uint64_t ack_deadline = c->ack_deadline;
    rc = d13_flight_send(c, &c->ku_flight, true);
    c->num_rx_records = rx;
    c->ack_deadline = ack_deadline;
    return rc;
}

int d13_key_update_acked(dtls13_conn *c)
{
    uint8_t *secret = c->role == DTLS13_ROLE_CLIENT ? c->ks.client_application_traffic
                                                    : c->ks.server_application_traffic;
    uint64_t next_epoch = c->write_app.epoch + 1;
    if (d13_ks_update_traffic_secret(&c->ks, secret)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key update failed");
    d13_epoch_keys_clear(&c->write_app);
    if (d13_epoch_keys_init(&c->write_app, c->cfg->algs, c->suite, secret, c->ks.hash_len, next_epoch))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key update failed");
    /* The handshake epoch can no longer be told apart by its 2 low bits. */
    if (next_epoch >= 4) d13_epoch_keys_clear(&c->write_hs);
    if (c->ku_pending_request) {
        c->ku_pending_request = false;
        return d13_send_key_update(c, false);
    }
    return DTLS13_OK;
}

int d13_handle_key_update(dtls13_conn *c, const uint8_t *body, size_t len, uint64_t epoch)
{
    d13_key_update m;
    int alert = d13_key_update_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed KeyUpdate");
    if (epoch != c->read_app.epoch)
        return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "KeyUpdate outside the current epoch");
    uint8_t *secret = c->role == DTLS13_ROLE_CLIENT ? c->ks.server_application_traffic
                                                    : c->ks.client_application_traffic;
    if (d13_ks_update_traffic_secret(&c->ks, secret)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key update failed");
    /* The current read epoch becomes the previous one, kept briefly for
     * records that were reordered around the update. */
    d13_epoch_keys_clear(&c->read_prev);
    c->read_prev = c->read_app;
    memset(&c->read_app, 0, sizeof(c->read_app));
    c->read_prev_expiry = c->now_ms + prev_epoch_lifetime(c);
    if (d13_epoch_keys_init(&c->read_app, c->cfg->algs, c->suite, secret, c->ks.hash_len, epoch + 1))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key update failed");
    if (epoch + 1 >= 4) d13_epoch_keys_clear(&c->read_hs);
    c->stats.key_updates_received++;
    if (m.request_update) return d13_send_key_update(c, false);
    return DTLS13_OK;
}
