/* The engine glue of dtls13_transport on a real GMainContext, without a
 * peer: the retransmission timer GSource (re-armed from
 * dtls13_conn_next_timeout) and the queue of DTLS datagrams that arrive
 * before ICE is ready. Uses the internal entry points of
 * src/transport/transport_internal.h to stand in for libnice's READY. */
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/transport.h"
#include "test.h"
#include "transport/transport_internal.h"

static dtls13_transport *make(GMainContext *ctx, dtls13_config **cfg, dtls13_role role)
{
    *cfg = dtls13_config_new();
    if (!*cfg || dtls13_config_generate_certificate(*cfg, "glue") < 0) return NULL;
    dtls13_transport_options o;
    dtls13_transport_options_init(&o);
    o.dtls_role = role;
    return dtls13_transport_new(ctx, *cfg, &o);
}

static void run_for_ms(GMainContext *ctx, unsigned ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < end)
        if (!g_main_context_iteration(ctx, FALSE)) g_usleep(500);
}

/* A client whose ClientHello goes nowhere (libnice has no selected pair):
 * the GSource must fire the engine's retransmissions, with the timer
 * doubling from 1.5 x the RTT estimate: 30, 60, 120, 240 ms. */
static void test_timer_drives_retransmissions(d13_test_state *t)
{
    GMainContext *ctx = g_main_context_new();
    dtls13_config *cfg = NULL;
    dtls13_transport *tr = make(ctx, &cfg, DTLS13_ROLE_CLIENT);
    CHECK(tr != NULL);
    if (!tr) goto out;
    CHECK_EQ(dtls13_transport_set_rtt_estimate(tr, 20), 0);
    d13_transport_dtls_on_ice_ready(tr);
    CHECK_EQ(dtls13_transport_get_state(tr), DTLS13_TRANSPORT_HANDSHAKE);
    dtls13_transport_stats st;
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.dtls_datagrams_out, 1); /* the ClientHello */
    CHECK_EQ(st.dtls_send_failures, 1); /* no selected pair yet */
    /* Due at 30, 90, 210 and 450 ms: after 330 ms three have fired
     * (two on a badly loaded machine), never four. */
    run_for_ms(ctx, 330);
    dtls13_stats ds;
    dtls13_conn_stats(dtls13_transport_conn(tr), &ds);
    CHECK(ds.retransmissions >= 2 && ds.retransmissions <= 3);
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.dtls_datagrams_out, 1 + ds.retransmissions);
    CHECK_EQ(st.dtls_send_failures, 1 + ds.retransmissions);
    /* A second READY (e.g. after an ICE restart) does not restart DTLS. */
    d13_transport_dtls_on_ice_ready(tr);
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.dtls_datagrams_out, 1 + ds.retransmissions);
out:
    dtls13_transport_free(tr);
    dtls13_config_free(cfg);
    g_main_context_unref(ctx);
}

/* A server gets DTLS before its own component is READY: the datagrams
 * wait (bounded) and reach the engine at READY. */
static void test_early_datagrams_wait_for_ready(d13_test_state *t)
{
    GMainContext *ctx = g_main_context_new();
    dtls13_config *cfg = NULL;
    dtls13_transport *tr = make(ctx, &cfg, DTLS13_ROLE_SERVER);
    CHECK(tr != NULL);
    if (!tr) goto out;
    uint8_t junk[64];
    memset(junk, 0x16, sizeof(junk)); /* handshake content type, garbage after */
    for (int i = 0; i < D13_TRANSPORT_EARLY_SLOTS + 3; i++) d13_transport_dtls_receive(tr, junk, sizeof(junk));
    uint8_t big[D13_TRANSPORT_EARLY_MAX + 1];
    memset(big, 0x16, sizeof(big));
    d13_transport_dtls_receive(tr, big, sizeof(big));
    dtls13_transport_stats st;
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.dtls_queued_early, D13_TRANSPORT_EARLY_SLOTS);
    CHECK_EQ(st.dtls_dropped_early, 4);
    CHECK_EQ(st.dtls_datagrams_in, 0);
    d13_transport_dtls_on_ice_ready(tr);
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.dtls_datagrams_in, D13_TRANSPORT_EARLY_SLOTS);
    dtls13_stats ds;
    dtls13_conn_stats(dtls13_transport_conn(tr), &ds);
    CHECK_EQ(ds.datagrams_in, D13_TRANSPORT_EARLY_SLOTS);
    CHECK_EQ(dtls13_transport_get_state(tr), DTLS13_TRANSPORT_HANDSHAKE); /* garbage is dropped, not fatal */
    /* Later datagrams go straight to the engine. */
    d13_transport_dtls_receive(tr, junk, sizeof(junk));
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.dtls_datagrams_in, D13_TRANSPORT_EARLY_SLOTS + 1);
    CHECK_EQ(st.dtls_queued_early, D13_TRANSPORT_EARLY_SLOTS);
    /* RTP before SRTP is keyed is counted and dropped. */
    uint8_t rtp[40] = {0x80, 96};
    d13_transport_media_receive(tr, false, rtp, sizeof(rtp));
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.media_before_keys, 1);
    CHECK_EQ(st.rtp_received, 0);
out:
    dtls13_transport_free(tr);
    dtls13_config_free(cfg);
    g_main_context_unref(ctx);
}

int main(void)
{
    d13_test_state st = {0};
    RUN_TEST(&st, test_timer_drives_retransmissions);
    RUN_TEST(&st, test_early_datagrams_wait_for_ready);
    TEST_MAIN_END(&st);
}
