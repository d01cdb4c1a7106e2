/* sfu_echo: a small media server (a selective forwarding unit) on ONE UDP
 * port, for browsers.
 *
 *   sfu_echo [--address IP] [--port N] [--http-port N] [--page-dir DIR]
 *            [--min-version 1.2|1.3] [--max-version 1.2|1.3] [--json]
 *
 * Each browser POSTs its SDP offer to /sfu (examples/sfu_signal.h) and
 * gets an answer with a=ice-lite, our certificate fingerprint and one host
 * candidate: the UDP port. On that port one dtls13_endpoint
 * (dtls13/endpoint.h) terminates every browser's DTLS (1.3, or 1.2 for a
 * peer or --max-version that wants it) and SRTP; STUN goes from the
 * endpoint's on_stun to the ICE-lite responder (examples/sfu_ice_lite.h,
 * libnice's STUN library), which authenticates each check with the
 * credentials of the peer named by its USERNAME. An authenticated check
 * validates its source address for that peer: the browser's ClientHello
 * from there is taken without a cookie round trip and becomes that
 * peer's association (any other ClientHello is closed), and its consent
 * checks keep the association alive. A peer whose offer says
 * a=setup:passive gets a=setup:active, and we connect to the address of
 * its first authenticated check. The room (examples/sfu_room.h) forwards
 * each peer's RTP to every other peer with the SSRC announced to that
 * receiver, asks senders for key frames when a receiver joins and relays
 * the receivers' PLI/FIR.
 *
 * Stats JSON (GET /sfu/stats; with --json also printed on stdout at exit
 * as {"event": "stats", "stats": {...}}): udp_port, associations,
 * handshakes_started/completed/failed, handshakes_dtls13, handshakes_dtls12,
 * stun_in, stun_authenticated, media_in, media_out (SRTP/SRTCP packets),
 * rtp_in, rtcp_in, rtp_forwarded, forward_failures, rtp_unroutable,
 * no_free_slot, no_codec, keyframe_requests, pli_sent, peers_added,
 * peers_removed, and peers: [{id, ready, ended, addresses,
 * rtp_forwarded_from, rtp_forwarded_to, keyframe_requests, pli_received,
 * sources: [{kind, ssrc, mid, rtp_in, rtp_forwarded}],
 * slots: [{mid, kind, ssrc (announced to this peer), from (peer id or ""),
 * rtp_out}], dtls_role ("server", or "client" for an a=setup:passive
 * offer), dtls_state, dtls_version ("DTLS1.3"), tls_version ("FEFC"),
 * cipher_suite, srtp_profile, media_in, media_out}].
 *
 * Progress goes to stderr; with --json, {"event": "listening", "url":
 * ..., "udp_port": N} is the first line on stdout. SIGINT and SIGTERM
 * send close_notify to every peer, free everything and exit 0. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "sfu_ice_lite.h"
#include "sfu_room.h"
#include "sfu_signal.h"

#ifndef SFU_PAGE_DIR
#define SFU_PAGE_DIR "examples/sfu"
#endif
/* Where the script the page shares with the WHIP page is (webrtc_page.js). */
#ifndef SFU_SHARED_PAGE_DIR
#define SFU_SHARED_PAGE_DIR "examples/whip"
#endif

/** A peer not ready this long after its offer is removed. */
#define SETUP_TIMEOUT_MS 30000u
/** An ended peer stays in the statistics this long. */
#define ENDED_LINGER_MS 30000u
/** Datagrams read per wake-up of the socket. */
#define DATAGRAMS_PER_WAKE 64
/** Largest datagram read. */
#define MAX_DATAGRAM 65535u

typedef struct options {
    const char *address;
    unsigned port, http_port;
    const char *page_dir;
    uint16_t min_version, max_version;
    bool json;
} options;

typedef struct sfu_server {
    options o;
    int fd;
    unsigned udp_port;
    GMainLoop *loop;
    dtls13_config *cfg;
    dtls13_endpoint *ep;
    sfu_room *room;
    sfu_signal *sig;
    char fingerprint[DTLS13_SDP_FINGERPRINT_LEN];
    char candidate[160];
    guint fd_watch, timer, sweep;
    uint64_t timer_at;
    uint8_t *buf;
    uint8_t reply[SFU_ICE_REPLY_CAP];
} sfu_server;

static uint64_t now_ms(void)
{
    return (uint64_t)(g_get_monotonic_time() / 1000);
}

static void logf_(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sfu_echo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- the endpoint's timer --------------------------------------------------- */

static void arm_timer(sfu_server *s);

static gboolean on_timer(gpointer user)
{
    sfu_server *s = user;
    s->timer = 0;
    s->timer_at = 0;
    dtls13_endpoint_handle_timeout(s->ep, now_ms());
    arm_timer(s);
    return G_SOURCE_REMOVE;
}

/* One GLib timeout at the endpoint's next deadline (re-armed only when
 * the deadline moved). */
static void arm_timer(sfu_server *s)
{
    uint64_t next = dtls13_endpoint_next_timeout(s->ep);
    if (s->timer && next == s->timer_at) return;
    if (s->timer) g_source_remove(s->timer);
    s->timer = 0;
    s->timer_at = 0;
    if (next == UINT64_MAX) return;
    uint64_t now = now_ms();
    uint64_t delay = next > now ? next - now : 0;
    s->timer = g_timeout_add((guint)(delay > 60000 ? 60000 : delay), on_timer, s);
    s->timer_at = next;
}

/* ---- endpoint callbacks ------------------------------------------------------ */

static int ep_send(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    sfu_server *s = user;
    ssize_t n = sendto(s->fd, data, len, 0, (const struct sockaddr *)addr, (socklen_t)addr_len);
    return n == (ssize_t)len ? 0 : -1;
}

static void format_address(const void *addr, size_t len, char *out, size_t cap)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    const struct sockaddr *sa = addr;
    if (len >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = addr;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
    } else if (len >= sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = addr;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        port = ntohs(in6->sin6_port);
    }
    snprintf(out, cap, "%s:%u", host, port);
}

/* Starts our client association to a peer whose offer made us active. */
static void connect_peer(sfu_server *s, sfu_peer *p, const void *addr, size_t len)
{
    dtls13_assoc *a = NULL;
    int rc = dtls13_endpoint_connect(s->ep, addr, len, now_ms(), &a);
    if (rc < 0) {
        logf_("peer %s: cannot start the DTLS handshake as client: %s", sfu_peer_id(p), dtls13_strerror(rc));
        return;
    }
    dtls13_assoc_set_user(a, p);
    sfu_peer_set_link(p, a);
    rc = dtls13_assoc_set_peer_fingerprint(a, sfu_peer_answer(p)->remote_fingerprint);
    if (rc < 0) logf_("peer %s: the offer's fingerprint is unusable: %s", sfu_peer_id(p), dtls13_strerror(rc));
    logf_("peer %s: DTLS client handshake started (the offer said a=setup:passive)", sfu_peer_id(p));
}

static bool on_stun(void *user, dtls13_assoc *a, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    sfu_server *s = user;
    struct sockaddr_storage src;
    if (addr_len > sizeof(src)) return false;
    memset(&src, 0, sizeof(src));
    memcpy(&src, addr, addr_len);
    sfu_ice_result r;
    sfu_ice_lite_handle(data, len, &src, (socklen_t)addr_len, sfu_room_ice_lookup, s->room, s->reply, &r);
    if (r.reply_len) (void)ep_send(s, addr, addr_len, s->reply, r.reply_len);
    if (r.verdict != SFU_ICE_ANSWERED) return false;
    sfu_peer *p = r.peer;
    char text[64];
    if (sfu_peer_add_address(p, addr, addr_len, r.use_candidate)) {
        format_address(addr, addr_len, text, sizeof(text));
        logf_("peer %s: connectivity check from %s authenticated%s", sfu_peer_id(p), text,
              r.use_candidate ? " (nominated)" : "");
    }
    dtls13_assoc *link = sfu_peer_link(p);
    if (!link && sfu_peer_answer(p)->dtls_role == DTLS13_ROLE_CLIENT && !sfu_peer_has_ended(p, NULL) && !a)
        connect_peer(s, p, addr, addr_len);
    else if (link && r.use_candidate && link != a && !a) {
        /* The browser nominated another pair: our association moves there. */
        if (dtls13_endpoint_rebind(s->ep, link, addr, addr_len) == 0) {
            format_address(addr, addr_len, text, sizeof(text));
            logf_("peer %s: association moved to %s", sfu_peer_id(p), text);
        }
    }
    return a == NULL || dtls13_assoc_user(a) == p;
}

static bool address_validated(void *user, const void *addr, size_t addr_len)
{
    sfu_server *s = user;
    return sfu_room_peer_by_address(s->room, addr, addr_len) != NULL;
}

static void on_association(void *user, dtls13_assoc *a)
{
    sfu_server *s = user;
    size_t len = 0;
    const void *addr = dtls13_assoc_address(a, &len);
    char text[64];
    format_address(addr, len, text, sizeof(text));
    sfu_peer *p = sfu_room_peer_by_address(s->room, addr, len);
    if (!p || sfu_peer_link(p) || sfu_peer_answer(p)->dtls_role != DTLS13_ROLE_SERVER) {
        logf_("ClientHello from %s closed: %s", text,
              !p ? "no connectivity check of a peer came from there" : "that peer has its association already");
        dtls13_endpoint_close(s->ep, a, now_ms());
        return;
    }
    dtls13_assoc_set_user(a, p);
    sfu_peer_set_link(p, a);
    int rc = dtls13_assoc_set_peer_fingerprint(a, sfu_peer_answer(p)->remote_fingerprint);
    if (rc < 0) logf_("peer %s: the offer's fingerprint is unusable: %s", sfu_peer_id(p), dtls13_strerror(rc));
    logf_("peer %s: DTLS handshake from %s", sfu_peer_id(p), text);
}

static void on_event(void *user, dtls13_assoc *a, const dtls13_event *ev)
{
    sfu_server *s = user;
    sfu_peer *p = dtls13_assoc_user(a);
    if (!p) return;
    const dtls13_conn *conn = dtls13_assoc_conn(a);
    if (ev->type == DTLS13_EVENT_HANDSHAKE_DONE) {
        const char *v = dtls13_version_name(dtls13_conn_version(conn));
        const char *cs = dtls13_cipher_suite_name(dtls13_conn_cipher_suite(conn));
        const char *prof = dtls13_srtp_profile_name(dtls13_conn_srtp_profile(conn));
        logf_("peer %s: secure: %s, %s, %s", sfu_peer_id(p), v ? v : "?", cs ? cs : "?", prof ? prof : "no SRTP");
        if (dtls13_assoc_srtp(a))
            sfu_room_peer_ready(s->room, p, now_ms());
        else
            logf_("peer %s: no SRTP profile was negotiated: nothing to forward", sfu_peer_id(p));
    } else if (ev->type == DTLS13_EVENT_CLOSED) {
        logf_("peer %s: closed (close_notify)", sfu_peer_id(p));
        sfu_room_peer_ended(s->room, p, now_ms());
    } else if ((ev->type == DTLS13_EVENT_ALERT_SENT || ev->type == DTLS13_EVENT_ALERT_RECEIVED) && ev->fatal) {
        const char *name = dtls13_alert_name(ev->alert);
        logf_("peer %s: DTLS failed: fatal alert %s %s%s%s", sfu_peer_id(p), name ? name : "?",
              ev->type == DTLS13_EVENT_ALERT_SENT ? "sent" : "received", ev->reason ? ": " : "",
              ev->reason ? ev->reason : "");
        sfu_room_peer_ended(s->room, p, now_ms());
    }
}

static void on_media(void *user, dtls13_assoc *a, uint8_t *packet, size_t len, bool rtcp)
{
    sfu_server *s = user;
    sfu_peer *p = dtls13_assoc_user(a);
    if (!p || !sfu_peer_is_ready(p)) return;
    if (rtcp)
        sfu_room_handle_rtcp(s->room, p, packet, len, now_ms());
    else
        sfu_room_handle_rtp(s->room, p, packet, len, now_ms());
}

static void on_freed(void *user, dtls13_assoc *a, dtls13_assoc_end reason)
{
    sfu_server *s = user;
    sfu_peer *p = dtls13_assoc_user(a);
    if (!p || sfu_peer_link(p) != a) return;
    if (reason != DTLS13_ASSOC_END_SHUTDOWN)
        logf_("peer %s: association freed (%s)", sfu_peer_id(p), dtls13_assoc_end_name(reason));
    sfu_peer_set_link(p, NULL);
    sfu_room_peer_ended(s->room, p, now_ms());
}

/* ---- the room's output --------------------------------------------------------- */

static int room_send(void *user, sfu_peer *to, const uint8_t *packet, size_t len, bool rtcp)
{
    sfu_server *s = user;
    dtls13_assoc *a = sfu_peer_link(to);
    if (!a) return -1;
    return dtls13_endpoint_send_media(s->ep, a, packet, len, rtcp, now_ms()) == 0 ? 0 : -1;
}

/* ---- the socket ------------------------------------------------------------------- */

static gboolean on_readable(gint fd, GIOCondition cond, gpointer user)
{
    (void)cond;
    sfu_server *s = user;
    for (int i = 0; i < DATAGRAMS_PER_WAKE; i++) {
        struct sockaddr_storage peer;
        socklen_t peer_len = sizeof(peer);
        memset(&peer, 0, sizeof(peer));
        ssize_t n = recvfrom(fd, s->buf, MAX_DATAGRAM, MSG_DONTWAIT, (struct sockaddr *)&peer, &peer_len);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNREFUSED)
                logf_("receiving from the UDP socket failed: %s", strerror(errno));
            if (errno != ECONNREFUSED) break;
            continue;
        }
        if (peer.ss_family == AF_INET6) ((struct sockaddr_in6 *)&peer)->sin6_flowinfo = 0;
        (void)dtls13_endpoint_handle_datagram(s->ep, s->buf, (size_t)n, &peer, peer_len, now_ms());
    }
    arm_timer(s);
    return G_SOURCE_CONTINUE;
}

static bool open_socket(sfu_server *s, char *error, size_t cap)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len;
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, s->o.address, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)s->o.port);
        len = sizeof(*in);
    } else if (inet_pton(AF_INET6, s->o.address, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)s->o.port);
        len = sizeof(*in6);
    } else {
        snprintf(error, cap, "--address takes an IP address, not %s", s->o.address);
        return false;
    }
    if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) && ss.ss_family == AF_INET6) {
        snprintf(error, cap, "--address must be the address announced to browsers, not ::");
        return false;
    }
    if (ss.ss_family == AF_INET && in->sin_addr.s_addr == htonl(INADDR_ANY)) {
        snprintf(error, cap, "--address must be the address announced to browsers, not 0.0.0.0");
        return false;
    }
    s->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&ss, len) < 0) {
        snprintf(error, cap, "cannot bind UDP %s:%u: %s", s->o.address, s->o.port, strerror(errno));
        return false;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof(bound);
    getsockname(s->fd, (struct sockaddr *)&bound, &blen);
    s->udp_port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                                : ((struct sockaddr_in6 *)&bound)->sin6_port);
    snprintf(s->candidate, sizeof(s->candidate), "candidate:1 1 udp 2130706431 %s %u typ host", s->o.address,
             s->udp_port);
    return true;
}

/* ---- signalling hooks and statistics ---------------------------------------------- */

static sfu_peer *hook_add_peer(void *user, const char *text, size_t len, char *error, size_t cap, bool *server_fault)
{
    sfu_server *s = user;
    sfu_answer_params params = {s->fingerprint, s->candidate, (uint64_t)g_get_real_time()};
    sfu_peer *p = sfu_room_add_peer(s->room, text, len, &params, now_ms(), error, cap, server_fault);
    if (!p) {
        logf_("offer refused: %s", error);
        return NULL;
    }
    const dtls13_sdp_answer *ans = sfu_peer_answer(p);
    size_t slots = 0;
    for (size_t i = 0; i < ans->media_count; i++) slots += ans->media[i].accepted && ans->media[i].ssrc;
    logf_("peer %s: offer answered (a=setup:%s, %zu m-lines we send on), %zu peers in the room", sfu_peer_id(p),
          dtls13_sdp_setup_name(ans->setup), slots, sfu_room_peer_count(s->room));
    return p;
}

static void drop_peer(sfu_server *s, sfu_peer *p, const char *why)
{
    dtls13_assoc *a = sfu_peer_link(p);
    if (a) {
        dtls13_assoc_set_user(a, NULL);
        dtls13_endpoint_close(s->ep, a, now_ms());
    }
    logf_("peer %s: removed (%s)", sfu_peer_id(p), why);
    sfu_room_remove_peer(s->room, p);
    arm_timer(s);
}

static void hook_remove_peer(void *user, sfu_peer *p)
{
    drop_peer(user, p, "DELETE");
}

static void append_u64(GString *j, const char *key, uint64_t v)
{
    g_string_append_printf(j, "\"%s\": %llu, ", key, (unsigned long long)v);
}

static void append_dtls(GString *j, dtls13_assoc *a)
{
    dtls13_assoc_info info;
    memset(&info, 0, sizeof(info));
    if (a) dtls13_assoc_get_info(a, &info);
    static const char *const states[] = {"handshaking", "connected", "closed", "failed"};
    const char *state = !a ? "none" : (unsigned)info.state < 4 ? states[info.state] : "?";
    const dtls13_conn *conn = a ? dtls13_assoc_conn(a) : NULL;
    bool secure = a && info.connected_ms != 0;
    uint16_t version = secure ? dtls13_conn_version(conn) : 0;
    const char *vname = version ? dtls13_version_name(version) : NULL;
    const char *cs = secure ? dtls13_cipher_suite_name(dtls13_conn_cipher_suite(conn)) : NULL;
    const char *prof = secure ? dtls13_srtp_profile_name(dtls13_conn_srtp_profile(conn)) : NULL;
    g_string_append_printf(j, "\"dtls_role\": \"%s\", ", !a ? "" : info.role == DTLS13_ROLE_CLIENT ? "client" : "server");
    g_string_append_printf(j, "\"dtls_state\": \"%s\", \"dtls_version\": \"%s\", \"tls_version\": \"", state,
                           vname ? vname : "");
    if (version) g_string_append_printf(j, "%04X", version);
    g_string_append_printf(j, "\", \"cipher_suite\": \"%s\", \"srtp_profile\": \"%s\", ", cs ? cs : "",
                           prof ? prof : "");
    append_u64(j, "media_in", info.media_in);
    g_string_append_printf(j, "\"media_out\": %llu", (unsigned long long)info.media_out);
}

static char *hook_stats_json(void *user)
{
    sfu_server *s = user;
    dtls13_endpoint_stats *es = g_new0(dtls13_endpoint_stats, 1);
    dtls13_endpoint_get_stats(s->ep, es);
    sfu_room_totals t;
    sfu_room_get_totals(s->room, &t);
    GString *j = g_string_new("{");
    append_u64(j, "udp_port", s->udp_port);
    append_u64(j, "associations", es->associations);
    append_u64(j, "handshakes_started", es->handshakes_started);
    append_u64(j, "handshakes_completed", es->handshakes_completed);
    append_u64(j, "handshakes_failed", es->handshakes_failed);
    append_u64(j, "handshakes_dtls13", es->handshakes_dtls13);
    append_u64(j, "handshakes_dtls12", es->handshakes_dtls12);
    append_u64(j, "stun_in", es->stun_in);
    append_u64(j, "stun_authenticated", es->stun_authenticated);
    append_u64(j, "media_in", es->media_in);
    append_u64(j, "media_out", es->media_out);
    append_u64(j, "rtp_in", t.rtp_in);
    append_u64(j, "rtcp_in", t.rtcp_in);
    append_u64(j, "rtp_forwarded", t.rtp_forwarded);
    append_u64(j, "forward_failures", t.forward_failures);
    append_u64(j, "rtp_unroutable", t.rtp_unroutable);
    append_u64(j, "no_free_slot", t.no_free_slot);
    append_u64(j, "no_codec", t.no_codec);
    append_u64(j, "keyframe_requests", t.keyframe_requests);
    append_u64(j, "pli_sent", t.pli_sent);
    append_u64(j, "peers_added", t.peers_added);
    append_u64(j, "peers_removed", t.peers_removed);
    g_string_append(j, "\"peers\": [");
    for (size_t i = 0; i < sfu_room_peer_count(s->room); i++) {
        sfu_peer *p = sfu_room_peer_at(s->room, i);
        g_string_append(j, i ? ", {" : "{");
        sfu_peer_append_json(p, j);
        append_dtls(j, sfu_peer_link(p));
        g_string_append(j, "}");
    }
    g_string_append(j, "]}");
    g_free(es);
    return g_string_free(j, FALSE);
}

/* Peers that never got secure, and ended ones after a while, go. */
static gboolean sweep_peers(gpointer user)
{
    sfu_server *s = user;
    uint64_t now = now_ms();
    for (size_t i = sfu_room_peer_count(s->room); i-- > 0;) {
        sfu_peer *p = sfu_room_peer_at(s->room, i);
        uint64_t since = 0;
        if (sfu_peer_has_ended(p, &since) && now - since > ENDED_LINGER_MS)
            drop_peer(s, p, "ended 30 s ago");
        else if (!sfu_peer_has_ended(p, NULL) && !sfu_peer_is_ready(p) && now - sfu_peer_created_ms(p) > SETUP_TIMEOUT_MS)
            drop_peer(s, p, "not secure within 30 s of its offer");
    }
    return G_SOURCE_CONTINUE;
}

/* ---- set-up ---------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: sfu_echo [--address IP] [--port N] [--http-port N] [--page-dir DIR]\n"
          "                [--min-version 1.2|1.3] [--max-version 1.2|1.3] [--json]\n"
          "  --address IP       address of the UDP media port and of the HTTP server, announced\n"
          "                     as the one host candidate (default 127.0.0.1)\n"
          "  --port N           UDP media port: STUN, DTLS and SRTP of every peer (default 0: any)\n"
          "  --http-port N      HTTP signalling and page port (default 8090; 0: any)\n"
          "  --page-dir DIR     files served at / (default " SFU_PAGE_DIR ")\n"
          "  --min-version V    oldest DTLS version to negotiate, 1.2 or 1.3 (default 1.2)\n"
          "  --max-version V    newest DTLS version to negotiate, 1.2 or 1.3 (default 1.3)\n"
          "  --json             print the URLs and, at exit, the statistics as JSON on stdout\n",
          f);
}

static bool parse_port(const char *v, unsigned *out)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (!end || end == v || *end || n < 0 || n > 65535) return false;
    *out = (unsigned)n;
    return true;
}

static bool parse_args(int argc, char **argv, options *o, int *exit_code)
{
    memset(o, 0, sizeof(*o));
    o->address = "127.0.0.1";
    o->http_port = 8090;
    o->page_dir = SFU_PAGE_DIR;
    *exit_code = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            *exit_code = 0;
            return false;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (!has_value) {
            fprintf(stderr, "sfu_echo: %s: unknown option or missing value\n", a);
            usage(stderr);
            return false;
        } else if (strcmp(a, "--address") == 0) {
            o->address = argv[++i];
        } else if (strcmp(a, "--port") == 0 || strcmp(a, "--http-port") == 0) {
            if (!parse_port(argv[i + 1], strcmp(a, "--port") == 0 ? &o->port : &o->http_port)) {
                fprintf(stderr, "sfu_echo: %s takes a port number 0-65535, not %s\n", a, argv[i + 1]);
                return false;
            }
            i++;
        } else if (strcmp(a, "--page-dir") == 0) {
            o->page_dir = argv[++i];
        } else if (strcmp(a, "--min-version") == 0 || strcmp(a, "--max-version") == 0) {
            const char *v = argv[++i];
            uint16_t version = strcmp(v, "1.2") == 0   ? DTLS13_VERSION_DTLS12
                               : strcmp(v, "1.3") == 0 ? DTLS13_VERSION_DTLS13
                                                       : 0;
            if (!version) {
                fprintf(stderr, "sfu_echo: %s takes 1.2 or 1.3, not %s\n", a, v);
                return false;
            }
            if (strcmp(a, "--min-version") == 0)
                o->min_version = version;
            else
                o->max_version = version;
        } else {
            fprintf(stderr, "sfu_echo: unknown option %s\n", a);
            usage(stderr);
            return false;
        }
    }
    return true;
}

static dtls13_config *make_config(const options *o)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) {
        fprintf(stderr, "sfu_echo: out of memory\n");
        return NULL;
    }
    int rc = dtls13_config_generate_certificate(cfg, "sfu_echo");
    if (rc < 0) {
        fprintf(stderr, "sfu_echo: cannot generate the certificate: %s\n", dtls13_strerror(rc));
    } else if (o->min_version || o->max_version) {
        rc = dtls13_config_set_version_range(cfg, o->min_version ? o->min_version : DTLS13_VERSION_DTLS12,
                                             o->max_version ? o->max_version : DTLS13_VERSION_DTLS13);
        if (rc < 0) fprintf(stderr, "sfu_echo: --min-version is newer than --max-version (%s)\n", dtls13_strerror(rc));
    }
    if (rc < 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static bool start(sfu_server *s, const char *page_root, const char *shared_root)
{
    char error[512];
    s->cfg = make_config(&s->o);
    if (!s->cfg) return false;
    if (dtls13_config_fingerprint(s->cfg, DTLS13_HASH_SHA256, s->fingerprint, sizeof(s->fingerprint)) < 0) {
        fprintf(stderr, "sfu_echo: cannot compute our certificate fingerprint\n");
        return false;
    }
    if (!open_socket(s, error, sizeof(error))) {
        fprintf(stderr, "sfu_echo: %s\n", error);
        return false;
    }
    dtls13_endpoint_callbacks cb = {.send = ep_send,
                                    .on_stun = on_stun,
                                    .address_validated = address_validated,
                                    .on_association = on_association,
                                    .on_event = on_event,
                                    .on_media = on_media,
                                    .on_freed = on_freed,
                                    .user = s};
    s->ep = dtls13_endpoint_new(s->cfg, &cb, NULL);
    sfu_room_callbacks rcb = {room_send, s};
    s->room = sfu_room_new(&rcb);
    if (!s->ep || !s->room) {
        fprintf(stderr, "sfu_echo: out of memory\n");
        return false;
    }
    char listen[96], url[256];
    snprintf(listen, sizeof(listen), strchr(s->o.address, ':') ? "[%s]:%u" : "%s:%u", s->o.address, s->o.http_port);
    sfu_signal_hooks hooks = {hook_add_peer, hook_remove_peer, hook_stats_json, s};
    s->sig = sfu_signal_new(listen, page_root, shared_root, s->room, &hooks, url, sizeof(url), error,
                            sizeof(error));
    if (!s->sig) {
        fprintf(stderr, "sfu_echo: %s\n", error);
        return false;
    }
    logf_("media on udp %s:%u (STUN, DTLS %s, SRTP), libdtls13 %s", s->o.address, s->udp_port,
          s->o.max_version == DTLS13_VERSION_DTLS12   ? "1.2 only"
          : s->o.min_version == DTLS13_VERSION_DTLS13 ? "1.3 only"
                                                      : "1.3 and 1.2",
          dtls13_version_string());
    logf_("page %s (from %s), offers POST %ssfu, stats GET %ssfu/stats", url, page_root ? page_root : "(missing)",
          url, url);
    if (s->o.json) {
        printf("{\"event\": \"listening\", \"url\": \"%s\", \"udp_port\": %u}\n", url, s->udp_port);
        fflush(stdout);
    }
    s->fd_watch = g_unix_fd_add(s->fd, G_IO_IN, on_readable, s);
    s->sweep = g_timeout_add_seconds(5, sweep_peers, s);
    return true;
}

static gboolean on_signal(gpointer user)
{
    sfu_server *s = user;
    logf_("stopping");
    g_main_loop_quit(s->loop);
    return G_SOURCE_CONTINUE; /* removed by main() */
}

/* close_notify to every peer, then everything is freed. */
static void stop(sfu_server *s)
{
    if (s->ep && s->room) {
        uint64_t now = now_ms();
        for (size_t i = 0; i < sfu_room_peer_count(s->room); i++) {
            dtls13_assoc *a = sfu_peer_link(sfu_room_peer_at(s->room, i));
            if (a) dtls13_endpoint_close(s->ep, a, now);
        }
    }
    if (s->o.json && s->ep && s->room) {
        char *json = hook_stats_json(s);
        printf("{\"event\": \"stats\", \"stats\": %s}\n", json);
        fflush(stdout);
        g_free(json);
    }
    if (s->fd_watch) g_source_remove(s->fd_watch);
    if (s->timer) g_source_remove(s->timer);
    if (s->sweep) g_source_remove(s->sweep);
    sfu_signal_free(s->sig);
    dtls13_endpoint_free(s->ep); /* on_freed: the room's peers lose their links */
    sfu_room_free(s->room);
    dtls13_config_free(s->cfg);
    if (s->fd >= 0) close(s->fd);
    g_free(s->buf);
}

int main(int argc, char **argv)
{
    sfu_server *s = g_new0(sfu_server, 1);
    s->fd = -1;
    int exit_code;
    if (!parse_args(argc, argv, &s->o, &exit_code)) {
        g_free(s);
        return exit_code;
    }
    char *page_root = realpath(s->o.page_dir, NULL);
    if (!page_root)
        logf_("warning: page directory %s: %s (GET / will give 404)", s->o.page_dir, strerror(errno));
    char *shared_root = realpath(SFU_SHARED_PAGE_DIR, NULL);
    if (!shared_root)
        logf_("warning: shared page directory %s: %s (the page will not run)", SFU_SHARED_PAGE_DIR, strerror(errno));
    s->buf = g_malloc(MAX_DATAGRAM);
    s->loop = g_main_loop_new(NULL, FALSE);
    int rc = 1;
    if (start(s, page_root, shared_root)) {
        guint sigint = g_unix_signal_add(SIGINT, on_signal, s);
        guint sigterm = g_unix_signal_add(SIGTERM, on_signal, s);
        g_main_loop_run(s->loop);
        g_source_remove(sigint);
        g_source_remove(sigterm);
        rc = 0;
    }
    stop(s);
    g_main_loop_unref(s->loop);
    free(page_root);
    free(shared_root);
    g_free(s);
    return rc;
}
