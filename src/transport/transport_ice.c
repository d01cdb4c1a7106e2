/* libnice events: local candidates, end of gathering, component state,
 * selected pair, and the receive callback that demultiplexes datagrams
 * (RFC 7983) to the DTLS engine or to SRTP. */
#include "transport_internal.h"

#include <stdio.h>

bool d13_transport_ice_refresh_credentials(dtls13_transport *t)
{
    gchar *ufrag = NULL, *pwd = NULL;
    if (!nice_agent_get_local_credentials(t->agent, t->stream_id, &ufrag, &pwd)) return false;
    g_free(t->local_ufrag);
    g_free(t->local_pwd);
    t->local_ufrag = ufrag;
    t->local_pwd = pwd;
    return true;
}

static void on_new_candidate(NiceAgent *agent, NiceCandidate *cand, gpointer user)
{
    dtls13_transport *t = user;
    if (cand->stream_id != t->stream_id || cand->component_id != 1) return;
    gchar *line = nice_agent_generate_local_candidate_sdp(agent, cand);
    if (!line) return;
    /* Keep the array NULL terminated: replace the terminator, add a new one. */
    g_ptr_array_index(t->local_candidates, t->local_candidates->len - 1) = line;
    g_ptr_array_add(t->local_candidates, NULL);
    d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_LOCAL_CANDIDATE, line);
}

static void on_gathering_done(NiceAgent *agent, guint stream_id, gpointer user)
{
    (void)agent;
    dtls13_transport *t = user;
    if (stream_id != t->stream_id || t->gathering_done) return;
    t->gathering_done = true;
    t->stats.gathering_ms = (uint64_t)((g_get_monotonic_time() - t->gather_start_us) / 1000);
    if (t->state == DTLS13_TRANSPORT_GATHERING) t->state = DTLS13_TRANSPORT_CHECKING;
    d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_GATHERING_DONE, NULL);
}

static void on_component_state(NiceAgent *agent, guint stream_id, guint component_id, guint state, gpointer user)
{
    (void)agent;
    dtls13_transport *t = user;
    if (stream_id != t->stream_id || component_id != 1) return;
    if (state == NICE_COMPONENT_STATE_READY) {
        if (!t->ice_ready_once) {
            t->ice_ready_once = true;
            if (t->checks_start_us != 0)
                t->stats.ice_ms = (uint64_t)((g_get_monotonic_time() - t->checks_start_us) / 1000);
        }
        d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_ICE_CONNECTED, NULL);
        d13_transport_dtls_on_ice_ready(t);
    } else if (state == NICE_COMPONENT_STATE_FAILED) {
        d13_transport_fail(t, "ICE: connectivity checks failed (no working candidate pair)");
    }
}

static void on_selected_pair(NiceAgent *agent, guint stream_id, guint component_id, NiceCandidate *lcand,
                             NiceCandidate *rcand, gpointer user)
{
    (void)agent;
    dtls13_transport *t = user;
    if (stream_id != t->stream_id || component_id != 1 || !lcand || !rcand) return;
    t->stats.selected_pair_changes++;
    char lip[NICE_ADDRESS_STRING_LEN], rip[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string(&lcand->addr, lip);
    nice_address_to_string(&rcand->addr, rip);
    char text[2 * NICE_ADDRESS_STRING_LEN + 32];
    snprintf(text, sizeof(text), "%s:%u -> %s:%u", lip, nice_address_get_port(&lcand->addr), rip,
             nice_address_get_port(&rcand->addr));
    d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_SELECTED_PAIR, text);
}

static void on_receive(NiceAgent *agent, guint stream_id, guint component_id, guint len, gchar *buf, gpointer user)
{
    (void)agent;
    dtls13_transport *t = user;
    if (stream_id != t->stream_id || component_id != 1) return;
    const uint8_t *datagram = (const uint8_t *)buf;
    switch (dtls13_demux_classify_count(&t->demux, datagram, len)) {
    case DTLS13_DEMUX_DTLS:
        d13_transport_dtls_receive(t, datagram, len);
        break;
    case DTLS13_DEMUX_RTP:
        d13_transport_media_receive(t, false, datagram, len);
        break;
    case DTLS13_DEMUX_RTCP:
        d13_transport_media_receive(t, true, datagram, len);
        break;
    case DTLS13_DEMUX_STUN: /* libnice keeps STUN; anything left over is dropped */
    case DTLS13_DEMUX_ZRTP:
    case DTLS13_DEMUX_TURN_CHANNEL:
    case DTLS13_DEMUX_DROP:
        break; /* counted by the demultiplexer */
    }
}

void d13_transport_ice_connect_signals(dtls13_transport *t)
{
    g_signal_connect(t->agent, "new-candidate-full", G_CALLBACK(on_new_candidate), t);
    g_signal_connect(t->agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), t);
    g_signal_connect(t->agent, "component-state-changed", G_CALLBACK(on_component_state), t);
    g_signal_connect(t->agent, "new-selected-pair-full", G_CALLBACK(on_selected_pair), t);
    nice_agent_attach_recv(t->agent, t->stream_id, 1, t->ctx, on_receive, t);
}

void d13_transport_ice_disconnect_signals(dtls13_transport *t)
{
    if (t->stream_id != 0) nice_agent_attach_recv(t->agent, t->stream_id, 1, t->ctx, NULL, NULL);
    g_signal_handlers_disconnect_by_data(t->agent, t);
}
