/* The DTLS engine on the ICE path: the conn's send callback writes to the
 * selected pair, its events key SRTP, and a GSource on the transport's
 * GMainContext drives its timers (re-armed from dtls13_conn_next_timeout()
 * after every call into the engine). */
#include "transport_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct timer_source {
    GSource base;
    dtls13_transport *transport;
} timer_source;

static int send_datagram(void *user, const uint8_t *datagram, size_t len)
{
    dtls13_transport *t = user;
    t->stats.dtls_datagrams_out++;
    if (len > G_MAXUINT) return -1;
    gint sent = nice_agent_send(t->agent, t->stream_id, 1, (guint)len, (const gchar *)datagram);
    if (sent < 0 || (size_t)sent != len) {
        t->stats.dtls_send_failures++;
        return -1;
    }
    return 0;
}

static void discard_application_data(dtls13_transport *t)
{
    /* No data channel here: application data records are read and dropped
     * so that they never queue up. */
    for (int guard = 0; guard < 64; guard++) {
        int n = dtls13_conn_read(t->conn, t->recv_buf, sizeof(t->recv_buf));
        if (n == DTLS13_ERR_BUFFER_TOO_SMALL) continue;
        if (n < 0) break;
    }
}

static void on_handshake_done(dtls13_transport *t)
{
    if (t->dtls_start_us != 0) t->stats.dtls_ms = (uint64_t)((g_get_monotonic_time() - t->dtls_start_us) / 1000);
    dtls13_srtp *srtp = NULL;
    int rc = dtls13_srtp_new(t->conn, &srtp);
    if (rc < 0) {
        char reason[D13_TRANSPORT_REASON_LEN];
        snprintf(reason, sizeof(reason), "SRTP: cannot key the session: %s", dtls13_srtp_strerror(rc));
        d13_transport_fail(t, reason);
        return;
    }
    t->srtp = srtp;
    if (!t->failed && t->state != DTLS13_TRANSPORT_CLOSED) t->state = DTLS13_TRANSPORT_SECURE;
    d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_SECURE, NULL);
}

static void on_engine_event(void *user, dtls13_conn *conn, const dtls13_event *ev)
{
    dtls13_transport *t = user;
    switch (ev->type) {
    case DTLS13_EVENT_HANDSHAKE_DONE:
        on_handshake_done(t);
        break;
    case DTLS13_EVENT_DATA:
        discard_application_data(t);
        break;
    case DTLS13_EVENT_ALERT_SENT:
    case DTLS13_EVENT_ALERT_RECEIVED:
        if (ev->fatal && ev->alert != DTLS13_ALERT_CLOSE_NOTIFY) {
            char reason[D13_TRANSPORT_REASON_LEN];
            const char *why = dtls13_conn_failure_reason(conn);
            const char *name = dtls13_alert_name(ev->alert);
            snprintf(reason, sizeof(reason), "DTLS: %s alert %s%s%s",
                     ev->type == DTLS13_EVENT_ALERT_SENT ? "sent" : "received", name ? name : "(unknown)",
                     why ? ": " : "", why ? why : "");
            d13_transport_fail(t, reason);
        }
        break;
    case DTLS13_EVENT_CLOSED:
        if (!t->failed && dtls13_conn_state(conn) == DTLS13_STATE_FAILED) {
            const char *why = dtls13_conn_failure_reason(conn);
            d13_transport_fail(t, why ? why : "DTLS: the handshake failed");
        } else if (!t->failed && t->state != DTLS13_TRANSPORT_CLOSED) {
            t->state = DTLS13_TRANSPORT_CLOSED;
            d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_CLOSED, NULL);
        }
        break;
    }
}

void d13_transport_dtls_rearm(dtls13_transport *t)
{
    if (!t->timer) return;
    uint64_t next = dtls13_conn_next_timeout(t->conn);
    if (next == UINT64_MAX) {
        g_source_set_ready_time(t->timer, -1);
        return;
    }
    /* Never in the past by more than now: a timer that the engine does not
     * move forward must not spin the main loop. */
    uint64_t now = d13_transport_now_ms();
    if (next <= now) next = now + 1;
    if (next > (uint64_t)(G_MAXINT64 / 1000)) next = (uint64_t)(G_MAXINT64 / 1000);
    g_source_set_ready_time(t->timer, (gint64)next * 1000);
}

static gboolean timer_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    (void)callback;
    (void)data;
    dtls13_transport *t = ((timer_source *)source)->transport;
    g_source_set_ready_time(source, -1);
    dtls13_conn_handle_timeout(t->conn, d13_transport_now_ms());
    d13_transport_dtls_rearm(t);
    return G_SOURCE_CONTINUE;
}

bool d13_transport_dtls_init(dtls13_transport *t, dtls13_config *cfg)
{
    t->conn = dtls13_conn_new(cfg, t->opts.dtls_role, send_datagram, t);
    if (!t->conn) return false;
    dtls13_conn_set_event_callback(t->conn, on_engine_event, t);
    memset(&t->timer_funcs, 0, sizeof(t->timer_funcs));
    t->timer_funcs.dispatch = timer_dispatch;
    t->timer = g_source_new(&t->timer_funcs, sizeof(timer_source));
    ((timer_source *)t->timer)->transport = t;
    g_source_set_name(t->timer, "dtls13 retransmission timer");
    g_source_set_ready_time(t->timer, -1);
    g_source_attach(t->timer, t->ctx);
    return true;
}

void d13_transport_dtls_release(dtls13_transport *t)
{
    if (t->conn && dtls13_conn_state(t->conn) == DTLS13_STATE_CONNECTED) {
        dtls13_conn_set_event_callback(t->conn, NULL, NULL);
        dtls13_conn_close(t->conn, d13_transport_now_ms());
    }
    if (t->timer) {
        g_source_destroy(t->timer);
        g_source_unref(t->timer);
        t->timer = NULL;
    }
    dtls13_srtp_free(t->srtp);
    t->srtp = NULL;
    dtls13_conn_free(t->conn);
    t->conn = NULL;
    memset(t->early, 0, sizeof(t->early));
}

static void feed_engine(dtls13_transport *t, const uint8_t *datagram, size_t len)
{
    t->stats.dtls_datagrams_in++;
    dtls13_conn_handle_datagram(t->conn, datagram, len, d13_transport_now_ms());
    d13_transport_dtls_rearm(t);
}

void d13_transport_dtls_on_ice_ready(dtls13_transport *t)
{
    if (t->dtls_started || t->failed) return;
    t->dtls_started = true;
    t->dtls_start_us = g_get_monotonic_time();
    if (t->state == DTLS13_TRANSPORT_NEW || t->state == DTLS13_TRANSPORT_GATHERING ||
        t->state == DTLS13_TRANSPORT_CHECKING)
        t->state = DTLS13_TRANSPORT_HANDSHAKE;
    /* ICE connectivity checks proved the peer answers on this address. */
    if (t->opts.dtls_role == DTLS13_ROLE_SERVER) dtls13_conn_set_peer_address_validated(t->conn);
    dtls13_conn_start(t->conn, d13_transport_now_ms());
    d13_transport_dtls_rearm(t);
    for (size_t i = 0; i < t->early_count; i++) feed_engine(t, t->early[i], t->early_len[i]);
    t->early_count = 0;
}

void d13_transport_dtls_receive(dtls13_transport *t, const uint8_t *datagram, size_t len)
{
    if (t->dtls_started) {
        feed_engine(t, datagram, len);
        return;
    }
    /* The peer's component became READY before ours: hold the datagram
     * until ours is, so that the answer can go out on the selected pair. */
    if (t->early_count == D13_TRANSPORT_EARLY_SLOTS || len > D13_TRANSPORT_EARLY_MAX) {
        t->stats.dtls_dropped_early++;
        return;
    }
    memcpy(t->early[t->early_count], datagram, len);
    t->early_len[t->early_count] = len;
    t->early_count++;
    t->stats.dtls_queued_early++;
}
