/* Virtual network for endpoint tests (endpoint_net.h). */
#include "endpoint_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/demux.h"
#include "dtls13/srtp.h"

typedef struct client_ctx {
    ep_net *net;
    size_t index;
} client_ctx;

static void enqueue(ep_net *n, size_t client, bool to_server, const void *addr, size_t addr_len,
                    const uint8_t *data, size_t len)
{
    if (n->q_count == n->q_cap) {
        size_t cap = n->q_cap ? n->q_cap * 2 : 256;
        ep_net_datagram *q = calloc(cap, sizeof(*q));
        if (!q) abort();
        for (size_t i = 0; i < n->q_count; i++) q[i] = n->queue[(n->q_head + i) % n->q_cap];
        free(n->queue);
        n->queue = q;
        n->q_cap = cap;
        n->q_head = 0;
    }
    ep_net_datagram *d = &n->queue[(n->q_head + n->q_count) % n->q_cap];
    memset(d, 0, sizeof(*d));
    d->client = client;
    d->to_server = to_server;
    if (addr) {
        d->spoofed = true;
        memcpy(d->addr, addr, addr_len);
        d->addr_len = addr_len;
    }
    d->data = malloc(len ? len : 1);
    if (!d->data) abort();
    memcpy(d->data, data, len);
    d->len = len;
    n->q_count++;
}

static void client_addr(size_t i, uint8_t out[4])
{
    out[0] = 'c';
    out[1] = (uint8_t)(i >> 16);
    out[2] = (uint8_t)(i >> 8);
    out[3] = (uint8_t)i;
}

/* ---- server callbacks ---- */

static int server_send(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    ep_net *n = user;
    const uint8_t *a = addr;
    size_t i = addr_len == 4 && a[0] == 'c' ? ((size_t)a[1] << 16) | ((size_t)a[2] << 8) | a[3] : SIZE_MAX;
    if (i >= n->num_clients) {
        n->to_unknown++;
        return 0;
    }
    enqueue(n, i, false, NULL, 0, data, len);
    return 0;
}

static bool server_on_stun(void *user, dtls13_assoc *a, const void *addr, size_t addr_len, const uint8_t *data,
                           size_t len)
{
    (void)a, (void)addr, (void)addr_len, (void)data, (void)len;
    ep_net *n = user;
    n->stun_seen++;
    return n->stun_authenticates;
}

static bool server_address_validated(void *user, const void *addr, size_t addr_len)
{
    (void)addr, (void)addr_len;
    return ((ep_net *)user)->validate_addresses;
}

static void server_on_association(void *user, dtls13_assoc *a)
{
    ep_net *n = user;
    n->associations_reported++;
    if (n->pin_fingerprint) (void)dtls13_assoc_set_peer_fingerprint(a, n->pin_fingerprint);
}

static void server_on_event(void *user, dtls13_assoc *a, const dtls13_event *ev)
{
    ep_net *n = user;
    if ((unsigned)ev->type < 8) n->events[ev->type]++;
    if (ev->type == DTLS13_EVENT_HANDSHAKE_DONE && n->close_on_handshake) dtls13_endpoint_close(n->server, a, n->now);
}

static void server_on_media(void *user, dtls13_assoc *a, uint8_t *packet, size_t len, bool rtcp)
{
    ep_net *n = user;
    n->media_seen++;
    if (n->server_media) n->server_media(n, a, packet, len, rtcp);
    if (n->echo_media) (void)dtls13_endpoint_send_media(n->server, a, packet, len, rtcp, n->now);
}

static void server_on_freed(void *user, dtls13_assoc *a, dtls13_assoc_end reason)
{
    (void)a;
    ep_net *n = user;
    if ((unsigned)reason < DTLS13_ASSOC_END_COUNT) n->freed_reported[reason]++;
}

ep_net *ep_net_new(const dtls13_endpoint_options *opts)
{
    ep_net *n = calloc(1, sizeof(*n));
    if (!n) return NULL;
    n->server_cfg = dtls13_config_new();
    if (!n->server_cfg || dtls13_config_generate_certificate(n->server_cfg, "endpoint-test")) {
        ep_net_free(n);
        return NULL;
    }
    dtls13_endpoint_callbacks cb = {
        .send = server_send,
        .on_stun = server_on_stun,
        .address_validated = server_address_validated,
        .on_association = server_on_association,
        .on_event = server_on_event,
        .on_media = server_on_media,
        .on_freed = server_on_freed,
        .user = n,
    };
    n->server = dtls13_endpoint_new(n->server_cfg, &cb, opts);
    if (!n->server) {
        ep_net_free(n);
        return NULL;
    }
    n->now = 1000;
    n->echo_media = true;
    return n;
}

void ep_net_free(ep_net *n)
{
    if (!n) return;
    dtls13_endpoint_free(n->server);
    for (size_t i = 0; i < n->num_clients; i++) {
        dtls13_srtp_free(n->clients[i].srtp);
        dtls13_conn_free(n->clients[i].conn);
        free(n->clients[i].ctx);
    }
    for (size_t i = 0; i < n->q_count; i++) free(n->queue[(n->q_head + i) % n->q_cap].data);
    free(n->queue);
    free(n->clients);
    dtls13_config_free(n->server_cfg);
    free(n);
}

/* ---- clients ---- */

static int client_send(void *user, const uint8_t *data, size_t len)
{
    client_ctx *cx = user;
    ep_net *n = cx->net;
    if (n->clients[cx->index].vanished) return 0;
    enqueue(n, cx->index, true, NULL, 0, data, len);
    return 0;
}

/* The client contexts live in a separate array so that growing clients
 * does not move what the connections point at: one allocation each. */
size_t ep_net_add_client(ep_net *n, dtls13_config *cfg, uint16_t min_version, uint16_t max_version)
{
    if (n->num_clients == n->cap_clients) {
        size_t cap = n->cap_clients ? n->cap_clients * 2 : 64;
        ep_net_client *c = realloc(n->clients, cap * sizeof(*c));
        if (!c) abort();
        n->clients = c;
        n->cap_clients = cap;
    }
    size_t i = n->num_clients++;
    ep_net_client *c = &n->clients[i];
    memset(c, 0, sizeof(*c));
    client_addr(i, c->addr);
    bool own = !cfg;
    if (own) {
        cfg = dtls13_config_new();
        if (!cfg || dtls13_config_generate_certificate(cfg, "endpoint-client")) abort();
    }
    if (min_version && dtls13_config_set_version_range(cfg, min_version, max_version ? max_version : min_version))
        abort();
    client_ctx *cx = malloc(sizeof(*cx));
    if (!cx) abort();
    cx->net = n;
    cx->index = i;
    c->ctx = cx;
    c->conn = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, client_send, cx);
    if (own) dtls13_config_free(cfg);
    if (!c->conn) abort();
    (void)dtls13_conn_start(c->conn, n->now);
    return i;
}

static void client_receive(ep_net *n, size_t i, uint8_t *data, size_t len)
{
    ep_net_client *c = &n->clients[i];
    if (c->vanished) return;
    dtls13_demux_kind k = dtls13_demux_classify(data, len);
    if (k == DTLS13_DEMUX_DTLS) {
        (void)dtls13_conn_handle_datagram(c->conn, data, len, n->now);
        if (!c->srtp && dtls13_conn_state(c->conn) == DTLS13_STATE_CONNECTED &&
            dtls13_conn_srtp_profile(c->conn) != 0)
            (void)dtls13_srtp_new(c->conn, &c->srtp);
        return;
    }
    if ((k == DTLS13_DEMUX_RTP || k == DTLS13_DEMUX_RTCP) && c->srtp) {
        size_t out = 0;
        int rc = k == DTLS13_DEMUX_RTP ? dtls13_srtp_unprotect_rtp(c->srtp, data, len, &out)
                                       : dtls13_srtp_unprotect_rtcp(c->srtp, data, len, &out);
        if (rc == 0) c->media_rx++;
        else c->media_bad++;
        if (rc == 0 && n->client_media) n->client_media(n, i, data, out, k == DTLS13_DEMUX_RTCP);
    }
}

void ep_net_pump(ep_net *n)
{
    while (n->q_count) {
        ep_net_datagram d = n->queue[n->q_head];
        n->q_head = (n->q_head + 1) % n->q_cap;
        n->q_count--;
        if (d.to_server) {
            uint8_t a[4];
            client_addr(d.client, a);
            if (d.spoofed) dtls13_endpoint_handle_datagram(n->server, d.data, d.len, d.addr, d.addr_len, n->now);
            else dtls13_endpoint_handle_datagram(n->server, d.data, d.len, a, sizeof(a), n->now);
        } else {
            client_receive(n, d.client, d.data, d.len);
        }
        free(d.data);
    }
}

static uint64_t next_event(const ep_net *n)
{
    uint64_t t = dtls13_endpoint_next_timeout(n->server);
    for (size_t i = 0; i < n->num_clients; i++) {
        if (n->clients[i].vanished) continue;
        uint64_t ct = dtls13_conn_next_timeout(n->clients[i].conn);
        if (ct < t) t = ct;
    }
    return t;
}

bool ep_net_run(ep_net *n, bool (*done)(ep_net *n), uint64_t max_ms)
{
    uint64_t end = n->now + max_ms;
    for (;;) {
        ep_net_pump(n);
        if (done && done(n)) return true;
        uint64_t t = next_event(n);
        if (t > end) {
            n->now = end;
            return done ? done(n) : true;
        }
        if (t > n->now) n->now = t;
        dtls13_endpoint_handle_timeout(n->server, n->now);
        for (size_t i = 0; i < n->num_clients; i++) {
            ep_net_client *c = &n->clients[i];
            if (!c->vanished && dtls13_conn_next_timeout(c->conn) <= n->now)
                (void)dtls13_conn_handle_timeout(c->conn, n->now);
        }
    }
}

size_t ep_net_connected(const ep_net *n)
{
    size_t k = 0;
    for (size_t i = 0; i < n->num_clients; i++)
        if (dtls13_conn_state(n->clients[i].conn) == DTLS13_STATE_CONNECTED) k++;
    return k;
}

int ep_net_send_rtp(ep_net *n, size_t i)
{
    uint8_t payload[200 - 12];
    memset(payload, 0xab, sizeof(payload));
    return ep_net_send_rtp_payload(n, i, payload, sizeof(payload));
}

int ep_net_send_rtp_payload(ep_net *n, size_t i, const uint8_t *payload, size_t len)
{
    ep_net_client *c = &n->clients[i];
    uint8_t pkt[12 + 1200 + DTLS13_SRTP_MAX_OVERHEAD];
    if (!c->srtp || len > 1200) return -1;
    memcpy(pkt + 12, payload, len);
    uint32_t ssrc = (uint32_t)i + 1;
    c->rtp_seq++;
    pkt[0] = 0x80;
    pkt[1] = 96;
    pkt[2] = (uint8_t)(c->rtp_seq >> 8);
    pkt[3] = (uint8_t)c->rtp_seq;
    memset(pkt + 4, 0, 4);
    pkt[8] = (uint8_t)(ssrc >> 24);
    pkt[9] = (uint8_t)(ssrc >> 16);
    pkt[10] = (uint8_t)(ssrc >> 8);
    pkt[11] = (uint8_t)ssrc;
    size_t out = 0;
    int rc = dtls13_srtp_protect_rtp(c->srtp, pkt, 12 + len, sizeof(pkt), &out);
    if (rc) return rc;
    enqueue(n, i, true, NULL, 0, pkt, out);
    return 0;
}

void ep_net_inject(ep_net *n, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    enqueue(n, 0, true, addr, addr_len, data, len);
}

void ep_net_inject_from(ep_net *n, size_t i, const uint8_t *data, size_t len)
{
    enqueue(n, i, true, NULL, 0, data, len);
}

void ep_net_restart_client(ep_net *n, size_t i)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg || dtls13_config_generate_certificate(cfg, "endpoint-client")) abort();
    ep_net_restart_client_with(n, i, cfg);
    dtls13_config_free(cfg);
}

void ep_net_restart_client_with(ep_net *n, size_t i, dtls13_config *cfg)
{
    ep_net_client *c = &n->clients[i];
    dtls13_srtp_free(c->srtp);
    c->srtp = NULL;
    dtls13_conn_free(c->conn);
    c->conn = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, client_send, c->ctx);
    if (!c->conn) abort();
    c->media_rx = c->media_bad = 0;
    (void)dtls13_conn_start(c->conn, n->now);
}

void ep_net_close_client(ep_net *n, size_t i)
{
    (void)dtls13_conn_close(n->clients[i].conn, n->now);
}

dtls13_assoc *ep_net_assoc(const ep_net *n, size_t i)
{
    uint8_t a[4];
    client_addr(i, a);
    return dtls13_endpoint_find(n->server, a, sizeof(a));
}

dtls13_endpoint_stats ep_net_stats(const ep_net *n)
{
    dtls13_endpoint_stats s;
    dtls13_endpoint_get_stats(n->server, &s);
    return s;
}
