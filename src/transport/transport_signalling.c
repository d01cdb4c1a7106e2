/* What the application exchanges with the peer: local addresses and
 * gathering, ICE credentials, candidates in SDP form, the certificate
 * fingerprint, ICE restarts and the a=setup convention. */
#include "transport_internal.h"

#include <string.h>

/** Longest candidate line accepted (RFC 8839 sets no limit; real lines
 *  are well under 300 bytes). */
#define MAX_CANDIDATE_LINE 1024

int dtls13_transport_add_local_address(dtls13_transport *t, const char *ip)
{
    if (!t || !ip) return DTLS13_ERR_INVALID_ARG;
    if (t->gathering_started) return DTLS13_ERR_BAD_STATE;
    NiceAddress addr;
    nice_address_init(&addr);
    if (!nice_address_set_from_string(&addr, ip)) return DTLS13_ERR_INVALID_ARG;
    if (!nice_agent_add_local_address(t->agent, &addr)) return DTLS13_ERR_NO_MEMORY;
    t->local_address_added = true;
    return 0;
}

/* libnice alone skips loopback addresses when gathering; WebRTC on one
 * machine (and our loopback call) needs them, so when the caller chose no
 * addresses we add every local one, loopback included. */
static void add_all_local_addresses(dtls13_transport *t)
{
    GList *ips = nice_interfaces_get_local_ips(TRUE);
    for (GList *i = ips; i; i = i->next) {
        const char *ip = i->data;
        if (g_ascii_strncasecmp(ip, "fe80", 4) == 0) continue; /* link-local needs a scope */
        NiceAddress addr;
        nice_address_init(&addr);
        if (nice_address_set_from_string(&addr, ip)) nice_agent_add_local_address(t->agent, &addr);
    }
    g_list_free_full(ips, g_free);
}

int dtls13_transport_gather(dtls13_transport *t)
{
    if (!t) return DTLS13_ERR_INVALID_ARG;
    if (t->gathering_started) return DTLS13_ERR_BAD_STATE;
    if (!t->local_address_added) add_all_local_addresses(t);
    t->gathering_started = true;
    t->gather_start_us = g_get_monotonic_time();
    if (t->state == DTLS13_TRANSPORT_NEW) t->state = DTLS13_TRANSPORT_GATHERING;
    if (!nice_agent_gather_candidates(t->agent, t->stream_id)) {
        d13_transport_fail(t, "ICE: no local address to gather candidates on");
        return DTLS13_ERR_IO;
    }
    return 0;
}

int dtls13_transport_local_credentials(const dtls13_transport *t, const char **ufrag, const char **pwd)
{
    if (!t) return DTLS13_ERR_INVALID_ARG;
    if (ufrag) *ufrag = t->local_ufrag;
    if (pwd) *pwd = t->local_pwd;
    return 0;
}

const char *const *dtls13_transport_local_candidates(const dtls13_transport *t, size_t *count)
{
    if (!t) {
        if (count) *count = 0;
        return NULL;
    }
    if (count) *count = t->local_candidates->len - 1; /* minus the NULL terminator */
    return (const char *const *)t->local_candidates->pdata;
}

bool dtls13_transport_gathering_done(const dtls13_transport *t)
{
    return t && t->gathering_done;
}

/* RFC 8839 5.4: ice-char = ALPHA / DIGIT / "+" / "/". */
static bool valid_ice_chars(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!g_ascii_isalnum(c) && c != '+' && c != '/') return false;
    }
    return true;
}

static void note_checks_start(dtls13_transport *t)
{
    if (t->checks_start_us == 0) t->checks_start_us = g_get_monotonic_time();
    if (t->state == DTLS13_TRANSPORT_NEW || t->state == DTLS13_TRANSPORT_GATHERING)
        t->state = DTLS13_TRANSPORT_CHECKING;
}

int dtls13_transport_set_remote_credentials(dtls13_transport *t, const char *ufrag, const char *pwd)
{
    if (!t || !ufrag || !pwd) return DTLS13_ERR_INVALID_ARG;
    if (!valid_ice_chars(ufrag, 4, 256) || !valid_ice_chars(pwd, 22, 256)) return DTLS13_ERR_INVALID_ARG;
    int restarted = 0;
    if (t->remote_ufrag && strcmp(t->remote_ufrag, ufrag) != 0 && !t->restarted_since_remote) {
        /* The peer restarted ICE (RFC 8445 9): restart too, so that it
         * gets our new credentials in the answer. */
        int rc = dtls13_transport_restart_ice(t);
        if (rc < 0) return rc;
        restarted = 1;
    }
    if (!nice_agent_set_remote_credentials(t->agent, t->stream_id, ufrag, pwd)) return DTLS13_ERR_INVALID_ARG;
    g_free(t->remote_ufrag);
    t->remote_ufrag = g_strdup(ufrag);
    t->restarted_since_remote = false;
    note_checks_start(t);
    return restarted;
}

/* Copies candidate into out as an "a=candidate:" line without trailing
 * white space; false when it is not a candidate line or too long. */
static bool normalize_candidate_line(const char *candidate, char *out, size_t cap)
{
    const char *body = candidate;
    if (g_str_has_prefix(body, "a=")) body += 2;
    if (!g_str_has_prefix(body, "candidate:")) return false;
    size_t n = strlen(body);
    while (n > 0 && g_ascii_isspace(body[n - 1])) n--;
    if (n + 3 > cap) return false;
    memcpy(out, "a=", 2);
    memcpy(out + 2, body, n);
    out[n + 2] = '\0';
    return true;
}

int dtls13_transport_add_remote_candidate(dtls13_transport *t, const char *candidate)
{
    if (!t || !candidate) return DTLS13_ERR_INVALID_ARG;
    char line[MAX_CANDIDATE_LINE];
    if (!normalize_candidate_line(candidate, line, sizeof(line))) return DTLS13_ERR_DECODE;
    NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(t->agent, t->stream_id, line);
    if (!c) return DTLS13_ERR_DECODE;
    int result = 0;
    if (c->component_id == 1 && c->transport == NICE_CANDIDATE_TRANSPORT_UDP) {
        GSList list = {.data = c, .next = NULL};
        int added = nice_agent_set_remote_candidates(t->agent, t->stream_id, 1, &list);
        result = added > 0 ? 1 : (added < 0 ? DTLS13_ERR_DECODE : 0);
        if (added > 0) note_checks_start(t);
    }
    nice_candidate_free(c);
    return result;
}

int dtls13_transport_set_remote_fingerprint(dtls13_transport *t, const char *fingerprint)
{
    if (!t || !fingerprint) return DTLS13_ERR_INVALID_ARG;
    return dtls13_conn_set_peer_fingerprint(t->conn, fingerprint);
}

int dtls13_transport_restart_ice(dtls13_transport *t)
{
    if (!t) return DTLS13_ERR_INVALID_ARG;
    if (!t->gathering_started) return DTLS13_ERR_BAD_STATE;
    if (!nice_agent_restart_stream(t->agent, t->stream_id)) return DTLS13_ERR_BAD_STATE;
    if (!d13_transport_ice_refresh_credentials(t)) return DTLS13_ERR_NO_MEMORY;
    t->restarted_since_remote = true;
    t->stats.ice_restarts++;
    return 0;
}

int dtls13_transport_role_from_setup(const char *setup, dtls13_role *role)
{
    if (!setup || !role) return DTLS13_ERR_INVALID_ARG;
    if (g_ascii_strcasecmp(setup, "active") == 0) {
        *role = DTLS13_ROLE_CLIENT;
        return 0;
    }
    if (g_ascii_strcasecmp(setup, "passive") == 0) {
        *role = DTLS13_ROLE_SERVER;
        return 0;
    }
    return DTLS13_ERR_INVALID_ARG;
}

const char *dtls13_transport_answer_setup(const char *offer_setup)
{
    if (!offer_setup) return NULL;
    if (g_ascii_strcasecmp(offer_setup, "actpass") == 0) return "active";
    if (g_ascii_strcasecmp(offer_setup, "active") == 0) return "passive";
    if (g_ascii_strcasecmp(offer_setup, "passive") == 0) return "active";
    return NULL;
}
