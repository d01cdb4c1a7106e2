/* An application built against the installed libraries alone (pkg-config
 * dtls13-media, which brings dtls13): two endpoints in one process, a
 * client and a server, handshake over an in-memory network, then SRTP
 * media both ways through dtls13_endpoint_send_media(). Exits 0 and prints
 * "consumer: ok ..." when every packet arrived; otherwise says what failed
 * and exits 1. Compiled and run by test_install.py, never by the build. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <dtls13/dtls13.h>
#include <dtls13/endpoint.h>

#define QUEUE_SLOTS 64
#define SLOT_BYTES 2048
#define PACKETS 20

typedef struct datagram {
    int to; /* 0: the server, 1: the client */
    size_t len;
    unsigned char data[SLOT_BYTES];
} datagram;

typedef struct net {
    datagram q[QUEUE_SLOTS];
    size_t head, count;
    struct sockaddr_in addr[2];
    unsigned media_in[2];
} net;

typedef struct side {
    net *n;
    int self;
} side;

static int send_cb(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    side *s = user;
    (void)addr;
    (void)addr_len;
    if (s->n->count == QUEUE_SLOTS || len > SLOT_BYTES) return -1;
    datagram *d = &s->n->q[(s->n->head + s->n->count++) % QUEUE_SLOTS];
    d->to = 1 - s->self;
    d->len = len;
    memcpy(d->data, data, len);
    return 0;
}

static void media_cb(void *user, dtls13_assoc *a, uint8_t *packet, size_t len, bool rtcp)
{
    side *s = user;
    (void)a;
    if (!rtcp && len == 172 && packet[12] == 0xab) s->n->media_in[s->self]++;
}

static void pump(net *n, dtls13_endpoint *ep[2], uint64_t now)
{
    while (n->count > 0) {
        datagram *d = &n->q[n->head];
        n->head = (n->head + 1) % QUEUE_SLOTS;
        n->count--;
        datagram copy = *d;
        const struct sockaddr_in *from = &n->addr[1 - copy.to];
        dtls13_endpoint_handle_datagram(ep[copy.to], copy.data, copy.len, from, sizeof(*from), now);
    }
}

int main(void)
{
    static net n;
    side sides[2] = {{&n, 0}, {&n, 1}};
    for (int i = 0; i < 2; i++) {
        n.addr[i].sin_family = AF_INET;
        n.addr[i].sin_port = htons((uint16_t)(5000 + i));
        n.addr[i].sin_addr.s_addr = htonl(0x7f000001u);
    }
    dtls13_config *cfg = dtls13_config_new();
    const uint16_t profiles[] = {DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_SRTP_AES128_CM_SHA1_80};
    if (!cfg || dtls13_config_generate_certificate(cfg, "consumer") != 0 ||
        dtls13_config_set_srtp_profiles(cfg, profiles, 2, NULL, 0) != 0) {
        fprintf(stderr, "consumer: cannot make the configuration\n");
        return 1;
    }
    dtls13_endpoint *ep[2];
    for (int i = 0; i < 2; i++) {
        dtls13_endpoint_callbacks cb = {.send = send_cb, .on_media = media_cb, .user = &sides[i]};
        ep[i] = dtls13_endpoint_new(cfg, &cb, NULL);
        if (!ep[i]) {
            fprintf(stderr, "consumer: dtls13_endpoint_new failed\n");
            return 1;
        }
    }
    uint64_t now = 1000;
    dtls13_assoc *client = NULL;
    if (dtls13_endpoint_connect(ep[1], &n.addr[0], sizeof(n.addr[0]), now, &client) != 0) {
        fprintf(stderr, "consumer: dtls13_endpoint_connect failed\n");
        return 1;
    }
    for (int round = 0; round < 50 && dtls13_conn_state(dtls13_assoc_conn(client)) == DTLS13_STATE_HANDSHAKING;
         round++) {
        pump(&n, ep, now);
        now += 10;
        dtls13_endpoint_handle_timeout(ep[0], now);
        dtls13_endpoint_handle_timeout(ep[1], now);
    }
    pump(&n, ep, now);
    dtls13_assoc *server = dtls13_endpoint_find(ep[0], &n.addr[1], sizeof(n.addr[1]));
    if (dtls13_conn_state(dtls13_assoc_conn(client)) != DTLS13_STATE_CONNECTED || !server) {
        fprintf(stderr, "consumer: the handshake did not complete\n");
        return 1;
    }
    unsigned char rtp[172] = {0x80, 96};
    memset(rtp + 12, 0xab, sizeof(rtp) - 12);
    for (int i = 0; i < PACKETS; i++) {
        rtp[3] = (unsigned char)i;
        rtp[11] = 1;
        if (dtls13_endpoint_send_media(ep[1], client, rtp, sizeof(rtp), false, now) != 0) return 1;
        rtp[11] = 2;
        if (dtls13_endpoint_send_media(ep[0], server, rtp, sizeof(rtp), false, now) != 0) return 1;
        pump(&n, ep, now);
    }
    dtls13_endpoint_stats st;
    dtls13_endpoint_get_stats(ep[0], &st);
    const dtls13_conn *conn = dtls13_assoc_conn(client);
    int ok = n.media_in[0] == PACKETS && n.media_in[1] == PACKETS && st.handshakes_completed == 1;
    printf("consumer: %s %s %s, %u/%u RTP packets each way, libdtls13 %s\n", ok ? "ok" : "FAILED",
           dtls13_version_name(dtls13_conn_version(conn)), dtls13_cipher_suite_name(dtls13_conn_cipher_suite(conn)),
           n.media_in[0] < n.media_in[1] ? n.media_in[0] : n.media_in[1], PACKETS, dtls13_version_string());
    dtls13_endpoint_free(ep[0]);
    dtls13_endpoint_free(ep[1]);
    dtls13_config_free(cfg);
    return ok ? 0 : 1;
}
