/* Post-handshake messages (RFC 9147 5.8.4, RFC 8446 4.6): a
 * NewSessionTicket is tolerated (no resumption) and acknowledged; an
 * unexpected handshake message after the handshake is fatal; close_notify
 * in the middle of the handshake. Uses the engine's internals to make the
 * server send messages our server never sends by itself. */
#include <string.h>

#include "conn_pair.h"
#include "handshake/engine.h"
#include "test.h"
#include "wire/messages.h"

/* Sends one handshake message from conn under its application keys. */
static void send_post_handshake(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len)
{
    uint8_t rec[512];
    d13_writer w;
    d13_writer_init(&w, rec, sizeof(rec));
    d13_hs_header h = {type, (uint32_t)len, c->next_send_seq++, 0, (uint32_t)len};
    d13_hs_header_write(&w, &h);
    d13_write_bytes(&w, body, len);
    d13_append_record(c, c->write_app.epoch, D13_CT_HANDSHAKE, rec, d13_writer_len(&w), NULL);
    d13_flush_datagram(c);
}

static void test_new_session_ticket(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    const uint8_t ticket[] = "opaque ticket";
    const uint8_t nonce[] = {0};
    d13_new_session_ticket nst;
    memset(&nst, 0, sizeof(nst));
    nst.lifetime = 7200;
    nst.age_add = 12345;
    nst.nonce.p = nonce;
    nst.nonce.len = sizeof(nonce);
    nst.ticket.p = ticket;
    nst.ticket.len = sizeof(ticket);
    uint8_t body[128];
    d13_writer w;
    d13_writer_init(&w, body, sizeof(body));
    CHECK(d13_new_session_ticket_encode(&w, &nst));
    unsigned client_sent = p->to_server.total;
    send_post_handshake(p->server, D13_HS_NEW_SESSION_TICKET, body, d13_writer_len(&w));
    conn_pair_pump(p);
    /* Tolerated, and acknowledged at once (one ACK datagram). */
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(p->to_server.total, client_sent + 1);
    const uint8_t msg[] = "still fine";
    uint8_t buf[32];
    CHECK_EQ(dtls13_conn_write(p->client, msg, sizeof(msg), p->now_ms), (int)sizeof(msg));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)sizeof(msg));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_unexpected_post_handshake_message(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    /* A ClientHello after the handshake: unexpected_message. */
    const uint8_t junk[4] = {3, 3, 0, 0};
    send_post_handshake(p->server, D13_HS_CLIENT_HELLO, junk, sizeof(junk));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_FAILED);
    CHECK_EQ(dtls13_conn_alert(p->client), DTLS13_ALERT_UNEXPECTED_MESSAGE);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_FAILED); /* got the alert */
    conn_pair_free(p);

    /* A server receiving a NewSessionTicket. */
    p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    uint8_t body[32];
    d13_writer w;
    d13_writer_init(&w, body, sizeof(body));
    d13_new_session_ticket nst;
    memset(&nst, 0, sizeof(nst));
    const uint8_t ticket[1] = {1};
    nst.ticket.p = ticket;
    nst.ticket.len = 1;
    CHECK(d13_new_session_ticket_encode(&w, &nst));
    send_post_handshake(p->client, D13_HS_NEW_SESSION_TICKET, body, d13_writer_len(&w));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_UNEXPECTED_MESSAGE);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Stops delivery after n datagrams so that a close can happen mid-handshake. */
static bool first_n(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)data;
    (void)len;
    (void)from_client;
    (void)index;
    int *n = user;
    return (*n)-- > 0;
}

static void test_close_in_every_handshake_state(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    for (int allowed = 0; allowed < 6; allowed++) {
        for (int closer = 0; closer < 2; closer++) {
            int budget = allowed;
            conn_pair *p = conn_pair_new(cc, sc);
            p->filter = first_n;
            p->filter_user = &budget;
            dtls13_conn_start(p->server, p->now_ms);
            dtls13_conn_start(p->client, p->now_ms);
            conn_pair_pump(p);
            p->filter = NULL;
            dtls13_conn *c = closer ? p->server : p->client;
            dtls13_conn *other = closer ? p->client : p->server;
            CHECK_EQ(dtls13_conn_close(c, p->now_ms), 0);
            CHECK_EQ(dtls13_conn_state(c), DTLS13_STATE_CLOSED);
            CHECK_EQ(dtls13_conn_next_timeout(c), UINT64_MAX);
            conn_pair_pump(p);
            /* The peer either saw the close_notify (if it could read it) or
             * is still waiting; it never crashes or delivers data. */
            dtls13_state os = dtls13_conn_state(other);
            CHECK(os == DTLS13_STATE_CLOSED || os == DTLS13_STATE_HANDSHAKING || os == DTLS13_STATE_CONNECTED);
            uint8_t buf[16];
            CHECK_EQ(dtls13_conn_read(other, buf, sizeof(buf)), DTLS13_ERR_WOULD_BLOCK);
            conn_pair_free(p);
        }
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_new_session_ticket);
    RUN_TEST(&st, test_unexpected_post_handshake_message);
    RUN_TEST(&st, test_close_in_every_handshake_state);
    TEST_MAIN_END(&st);
}
