/* One WHIP call: offer, transport, answer, echo. */
#include "whip_call.h"

#include <stdio.h>
#include <string.h>

#include "whip_echo.h"

/** Seconds to wait for gathering before answering with what we have. */
#define GATHER_TIMEOUT_S 3
/** Keyframe requests forwarded per m-line at most this often. */
#define PLI_INTERVAL_US (200 * 1000)
/** Most keyframe requests read from one RTCP packet. */
#define MAX_REQUESTS 8

typedef struct media_state {
    bool source_known;     /* we have seen the browser's SSRC on this m-line */
    uint32_t source_ssrc;
    int64_t last_pli_us;
    uint64_t rtp_in, rtp_echoed;
} media_state;

struct whip_call {
    char id[64];
    whip_call_options opts;
    dtls13_transport *transport;
    dtls13_sdp_offer *offer;
    dtls13_sdp_answer *answer;
    bool answered;
    bool secure;
    bool ended;
    int64_t created_us, ended_us, secure_us;
    char failure[256];
    guint gather_timeout, setup_timeout, answer_idle;
    size_t remote_added, remote_mdns_skipped, remote_other_skipped;
    uint64_t rtp_unknown_pt, rtp_not_echoed, echo_failures;
    uint64_t keyframe_requests, pli_sent, rtcp_ignored;
    media_state media[DTLS13_SDP_MAX_MEDIA];
    uint8_t buf[DTLS13_TRANSPORT_MAX_PACKET];
};

static void call_log(whip_call *c, const char *event, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void call_log(whip_call *c, const char *event, const char *fmt, ...)
{
    if (!c->opts.on_log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->opts.on_log(c->opts.user, c, event, line);
}

const char *whip_call_id(const whip_call *call)
{
    return call->id;
}

bool whip_call_ended(const whip_call *call, int64_t *since_us)
{
    if (since_us) *since_us = call->ended_us;
    return call->ended;
}

static void end_call(whip_call *c, const char *reason)
{
    if (c->ended) return;
    c->ended = true;
    c->ended_us = g_get_monotonic_time();
    if (reason && !c->failure[0]) g_strlcpy(c->failure, reason, sizeof(c->failure));
}

/* The ready callback, once. */
static void report_ready(whip_call *c, const char *answer, const char *error)
{
    if (c->answered) return;
    c->answered = true;
    if (c->opts.on_ready) c->opts.on_ready(c->opts.user, c, answer, error);
}

static void send_pli(whip_call *c, size_t index, bool forced)
{
    media_state *m = &c->media[index];
    if (!m->source_known || !c->secure) return;
    int64_t now = g_get_monotonic_time();
    if (!forced && m->last_pli_us && now - m->last_pli_us < PLI_INTERVAL_US) return;
    uint8_t pli[WHIP_ECHO_PLI_LEN];
    uint32_t sender = c->answer->media[index].ssrc ? c->answer->media[index].ssrc : 1;
    size_t n = whip_echo_write_pli(sender, m->source_ssrc, pli, sizeof(pli));
    if (n && dtls13_transport_send_rtcp(c->transport, pli, n) == 0) {
        c->pli_sent++;
        m->last_pli_us = now;
    }
}

static void handle_rtp(whip_call *c, const uint8_t *packet, size_t len)
{
    whip_rtp_info info;
    if (!whip_echo_rtp_info(packet, len, &info)) {
        c->rtp_unknown_pt++;
        return;
    }
    int index = dtls13_sdp_answer_media_for_payload_type(c->answer, info.payload_type);
    if (index < 0) {
        c->rtp_unknown_pt++;
        return;
    }
    media_state *m = &c->media[index];
    const dtls13_sdp_answer_media *am = &c->answer->media[index];
    m->rtp_in++;
    if (!m->source_known || m->source_ssrc != info.ssrc) {
        m->source_known = true;
        m->source_ssrc = info.ssrc;
        call_log(c, "stream", "m-line %d (%s): browser SSRC %u, echoed as SSRC %u", index, am->kind,
                 (unsigned)info.ssrc, (unsigned)am->ssrc);
        if (strcmp(am->kind, "video") == 0) send_pli(c, (size_t)index, true); /* start the echo on a keyframe */
    }
    if (am->ssrc == 0) {
        c->rtp_not_echoed++;
        return;
    }
    size_t n = whip_echo_rewrite_rtp(packet, len, am->ssrc, c->buf, sizeof(c->buf));
    if (n == 0 || dtls13_transport_send_rtp(c->transport, c->buf, n) != 0) {
        c->echo_failures++;
        return;
    }
    m->rtp_echoed++;
}

/* PLI/FIR for one of our SSRCs asks the browser's sender for a keyframe;
 * reports about our streams and the browser's own are not forwarded. */
static void handle_rtcp(whip_call *c, const uint8_t *packet, size_t len)
{
    uint32_t requested[MAX_REQUESTS];
    size_t n = whip_echo_keyframe_requests(packet, len, requested, MAX_REQUESTS);
    if (n == 0) {
        c->rtcp_ignored++;
        return;
    }
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < c->answer->media_count; i++) {
            if (!c->answer->media[i].accepted || c->answer->media[i].ssrc != requested[r]) continue;
            c->keyframe_requests++;
            send_pli(c, i, false);
        }
    }
}

static void on_media(void *user, dtls13_transport *t, bool rtcp, const uint8_t *packet, size_t len)
{
    (void)t;
    whip_call *c = user;
    if (!c->answer) return;
    if (rtcp)
        handle_rtcp(c, packet, len);
    else
        handle_rtp(c, packet, len);
}

/* Gives the browser's candidates to libnice: UDP component 1 with an IP
 * address. mDNS names (".local") cannot be resolved here; the browser's
 * connectivity checks make libnice learn its address as a peer-reflexive
 * candidate (RFC 8445 7.3.1.3) instead. */
static void add_remote_candidates(whip_call *c)
{
    for (size_t i = 0; i < c->answer->remote_candidate_count; i++) {
        const dtls13_sdp_candidate *cand = c->answer->remote_candidates[i];
        if (cand->mdns) {
            c->remote_mdns_skipped++;
            continue;
        }
        if (g_ascii_strcasecmp(cand->transport, "udp") != 0 || cand->component != 1) {
            c->remote_other_skipped++;
            continue;
        }
        if (dtls13_transport_add_remote_candidate(c->transport, cand->line) == 1)
            c->remote_added++;
        else
            c->remote_other_skipped++;
    }
    call_log(c, "candidates", "browser candidates: %zu added, %zu mDNS skipped (peer-reflexive instead), %zu other skipped",
             c->remote_added, c->remote_mdns_skipped, c->remote_other_skipped);
}

static void write_answer(whip_call *c)
{
    if (c->answered) return;
    if (c->gather_timeout) {
        g_source_remove(c->gather_timeout);
        c->gather_timeout = 0;
    }
    const char *ufrag = NULL, *pwd = NULL;
    dtls13_transport_local_credentials(c->transport, &ufrag, &pwd);
    size_t count = 0;
    const char *const *candidates = dtls13_transport_local_candidates(c->transport, &count);
    char fingerprint[DTLS13_SDP_FINGERPRINT_LEN];
    char error[256];
    if (count == 0) {
        end_call(c, "ICE: no local candidate was gathered");
        report_ready(c, NULL, c->failure);
        return;
    }
    if (dtls13_config_fingerprint(c->opts.cfg, DTLS13_HASH_SHA256, fingerprint, sizeof(fingerprint)) < 0) {
        end_call(c, "no certificate fingerprint");
        report_ready(c, NULL, c->failure);
        return;
    }
    dtls13_sdp_answer_options ao;
    dtls13_sdp_answer_options_init(&ao);
    ao.ice_ufrag = ufrag;
    ao.ice_pwd = pwd;
    ao.candidates = candidates;
    ao.candidate_count = count;
    ao.fingerprint = fingerprint;
    ao.setup = c->opts.setup;
    ao.session_id = (uint64_t)g_get_real_time();
    dtls13_sdp_answer *answer = NULL;
    if (dtls13_sdp_answer_offer(c->offer, &ao, &answer, error, sizeof(error)) < 0) {
        end_call(c, error);
        report_ready(c, NULL, c->failure);
        return;
    }
    dtls13_sdp_answer_free(c->answer);
    c->answer = answer;
    add_remote_candidates(c);
    call_log(c, "answer", "answer ready: %zu local candidate%s, a=setup:%s (DTLS %s)", count, count == 1 ? "" : "s",
             dtls13_sdp_setup_name(answer->setup), answer->dtls_role == DTLS13_ROLE_CLIENT ? "client" : "server");
    report_ready(c, answer->text, NULL);
}

static gboolean on_gather_timeout(gpointer user)
{
    whip_call *c = user;
    c->gather_timeout = 0;
    call_log(c, "gathering", "gathering not done after %d s: answering with the candidates so far", GATHER_TIMEOUT_S);
    write_answer(c);
    return G_SOURCE_REMOVE;
}

static gboolean on_answer_idle(gpointer user)
{
    whip_call *c = user;
    c->answer_idle = 0;
    write_answer(c);
    return G_SOURCE_REMOVE;
}

static gboolean on_setup_timeout(gpointer user)
{
    whip_call *c = user;
    c->setup_timeout = 0;
    if (c->secure || c->ended) return G_SOURCE_REMOVE;
    char reason[128];
    snprintf(reason, sizeof(reason), "not secure within %d s (transport state %s)", WHIP_CALL_SETUP_TIMEOUT_S,
             dtls13_transport_state_name(dtls13_transport_get_state(c->transport)));
    end_call(c, reason);
    call_log(c, "failed", "%s", reason);
    dtls13_transport_close(c->transport);
    return G_SOURCE_REMOVE;
}

static void log_secure(whip_call *c)
{
    const dtls13_conn *conn = dtls13_transport_conn(c->transport);
    const char *v = dtls13_version_name(dtls13_conn_version(conn));
    const char *cs = dtls13_cipher_suite_name(dtls13_conn_cipher_suite(conn));
    const char *g = dtls13_group_name(dtls13_conn_group(conn));
    const char *p = dtls13_srtp_profile_name(dtls13_conn_srtp_profile(conn));
    call_log(c, "secure", "secure after %lld ms: %s, %s, group %s, %s%s", (long long)((c->secure_us - c->created_us) / 1000),
             v ? v : "?", cs ? cs : "?", g ? g : "?", p ? p : "?",
             dtls13_conn_used_hello_retry(conn) ? ", after a HelloRetryRequest" : "");
}

static void on_event(void *user, dtls13_transport *t, const dtls13_transport_event *event)
{
    (void)t;
    whip_call *c = user;
    switch (event->type) {
    case DTLS13_TRANSPORT_EVENT_LOCAL_CANDIDATE: break;
    case DTLS13_TRANSPORT_EVENT_GATHERING_DONE:
        /* libnice may emit this inside dtls13_transport_gather(): answer
         * from the main loop, never before whip_call_new() has returned. */
        if (!c->answer_idle && !c->answered) c->answer_idle = g_idle_add(on_answer_idle, c);
        break;
    case DTLS13_TRANSPORT_EVENT_ICE_CONNECTED: call_log(c, "ice", "ICE connected"); break;
    case DTLS13_TRANSPORT_EVENT_SELECTED_PAIR: call_log(c, "pair", "selected pair %s", event->text ? event->text : "?"); break;
    case DTLS13_TRANSPORT_EVENT_SECURE:
        c->secure = true;
        c->secure_us = g_get_monotonic_time();
        log_secure(c);
        break;
    case DTLS13_TRANSPORT_EVENT_FAILED:
        end_call(c, event->text ? event->text : "failed");
        call_log(c, "failed", "failed: %s", c->failure);
        report_ready(c, NULL, c->failure);
        break;
    case DTLS13_TRANSPORT_EVENT_CLOSED:
        end_call(c, NULL);
        call_log(c, "closed", "closed by the browser (close_notify)");
        break;
    }
}

/* Answers the offer with placeholder local values, so that a bad offer is
 * refused before any transport exists and the browser's parameters are
 * known; write_answer() answers again with the real ones. */
static int provisional_answer(whip_call *c, char *error, size_t cap)
{
    dtls13_sdp_answer_options ao;
    dtls13_sdp_answer_options_init(&ao);
    ao.ice_ufrag = "PLACEHOLDER";
    ao.ice_pwd = "PLACEHOLDERPLACEHOLDER";
    ao.fingerprint = "sha-256 00";
    ao.setup = c->opts.setup;
    return dtls13_sdp_answer_offer(c->offer, &ao, &c->answer, error, cap);
}

/* Creates the transport and gives it the browser's credentials and
 * fingerprint (candidates follow with the answer). */
static bool start_transport(whip_call *c, dtls13_role role, char *error, size_t cap, bool *server_fault)
{
    char fp[DTLS13_SDP_FINGERPRINT_LEN];
    dtls13_transport_options to;
    dtls13_transport_options_init(&to);
    to.ice_controlling = false;
    to.dtls_role = role;
    to.on_event = on_event;
    to.event_user = c;
    to.on_media = on_media;
    to.media_user = c;
    c->transport = dtls13_transport_new(c->opts.ctx, c->opts.cfg, &to);
    if (!c->transport) {
        *server_fault = true;
        snprintf(error, cap, "could not create the ICE transport");
        return false;
    }
    for (size_t i = 0; i < c->opts.ice_address_count; i++) {
        if (dtls13_transport_add_local_address(c->transport, c->opts.ice_addresses[i]) < 0) {
            *server_fault = true;
            snprintf(error, cap, "bad local ICE address %s", c->opts.ice_addresses[i]);
            return false;
        }
    }
    g_strlcpy(fp, c->answer->remote_fingerprint, sizeof(fp));
    if (dtls13_transport_set_remote_fingerprint(c->transport, fp) < 0) {
        snprintf(error, cap, "the offer's a=fingerprint is malformed: %s", fp);
        return false;
    }
    if (dtls13_transport_set_remote_credentials(c->transport, c->answer->remote_ice_ufrag, c->answer->remote_ice_pwd) <
        0) {
        snprintf(error, cap, "the offer's ICE credentials are invalid (RFC 8839: ufrag of 4-256 and pwd of 22-256 "
                             "ice-chars)");
        return false;
    }
    if (dtls13_transport_gather(c->transport) < 0) {
        *server_fault = true;
        snprintf(error, cap, "ICE: no local address to gather candidates on");
        return false;
    }
    return true;
}

whip_call *whip_call_new(const whip_call_options *opts, const char *id, const char *text, size_t len, char *error,
                         size_t error_cap, bool *server_fault)
{
    *server_fault = false;
    whip_call *c = g_new0(whip_call, 1);
    c->opts = *opts;
    g_strlcpy(c->id, id, sizeof(c->id));
    c->created_us = g_get_monotonic_time();
    char message[256];
    if (dtls13_sdp_parse_offer(text, len, &c->offer, message, sizeof(message)) < 0) {
        snprintf(error, error_cap, "bad offer: %s", message);
        whip_call_free(c);
        return NULL;
    }
    if (provisional_answer(c, message, sizeof(message)) < 0) {
        snprintf(error, error_cap, "offer cannot be answered: %s", message);
        whip_call_free(c);
        return NULL;
    }
    if (!start_transport(c, c->answer->dtls_role, error, error_cap, server_fault)) {
        whip_call_free(c);
        return NULL;
    }
    c->gather_timeout = g_timeout_add_seconds(GATHER_TIMEOUT_S, on_gather_timeout, c);
    c->setup_timeout = g_timeout_add_seconds(WHIP_CALL_SETUP_TIMEOUT_S, on_setup_timeout, c);
    /* Gathering host candidates may already be done; the ready callback
     * never runs before this function returns. */
    if (dtls13_transport_gathering_done(c->transport) && !c->answer_idle)
        c->answer_idle = g_idle_add(on_answer_idle, c);
    return c;
}

void whip_call_free(whip_call *call)
{
    if (!call) return;
    if (call->gather_timeout) g_source_remove(call->gather_timeout);
    if (call->setup_timeout) g_source_remove(call->setup_timeout);
    if (call->answer_idle) g_source_remove(call->answer_idle);
    dtls13_transport_free(call->transport);
    dtls13_sdp_answer_free(call->answer);
    dtls13_sdp_offer_free(call->offer);
    g_free(call);
}

/* The W3C webrtc-stats name of an SRTP profile (RTCTransportStats
 * srtpCipher), so a test can compare it with the browser's. */
static const char *srtp_cipher_name(uint16_t profile)
{
    switch (profile) {
    case DTLS13_SRTP_AES128_CM_SHA1_80: return "AES_CM_128_HMAC_SHA1_80";
    case DTLS13_SRTP_AES128_CM_SHA1_32: return "AES_CM_128_HMAC_SHA1_32";
    case DTLS13_SRTP_AEAD_AES_128_GCM: return "AEAD_AES_128_GCM";
    case DTLS13_SRTP_AEAD_AES_256_GCM: return "AEAD_AES_256_GCM";
    default: return "";
    }
}

static void json_string(GString *s, const char *key, const char *value)
{
    g_string_append_printf(s, "\"%s\": \"", key);
    for (const char *p = value ? value : ""; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"' || ch == '\\')
            g_string_append_printf(s, "\\%c", ch);
        else if (ch < 0x20)
            g_string_append_printf(s, "\\u%04x", ch);
        else
            g_string_append_c(s, (char)ch);
    }
    g_string_append(s, "\", ");
}

static void json_u64(GString *s, const char *key, uint64_t value)
{
    g_string_append_printf(s, "\"%s\": %llu, ", key, (unsigned long long)value);
}

static void json_bool(GString *s, const char *key, bool value)
{
    g_string_append_printf(s, "\"%s\": %s, ", key, value ? "true" : "false");
}

static void json_dtls(GString *s, const whip_call *c)
{
    const dtls13_conn *conn = dtls13_transport_conn(c->transport);
    uint16_t version = c->secure ? dtls13_conn_version(conn) : 0;
    char hex[8] = "";
    if (version) snprintf(hex, sizeof(hex), "%04X", version);
    const char *name;
    json_string(s, "dtls_version", version && (name = dtls13_version_name(version)) ? name : "");
    json_string(s, "tls_version", hex);
    uint16_t suite = c->secure ? dtls13_conn_cipher_suite(conn) : 0;
    json_string(s, "cipher_suite", suite && (name = dtls13_cipher_suite_name(suite)) ? name : "");
    uint16_t group = c->secure ? dtls13_conn_group(conn) : 0;
    json_string(s, "group", group && (name = dtls13_group_name(group)) ? name : "");
    uint16_t sig = c->secure ? dtls13_conn_peer_signature_scheme(conn) : 0;
    json_string(s, "peer_signature_scheme", sig && (name = dtls13_signature_scheme_name(sig)) ? name : "");
    uint16_t profile = c->secure ? dtls13_conn_srtp_profile(conn) : 0;
    json_string(s, "srtp_profile", profile && (name = dtls13_srtp_profile_name(profile)) ? name : "");
    json_string(s, "srtp_cipher", srtp_cipher_name(profile));
    json_bool(s, "hello_retry", c->secure && dtls13_conn_used_hello_retry(conn));
    dtls13_stats ds;
    dtls13_conn_stats(conn, &ds);
    json_u64(s, "dtls_retransmissions", ds.retransmissions);
    json_u64(s, "dtls_handshake_ms", ds.handshake_ms);
}

static void json_media(GString *s, const whip_call *c)
{
    g_string_append(s, "\"media\": [");
    for (size_t i = 0; c->answer && i < c->answer->media_count; i++) {
        const dtls13_sdp_answer_media *am = &c->answer->media[i];
        const media_state *m = &c->media[i];
        g_string_append(s, i ? ", {" : "{");
        json_string(s, "mid", am->mid);
        json_string(s, "kind", am->kind);
        json_bool(s, "accepted", am->accepted);
        json_string(s, "direction", am->accepted ? dtls13_sdp_direction_name(am->direction) : "");
        g_string_append(s, "\"payload_types\": [");
        for (size_t j = 0; j < am->payload_type_count; j++) g_string_append_printf(s, "%s%u", j ? ", " : "", am->payload_types[j]);
        g_string_append(s, "], ");
        json_u64(s, "ssrc", am->ssrc);
        json_u64(s, "browser_ssrc", m->source_known ? m->source_ssrc : 0);
        json_u64(s, "rtp_in", m->rtp_in);
        g_string_append_printf(s, "\"rtp_echoed\": %llu}", (unsigned long long)m->rtp_echoed);
    }
    g_string_append(s, "]");
}

char *whip_call_stats_json(const whip_call *c)
{
    GString *s = g_string_new("{");
    dtls13_transport_state state = dtls13_transport_get_state(c->transport);
    json_string(s, "id", c->id);
    json_string(s, "state", dtls13_transport_state_name(state));
    json_bool(s, "secure", c->secure);
    json_bool(s, "ended", c->ended);
    json_string(s, "failure", c->failure);
    json_string(s, "setup", c->answer ? dtls13_sdp_setup_name(c->answer->setup) : "");
    json_string(s, "dtls_role", c->answer && c->answer->dtls_role == DTLS13_ROLE_CLIENT ? "client" : "server");
    json_string(s, "ice_role", "controlled");
    json_dtls(s, c);
    char local[64] = "", remote[64] = "";
    if (dtls13_transport_selected_pair(c->transport, local, sizeof(local), remote, sizeof(remote)) < 0)
        local[0] = remote[0] = '\0';
    json_string(s, "selected_local", local);
    json_string(s, "selected_remote", remote);
    size_t local_count = 0;
    dtls13_transport_local_candidates(c->transport, &local_count);
    json_u64(s, "local_candidates", local_count);
    json_u64(s, "remote_candidates_added", c->remote_added);
    json_u64(s, "remote_mdns_skipped", c->remote_mdns_skipped);
    json_u64(s, "setup_ms", c->secure ? (uint64_t)((c->secure_us - c->created_us) / 1000) : 0);
    dtls13_transport_stats ts;
    dtls13_transport_get_stats(c->transport, &ts);
    json_u64(s, "gathering_ms", ts.gathering_ms);
    json_u64(s, "ice_ms", ts.ice_ms);
    json_u64(s, "dtls_ms", ts.dtls_ms);
    json_u64(s, "packets_in", ts.rtp_received + ts.rtcp_received);
    json_u64(s, "packets_out", ts.rtp_sent + ts.rtcp_sent);
    json_u64(s, "rtp_in", ts.rtp_received);
    json_u64(s, "rtcp_in", ts.rtcp_received);
    json_u64(s, "rtp_out", ts.rtp_sent);
    json_u64(s, "rtcp_out", ts.rtcp_sent);
    json_u64(s, "srtp_datagrams_in", ts.rtp_datagrams_in + ts.rtcp_datagrams_in);
    json_u64(s, "srtp_auth_failures", ts.srtp_auth_failures);
    json_u64(s, "srtp_replays", ts.srtp_replays);
    json_u64(s, "srtp_bad_packets", ts.srtp_bad_packets);
    json_u64(s, "media_before_keys", ts.media_before_keys);
    json_u64(s, "send_failures", ts.send_failures);
    uint64_t echoed = 0;
    for (size_t i = 0; i < DTLS13_SDP_MAX_MEDIA; i++) echoed += c->media[i].rtp_echoed;
    json_u64(s, "rtp_echoed", echoed);
    json_u64(s, "rtp_unknown_payload_type", c->rtp_unknown_pt);
    json_u64(s, "rtp_not_echoed", c->rtp_not_echoed);
    json_u64(s, "echo_failures", c->echo_failures);
    json_u64(s, "keyframe_requests", c->keyframe_requests);
    json_u64(s, "pli_sent", c->pli_sent);
    json_u64(s, "rtcp_ignored", c->rtcp_ignored);
    json_media(s, c);
    g_string_append(s, "}");
    return g_string_free(s, FALSE);
}
