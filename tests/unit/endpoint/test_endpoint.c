/* The multi-association endpoint (include/dtls13/endpoint.h): many DTLS
 * 1.2 and 1.3 clients on one endpoint, cookies, SRTP routing, STUN,
 * timers, expiry, rebinding and close, on the virtual network of
 * tests/support/endpoint_net. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "endpoint_net.h"
#include "test.h"

static size_t want_connected;

static bool all_connected(ep_net *n)
{
    return ep_net_connected(n) >= want_connected;
}

static bool no_associations(ep_net *n)
{
    return dtls13_endpoint_count(n->server) == 0;
}

/* 200 clients at once, half of them DTLS 1.2 only, with the cookie
 * exchange on: every one connects, exchanges SRTP through the endpoint,
 * closes, and the endpoint ends where it started. */
static void test_many_clients_mixed_versions(d13_test_state *t)
{
    ep_net *n = ep_net_new(NULL);
    CHECK(n != NULL);
    if (!n) return;
    dtls13_endpoint_stats s0 = ep_net_stats(n);
    const size_t count = 200;
    for (size_t i = 0; i < count; i++)
        ep_net_add_client(n, NULL, i % 2 ? DTLS13_VERSION_DTLS12 : 0, i % 2 ? DTLS13_VERSION_DTLS12 : 0);
    want_connected = count;
    CHECK(ep_net_run(n, all_connected, 10000));
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.handshakes_started, count);
    CHECK_EQ(s.handshakes_completed, count);
    CHECK_EQ(s.handshakes_dtls12, count / 2);
    CHECK_EQ(s.handshakes_dtls13, count / 2);
    CHECK_EQ(s.handshakes_failed, 0);
    CHECK_EQ(s.cookies_sent, count);     /* one HRR or HVR each */
    CHECK_EQ(s.cookies_verified, count); /* and each came back */
    CHECK_EQ(s.associations, count);
    CHECK_EQ(s.associations_peak, count);
    CHECK_EQ(s.associations_handshaking, 0);
    CHECK_EQ(n->associations_reported, count);
    CHECK(s.state_bytes > s0.state_bytes + count * 1000);
    for (size_t i = 0; i < count; i += 37) {
        dtls13_assoc *a = ep_net_assoc(n, i);
        CHECK(a != NULL);
        dtls13_assoc_info info;
        dtls13_assoc_get_info(a, &info);
        CHECK_EQ(info.version, i % 2 ? DTLS13_VERSION_DTLS12 : DTLS13_VERSION_DTLS13);
        CHECK(info.address_validated);
        CHECK(dtls13_assoc_srtp(a) != NULL);
        CHECK_EQ(info.role, DTLS13_ROLE_SERVER);
    }
    /* SRTP: each client sends 3 packets; the server's on_media echoes them
     * through dtls13_endpoint_send_media() to the same association. */
    for (size_t i = 0; i < count; i++)
        for (int k = 0; k < 3; k++) CHECK_EQ(ep_net_send_rtp(n, i), 0);
    ep_net_pump(n);
    s = ep_net_stats(n);
    CHECK_EQ(s.media_in, 3 * count);
    CHECK_EQ(s.media_out, 3 * count);
    CHECK_EQ(s.demux.rtp, 3 * count);
    size_t echoed = 0;
    for (size_t i = 0; i < count; i++) echoed += n->clients[i].media_rx == 3 && n->clients[i].media_bad == 0;
    CHECK_EQ(echoed, count);
    /* Close every client: the associations close, linger, and go. */
    for (size_t i = 0; i < count; i++) ep_net_close_client(n, i);
    ep_net_pump(n);
    s = ep_net_stats(n);
    CHECK_EQ(s.associations, count); /* lingering */
    CHECK(ep_net_run(n, no_associations, 5000));
    s = ep_net_stats(n);
    CHECK_EQ(s.freed[DTLS13_ASSOC_END_CLOSED], count);
    CHECK_EQ(n->freed_reported[DTLS13_ASSOC_END_CLOSED], count);
    CHECK_EQ(dtls13_endpoint_next_timeout(n->server), UINT64_MAX);
    ep_net_free(n);
}

/* With the address vouched for (ICE), even the ALWAYS policy skips the
 * cookie: no HelloRetryRequest, one round trip less. */
static void test_validated_address_skips_cookie(d13_test_state *t)
{
    ep_net *n = ep_net_new(NULL);
    if (!n) return;
    n->validate_addresses = true;
    for (size_t i = 0; i < 8; i++) ep_net_add_client(n, NULL, 0, 0);
    want_connected = 8;
    CHECK(ep_net_run(n, all_connected, 5000));
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.cookies_sent, 0);
    CHECK_EQ(s.handshakes_completed, 8);
    ep_net_free(n);
}

/* UNDER_LOAD: cookies only once the threshold of handshaking
 * associations is reached. */
static void test_cookie_under_load(d13_test_state *t)
{
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.cookie_mode = DTLS13_COOKIE_UNDER_LOAD;
    o.under_load_threshold = 4;
    ep_net *n = ep_net_new(&o);
    if (!n) return;
    for (size_t i = 0; i < 10; i++) ep_net_add_client(n, NULL, 0, 0);
    want_connected = 10;
    CHECK(ep_net_run(n, all_connected, 5000));
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.cookies_sent, 6); /* the first four were accepted at once */
    CHECK_EQ(s.cookies_verified, 6);
    CHECK_EQ(s.handshakes_completed, 10);
    ep_net_free(n);

    o.cookie_mode = DTLS13_COOKIE_NEVER;
    n = ep_net_new(&o);
    if (!n) return;
    for (size_t i = 0; i < 10; i++) ep_net_add_client(n, NULL, 0, 0);
    CHECK(ep_net_run(n, all_connected, 5000));
    CHECK_EQ(ep_net_stats(n).cookies_sent, 0);
    ep_net_free(n);
}

/* Idle expiry: a connected peer that goes silent is freed after the idle
 * timeout; one that keeps sending media is kept; authenticated STUN
 * (consent) keeps a third alive. */
static void test_idle_expiry_and_consent(d13_test_state *t)
{
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.idle_timeout_ms = 5000;
    ep_net *n = ep_net_new(&o);
    if (!n) return;
    for (size_t i = 0; i < 3; i++) ep_net_add_client(n, NULL, 0, 0);
    want_connected = 3;
    CHECK(ep_net_run(n, all_connected, 5000));
    n->stun_authenticates = true;
    static const uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
    for (int second = 0; second < 12; second++) {
        CHECK_EQ(ep_net_send_rtp(n, 1), 0);
        ep_net_inject_from(n, 2, stun, sizeof(stun));
        ep_net_run(n, NULL, 1000);
    }
    CHECK(ep_net_assoc(n, 0) == NULL);
    CHECK(ep_net_assoc(n, 1) != NULL);
    CHECK(ep_net_assoc(n, 2) != NULL);
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.freed[DTLS13_ASSOC_END_IDLE], 1);
    CHECK_EQ(s.stun_in, 12);
    CHECK_EQ(s.stun_authenticated, 12);
    CHECK_EQ(n->stun_seen, 12);
    /* Unauthenticated STUN does not keep it alive. */
    n->stun_authenticates = false;
    for (int second = 0; second < 7; second++) {
        ep_net_inject_from(n, 2, stun, sizeof(stun));
        ep_net_run(n, NULL, 1000);
    }
    CHECK(ep_net_assoc(n, 2) == NULL);
    ep_net_free(n);
}

/* Timers: clients that vanish mid-handshake. The endpoint retransmits on
 * the heap's schedule, handle_timeout touches only due associations, and
 * every one is freed in the end (failed after the retransmission limit,
 * or the handshake timeout), leaving no timer armed. */
static void test_vanishing_clients(d13_test_state *t)
{
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.cookie_mode = DTLS13_COOKIE_NEVER;
    o.handshake_timeout_ms = 8000;
    ep_net *n = ep_net_new(&o);
    if (!n) return;
    for (size_t i = 0; i < 50; i++) ep_net_add_client(n, NULL, 0, 0);
    ep_net_pump(n); /* ClientHellos in, first flights out */
    for (size_t i = 0; i < 50; i++) n->clients[i].vanished = true;
    ep_net_pump(n);
    CHECK_EQ(dtls13_endpoint_count(n->server), 50);
    uint64_t next = dtls13_endpoint_next_timeout(n->server);
    CHECK(next > n->now && next != UINT64_MAX);
    CHECK_EQ(dtls13_endpoint_handle_timeout(n->server, next - 1), 0); /* nothing due yet */
    size_t handled = dtls13_endpoint_handle_timeout(n->server, next);
    CHECK(handled >= 1 && handled <= 50);
    CHECK(ep_net_run(n, no_associations, 30000));
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.handshakes_failed, 50);
    CHECK_EQ(s.freed[DTLS13_ASSOC_END_HANDSHAKE_TIMEOUT] + s.freed[DTLS13_ASSOC_END_FAILED], 50);
    CHECK(s.retransmissions >= 50); /* the server retransmitted to every vanished client; the sums keep freed ones */
    CHECK(s.timer_wakeups >= 50);
    CHECK_EQ(dtls13_endpoint_next_timeout(n->server), UINT64_MAX);
    ep_net_free(n);
}

/* Rebinding: the peer's address changes; after dtls13_endpoint_rebind()
 * its media arrives from the new address and answers go there. */
static void test_rebind(d13_test_state *t)
{
    ep_net *n = ep_net_new(NULL);
    if (!n) return;
    ep_net_add_client(n, NULL, 0, 0);
    ep_net_add_client(n, NULL, 0, 0);
    want_connected = 2;
    CHECK(ep_net_run(n, all_connected, 5000));
    dtls13_assoc *a0 = ep_net_assoc(n, 0);
    dtls13_assoc *a1 = ep_net_assoc(n, 1);
    /* Taken by a live association: refused. */
    size_t len1 = 0;
    const void *addr1 = dtls13_assoc_address(a1, &len1);
    uint8_t addr1_copy[4];
    memcpy(addr1_copy, addr1, sizeof(addr1_copy));
    CHECK_EQ(dtls13_endpoint_rebind(n->server, a0, addr1_copy, len1), DTLS13_ERR_BAD_STATE);
    /* Client 1's association goes away; client 0 moves to its address. */
    ep_net_close_client(n, 1);
    ep_net_pump(n);
    CHECK_EQ(dtls13_endpoint_rebind(n->server, a0, addr1_copy, len1), DTLS13_OK); /* the ended one is replaced */
    CHECK(ep_net_assoc(n, 1) == a0);
    CHECK(ep_net_assoc(n, 0) == NULL);
    /* Media from client 0's old address is now from an unknown peer. */
    CHECK_EQ(ep_net_send_rtp(n, 0), 0);
    ep_net_pump(n);
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.drops[DTLS13_EP_DROP_MEDIA_UNKNOWN_PEER], 1);
    CHECK_EQ(s.freed[DTLS13_ASSOC_END_REPLACED], 1);
    ep_net_free(n);
}

/* Closing from inside the association's own event callback is deferred
 * to when the connection's call returns; the association then lingers
 * and goes. A new handshake from the address of an ended association
 * replaces it. */
static void test_close_in_callback_and_replace(d13_test_state *t)
{
    ep_net *n = ep_net_new(NULL);
    if (!n) return;
    n->close_on_handshake = true;
    ep_net_add_client(n, NULL, 0, 0);
    ep_net_run(n, NULL, 500);
    CHECK_EQ(n->events[DTLS13_EVENT_HANDSHAKE_DONE], 1);
    dtls13_assoc *a = ep_net_assoc(n, 0);
    CHECK(a != NULL);
    if (a) CHECK_EQ(dtls13_conn_state(dtls13_assoc_conn(a)), DTLS13_STATE_CLOSED);
    CHECK_EQ(dtls13_conn_state(n->clients[0].conn), DTLS13_STATE_CLOSED); /* got our close_notify */
    /* The same address starts over while the old association lingers:
     * the new ClientHello replaces it. */
    n->close_on_handshake = false;
    ep_net_restart_client(n, 0);
    want_connected = 1;
    CHECK(ep_net_run(n, all_connected, 5000));
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK_EQ(s.freed[DTLS13_ASSOC_END_REPLACED], 1);
    CHECK_EQ(s.handshakes_completed, 2);
    CHECK(ep_net_assoc(n, 0) != NULL); /* a new one (the old pointer may be reused by malloc) */
    CHECK_EQ(ep_net_send_rtp(n, 0), 0);
    ep_net_pump(n);
    CHECK_EQ(n->clients[0].media_rx, 1);
    ep_net_free(n);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_many_clients_mixed_versions);
    RUN_TEST(&st, test_validated_address_skips_cookie);
    RUN_TEST(&st, test_cookie_under_load);
    RUN_TEST(&st, test_idle_expiry_and_consent);
    RUN_TEST(&st, test_vanishing_clients);
    RUN_TEST(&st, test_rebind);
    RUN_TEST(&st, test_close_in_callback_and_replace);
    TEST_MAIN_END(&st);
}
