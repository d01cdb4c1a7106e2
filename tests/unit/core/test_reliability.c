/* Reliability mechanisms of RFC 9147: ACKs of partial flights (7.1),
 * retransmission of only what is unacknowledged (7.2), the 10-record
 * burst limit (5.8.3), the anti-amplification limit (5.1), the RTT-based
 * timer (5.8.2) and KeyUpdate with loss and reordering (8). */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "test.h"

/* Counts records in a datagram: DTLSPlaintext (13-byte header) or unified
 * headers with the length bit, as our engine writes them. */
static int count_records(const uint8_t *d, size_t len)
{
    int n = 0;
    size_t off = 0;
    while (off < len) {
        if ((d[off] & 0xe0) == 0x20) {
            if (off + 5 > len) break;
            off += 5 + ((size_t)d[off + 3] << 8 | d[off + 4]);
        } else {
            if (off + 13 > len) break;
            off += 13 + ((size_t)d[off + 11] << 8 | d[off + 12]);
        }
        n++;
    }
    return n;
}

typedef struct link_log {
    int server_records_before_client_reply;
    bool client_replied;
    size_t server_bytes_before_validation;
    size_t client_bytes;
    int drop_server_index; /* -1: none */
    int drop_client_from;  /* client datagrams with index >= this are dropped, -1: none */
    int client_datagrams;
} link_log;

static bool observe(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    link_log *l = user;
    if (from_client) {
        l->client_datagrams++;
        if (index > 0) l->client_replied = true;
        if (l->drop_client_from >= 0 && (int)index >= l->drop_client_from) return false;
        l->client_bytes += *len;
        return true;
    }
    if (!l->client_replied) {
        l->server_records_before_client_reply += count_records(data, *len);
        l->server_bytes_before_validation += *len;
    }
    return (int)index != l->drop_server_index;
}

/* Both ends export the same len (at most 60) bytes of DTLS-SRTP keying
 * material. */
static void check_srtp_exports_equal(d13_test_state *t, conn_pair *p, size_t len)
{
    uint8_t a[60], b[60];
    CHECK(len <= sizeof(a));
    if (len > sizeof(a)) return;
    CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, a, len), 0);
    CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, b, len), 0);
    CHECK_MEM(a, b, len);
}

static void test_burst_and_amplification_limits(d13_test_state *t)
{
    /* A small MTU cuts the RSA certificate into many records. */
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = dtls13_config_new();
    CHECK_EQ(dtls13_config_load_pem(sc, TEST_DATA_DIR "/rsa_cert.pem", TEST_DATA_DIR "/rsa_key.pem"), 0);
    CHECK_EQ(dtls13_config_set_mtu(sc, 256), 0);
    CHECK_EQ(dtls13_config_set_mtu(cc, 256), 0);
    link_log log;
    memset(&log, 0, sizeof(log));
    log.drop_server_index = -1;
    log.drop_client_from = -1;
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = observe;
    p->filter_user = &log;
    CHECK(conn_pair_handshake(p, 30000));
    /* Before the client answered, the server sent at most 10 records and
     * at most three times the bytes of the ClientHello. */
    CHECK(log.server_records_before_client_reply <= 10);
    CHECK(log.server_records_before_client_reply > 0);
    CHECK(log.server_bytes_before_validation <= 3 * 256);
    check_srtp_exports_equal(t, p, 60);
    conn_pair_free(p);

    /* A server told that ICE validated the address is not limited. */
    memset(&log, 0, sizeof(log));
    log.drop_server_index = -1;
    log.drop_client_from = -1;
    p = conn_pair_new(cc, sc);
    p->filter = observe;
    p->filter_user = &log;
    CHECK_EQ(dtls13_conn_set_peer_address_validated(p->server), 0);
    CHECK(conn_pair_handshake(p, 30000));
    CHECK(log.server_bytes_before_validation > 3 * 256);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Drops the second datagram of the server's flight: the client must ACK
 * what it got after a quarter of the timer, and the server must resend
 * only the missing records, at once (RFC 9147 5.8.1, 7.2), not at its
 * timer. */
static void test_partial_flight_ack(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    CHECK_EQ(dtls13_config_set_mtu(cc, 400), 0);
    CHECK_EQ(dtls13_config_set_mtu(sc, 400), 0);
    link_log log;
    memset(&log, 0, sizeof(log));
    log.drop_server_index = 1;
    log.drop_client_from = -1;
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = observe;
    p->filter_user = &log;
    dtls13_conn_set_peer_address_validated(p->server);
    uint64_t t0 = p->now_ms;
    dtls13_conn_start(p->server, t0);
    dtls13_conn_start(p->client, t0);
    conn_pair_pump(p);
    /* The client holds a partial flight: an ACK is due after a quarter of
     * its timer (which the answered ClientHello set from the measured RTT). */
    dtls13_stats cst;
    dtls13_conn_stats(p->client, &cst);
    CHECK_EQ(dtls13_conn_next_timeout(p->client), t0 + cst.retransmit_timeout_ms / 4);
    int client_before = log.client_datagrams;
    p->now_ms = t0 + cst.retransmit_timeout_ms / 4;
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    CHECK_EQ(log.client_datagrams, client_before + 1); /* the ACK */
    dtls13_stats before;
    dtls13_conn_stats(p->server, &before);
    uint64_t server_deadline = dtls13_conn_next_timeout(p->server);
    CHECK(p->now_ms < server_deadline);
    /* Delivering the ACK makes the server resend what it did not cover,
     * before its timer; the client then completes the handshake. */
    conn_pair_pump(p);
    dtls13_stats after;
    dtls13_conn_stats(p->server, &after);
    CHECK_EQ(after.retransmissions, before.retransmissions + 1);
    /* The missing records and the ACK of the client's final flight, not
     * the whole flight again. */
    CHECK(after.records_out - before.records_out < 6);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    CHECK(conn_pair_handshake(p, 30000));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* What the Chromium relay test (browser_dtls_faults at 50 % loss) showed:
 * the server's flight is lost until its timer has backed off to seconds,
 * then only the first datagram arrives. The client's partial ACK must make
 * the server send the rest at once; waiting for the backed-off timer cost
 * 0.8-1.6 s per such loss against Chromium. */
typedef struct backoff_link {
    int phase;       /* 0: drop all server datagrams; 1: pass one, drop the rest; 2: pass all */
    bool passed_one; /* phase 1 let its datagram through */
} backoff_link;

static bool backoff_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)data;
    (void)len;
    (void)index;
    backoff_link *l = user;
    if (from_client || l->phase == 2) return true;
    if (l->phase == 0 || l->passed_one) return false;
    l->passed_one = true;
    return true;
}

static void test_partial_ack_after_backoff(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    CHECK_EQ(dtls13_config_set_mtu(cc, 400), 0);
    CHECK_EQ(dtls13_config_set_mtu(sc, 400), 0);
    backoff_link link = {0, false};
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = backoff_filter;
    p->filter_user = &link;
    dtls13_conn_set_peer_address_validated(p->server);
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    conn_pair_pump(p);
    /* Lose the server's flight until its timer has doubled three times. */
    dtls13_stats s;
    dtls13_conn_stats(p->server, &s);
    for (int guard = 0; guard < 50 && s.retransmit_timeout_ms < 3200; guard++) {
        conn_pair_run_next_timer(p);
        dtls13_conn_stats(p->server, &s);
    }
    CHECK(s.retransmit_timeout_ms >= 3200);
    /* The server's next timer transmission of the flight: only its first
     * datagram arrives. */
    link.phase = 1;
    p->now_ms = dtls13_conn_next_timeout(p->server);
    dtls13_conn_handle_timeout(p->server, p->now_ms);
    conn_pair_pump(p);
    CHECK(link.passed_one);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_HANDSHAKING);
    /* The client's next timer is its ACK of the partial flight, well before
     * the server's backed-off retransmission. */
    uint64_t server_deadline = dtls13_conn_next_timeout(p->server);
    CHECK(dtls13_conn_next_timeout(p->client) < server_deadline);
    link.phase = 2;
    dtls13_stats before, after;
    dtls13_conn_stats(p->server, &before);
    p->now_ms = dtls13_conn_next_timeout(p->client);
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    conn_pair_pump(p);
    dtls13_conn_stats(p->server, &after);
    /* The ACK made the server resend the rest at once: both sides are done
     * without any further timer. */
    CHECK(p->now_ms < server_deadline);
    CHECK_EQ(after.retransmissions, before.retransmissions + 1);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    /* Not a timeout: the timer was re-armed from the ACK's RTT, not doubled. */
    CHECK(after.retransmit_timeout_ms < before.retransmit_timeout_ms);
    CHECK(conn_pair_handshake(p, 30000));
    check_srtp_exports_equal(t, p, 60);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Holds back the server's ACK of the client's final flight, then drops
 * everything the client sends. */
typedef struct stale_ack_link {
    conn_pair *p;
    uint8_t ack[CONN_PAIR_MAX_DGRAM];
    size_t ack_len;
    bool drop_client;
} stale_ack_link;

static bool stale_ack_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)index;
    stale_ack_link *l = user;
    if (from_client) return !l->drop_client;
    if (l->ack_len == 0 && dtls13_conn_state(l->p->server) == DTLS13_STATE_CONNECTED) {
        memcpy(l->ack, data, *len); /* the first thing a connected server sends: its ACK */
        l->ack_len = *len;
        return false;
    }
    return true;
}

/* RFC 9147 7.2: a record counts as acknowledged when any ACK names it. The
 * client's final flight is retransmitted (new record numbers) because the
 * server's ACK was late; that ACK, naming the first transmission's record
 * numbers, still completes the flight: no more retransmissions. */
static void test_ack_of_earlier_transmission(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    stale_ack_link link = {p, {0}, 0, false};
    p->filter = stale_ack_filter;
    p->filter_user = &link;
    dtls13_conn_set_peer_address_validated(p->server);
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    CHECK(link.ack_len > 0);
    /* The client's flight timer fires: it retransmits (new record numbers),
     * and those are lost. */
    link.drop_client = true;
    dtls13_stats before, after;
    dtls13_conn_stats(p->client, &before);
    p->now_ms = dtls13_conn_next_timeout(p->client);
    CHECK(p->now_ms != UINT64_MAX);
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    conn_pair_pump(p);
    dtls13_conn_stats(p->client, &after);
    CHECK_EQ(after.retransmissions, before.retransmissions + 1);
    /* The late ACK of the first transmission arrives. */
    p->now_ms += 5;
    dtls13_conn_handle_datagram(p->client, link.ack, link.ack_len, p->now_ms);
    CHECK_EQ(dtls13_conn_next_timeout(p->client), UINT64_MAX);
    p->now_ms += 120000;
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    dtls13_conn_stats(p->client, &before);
    CHECK_EQ(before.retransmissions, after.retransmissions);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_rtt_timer(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK_EQ(dtls13_conn_set_rtt_estimate(p->client, 100), 0);
    CHECK_EQ(dtls13_conn_set_rtt_estimate(p->client, 0), DTLS13_ERR_INVALID_ARG);
    uint64_t t0 = p->now_ms;
    dtls13_conn_start(p->client, t0);
    /* 1.5 x the ICE round-trip time instead of the 400 ms default. */
    CHECK_EQ(dtls13_conn_next_timeout(p->client), t0 + 150);
    CHECK(conn_pair_handshake(p, 30000));
    /* The ClientHello flight was answered without retransmission: the
     * timer follows the measured round trip (clamped at 20 ms). */
    dtls13_stats st;
    dtls13_conn_stats(p->client, &st);
    CHECK_EQ(st.retransmit_timeout_ms, 20);
    conn_pair_free(p);

    /* With repeated losses the timer doubles: 400, 800, 1600 ... */
    p = conn_pair_new(cc, sc);
    dtls13_conn_start(p->client, t0);
    p->to_server.count = 0; /* the ClientHello is lost */
    CHECK_EQ(dtls13_conn_next_timeout(p->client), t0 + 400);
    dtls13_conn_handle_timeout(p->client, t0 + 400);
    p->to_server.count = 0;
    CHECK_EQ(dtls13_conn_next_timeout(p->client), t0 + 400 + 800);
    dtls13_conn_handle_timeout(p->client, t0 + 1200);
    p->to_server.count = 0;
    CHECK_EQ(dtls13_conn_next_timeout(p->client), t0 + 1200 + 1600);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void send_and_expect(d13_test_state *t, conn_pair *p, dtls13_conn *from, dtls13_conn *to, const char *text)
{
    uint8_t buf[128];
    size_t n = strlen(text);
    CHECK_EQ(dtls13_conn_write(from, (const uint8_t *)text, n, p->now_ms), (int)n);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(to, buf, sizeof(buf)), (int)n);
    CHECK(memcmp(buf, text, n) == 0);
}

static void test_key_update(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 30000));
    /* Client updates its keys and asks the server to do the same. */
    CHECK_EQ(dtls13_conn_request_key_update(p->client, true, p->now_ms), 0);
    conn_pair_pump(p);
    dtls13_stats cs, ss;
    dtls13_conn_stats(p->client, &cs);
    dtls13_conn_stats(p->server, &ss);
    CHECK_EQ(cs.key_updates_sent, 1);
    CHECK_EQ(ss.key_updates_received, 1);
    CHECK_EQ(ss.key_updates_sent, 1);
    CHECK_EQ(cs.key_updates_received, 1);
    /* Both flights were acknowledged: the only timer left on each side
     * drops the previous read epoch (kept for reordered records), after
     * which there are none. */
    for (int side = 0; side < 2; side++) {
        dtls13_conn *c = side ? p->server : p->client;
        uint64_t due = dtls13_conn_next_timeout(c);
        CHECK(due != UINT64_MAX && due > p->now_ms && due <= p->now_ms + 60000);
        CHECK_EQ(dtls13_conn_handle_timeout(c, due - 1), 0);
        CHECK_EQ(dtls13_conn_next_timeout(c), due);
        CHECK_EQ(dtls13_conn_handle_timeout(c, due), 0);
        CHECK_EQ(dtls13_conn_next_timeout(c), UINT64_MAX);
    }
    send_and_expect(t, p, p->client, p->server, "after update, client to server");
    send_and_expect(t, p, p->server, p->client, "after update, server to client");
    /* Several more, past the point where epoch numbers wrap their 2 bits. */
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(dtls13_conn_request_key_update(i % 2 ? p->server : p->client, false, p->now_ms), 0);
        conn_pair_pump(p);
        send_and_expect(t, p, p->client, p->server, "ping");
        send_and_expect(t, p, p->server, p->client, "pong");
    }
    check_srtp_exports_equal(t, p, 32);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

typedef struct hold_back {
    bool armed;
    bool drop_next_from_client;
    uint8_t held[2048];
    size_t held_len;
} hold_back;

static bool hold_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)index;
    hold_back *h = user;
    if (h->armed && from_client && h->held_len == 0) {
        memcpy(h->held, data, *len);
        h->held_len = *len;
        return false;
    }
    if (h->drop_next_from_client && from_client) {
        h->drop_next_from_client = false;
        return false;
    }
    return true;
}

static void test_key_update_loss_and_reordering(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    hold_back h;
    memset(&h, 0, sizeof(h));
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = hold_filter;
    p->filter_user = &h;
    CHECK(conn_pair_handshake(p, 30000));
    /* A record of epoch 3 is held back (reordered) ... */
    h.armed = true;
    const char *late = "late epoch-3 record";
    CHECK_EQ(dtls13_conn_write(p->client, (const uint8_t *)late, strlen(late), p->now_ms), (int)strlen(late));
    h.armed = false;
    CHECK(h.held_len > 0);
    /* ... then the client's KeyUpdate is lost once and retransmitted. */
    h.drop_next_from_client = true;
    CHECK_EQ(dtls13_conn_request_key_update(p->client, false, p->now_ms), 0);
    conn_pair_pump(p);
    CHECK(dtls13_conn_next_timeout(p->client) != UINT64_MAX);
    p->now_ms = dtls13_conn_next_timeout(p->client);
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_next_timeout(p->client), UINT64_MAX);
    send_and_expect(t, p, p->client, p->server, "epoch 4 data");
    /* The late epoch-3 record still decrypts (previous epoch kept)... */
    uint8_t buf[128];
    dtls13_conn_handle_datagram(p->server, h.held, h.held_len, p->now_ms);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)strlen(late));
    /* ...once: its replay is dropped. */
    dtls13_conn_handle_datagram(p->server, h.held, h.held_len, p->now_ms);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), DTLS13_ERR_WOULD_BLOCK);
    dtls13_stats ss;
    dtls13_conn_stats(p->server, &ss);
    CHECK(ss.dropped_replay >= 1);
    /* Long after the update the old epoch's keys are gone. */
    p->now_ms += 60000;
    dtls13_conn_handle_datagram(p->server, h.held, h.held_len, p->now_ms);
    dtls13_conn_stats(p->server, &ss);
    CHECK(ss.dropped_unknown_epoch >= 1);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_automatic_key_update(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    CHECK_EQ(dtls13_config_set_key_update_interval(cc, 50), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 30000));
    for (int i = 0; i < 230; i++) send_and_expect(t, p, p->client, p->server, "bulk data");
    dtls13_stats cs;
    dtls13_conn_stats(p->client, &cs);
    CHECK(cs.key_updates_sent >= 4);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Drops server datagrams larger than a hidden path MTU below the
 * configured one. */
static bool small_path_mtu(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)data;
    (void)index;
    size_t *path_mtu = user;
    return from_client || *len <= *path_mtu;
}

static void test_mtu_backoff(d13_test_state *t)
{
    dtls13_config *cc = dtls13_config_new();
    dtls13_config *sc = dtls13_config_new();
    CHECK_EQ(dtls13_config_load_pem(sc, TEST_DATA_DIR "/rsa_cert.pem", TEST_DATA_DIR "/rsa_key.pem"), 0);
    CHECK_EQ(dtls13_config_generate_certificate(cc, NULL), 0);
    size_t path_mtu = 700; /* the engine believes 1200 */
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = small_path_mtu;
    p->filter_user = &path_mtu;
    dtls13_conn_set_peer_address_validated(p->server);
    /* After repeated timeouts the server falls back to smaller records. */
    CHECK(conn_pair_handshake(p, 60000));
    dtls13_stats st;
    dtls13_conn_stats(p->server, &st);
    CHECK(st.retransmissions >= 3);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Rewrites a one-record ClientHello datagram as two records, each with
 * half of the message, in separate datagrams (as browsers send large
 * ClientHellos). */
static size_t split_client_hello(const uint8_t *in, size_t in_len, uint8_t *first, uint8_t *second, size_t *second_len)
{
    size_t body_len = (size_t)in[14] << 16 | (size_t)in[15] << 8 | in[16];
    if (in_len != 13 + 12 + body_len) return 0;
    const uint8_t *body = in + 25;
    size_t half = body_len / 2;
    uint8_t *outs[2] = {first, second};
    size_t offs[2] = {0, half}, lens[2] = {half, body_len - half}, out_lens[2];
    for (int i = 0; i < 2; i++) {
        uint8_t *o = outs[i];
        memcpy(o, in, 11); /* type, version, epoch, 48-bit sequence */
        o[10] = (uint8_t)(i + 5); /* distinct record sequence numbers */
        size_t rec_len = 12 + lens[i];
        o[11] = (uint8_t)(rec_len >> 8);
        o[12] = (uint8_t)rec_len;
        memcpy(o + 13, in + 13, 6); /* msg_type, length, message_seq */
        o[19] = (uint8_t)(offs[i] >> 16);
        o[20] = (uint8_t)(offs[i] >> 8);
        o[21] = (uint8_t)offs[i];
        o[22] = (uint8_t)(lens[i] >> 16);
        o[23] = (uint8_t)(lens[i] >> 8);
        o[24] = (uint8_t)lens[i];
        memcpy(o + 25, body + offs[i], lens[i]);
        out_lens[i] = 13 + rec_len;
    }
    *second_len = out_lens[1];
    return out_lens[0];
}

static void test_fragmented_client_hello(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    CHECK_EQ(p->to_server.count, 1);
    uint8_t a[2048], b[2048];
    size_t b_len = 0;
    size_t a_len = split_client_hello(p->to_server.data[p->to_server.head], p->to_server.len[p->to_server.head], a, b, &b_len);
    CHECK(a_len > 0);
    p->to_server.count = 0;
    /* The second half first: the server must wait for the whole message. */
    CHECK_EQ(dtls13_conn_handle_datagram(p->server, b, b_len, p->now_ms), 0);
    CHECK_EQ(p->to_client.count, 0);
    CHECK_EQ(dtls13_conn_handle_datagram(p->server, b, b_len, p->now_ms), 0); /* duplicate */
    CHECK_EQ(p->to_client.count, 0);
    CHECK_EQ(dtls13_conn_handle_datagram(p->server, a, a_len, p->now_ms), 0);
    CHECK(p->to_client.count > 0);
    CHECK(conn_pair_handshake(p, 30000));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_burst_and_amplification_limits);
    RUN_TEST(&st, test_partial_flight_ack);
    RUN_TEST(&st, test_partial_ack_after_backoff);
    RUN_TEST(&st, test_ack_of_earlier_transmission);
    RUN_TEST(&st, test_rtt_timer);
    RUN_TEST(&st, test_key_update);
    RUN_TEST(&st, test_key_update_loss_and_reordering);
    RUN_TEST(&st, test_automatic_key_update);
    RUN_TEST(&st, test_mtu_backoff);
    RUN_TEST(&st, test_fragmented_client_hello);
    TEST_MAIN_END(&st);
}
