/* The loopback call: set-up steps, signalling in code, paced synthetic
 * media, an optional ICE restart, and the measurements. */
#include "call_session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "rtp_synth.h"

#define OFFERER 0
#define ANSWERER 1
#define EXPORT_LEN 88 /* enough for every profile: 2 x (32 + 12) */
#define MAX_PACKET (RTP_SYNTH_HEADER_LEN + DTLS13_TRANSPORT_MAX_PACKET)
#define TICK_MS 5

typedef struct call call;

typedef struct endpoint {
    call *owner;
    int index;
    call_endpoint_info *info;
    dtls13_config *cfg;
    dtls13_transport *transport;
    rtp_synth_stream stream;
    uint32_t peer_ssrc;
    bool gathered, ice_ready, secure, failed;
    unsigned ready_events; /* ICE_CONNECTED events seen */
    char failure[200];
} endpoint;

struct call {
    GMainContext *ctx;
    call_options opts;
    call_result *res;
    endpoint ep[2];
    gint64 start_us;
    gint64 deadline_us;
    /* media phase */
    bool media_running;
    gint64 media_start_us;
    uint64_t packets_total;   /* per direction */
    uint64_t packets_sent;    /* per direction, both advance together */
    uint64_t reports_sent;
    /* ICE restart */
    bool restart_done;        /* restart signalled */
    bool restart_complete;    /* READY again on both */
    unsigned ready_events_before_restart[2];
    gint64 restart_us;
    uint8_t keys_before[EXPORT_LEN];
    uint8_t packet[MAX_PACKET];
};

void call_options_init(call_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->duration_s = 5.0;
    opts->packets_per_second = 50;
    opts->payload_len = 1000;
    opts->timeout_s = 0; /* duration + 30 s */
    opts->min_delivery = 0.9;
    opts->restart_at_s = -1.0;
    opts->progress = false;
    opts->min_version = DTLS13_VERSION_DTLS12;
    opts->max_version = DTLS13_VERSION_DTLS13;
}

static void progress(const call *c, const char *fmt, ...)
{
    if (!c->opts.progress) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("[loopback] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static uint64_t elapsed_ms(gint64 since_us)
{
    return (uint64_t)((g_get_monotonic_time() - since_us) / 1000);
}

static int fail(call *c, const char *fmt, ...)
{
    if (c->res->error[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->res->error, sizeof(c->res->error), fmt, ap);
        va_end(ap);
    }
    c->res->ok = false;
    progress(c, "FAILED: %s", c->res->error);
    return 1;
}

/* --- callbacks --- */

static void on_event(void *user, dtls13_transport *t, const dtls13_transport_event *ev)
{
    (void)t;
    endpoint *e = user;
    switch (ev->type) {
    case DTLS13_TRANSPORT_EVENT_LOCAL_CANDIDATE:
        break;
    case DTLS13_TRANSPORT_EVENT_GATHERING_DONE:
        e->gathered = true;
        break;
    case DTLS13_TRANSPORT_EVENT_ICE_CONNECTED:
        e->ice_ready = true;
        e->ready_events++;
        break;
    case DTLS13_TRANSPORT_EVENT_SELECTED_PAIR:
        if (e->owner->restart_done) progress(e->owner, "%s: selected pair %s", e->info->name, ev->text);
        break;
    case DTLS13_TRANSPORT_EVENT_SECURE:
        e->secure = true;
        break;
    case DTLS13_TRANSPORT_EVENT_FAILED:
        e->failed = true;
        snprintf(e->failure, sizeof(e->failure), "%s", ev->text ? ev->text : "failed");
        break;
    case DTLS13_TRANSPORT_EVENT_CLOSED:
        break;
    }
}

static void on_media(void *user, dtls13_transport *t, bool rtcp, const uint8_t *packet, size_t len)
{
    (void)t;
    endpoint *e = user;
    call *c = e->owner;
    /* The answerer receives what the offerer sent: direction 0. */
    call_direction *d = &c->res->dir[e->index == ANSWERER ? 0 : 1];
    if (rtcp) {
        if (!rtp_synth_check_sender_report(packet, len, e->peer_ssrc)) d->content_errors++;
        return;
    }
    if (!rtp_synth_check_packet(packet, len, e->peer_ssrc, c->opts.payload_len, NULL)) {
        d->content_errors++;
        return;
    }
    if (c->restart_complete) d->after_restart++;
}

/* --- waiting on the main context --- */

typedef bool (*call_predicate)(const call *c);

static bool any_failed(call *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->ep[i].failed) {
            fail(c, "%s: %s", c->ep[i].info->name, c->ep[i].failure);
            return true;
        }
    }
    return false;
}

/* Iterates the context until pred holds, an endpoint fails, or
 * step_deadline_us / the call's hard deadline passes. */
static bool wait_until(call *c, call_predicate pred, gint64 step_deadline_us, const char *what)
{
    gint64 deadline = step_deadline_us < c->deadline_us ? step_deadline_us : c->deadline_us;
    while (!pred(c)) {
        if (any_failed(c)) return false;
        if (g_get_monotonic_time() >= deadline) {
            fail(c, "timed out waiting for %s", what);
            return false;
        }
        g_main_context_iteration(c->ctx, TRUE); /* the tick source wakes us */
    }
    return !any_failed(c);
}

static bool both_gathered(const call *c) { return c->ep[0].gathered && c->ep[1].gathered; }
static bool both_ice_ready(const call *c) { return c->ep[0].ice_ready && c->ep[1].ice_ready; }
static bool both_secure(const call *c) { return c->ep[0].secure && c->ep[1].secure; }
static bool media_finished(const call *c) { return !c->media_running; }

static bool restart_ready(const call *c)
{
    for (int i = 0; i < 2; i++)
        if (c->ep[i].ready_events <= c->ready_events_before_restart[i]) return false;
    return true;
}

/* --- signalling (what an SDP offer/answer would carry) --- */

static bool send_credentials(call *c, int from, int *restarted)
{
    const char *ufrag = NULL, *pwd = NULL;
    dtls13_transport_local_credentials(c->ep[from].transport, &ufrag, &pwd);
    int rc = dtls13_transport_set_remote_credentials(c->ep[1 - from].transport, ufrag, pwd);
    if (rc < 0) {
        fail(c, "%s rejected the ICE credentials of the %s: %s", c->ep[1 - from].info->name, c->ep[from].info->name,
             dtls13_strerror(rc));
        return false;
    }
    if (restarted) *restarted = rc;
    return true;
}

static bool send_candidates(call *c, int from)
{
    size_t n = 0;
    const char *const *lines = dtls13_transport_local_candidates(c->ep[from].transport, &n);
    for (size_t i = 0; i < n; i++) {
        int rc = dtls13_transport_add_remote_candidate(c->ep[1 - from].transport, lines[i]);
        if (rc < 0) {
            fail(c, "%s rejected candidate \"%s\": %s", c->ep[1 - from].info->name, lines[i], dtls13_strerror(rc));
            return false;
        }
    }
    return true;
}

static bool exchange_offer_answer(call *c)
{
    for (int i = 0; i < 2; i++) {
        char expected[sizeof(c->ep[0].info->fingerprint)];
        g_strlcpy(expected, c->ep[1 - i].info->fingerprint, sizeof(expected));
        size_t n = strlen(expected);
        if (c->opts.wrong_fingerprint && i == OFFERER && n > 0) /* change the last hex digit */
            expected[n - 1] = expected[n - 1] == '0' ? '1' : '0';
        int rc = dtls13_transport_set_remote_fingerprint(c->ep[i].transport, expected);
        if (rc < 0) {
            fail(c, "%s: bad fingerprint: %s", c->ep[i].info->name, dtls13_strerror(rc));
            return false;
        }
    }
    return send_credentials(c, OFFERER, NULL) && send_credentials(c, ANSWERER, NULL) &&
           send_candidates(c, OFFERER) && send_candidates(c, ANSWERER);
}

/* --- set-up --- */

static bool create_endpoint(call *c, int index, bool controlling, const char *setup)
{
    endpoint *e = &c->ep[index];
    e->owner = c;
    e->index = index;
    e->info = &c->res->endpoint[index];
    e->info->name = index == OFFERER ? "offerer" : "answerer";
    e->info->ice_controlling = controlling;
    e->info->setup = setup;
    e->cfg = dtls13_config_new();
    if (!e->cfg) return fail(c, "out of memory"), false;
    int rc = dtls13_config_set_version_range(e->cfg, c->opts.min_version, c->opts.max_version);
    if (rc < 0) return fail(c, "%s: version range: %s", e->info->name, dtls13_strerror(rc)), false;
    rc = dtls13_config_generate_certificate(e->cfg, e->info->name);
    if (rc < 0) return fail(c, "%s: certificate: %s", e->info->name, dtls13_strerror(rc)), false;
    rc = dtls13_config_fingerprint(e->cfg, DTLS13_HASH_SHA256, e->info->fingerprint, sizeof(e->info->fingerprint));
    if (rc < 0) return fail(c, "%s: fingerprint: %s", e->info->name, dtls13_strerror(rc)), false;

    dtls13_transport_options o;
    dtls13_transport_options_init(&o);
    o.ice_controlling = controlling;
    if (dtls13_transport_role_from_setup(setup, &o.dtls_role) < 0)
        return fail(c, "%s: a=setup:%s is not a final role", e->info->name, setup), false;
    e->info->dtls_role = o.dtls_role;
    o.on_event = on_event;
    o.event_user = e;
    o.on_media = on_media;
    o.media_user = e;
    e->transport = dtls13_transport_new(c->ctx, e->cfg, &o);
    if (!e->transport) return fail(c, "%s: cannot create the ICE transport", e->info->name), false;
    rc = dtls13_transport_add_local_address(e->transport, "127.0.0.1");
    if (rc < 0) return fail(c, "%s: 127.0.0.1: %s", e->info->name, dtls13_strerror(rc)), false;
    return true;
}

static bool export_keys(call *c, int index, uint8_t *out)
{
    int rc = dtls13_conn_export_keying_material(dtls13_transport_conn(c->ep[index].transport), "EXTRACTOR-dtls_srtp",
                                                NULL, 0, out, EXPORT_LEN);
    if (rc < 0) return fail(c, "%s: exporter: %s", c->ep[index].info->name, dtls13_strerror(rc)), false;
    return true;
}

static bool record_negotiation(call *c)
{
    call_result *r = c->res;
    dtls13_conn *client = dtls13_transport_conn(c->ep[ANSWERER].transport);
    r->version = dtls13_conn_version(client);
    r->cipher_suite = dtls13_conn_cipher_suite(client);
    r->group = dtls13_conn_group(client);
    r->srtp_profile = dtls13_conn_srtp_profile(client);
    r->signature_scheme = dtls13_conn_peer_signature_scheme(client);
    r->hello_retry = dtls13_conn_used_hello_retry(client);
    for (int i = 0; i < 2; i++) {
        dtls13_conn *conn = dtls13_transport_conn(c->ep[i].transport);
        dtls13_conn_peer_fingerprint(conn, DTLS13_HASH_SHA256, r->endpoint[i].peer_fingerprint,
                                     sizeof(r->endpoint[i].peer_fingerprint));
        dtls13_transport_selected_pair(c->ep[i].transport, r->endpoint[i].local_address,
                                       sizeof(r->endpoint[i].local_address), r->endpoint[i].remote_address,
                                       sizeof(r->endpoint[i].remote_address));
    }
    uint8_t a[EXPORT_LEN], b[EXPORT_LEN];
    bool ok = export_keys(c, OFFERER, a) && export_keys(c, ANSWERER, b);
    r->keys_match = ok && d13_ct_equal(a, b, EXPORT_LEN);
    if (ok) memcpy(c->keys_before, a, EXPORT_LEN);
    d13_cleanse(a, sizeof(a));
    d13_cleanse(b, sizeof(b));
    if (ok && !r->keys_match) return fail(c, "the two ends exported different SRTP keying material"), false;
    return ok;
}

/* --- media --- */

static void send_one_each_way(call *c)
{
    for (int i = 0; i < 2; i++) {
        size_t len = rtp_synth_next_packet(&c->ep[i].stream, c->opts.payload_len, c->packet, sizeof(c->packet));
        if (len == 0 || dtls13_transport_send_rtp(c->ep[i].transport, c->packet, len) < 0)
            c->res->dir[i].send_failures++;
    }
}

static void send_reports(call *c)
{
    uint64_t ntp = (uint64_t)g_get_real_time(); /* not a true NTP timestamp; only carried */
    for (int i = 0; i < 2; i++) {
        size_t len = rtp_synth_sender_report(&c->ep[i].stream, ntp, c->packet, sizeof(c->packet));
        if (len == 0 || dtls13_transport_send_rtcp(c->ep[i].transport, c->packet, len) < 0)
            c->res->dir[i].send_failures++;
    }
}

static void restart_ice(call *c)
{
    progress(c, "ICE restart (offerer restarts, new credentials exchanged)…");
    c->restart_done = true;
    c->restart_us = g_get_monotonic_time();
    for (int i = 0; i < 2; i++) c->ready_events_before_restart[i] = c->ep[i].ready_events;
    int rc = dtls13_transport_restart_ice(c->ep[OFFERER].transport);
    if (rc < 0) {
        fail(c, "offerer: ICE restart: %s", dtls13_strerror(rc));
        return;
    }
    int answerer_restarted = 0;
    if (!send_credentials(c, OFFERER, &answerer_restarted)) return;
    if (answerer_restarted != 1) {
        fail(c, "answerer did not detect the ICE restart");
        return;
    }
    if (!send_credentials(c, ANSWERER, NULL)) return;
    send_candidates(c, OFFERER);
    send_candidates(c, ANSWERER);
}

static gboolean on_tick(gpointer user)
{
    call *c = user;
    if (!c->media_running) return G_SOURCE_CONTINUE;
    double elapsed = (double)(g_get_monotonic_time() - c->media_start_us) / 1e6;
    uint64_t due = (uint64_t)(elapsed * c->opts.packets_per_second) + 1;
    if (due > c->packets_total) due = c->packets_total;
    while (c->packets_sent < due) {
        send_one_each_way(c);
        c->packets_sent++;
    }
    uint64_t reports_due = (uint64_t)elapsed + 1;
    if (c->reports_sent < reports_due && c->packets_sent < c->packets_total) {
        send_reports(c);
        c->reports_sent++;
    }
    if (c->opts.restart_at_s >= 0 && !c->restart_done && elapsed >= c->opts.restart_at_s) restart_ice(c);
    if (c->restart_done && !c->restart_complete && restart_ready(c)) {
        c->restart_complete = true;
        c->res->restart_ms = elapsed_ms(c->restart_us);
        progress(c, "ICE ready again after the restart in %llu ms", (unsigned long long)c->res->restart_ms);
    }
    if (c->packets_sent >= c->packets_total) {
        c->media_running = false;
        c->res->media_s = elapsed;
    }
    return G_SOURCE_CONTINUE;
}

static bool run_media(call *c)
{
    c->packets_total = (uint64_t)(c->opts.duration_s * c->opts.packets_per_second + 0.5);
    if (c->packets_total == 0) c->packets_total = 1;
    progress(c, "sending RTP both ways through SRTP for %.1f s (%u packets/s, %zu-byte payloads)…",
             c->opts.duration_s, c->opts.packets_per_second, c->opts.payload_len);
    rtp_synth_stream_init(&c->ep[OFFERER].stream, 0x0ffe4e41u, 1000, 12345, c->opts.packets_per_second);
    rtp_synth_stream_init(&c->ep[ANSWERER].stream, 0x0a45e4e4u, 64000, 99999, c->opts.packets_per_second);
    c->ep[OFFERER].peer_ssrc = c->ep[ANSWERER].stream.ssrc;
    c->ep[ANSWERER].peer_ssrc = c->ep[OFFERER].stream.ssrc;
    c->media_start_us = g_get_monotonic_time();
    c->media_running = true;
    gint64 media_deadline = c->media_start_us + (gint64)(c->opts.duration_s * 1e6) + 10 * G_USEC_PER_SEC;
    if (!wait_until(c, media_finished, media_deadline, "the media phase")) return false;
    /* Let the last packets arrive. */
    gint64 drain_end = g_get_monotonic_time() + 300 * 1000;
    while (g_get_monotonic_time() < drain_end) g_main_context_iteration(c->ctx, TRUE);
    return !any_failed(c);
}

static void collect(call *c)
{
    call_result *r = c->res;
    dtls13_transport_stats st[2];
    for (int i = 0; i < 2; i++) {
        dtls13_transport_get_stats(c->ep[i].transport, &st[i]);
        dtls13_stats ds;
        dtls13_conn_stats(dtls13_transport_conn(c->ep[i].transport), &ds);
        r->endpoint[i].gathering_ms = st[i].gathering_ms;
        r->endpoint[i].ice_ms = st[i].ice_ms;
        r->endpoint[i].dtls_ms = st[i].dtls_ms;
        r->endpoint[i].ice_restarts = st[i].ice_restarts;
        r->endpoint[i].dtls_retransmissions = ds.retransmissions;
        dtls13_transport_local_candidates(c->ep[i].transport, &r->endpoint[i].candidates);
    }
    for (int d = 0; d < 2; d++) {
        const dtls13_transport_stats *tx = &st[d], *rx = &st[1 - d];
        call_direction *dir = &r->dir[d];
        dir->rtp_sent = tx->rtp_sent;
        dir->rtcp_sent = tx->rtcp_sent;
        dir->send_failures = tx->send_failures > dir->send_failures ? tx->send_failures : dir->send_failures;
        dir->rtp_datagrams_in = rx->rtp_datagrams_in;
        dir->rtcp_datagrams_in = rx->rtcp_datagrams_in;
        dir->rtp_authenticated = rx->rtp_received;
        dir->rtcp_authenticated = rx->rtcp_received;
        dir->auth_failures = rx->srtp_auth_failures;
        dir->replays = rx->srtp_replays;
        dir->bad_packets = rx->srtp_bad_packets;
    }
}

static bool check_media(call *c)
{
    static const char *const names[2] = {"offerer->answerer", "answerer->offerer"};
    for (int d = 0; d < 2; d++) {
        const call_direction *dir = &c->res->dir[d];
        if (dir->rtp_sent == 0) return fail(c, "%s: no RTP sent", names[d]), false;
        if ((double)dir->rtp_authenticated < c->opts.min_delivery * (double)dir->rtp_sent)
            return fail(c, "%s: only %llu of %llu RTP packets authenticated", names[d],
                        (unsigned long long)dir->rtp_authenticated, (unsigned long long)dir->rtp_sent),
                   false;
        if (dir->auth_failures != 0)
            return fail(c, "%s: %llu SRTP authentication failures", names[d],
                        (unsigned long long)dir->auth_failures),
                   false;
        if (dir->content_errors != 0)
            return fail(c, "%s: %llu packets with wrong content", names[d], (unsigned long long)dir->content_errors),
                   false;
    }
    return true;
}

static bool check_restart(call *c)
{
    call_result *r = c->res;
    r->restarted = c->restart_done;
    if (!c->restart_done) return fail(c, "the media phase ended before the ICE restart"), false;
    if (!c->restart_complete) return fail(c, "ICE did not become ready again after the restart"), false;
    uint8_t now[EXPORT_LEN];
    if (!export_keys(c, OFFERER, now)) return false;
    r->keys_unchanged = d13_ct_equal(now, c->keys_before, EXPORT_LEN);
    d13_cleanse(now, sizeof(now));
    if (!r->keys_unchanged) return fail(c, "the SRTP keys changed across the ICE restart"), false;
    for (int d = 0; d < 2; d++)
        if (r->dir[d].after_restart == 0) return fail(c, "no media after the ICE restart"), false;
    return true;
}

static bool run_steps(call *c)
{
    /* The offer says a=setup:actpass; the answerer picks a role
     * (RFC 5763 5: active) and the offerer takes the other one. */
    const char *answer = dtls13_transport_answer_setup("actpass");
    const char *offerer_final = dtls13_transport_answer_setup(answer);
    if (!create_endpoint(c, OFFERER, true, offerer_final)) return false;
    if (!create_endpoint(c, ANSWERER, false, answer)) return false;

    progress(c, "gathering candidates on 127.0.0.1…");
    for (int i = 0; i < 2; i++) {
        int rc = dtls13_transport_gather(c->ep[i].transport);
        if (rc < 0) return fail(c, "%s: gathering: %s", c->ep[i].info->name, dtls13_strerror(rc)), false;
    }
    if (!wait_until(c, both_gathered, g_get_monotonic_time() + 10 * G_USEC_PER_SEC, "candidate gathering")) return false;
    for (int i = 0; i < 2; i++) {
        size_t n = 0;
        dtls13_transport_local_candidates(c->ep[i].transport, &n);
        if (n == 0) return fail(c, "%s gathered no candidate on 127.0.0.1", c->ep[i].info->name), false;
    }

    progress(c, "exchanging credentials, candidates and fingerprints; ICE connectivity checks…");
    gint64 ice_start = g_get_monotonic_time();
    if (!exchange_offer_answer(c)) return false;
    if (!wait_until(c, both_ice_ready, ice_start + 15 * G_USEC_PER_SEC, "ICE connectivity")) return false;
    progress(c, "ICE connected in %llu ms", (unsigned long long)elapsed_ms(ice_start));

    progress(c, "DTLS 1.3 handshake…");
    gint64 dtls_start = g_get_monotonic_time();
    if (!wait_until(c, both_secure, dtls_start + 15 * G_USEC_PER_SEC, "the DTLS handshake")) return false;
    progress(c, "DTLS handshake done in %.1f ms; SRTP keyed", (double)(g_get_monotonic_time() - dtls_start) / 1000.0);
    c->res->setup_ms = elapsed_ms(c->start_us);
    if (!record_negotiation(c)) return false;

    if (!run_media(c)) return false;
    collect(c);
    if (!check_media(c)) return false;
    if (c->opts.restart_at_s >= 0 && !check_restart(c)) return false;
    return true;
}

int call_run(const call_options *opts, call_result *out)
{
    call *c = g_new0(call, 1);
    memset(out, 0, sizeof(*out));
    c->opts = *opts;
    c->res = out;
    unsigned timeout_s = opts->timeout_s ? opts->timeout_s : (unsigned)opts->duration_s + 30u;
    c->ctx = g_main_context_new();
    c->start_us = g_get_monotonic_time();
    c->deadline_us = c->start_us + (gint64)timeout_s * G_USEC_PER_SEC;
    GSource *tick = g_timeout_source_new(TICK_MS);
    g_source_set_callback(tick, on_tick, c, NULL);
    g_source_attach(tick, c->ctx);

    out->ok = run_steps(c);
    if (out->ok) collect(c); /* final counts after the checks' exports */

    for (int i = 0; i < 2; i++) {
        if (c->ep[i].transport) dtls13_transport_close(c->ep[i].transport);
    }
    /* Deliver the close_notify records before tearing down. */
    for (int i = 0; i < 20 && g_main_context_pending(c->ctx); i++) g_main_context_iteration(c->ctx, FALSE);
    for (int i = 0; i < 2; i++) {
        dtls13_transport_free(c->ep[i].transport);
        dtls13_config_free(c->ep[i].cfg);
    }
    g_source_destroy(tick);
    g_source_unref(tick);
    g_main_context_unref(c->ctx);
    d13_cleanse(c->keys_before, sizeof(c->keys_before));
    g_free(c);
    return out->ok ? 0 : 1;
}
