/* See listen_harness.h. */
#include "listen_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record.h"
#include "wire/messages.h"
#include "wire/reader.h"
#include "wire/writer.h"

void listen_queue_push(listen_queue *q, const uint8_t *data, size_t len)
{
    if (q->count == LISTEN_QUEUE_LEN || len > LISTEN_MAX_DGRAM) return;
    size_t slot = (q->head + q->count) % LISTEN_QUEUE_LEN;
    memcpy(q->data[slot], data, len);
    q->len[slot] = len;
    q->count++;
}

bool listen_queue_pop(listen_queue *q, uint8_t *out, size_t *len)
{
    if (q->count == 0) return false;
    *len = q->len[q->head];
    memcpy(out, q->data[q->head], *len);
    q->head = (q->head + 1) % LISTEN_QUEUE_LEN;
    q->count--;
    return true;
}

/* Splits a datagram holding exactly one unfragmented ClientHello record
 * into two datagrams of one fragment each; false when it is not one. */
bool listen_split_client_hello(const uint8_t *d, size_t len, uint8_t *a, size_t *alen, uint8_t *b, size_t *blen)
{
    d13_reader r;
    d13_reader_init(&r, d, len);
    d13_record_view rec;
    if (d13_record_next(&r, &rec) != D13_DROP_NONE || rec.is_ciphertext || rec.content_type != D13_CT_HANDSHAKE ||
        d13_reader_remaining(&r) != 0)
        return false;
    d13_reader body;
    d13_reader_init(&body, rec.payload, rec.payload_len);
    d13_hs_header h;
    d13_bytes frag;
    if (d13_hs_header_read(&body, &h, &frag) || h.msg_type != D13_HS_CLIENT_HELLO || h.fragment_length != h.length ||
        d13_reader_remaining(&body) != 0)
        return false;
    uint32_t first = h.length / 2;
    uint8_t msg[LISTEN_MAX_DGRAM];
    d13_writer w;
    d13_hs_header h1 = h, h2 = h;
    h1.fragment_length = first;
    h2.fragment_offset = first;
    h2.fragment_length = h.length - first;
    d13_writer_init(&w, msg, sizeof(msg));
    d13_hs_header_write(&w, &h1);
    d13_write_bytes(&w, frag.p, first);
    d13_writer out;
    d13_writer_init(&out, a, LISTEN_MAX_DGRAM);
    if (!d13_plaintext_write(&out, D13_CT_HANDSHAKE, 0, rec.seq48, msg, d13_writer_len(&w))) return false;
    *alen = d13_writer_len(&out);
    d13_reader rest;
    d13_reader_init(&rest, frag.p, frag.len);
    const uint8_t *second = NULL;
    d13_read_skip(&rest, first);
    d13_read_bytes(&rest, h.length - first, &second);
    d13_writer_init(&w, msg, sizeof(msg));
    d13_hs_header_write(&w, &h2);
    d13_write_bytes(&w, second, h.length - first);
    d13_writer_init(&out, b, LISTEN_MAX_DGRAM);
    if (!d13_plaintext_write(&out, D13_CT_HANDSHAKE, 0, rec.seq48, msg, d13_writer_len(&w))) return false;
    *blen = d13_writer_len(&out);
    return true;
}

static int client_send(void *user, const uint8_t *data, size_t len)
{
    listen_harness *hs = user;
    uint8_t a[LISTEN_MAX_DGRAM], b[LISTEN_MAX_DGRAM];
    size_t alen = 0, blen = 0;
    if (hs->split_client_hellos && listen_split_client_hello(data, len, a, &alen, b, &blen)) {
        listen_queue_push(&hs->to_server, a, alen);
        listen_queue_push(&hs->to_server, b, blen);
    } else {
        listen_queue_push(&hs->to_server, data, len);
    }
    return 0;
}

int listen_harness_server_send(void *user, const uint8_t *data, size_t len)
{
    listen_harness *hs = user;
    listen_queue_push(&hs->to_client, data, len);
    return 0;
}

listen_harness *listen_harness_new(dtls13_config *client_cfg, dtls13_config *server_cfg, dtls13_cookie_mode mode)
{
    listen_harness *hs = calloc(1, sizeof(*hs));
    if (!hs) return NULL;
    hs->now = 1000;
    hs->addr_len = (size_t)snprintf(hs->addr, sizeof(hs->addr), "198.51.100.7:40000");
    hs->amplification_ok = true;
    hs->l = dtls13_listener_new(server_cfg, mode);
    hs->client = dtls13_conn_new(client_cfg, DTLS13_ROLE_CLIENT, client_send, hs);
    if (!hs->l || !hs->client) {
        dtls13_listener_free(hs->l);
        dtls13_conn_free(hs->client);
        free(hs);
        return NULL;
    }
    return hs;
}

void listen_harness_free(listen_harness *hs)
{
    if (!hs) return;
    dtls13_conn_free(hs->client);
    dtls13_conn_free(hs->server);
    dtls13_listener_free(hs->l);
    free(hs);
}

void listen_harness_deliver(listen_harness *hs, const uint8_t *d, size_t len)
{
    if (hs->server) {
        dtls13_conn_handle_datagram(hs->server, d, len, hs->now);
        return;
    }
    uint8_t out[512];
    size_t out_len = 0;
    hs->bytes_since_decision += len;
    int r = dtls13_listen(hs->l, d, len, hs->addr, hs->addr_len, hs->now, out, sizeof(out), &out_len);
    if (r == DTLS13_LISTEN_SEND_HRR) {
        hs->hrrs++;
        if (out_len > 3 * hs->bytes_since_decision) hs->amplification_ok = false;
        hs->bytes_since_decision = 0;
        listen_queue_push(&hs->to_client, out, out_len);
    } else if (r == DTLS13_LISTEN_ACCEPT) {
        hs->accepts++;
        hs->bytes_since_decision = 0;
        hs->server = dtls13_listener_accept(hs->l, d, len, hs->addr, hs->addr_len, listen_harness_server_send, hs, hs->now);
        if (!hs->server) hs->accept_failed = true;
    } else {
        hs->listen_drops++;
    }
}

void listen_harness_pump(listen_harness *hs)
{
    uint8_t buf[LISTEN_MAX_DGRAM];
    size_t len;
    for (int guard = 0; guard < 10000; guard++) {
        bool moved = false;
        if (listen_queue_pop(&hs->to_server, buf, &len)) {
            listen_harness_deliver(hs, buf, len);
            moved = true;
        }
        if (listen_queue_pop(&hs->to_client, buf, &len)) {
            dtls13_conn_handle_datagram(hs->client, buf, len, hs->now);
            moved = true;
        }
        if (!moved) return;
    }
}

bool listen_harness_connected(const listen_harness *hs)
{
    return hs->server && dtls13_conn_state(hs->server) == DTLS13_STATE_CONNECTED &&
           dtls13_conn_state(hs->client) == DTLS13_STATE_CONNECTED;
}

bool listen_harness_run(listen_harness *hs, uint64_t max_ms)
{
    uint64_t end = hs->now + max_ms;
    dtls13_conn_start(hs->client, hs->now); /* BAD_STATE when the test started it already */
    while (hs->now <= end) {
        listen_harness_pump(hs);
        if (listen_harness_connected(hs) && hs->to_server.count == 0 && hs->to_client.count == 0) break;
        if (dtls13_conn_state(hs->client) == DTLS13_STATE_FAILED) break;
        uint64_t next = dtls13_conn_next_timeout(hs->client);
        if (hs->server) {
            uint64_t ts = dtls13_conn_next_timeout(hs->server);
            if (ts < next) next = ts;
        }
        if (next == UINT64_MAX) break;
        if (next > hs->now) hs->now = next;
        dtls13_conn_handle_timeout(hs->client, hs->now);
        if (hs->server) dtls13_conn_handle_timeout(hs->server, hs->now);
    }
    return listen_harness_connected(hs);
}
