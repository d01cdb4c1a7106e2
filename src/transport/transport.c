/* dtls13_transport life cycle: creation of the agent, stream and conn,
 * release, state, statistics and accessors. */
#include "transport_internal.h"

#include <stdio.h>
#include <string.h>

uint64_t d13_transport_now_ms(void)
{
    return (uint64_t)(g_get_monotonic_time() / 1000);
}

void d13_transport_emit(dtls13_transport *t, dtls13_transport_event_type type, const char *text)
{
    if (!t->opts.on_event) return;
    dtls13_transport_event ev = {.type = type, .text = text};
    bool outer = t->in_callback;
    t->in_callback = true;
    t->opts.on_event(t->opts.event_user, t, &ev);
    t->in_callback = outer;
}

void d13_transport_fail(dtls13_transport *t, const char *reason)
{
    if (t->failed) return;
    t->failed = true;
    t->state = DTLS13_TRANSPORT_FAILED;
    snprintf(t->failure, sizeof(t->failure), "%s", reason ? reason : "unknown failure");
    d13_transport_emit(t, DTLS13_TRANSPORT_EVENT_FAILED, t->failure);
}

void dtls13_transport_options_init(dtls13_transport_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof(*opts));
    opts->ice_controlling = false;
    opts->dtls_role = DTLS13_ROLE_SERVER;
    opts->consent_freshness = true;
}

/* Sets a boolean agent property when this libnice build has it. */
static void set_bool_property_if_present(NiceAgent *agent, const char *name, gboolean value)
{
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent), name)) g_object_set(agent, name, value, NULL);
}

static NiceAgent *create_agent(GMainContext *ctx, const dtls13_transport_options *opts)
{
    /* RFC 8445 dropped aggressive nomination: the controlling agent
     * nominates with a second check (regular nomination). */
    unsigned flags = NICE_AGENT_OPTION_REGULAR_NOMINATION;
    if (opts->consent_freshness) flags |= NICE_AGENT_OPTION_CONSENT_FRESHNESS;
    NiceAgent *agent = nice_agent_new_full(ctx, NICE_COMPATIBILITY_RFC5245, (NiceAgentOption)flags);
    if (!agent) return NULL;
    g_object_set(agent, "controlling-mode", opts->ice_controlling ? TRUE : FALSE, NULL);
    set_bool_property_if_present(agent, "ice-tcp", FALSE); /* DTLS-SRTP runs over UDP */
    set_bool_property_if_present(agent, "upnp", FALSE);
    return agent;
}

dtls13_transport *dtls13_transport_new(GMainContext *ctx, dtls13_config *cfg, const dtls13_transport_options *opts)
{
    if (!cfg || !opts) return NULL;
    if (opts->dtls_role != DTLS13_ROLE_CLIENT && opts->dtls_role != DTLS13_ROLE_SERVER) return NULL;
    /* libsrtp2's one-time initialization runs cipher self-tests (tens of
     * milliseconds): pay for it now rather than in the middle of the
     * handshake, where it would stall the main loop both peers share. */
    if (dtls13_srtp_library_init() < 0) return NULL;
    dtls13_transport *t = g_try_new0(dtls13_transport, 1);
    if (!t) return NULL;
    t->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
    t->opts = *opts;
    t->state = DTLS13_TRANSPORT_NEW;
    t->local_candidates = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(t->local_candidates, NULL);

    t->agent = create_agent(t->ctx, opts);
    if (!t->agent) goto fail;
    t->stream_id = nice_agent_add_stream(t->agent, 1);
    if (t->stream_id == 0) goto fail;
    if (!d13_transport_ice_refresh_credentials(t)) goto fail;
    if (!d13_transport_dtls_init(t, cfg)) goto fail;
    d13_transport_ice_connect_signals(t);
    return t;
fail:
    dtls13_transport_free(t);
    return NULL;
}

void dtls13_transport_free(dtls13_transport *t)
{
    if (!t) return;
    g_warn_if_fail(!t->in_callback);
    /* The conn may still send close_notify through the agent. */
    d13_transport_dtls_release(t);
    if (t->agent) {
        d13_transport_ice_disconnect_signals(t);
        g_object_unref(t->agent);
    }
    g_free(t->local_ufrag);
    g_free(t->local_pwd);
    g_free(t->remote_ufrag);
    g_ptr_array_free(t->local_candidates, TRUE);
    g_main_context_unref(t->ctx);
    memset(t->recv_buf, 0, sizeof(t->recv_buf));
    memset(t->send_buf, 0, sizeof(t->send_buf));
    g_free(t);
}

dtls13_transport_state dtls13_transport_get_state(const dtls13_transport *t)
{
    return t ? t->state : DTLS13_TRANSPORT_FAILED;
}

const char *dtls13_transport_state_name(dtls13_transport_state state)
{
    switch (state) {
    case DTLS13_TRANSPORT_NEW: return "new";
    case DTLS13_TRANSPORT_GATHERING: return "gathering";
    case DTLS13_TRANSPORT_CHECKING: return "checking";
    case DTLS13_TRANSPORT_HANDSHAKE: return "handshake";
    case DTLS13_TRANSPORT_SECURE: return "secure";
    case DTLS13_TRANSPORT_FAILED: return "failed";
    case DTLS13_TRANSPORT_CLOSED: return "closed";
    }
    return "unknown";
}

const char *dtls13_transport_failure_reason(const dtls13_transport *t)
{
    if (!t || !t->failed) return NULL;
    return t->failure;
}

dtls13_conn *dtls13_transport_conn(const dtls13_transport *t)
{
    return t ? t->conn : NULL;
}

const dtls13_srtp *dtls13_transport_srtp(const dtls13_transport *t)
{
    return t ? t->srtp : NULL;
}

int dtls13_transport_selected_pair(const dtls13_transport *t, char *local, size_t local_cap, char *remote,
                                   size_t remote_cap)
{
    if (!t || !local || !remote || local_cap == 0 || remote_cap == 0) return DTLS13_ERR_INVALID_ARG;
    NiceCandidate *lc = NULL, *rc = NULL;
    if (!nice_agent_get_selected_pair(t->agent, t->stream_id, 1, &lc, &rc) || !lc || !rc)
        return DTLS13_ERR_BAD_STATE;
    char lip[NICE_ADDRESS_STRING_LEN], rip[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string(&lc->addr, lip);
    nice_address_to_string(&rc->addr, rip);
    int ln = snprintf(local, local_cap, "%s:%u", lip, nice_address_get_port(&lc->addr));
    int rn = snprintf(remote, remote_cap, "%s:%u", rip, nice_address_get_port(&rc->addr));
    if (ln < 0 || (size_t)ln >= local_cap || rn < 0 || (size_t)rn >= remote_cap) return DTLS13_ERR_BUFFER_TOO_SMALL;
    return 0;
}

void dtls13_transport_get_stats(const dtls13_transport *t, dtls13_transport_stats *out)
{
    if (!out) return;
    if (!t) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = t->stats;
    out->rtp_datagrams_in = t->demux.rtp;
    out->rtcp_datagrams_in = t->demux.rtcp;
    out->demux_dropped = t->demux.dropped + t->demux.zrtp + t->demux.turn_channel + t->demux.stun;
}

int dtls13_transport_set_rtt_estimate(dtls13_transport *t, uint32_t rtt_ms)
{
    if (!t) return DTLS13_ERR_INVALID_ARG;
    int rc = dtls13_conn_set_rtt_estimate(t->conn, rtt_ms);
    d13_transport_dtls_rearm(t);
    return rc;
}
