/* Many associations on one endpoint over the simulator's lossy links
 * (tests/sim/epsim.h): SIM_EP_CLIENTS clients, half of them DTLS 1.2 only,
 * against one server endpoint with the cookie exchange on, at 10 % and
 * 30 % loss each way with 5 % duplication, 10 % of datagrams held back
 * 40 ms (reordering) and 22-28 ms of one-way delay, several seeds each.
 * Every association must complete its handshake, then exchange SRTP (each
 * client sends until three echoes of its own payload came back through
 * dtls13_endpoint_send_media()), then close; the endpoint must end with no
 * association and its counters adding up: media in + replayed duplicates
 * = RTP delivered, echoes = what came back, retransmissions > 0 (the loss
 * was real), no failed handshake.
 *
 * Cookies stay valid for COOKIE_LIFETIME_MS here, longer than a
 * handshake may take: at 30 % loss the retransmission schedule (doubling
 * to 60 s) can deliver a client's second ClientHello after the default
 * lifetime (30 s, the previous secret accepted one period more); the
 * listener then answers the expired cookie with a fresh
 * HelloRetryRequest, which a DTLS 1.3 client must refuse as a second one
 * (RFC 8446 4.1.4), so that handshake fails. SIM_COOKIE_LIFETIME_MS=30000
 * with SIM_CASE=loss30 SIM_SEED=31677 shows it.
 *
 * The seeds are fixed, so the test is deterministic. Beyond them, at 30 %
 * loss about 3 runs in 200 (SIM_SEEDS=200) hold one client of the 120
 * whose flight was lost on all of its retransmissions (a minute apart
 * once the timer reached 60 s) until the connection gave up by itself
 * ("handshake timed out"); at 10 % none in 200.
 *
 * Replay: a failing run prints its case and seed; run just that one with
 *   SIM_CASE=<case> SIM_SEED=<seed> ./test_sim_endpoint
 * SIM_SEEDS=<n> overrides the number of seeds per case. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "epsim.h"
#include "test.h"

#ifdef SIM_SANITIZED
#define SEEDS_PER_CASE 8u
#else
#define SEEDS_PER_CASE 16u
#endif

#define SIM_EP_CLIENTS 120u
/** Echoes each client must get back. */
#define ECHOES_WANTED 3u
/** Media rounds (one packet from each client still short of echoes, then
 *  MEDIA_ROUND_MS of virtual time) before giving up. */
#define MEDIA_ROUNDS 100u
#define MEDIA_ROUND_MS 200u
/** Virtual time limits of the handshake and close phases. The handshake
 *  limit is far above the typical completion (a few seconds at 10 %, one
 *  or two minutes at 30 %): RFC 9147 5.8.2 doubles the timer to 60 s and
 *  keeps it there, so once a flight has been lost eight times in a row
 *  every further try costs a minute and succeeds with the round trip's
 *  probability (0.49 at 30 % each way); with 120 clients a run often holds
 *  a client that needs four or five such tries after the cap. */
#define HANDSHAKE_LIMIT_MS 900000u
#define CLOSE_LIMIT_MS (IDLE_TIMEOUT_MS + 60000u)
/** The endpoint's idle timeout, longer than any handshake here: a DTLS 1.2
 *  server that connected first (its last flight lost) and then heard
 *  nothing for the idle time is freed, and its client, retransmitting
 *  every 60 s to no one, never connects. */
#define IDLE_TIMEOUT_MS (HANDSHAKE_LIMIT_MS + 300000u)
/** The listener's cookie lifetime (see above; the API's longest is 10 min). */
#define COOKIE_LIFETIME_MS 600000u

typedef struct sim_ep_case {
    const char *name;
    double loss;
} sim_ep_case;

static const sim_ep_case cases[] = {
    {"loss10", 0.10},
    {"loss30", 0.30},
};

static bool handshakes_done(const epsim *s, void *user)
{
    (void)user;
    for (size_t i = 0; i < epsim_clients(s); i++)
        if (!epsim_client(s, i)->connected_ms) return false;
    dtls13_endpoint_stats st;
    dtls13_endpoint_get_stats(epsim_server(s), &st);
    return st.handshakes_completed == epsim_clients(s) && st.associations_handshaking == 0;
}

static bool no_associations(const epsim *s, void *user)
{
    (void)user;
    return dtls13_endpoint_count(epsim_server(s)) == 0;
}

static dtls13_config *client_config(bool dtls12_only)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc = dtls13_config_generate_certificate(cfg, "sim endpoint client");
    if (rc == 0 && dtls12_only) rc = dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS12);
    if (rc != 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* What a client that did not connect and its association look like. */
static void describe_stuck(const epsim *s, size_t i)
{
    const epsim_client_info *ci = epsim_client(s, i);
    dtls13_stats cs;
    dtls13_conn_stats(ci->conn, &cs);
    uint64_t next = dtls13_conn_next_timeout(ci->conn);
    fprintf(stderr, "  client: version 0x%04x, %" PRIu64 " records in, %" PRIu64 " out, %" PRIu64
            " retransmissions, next timeout %s%" PRIu64 " ms (now %" PRIu64 ")\n",
            dtls13_conn_version(ci->conn), cs.records_in, cs.records_out, cs.retransmissions,
            next == UINT64_MAX ? "never " : "", next == UINT64_MAX ? 0 : next, epsim_now(s));
    const uint8_t addr[4] = {'e', (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    dtls13_assoc *a = dtls13_endpoint_find(epsim_server(s), addr, sizeof(addr));
    if (!a) {
        fprintf(stderr, "  server: no association\n");
        return;
    }
    dtls13_assoc_info info;
    dtls13_assoc_get_info(a, &info);
    fprintf(stderr, "  server: association in state %d, version 0x%04x, %" PRIu64 " datagrams in, %" PRIu64
            " records in, %" PRIu64 " out, %" PRIu64 " retransmissions, last rx %" PRIu64 " ms\n",
            (int)info.state, info.version, info.datagrams_in, info.conn.records_in, info.conn.records_out,
            info.conn.retransmissions, info.last_rx_ms);
}

/* One run; returns whether every check held (and counts them into t). */
static bool run_case(d13_test_state *t, const sim_ep_case *c, uint64_t seed, dtls13_config *const cfg[2],
                     uint32_t cookie_lifetime_ms)
{
    const int failures_before = t->failures;
    netsim_link_params link;
    netsim_link_params_init(&link);
    link.loss = c->loss;
    link.duplicate = 0.05;
    link.reorder = 0.10;
    link.reorder_extra_ms = 40;
    link.delay_ms = 22;
    link.jitter_ms = 6;
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.handshake_timeout_ms = HANDSHAKE_LIMIT_MS; /* the simulator bounds the handshakes, not the endpoint */
    o.idle_timeout_ms = IDLE_TIMEOUT_MS;
    epsim *s = epsim_new(seed, &link, &link, &o);
    CHECK(s != NULL);
    if (!s) return false;
    CHECK_EQ(dtls13_listener_set_cookie_lifetime_ms(dtls13_endpoint_listener(epsim_server(s)), cookie_lifetime_ms), 0);
    for (size_t i = 0; i < SIM_EP_CLIENTS; i++) CHECK_EQ(epsim_add_client(s, cfg[i % 2]), (int)i);

    /* handshakes */
    const uint64_t t0 = epsim_now(s);
    CHECK(epsim_run(s, handshakes_done, NULL, HANDSHAKE_LIMIT_MS));
    uint64_t slowest = 0;
    unsigned connected = 0;
    for (size_t i = 0; i < SIM_EP_CLIENTS; i++) {
        const epsim_client_info *ci = epsim_client(s, i);
        connected += ci->connected_ms != 0;
        if (!ci->connected_ms) {
            fprintf(stderr, "sim_endpoint %s seed %" PRIu64 ": client %zu not connected (state %d, %s)\n", c->name,
                    seed, i, (int)dtls13_conn_state(ci->conn),
                    dtls13_conn_failure_reason(ci->conn) ? dtls13_conn_failure_reason(ci->conn) : "-");
            describe_stuck(s, i);
            continue;
        }
        CHECK_EQ(dtls13_conn_version(ci->conn), i % 2 ? DTLS13_VERSION_DTLS12 : DTLS13_VERSION_DTLS13);
        if (ci->connected_ms - t0 > slowest) slowest = ci->connected_ms - t0;
    }
    dtls13_endpoint_stats st;
    dtls13_endpoint_get_stats(epsim_server(s), &st);
    CHECK_EQ(st.handshakes_started, SIM_EP_CLIENTS);
    CHECK_EQ(st.handshakes_completed, SIM_EP_CLIENTS);
    CHECK_EQ(st.handshakes_dtls12, SIM_EP_CLIENTS / 2);
    CHECK_EQ(st.handshakes_failed, 0);
    CHECK(st.cookies_sent >= SIM_EP_CLIENTS);
    CHECK_EQ(st.cookies_verified, SIM_EP_CLIENTS);

    /* media: each client until ECHOES_WANTED echoes of its own came back */
    unsigned rounds = 0;
    for (bool short_of_echoes = true; short_of_echoes && rounds < MEDIA_ROUNDS; rounds++) {
        short_of_echoes = false;
        for (size_t i = 0; i < SIM_EP_CLIENTS; i++)
            if (epsim_client(s, i)->echoes_ok < ECHOES_WANTED) {
                short_of_echoes = true;
                CHECK_EQ(epsim_send_rtp(s, i), 0);
            }
        (void)epsim_run(s, NULL, NULL, MEDIA_ROUND_MS);
    }
    uint64_t rtp_sent = 0, echoes = 0, client_dropped = 0;
    size_t short_clients = 0;
    for (size_t i = 0; i < SIM_EP_CLIENTS; i++) {
        const epsim_client_info *ci = epsim_client(s, i);
        short_clients += ci->echoes_ok < ECHOES_WANTED;
        CHECK_EQ(ci->echoes_bad, 0);
        rtp_sent += ci->rtp_sent;
        echoes += ci->echoes_ok;
        client_dropped += ci->media_dropped;
    }
    CHECK_EQ(short_clients, 0);
    dtls13_endpoint_get_stats(epsim_server(s), &st);
    CHECK_EQ(epsim_server_bad_media(s), 0);
    CHECK_EQ(st.media_in + st.drops[DTLS13_EP_DROP_SRTP_REPLAY], epsim_rtp_delivered(s, true));
    CHECK_EQ(st.drops[DTLS13_EP_DROP_SRTP_AUTH], 0);
    CHECK_EQ(st.drops[DTLS13_EP_DROP_MEDIA_NO_KEYS], 0);
    CHECK_EQ(st.media_out, st.media_in);
    CHECK_EQ(echoes + client_dropped, epsim_rtp_delivered(s, false));
    CHECK(st.media_in <= rtp_sent + epsim_link(s, true)->duplicated);

    /* the loss, duplication and reordering were real, and retransmissions made up for them */
    const netsim_link_stats *up = epsim_link(s, true), *down = epsim_link(s, false);
    uint64_t retrans = st.retransmissions + epsim_client_retransmissions(s);
    CHECK(up->dropped_loss > 0 && down->dropped_loss > 0);
    CHECK(up->duplicated > 0 && down->duplicated > 0);
    CHECK(up->held_back > 0 && down->held_back > 0);
    CHECK(st.retransmissions > 0);
    CHECK(epsim_client_retransmissions(s) > 0);

    /* close: every association goes (closed, or idle when the close_notify was lost) */
    for (size_t i = 0; i < SIM_EP_CLIENTS; i++) epsim_close_client(s, i);
    CHECK(epsim_run(s, no_associations, NULL, CLOSE_LIMIT_MS));
    dtls13_endpoint_get_stats(epsim_server(s), &st);
    uint64_t freed = 0;
    for (int r = 0; r < DTLS13_ASSOC_END_COUNT; r++) freed += st.freed[r];
    CHECK_EQ(freed, st.handshakes_started);
    CHECK_EQ(st.freed[DTLS13_ASSOC_END_CLOSED] + st.freed[DTLS13_ASSOC_END_IDLE], SIM_EP_CLIENTS);
    CHECK_EQ(st.handshakes_failed, 0);
    CHECK_EQ(st.associations, 0);

    bool ok = t->failures == failures_before;
    printf("%s %s seed %" PRIu64 ": %u/%u clients connected in %" PRIu64 " ms (virtual), retransmissions %" PRIu64
           " (server %" PRIu64 "), cookies %" PRIu64 " (%" PRIu64 " invalid), lost %" PRIu64 "/%" PRIu64 " up/down, duplicated %" PRIu64
           ", held back %" PRIu64 "; media %" PRIu64 " sent, %" PRIu64 " in, %" PRIu64 " echoes in %u rounds; "
           "freed closed %" PRIu64 " idle %" PRIu64 "\n",
           ok ? "ok  " : "FAIL", c->name, seed, connected, SIM_EP_CLIENTS, slowest, retrans, st.retransmissions, st.cookies_sent,
           st.cookies_invalid,
           up->dropped_loss, down->dropped_loss, up->duplicated + down->duplicated, up->held_back + down->held_back,
           rtp_sent, st.media_in, echoes, rounds, st.freed[DTLS13_ASSOC_END_CLOSED], st.freed[DTLS13_ASSOC_END_IDLE]);
    if (!ok) fprintf(stderr, "replay: SIM_CASE=%s SIM_SEED=%" PRIu64 " ./test_sim_endpoint\n", c->name, seed);
    epsim_free(s);
    return ok;
}

int main(void)
{
    d13_test_state st = {0, 0};
    const char *only_case = getenv("SIM_CASE");
    const char *only_seed = getenv("SIM_SEED");
    const char *lifetime = getenv("SIM_COOKIE_LIFETIME_MS");
    const char *seeds_env = getenv("SIM_SEEDS");
    const uint64_t seeds = seeds_env ? strtoull(seeds_env, NULL, 10) : SEEDS_PER_CASE;
    uint32_t cookie_lifetime_ms = lifetime ? (uint32_t)strtoul(lifetime, NULL, 10) : COOKIE_LIFETIME_MS;
    dtls13_config *cfg[2] = {client_config(false), client_config(true)};
    d13_test_state *t = &st;
    CHECK(cfg[0] != NULL && cfg[1] != NULL);
    if (cfg[0] && cfg[1]) {
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            if (only_case && strcmp(only_case, cases[k].name) != 0) continue;
            for (uint64_t seed = 1; seed <= seeds; seed++) {
                uint64_t run_seed = only_seed ? strtoull(only_seed, NULL, 10) : seed * 7919u + k;
                (void)run_case(t, &cases[k], run_seed, cfg, cookie_lifetime_ms);
                if (only_seed) break;
            }
        }
    }
    dtls13_config_free(cfg[0]);
    dtls13_config_free(cfg[1]);
    TEST_MAIN_END(&st);
}
