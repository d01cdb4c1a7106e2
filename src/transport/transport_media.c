/* Media over the secured transport: RTP/RTCP protected with SRTP and sent
 * on the selected pair; received SRTP/SRTCP authenticated, decrypted and
 * handed to the application's media callback. */
#include "transport_internal.h"

#include <string.h>

static void count_receive_failure(dtls13_transport *t, int rc)
{
    if (rc == DTLS13_SRTP_ERR_AUTH)
        t->stats.srtp_auth_failures++;
    else if (rc == DTLS13_SRTP_ERR_REPLAY)
        t->stats.srtp_replays++;
    else
        t->stats.srtp_bad_packets++;
}

void d13_transport_media_receive(dtls13_transport *t, bool rtcp, const uint8_t *datagram, size_t len)
{
    if (!t->srtp) {
        t->stats.media_before_keys++;
        return;
    }
    if (len > sizeof(t->recv_buf)) {
        t->stats.media_oversized++;
        return;
    }
    memcpy(t->recv_buf, datagram, len);
    size_t clear_len = 0;
    int rc = rtcp ? dtls13_srtp_unprotect_rtcp(t->srtp, t->recv_buf, len, &clear_len)
                  : dtls13_srtp_unprotect_rtp(t->srtp, t->recv_buf, len, &clear_len);
    if (rc < 0) {
        count_receive_failure(t, rc);
        return;
    }
    if (rtcp)
        t->stats.rtcp_received++;
    else
        t->stats.rtp_received++;
    if (!t->opts.on_media) return;
    bool outer = t->in_callback;
    t->in_callback = true;
    t->opts.on_media(t->opts.media_user, t, rtcp, t->recv_buf, clear_len);
    t->in_callback = outer;
}

static int send_media(dtls13_transport *t, bool rtcp, const uint8_t *packet, size_t len)
{
    if (!t || !packet || len == 0) return DTLS13_ERR_INVALID_ARG;
    if (len > DTLS13_TRANSPORT_MAX_PACKET) {
        t->stats.send_failures++;
        return DTLS13_ERR_INVALID_ARG;
    }
    if (!t->srtp || t->state != DTLS13_TRANSPORT_SECURE) return DTLS13_ERR_WOULD_BLOCK;
    memcpy(t->send_buf, packet, len);
    size_t out_len = 0;
    int rc = rtcp ? dtls13_srtp_protect_rtcp(t->srtp, t->send_buf, len, sizeof(t->send_buf), &out_len)
                  : dtls13_srtp_protect_rtp(t->srtp, t->send_buf, len, sizeof(t->send_buf), &out_len);
    if (rc < 0) {
        t->stats.send_failures++;
        return rc;
    }
    gint sent = nice_agent_send(t->agent, t->stream_id, 1, (guint)out_len, (const gchar *)t->send_buf);
    if (sent < 0 || (size_t)sent != out_len) {
        t->stats.send_failures++;
        return DTLS13_ERR_SEND;
    }
    if (rtcp)
        t->stats.rtcp_sent++;
    else
        t->stats.rtp_sent++;
    return 0;
}

int dtls13_transport_send_rtp(dtls13_transport *t, const uint8_t *rtp, size_t len)
{
    return send_media(t, false, rtp, len);
}

int dtls13_transport_send_rtcp(dtls13_transport *t, const uint8_t *rtcp, size_t len)
{
    return send_media(t, true, rtcp, len);
}

int dtls13_transport_close(dtls13_transport *t)
{
    if (!t) return DTLS13_ERR_INVALID_ARG;
    int rc = 0;
    if (dtls13_conn_state(t->conn) == DTLS13_STATE_CONNECTED) rc = dtls13_conn_close(t->conn, d13_transport_now_ms());
    if (!t->failed) t->state = DTLS13_TRANSPORT_CLOSED;
    d13_transport_dtls_rearm(t);
    return rc;
}
