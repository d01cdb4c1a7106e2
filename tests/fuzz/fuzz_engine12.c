/* Fuzz target for the DTLS 1.2 handshake engine through the public API,
 * the 1.2 sibling of fuzz_engine.c.
 *
 * Input: one mode byte (bits in fuzz_engine12.h), then either datagrams,
 * each a 2-byte big-endian length followed by that many bytes (a length
 * running past the end takes what is left), or, with E12_LIVE, operations
 * (E12_OP_*). The connection under attack is
 *   - a fresh server (E12_CLIENT clear): it receives ClientHellos,
 *     Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec,
 *     Finished; with E12_LISTENER the datagrams first go to a stateless
 *     listener (cookie mode ALWAYS, or NEVER with E12_COOKIE_NEVER, then
 *     accepting with the address validated) until it accepts one, which
 *     creates the connection, and the rest go there.
 *     Without a live peer the listener's HelloVerifyRequest cookie is
 *     copied into the legacy_cookie of a later ClientHello whose cookie has
 *     the same length, so recorded transcripts get past a cookie made under
 *     another secret;
 *   - a client that has sent its ClientHello (E12_CLIENT): it receives
 *     HelloVerifyRequest, ServerHello, Certificate, ServerKeyExchange,
 *     CertificateRequest, ServerHelloDone, ChangeCipherSpec, Finished.
 * Its config allows DTLS 1.2 only, or 1.2..1.3 with E12_WIDE (the client's
 * version choice on the ServerHello and the downgrade sentinel). The clock
 * moves 10 ms (1 s with E12_SLOW_CLOCK) before every datagram, and due
 * timers run first.
 *
 * Recorded flights never verify against a fresh connection (keys and
 * randoms are new in every process), so datagrams alone stop at the first
 * signature or Finished. E12_LIVE therefore runs a real peer (the other
 * role, same config bits, but 1.2 only with E12_PEER12 so that a wide
 * target meets a 1.2 peer: the sentinel set, or a 1.2 ServerHello without
 * it, for real): the target's datagrams reach it unchanged, and
 * the operations decide what becomes of each of the peer's (delivered,
 * altered, cut, lost, duplicated), add forged datagrams, move the clock
 * and write application data, so every later state of both roles and the
 * established connection are fuzzed too.
 *
 * After the input the target reads what is queued, tries the exporter and
 * a write, runs the timers once more and closes, as fuzz_engine.c does.
 * Invariants: no crash or leak; no datagram above the MTU; a 1.2-only
 * config never ends up with another version, and a connected one has a
 * suite of the version it negotiated; HANDSHAKE_DONE comes at most once; a
 * listener answers a 1.2-only config's ClientHello only with one
 * unfragmented HelloVerifyRequest (a wide one may send a
 * HelloRetryRequest), at most 3x the bytes it was given. With a live peer:
 * when both are connected they agree on version, suite and exported keys,
 * and the target reads only what the peer wrote.
 *
 * Seeds: corpus/engine12/ holds real 1.2 transcripts (and a few 1.3 ones
 * for the wide mode) and live-peer runs, written by make_engine12_corpus.c. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "fuzz/fuzz_engine12.h"
#include "fuzz/fuzz_target.h"
#include "record/record.h"
#include "wire/messages.h"
#include "wire/messages12.h"
#include "wire/reader.h"

#define FUZZ_MAX_DATAGRAMS 64
#define FUZZ_MAX_OPS 128
#define FUZZ_PEER_ADDR "198.51.100.7:5004"
#define CONFIG_BITS (E12_CLIENT | E12_WIDE | E12_VARIANT)
#define QUEUE_LEN 32
#define QUEUE_DGRAM 2048
#define PEER_BYTE 0x5a /* every application data byte the peer writes */

/* As in fuzz_engine.c, the one exception to "no global mutable state":
 * certificate generation is far too slow to repeat per input, so the
 * configs are made once per process (one certificate, copied into the
 * others) and stay reachable. The library keeps no global state. */
static dtls13_config *fuzz_configs[CONFIG_BITS + 1];

static dtls13_config *cached_config(unsigned mode)
{
    unsigned i = mode & CONFIG_BITS;
    if (!fuzz_configs[i]) {
        dtls13_config *cfg = dtls13_config_new();
        FUZZ_CHECK(cfg != NULL);
        if (i == 0) FUZZ_CHECK(dtls13_config_generate_certificate(cfg, "fuzz engine12") == 0);
        else FUZZ_CHECK(dtls13_config_copy_certificate(cfg, cached_config(0)) == 0);
        dtls13_role role = (i & E12_CLIENT) ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER;
        FUZZ_CHECK(e12_config_apply(cfg, role, i) == 0);
        fuzz_configs[i] = cfg;
    }
    return fuzz_configs[i];
}

/* Datagrams on their way to one side (a full queue loses new ones). */
typedef struct queue {
    uint8_t data[QUEUE_LEN][QUEUE_DGRAM];
    size_t len[QUEUE_LEN];
    size_t head, count;
} queue;

typedef struct fuzz_state {
    size_t mtu;
    uint64_t datagrams;
    unsigned handshakes_done;
    queue *out; /* with a live peer: where the datagrams go */
} fuzz_state;

static void push(queue *q, const uint8_t *d, size_t len)
{
    if (q->count == QUEUE_LEN || len > QUEUE_DGRAM) return;
    size_t slot = (q->head + q->count) % QUEUE_LEN;
    memcpy(q->data[slot], d, len);
    q->len[slot] = len;
    q->count++;
}

static void pop(queue *q)
{
    q->head = (q->head + 1) % QUEUE_LEN;
    q->count--;
}

static int count_datagram(void *user, const uint8_t *datagram, size_t len)
{
    fuzz_state *st = user;
    FUZZ_CHECK(datagram != NULL || len == 0);
    FUZZ_CHECK(len <= st->mtu);
    st->datagrams++;
    if (st->out) push(st->out, datagram, len);
    return 0;
}

static void on_event(void *user, dtls13_conn *conn, const dtls13_event *ev)
{
    fuzz_state *st = user;
    (void)conn;
    if (ev->type == DTLS13_EVENT_HANDSHAKE_DONE) FUZZ_CHECK(++st->handshakes_done == 1);
}

/* Both ends of a live run connected: they must have the same view. */
static void check_agreement(const dtls13_conn *a, const dtls13_conn *b)
{
    uint8_t ka[48], kb[48];
    FUZZ_CHECK(dtls13_conn_version(a) == dtls13_conn_version(b));
    FUZZ_CHECK(dtls13_conn_cipher_suite(a) == dtls13_conn_cipher_suite(b));
    FUZZ_CHECK(dtls13_conn_srtp_profile(a) == dtls13_conn_srtp_profile(b));
    FUZZ_CHECK(dtls13_conn_export_keying_material(a, "EXTRACTOR-dtls_srtp", NULL, 0, ka, sizeof(ka)) == 0);
    FUZZ_CHECK(dtls13_conn_export_keying_material(b, "EXTRACTOR-dtls_srtp", NULL, 0, kb, sizeof(kb)) == 0);
    FUZZ_CHECK(memcmp(ka, kb, sizeof(ka)) == 0);
}

/* Reads what is queued; with a live peer it can only be what it wrote. */
static void drain(dtls13_conn *conn, bool live)
{
    uint8_t buf[2048];
    for (int i = 0; i < 256; i++) {
        int n = dtls13_conn_read(conn, buf, sizeof(buf));
        if (n < 0) break;
        FUZZ_CHECK((size_t)n <= sizeof(buf));
        for (int j = 0; live && j < n; j++) FUZZ_CHECK(buf[j] == PEER_BYTE);
    }
}

static void exercise_after_input(dtls13_conn *conn, dtls13_conn *peer, bool wide, uint64_t now)
{
    drain(conn, peer != NULL);
    dtls13_state state = dtls13_conn_state(conn);
    uint16_t version = dtls13_conn_version(conn);
    FUZZ_CHECK(version == 0 || version == DTLS13_VERSION_DTLS12 || (wide && version == DTLS13_VERSION_DTLS13));
    if (state == DTLS13_STATE_CONNECTED) {
        uint16_t suite = dtls13_conn_cipher_suite(conn);
        FUZZ_CHECK(version != 0 && suite != 0);
        FUZZ_CHECK((version == DTLS13_VERSION_DTLS12) == (suite >= 0xc000u)); /* 1.3: 0x13xx */
        if (peer && dtls13_conn_state(peer) == DTLS13_STATE_CONNECTED) check_agreement(conn, peer);
    }
    uint8_t key[60];
    int rc = dtls13_conn_export_keying_material(conn, "EXTRACTOR-dtls_srtp", NULL, 0, key, sizeof(key));
    if (state != DTLS13_STATE_CONNECTED) FUZZ_CHECK(rc != 0);
    const uint8_t ping[] = "ping";
    rc = dtls13_conn_write(conn, ping, sizeof(ping), now);
    if (state != DTLS13_STATE_CONNECTED) FUZZ_CHECK(rc < 0);
    uint64_t next = dtls13_conn_next_timeout(conn);
    if (next != UINT64_MAX) dtls13_conn_handle_timeout(conn, next > now ? next : now);
    dtls13_conn_close(conn, now);
    (void)dtls13_conn_state(conn);
    (void)dtls13_conn_failure_reason(conn);
    (void)dtls13_conn_alert(conn);
}

/* The listener's reply: one DTLSPlaintext record holding one unfragmented
 * HelloVerifyRequest (or, for a wide config, a HelloRetryRequest). The
 * HelloVerifyRequest's cookie is kept in cookie[0..*cookie_len). */
static void check_reply(const uint8_t *out, size_t len, bool wide, uint8_t *cookie, size_t *cookie_len)
{
    d13_reader r, body;
    d13_record_view rec;
    d13_hs_header h;
    d13_bytes frag;
    d13_reader_init(&r, out, len);
    FUZZ_CHECK(d13_record_next(&r, &rec) == D13_DROP_NONE && d13_reader_remaining(&r) == 0);
    FUZZ_CHECK(!rec.is_ciphertext && rec.content_type == D13_CT_HANDSHAKE && rec.epoch16 == 0);
    d13_reader_init(&body, rec.payload, rec.payload_len);
    FUZZ_CHECK(d13_hs_header_read(&body, &h, &frag) == 0 && d13_reader_remaining(&body) == 0);
    FUZZ_CHECK(h.fragment_offset == 0 && h.fragment_length == h.length);
    if (h.msg_type != D12_HS_HELLO_VERIFY_REQUEST) {
        FUZZ_CHECK(wide && h.msg_type == D13_HS_SERVER_HELLO);
        return;
    }
    d12_hello_verify_request hvr;
    FUZZ_CHECK(d12_hello_verify_request_decode(frag.p, frag.len, &hvr) == 0);
    FUZZ_CHECK(hvr.cookie.len >= 1 && hvr.cookie.len <= D12_MAX_COOKIE);
    memcpy(cookie, hvr.cookie.p, hvr.cookie.len);
    *cookie_len = hvr.cookie.len;
}

/* When dgram starts with a ClientHello (first fragment) whose legacy_cookie
 * is as long as cookie, returns a copy in buf with that cookie in its
 * place; otherwise dgram itself. */
static const uint8_t *splice_cookie(const uint8_t *dgram, size_t len, const uint8_t *cookie, size_t cookie_len,
                                    uint8_t *buf)
{
    d13_reader r, body;
    d13_record_view rec;
    d13_hs_header h;
    d13_bytes frag;
    if (cookie_len == 0) return dgram;
    memcpy(buf, dgram, len);
    d13_reader_init(&r, buf, len);
    if (d13_record_next(&r, &rec) != D13_DROP_NONE || rec.is_ciphertext || rec.content_type != D13_CT_HANDSHAKE)
        return dgram;
    d13_reader_init(&body, rec.payload, rec.payload_len);
    if (d13_hs_header_read(&body, &h, &frag) != 0 || h.msg_type != D13_HS_CLIENT_HELLO || h.fragment_offset != 0)
        return dgram;
    size_t at = 2 + 32; /* client_version, random: then session_id, cookie */
    if (frag.len <= at) return dgram;
    at += 1u + frag.p[at];
    if (frag.len <= at || frag.p[at] != cookie_len || frag.len - at - 1 < cookie_len) return dgram;
    memcpy(buf + (size_t)(frag.p - buf) + at + 1, cookie, cookie_len);
    return buf;
}

/* One input's run. Large (queues, splice buffer): static, cleared per input. */
typedef struct fuzz_run {
    unsigned mode;
    uint64_t now;
    fuzz_state st, peer_st;
    dtls13_conn *conn, *peer;
    dtls13_listener *l;
    uint8_t cookie[D12_MAX_COOKIE];
    size_t cookie_len;
    size_t listener_bytes_in;
    queue to_target, to_peer;
    uint8_t splice_buf[65536];
} fuzz_run;

/* One datagram to the listener; it may create the connection. */
static void listen_once(fuzz_run *f, const uint8_t *dgram, size_t len)
{
    static const char addr[] = FUZZ_PEER_ADDR;
    if (!f->peer) dgram = splice_cookie(dgram, len, f->cookie, f->cookie_len, f->splice_buf);
    f->listener_bytes_in += len;
    uint8_t out[512];
    size_t out_len = 0;
    int r = dtls13_listen(f->l, dgram, len, addr, sizeof(addr), f->now, out, sizeof(out), &out_len);
    FUZZ_CHECK(r == DTLS13_LISTEN_DROP || r == DTLS13_LISTEN_SEND_HRR || r == DTLS13_LISTEN_ACCEPT);
    if (r == DTLS13_LISTEN_SEND_HRR) {
        FUZZ_CHECK(out_len > 0 && out_len <= sizeof(out) && out_len <= 3 * f->listener_bytes_in);
        check_reply(out, out_len, (f->mode & E12_WIDE) != 0, f->cookie, &f->cookie_len);
        if (f->peer) push(&f->to_peer, out, out_len);
        return;
    }
    FUZZ_CHECK(out_len == 0);
    if (r != DTLS13_LISTEN_ACCEPT) return;
    dtls13_accept_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.event_fn = on_event;
    opts.event_user = &f->st;
    opts.peer_address_validated = (f->mode & E12_COOKIE_NEVER) != 0;
    f->conn = dtls13_listener_accept_ex(f->l, dgram, len, addr, sizeof(addr), count_datagram, &f->st, f->now, &opts);
    if (f->conn) FUZZ_CHECK(dtls13_conn_state(f->conn) == DTLS13_STATE_HANDSHAKING);
}

/* A datagram for the target: the connection, or the listener before it. */
static void to_target(fuzz_run *f, const uint8_t *dgram, size_t len)
{
    if (f->conn) {
        uint64_t due = dtls13_conn_next_timeout(f->conn);
        if (due <= f->now) dtls13_conn_handle_timeout(f->conn, f->now);
        dtls13_conn_handle_datagram(f->conn, dgram, len, f->now);
    } else if (f->l) {
        listen_once(f, dgram, len);
    }
}

/* Hands the target's datagrams to the live peer (its replies queue up). */
static void feed_peer(fuzz_run *f)
{
    for (int i = 0; i < 4 * QUEUE_LEN && f->to_peer.count; i++) {
        queue *q = &f->to_peer;
        dtls13_conn_handle_datagram(f->peer, q->data[q->head], q->len[q->head], f->now);
        pop(q);
    }
}

static void run_timers(fuzz_run *f)
{
    if (f->conn && dtls13_conn_next_timeout(f->conn) <= f->now) dtls13_conn_handle_timeout(f->conn, f->now);
    if (dtls13_conn_next_timeout(f->peer) <= f->now) dtls13_conn_handle_timeout(f->peer, f->now);
}

static void write_both(fuzz_run *f, size_t n)
{
    uint8_t buf[32];
    memset(buf, PEER_BYTE, sizeof(buf));
    if (f->conn) (void)dtls13_conn_write(f->conn, buf, n, f->now);
    (void)dtls13_conn_write(f->peer, buf, n, f->now);
    if (f->conn) drain(f->conn, true);
    uint8_t sink[2048];
    while (dtls13_conn_read(f->peer, sink, sizeof(sink)) >= 0) {
    }
}

/* Applies the E12_LIVE operations in in[0..size). */
static void run_live(fuzz_run *f, const uint8_t *in, size_t size, uint64_t step_ms)
{
    d13_reader r;
    d13_reader_init(&r, in, size);
    for (int i = 0; i < FUZZ_MAX_OPS && d13_reader_remaining(&r) > 0; i++) {
        uint8_t op = 0, x = 0;
        uint16_t arg = 0;
        d13_read_u8(&r, &op);
        unsigned kind = op & 7u, a = op >> 3;
        queue *q = &f->to_target;
        f->now += step_ms;
        feed_peer(f);
        if (kind == E12_OP_INJECT) {
            d13_read_u16(&r, &arg);
            size_t len = arg < d13_reader_remaining(&r) ? arg : d13_reader_remaining(&r);
            const uint8_t *p = NULL;
            if (!d13_read_bytes(&r, len, &p)) break;
            to_target(f, p, len);
        } else if (kind == E12_OP_WAIT) {
            f->now += (uint64_t)(a + 1) * 100u;
            run_timers(f);
        } else if (kind == E12_OP_WRITE) {
            write_both(f, a + 1u);
        } else if (q->count > 0) {
            uint8_t *d = q->data[q->head];
            size_t len = q->len[q->head];
            if (kind == E12_OP_FLIP || kind == E12_OP_TRUNCATE) {
                d13_read_u16(&r, &arg);
                if (kind == E12_OP_FLIP) d13_read_u8(&r, &x);
                if (kind == E12_OP_FLIP && len > 0) d[arg % len] ^= (uint8_t)(x | 1u);
                if (kind == E12_OP_TRUNCATE) len = len > 0 ? arg % len : 0;
            }
            if (kind != E12_OP_DROP) to_target(f, d, len);
            if (kind != E12_OP_REPLAY) pop(q);
        }
    }
    feed_peer(f);
}

/* Plain datagrams (2-byte length, bytes) from in[0..size) to the target. */
static void run_datagrams(fuzz_run *f, const uint8_t *data, size_t size, uint64_t step_ms)
{
    size_t pos = 0;
    for (int i = 0; i < FUZZ_MAX_DATAGRAMS && pos < size; i++) {
        size_t len = data[pos];
        if (pos + 1 < size) len = len << 8 | data[pos + 1];
        pos += 2;
        if (pos > size) pos = size;
        if (len > size - pos) len = size - pos;
        f->now += step_ms;
        to_target(f, data + pos, len);
        pos += len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_run f;
    if (size < 1) return 0;
    unsigned mode = data[0];
    bool client = (mode & E12_CLIENT) != 0, live = (mode & E12_LIVE) != 0;
    uint64_t step_ms = (mode & E12_SLOW_CLOCK) ? 1000 : 10;
    dtls13_config *cfg = cached_config(mode);
    size_t mtu = (mode & E12_VARIANT) ? E12_VARIANT_MTU : DTLS13_DEFAULT_MTU;

    memset(&f, 0, offsetof(fuzz_run, to_target));
    f.to_target.head = f.to_target.count = f.to_peer.head = f.to_peer.count = 0;
    f.mode = mode;
    f.now = 1000;
    f.st.mtu = f.peer_st.mtu = mtu;
    if (live) {
        dtls13_role peer_role = client ? DTLS13_ROLE_SERVER : DTLS13_ROLE_CLIENT;
        f.st.out = &f.to_peer;
        f.peer_st.out = &f.to_target;
        unsigned peer_mode = (mode ^ E12_CLIENT) & ~((mode & E12_PEER12) ? E12_WIDE : 0u);
        f.peer = dtls13_conn_new(cached_config(peer_mode), peer_role, count_datagram, &f.peer_st);
        FUZZ_CHECK(f.peer != NULL);
        dtls13_conn_set_event_callback(f.peer, on_event, &f.peer_st);
    }
    if (!client && (mode & E12_LISTENER)) {
        f.l = dtls13_listener_new(cfg, (mode & E12_COOKIE_NEVER) ? DTLS13_COOKIE_NEVER : DTLS13_COOKIE_ALWAYS);
        FUZZ_CHECK(f.l != NULL);
    } else {
        f.conn = dtls13_conn_new(cfg, client ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER, count_datagram, &f.st);
        FUZZ_CHECK(f.conn != NULL);
        dtls13_conn_set_event_callback(f.conn, on_event, &f.st);
        FUZZ_CHECK(dtls13_conn_start(f.conn, f.now) == 0);
        if (client) FUZZ_CHECK(f.st.datagrams >= 1); /* the ClientHello */
    }
    if (live && !client) FUZZ_CHECK(dtls13_conn_start(f.peer, f.now) == 0);

    if (live) run_live(&f, data + 1, size - 1, step_ms);
    else run_datagrams(&f, data + 1, size - 1, step_ms);

    if (f.conn) {
        exercise_after_input(f.conn, f.peer, (mode & E12_WIDE) != 0, f.now + step_ms);
        dtls13_conn_free(f.conn);
    }
    dtls13_conn_free(f.peer);
    if (f.l) {
        dtls13_listener_stats stats;
        dtls13_listener_get_stats(f.l, &stats);
        FUZZ_CHECK(stats.hvr_sent <= stats.hrr_sent && stats.hrr_sent + stats.accepted <= stats.datagrams);
        if (!(mode & E12_WIDE)) FUZZ_CHECK(stats.hvr_sent == stats.hrr_sent);
        dtls13_listener_free(f.l);
    }
    return 0;
}
