/* Writes the seeds of fuzz_engine12 (corpus/engine12/): real handshakes
 * between two in-process connections, each side configured as the mode
 * byte of the seed tells fuzz_engine12.c (fuzz_engine12.h), and recorded
 * per direction. "<name>_server" holds what the client sent (the input of
 * the target's server), "<name>_client" what the server sent (after the
 * client's ClientHello). Each transcript runs through the handshake, one
 * application data record each way and close_notify. "live_<name>" seeds
 * are operation lists for the target's live-peer mode (E12_LIVE).
 *
 * Certificates and keys are fresh in every process, so a recorded flight
 * does not verify against the target's connection: the seeds get it as far
 * as the first signature or Finished, and mutations go on from there.
 *
 * Not built by default (no machine paths, nothing to install):
 *   ninja -C BUILD tests/fuzz/make_engine12_corpus
 *   BUILD/tests/fuzz/make_engine12_corpus tests/fuzz/corpus/engine12 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "fuzz/fuzz_engine12.h"

#define QUEUE_LEN 128
#define MAX_DGRAM 2048
#define MAX_RECORDED 64
#define PEER_ADDR "198.51.100.7:5004"

typedef struct queue {
    uint8_t data[QUEUE_LEN][MAX_DGRAM];
    size_t len[QUEUE_LEN];
    size_t head, count;
} queue;

/* What one side received, in the target's input format (without mode byte). */
typedef struct transcript {
    uint8_t data[MAX_RECORDED * (MAX_DGRAM + 2)];
    size_t len;
    unsigned count;
} transcript;

typedef struct pair {
    queue to_server, to_client;
    transcript at_server, at_client;
    dtls13_conn *client, *server;
    dtls13_listener *listener;
    bool validated;
    uint64_t now;
} pair;

typedef struct scenario {
    const char *name;
    unsigned client_mode, server_mode; /* E12_* bits of each side */
    size_t mtu;                        /* both sides, 0: as the mode says */
    bool slow_copy;                    /* also a server seed with E12_SLOW_CLOCK */
} scenario;

static void die(const char *what)
{
    fprintf(stderr, "make_engine12_corpus: %s\n", what);
    exit(1);
}

static void push(queue *q, const uint8_t *d, size_t len)
{
    if (q->count == QUEUE_LEN || len > MAX_DGRAM) die("queue overflow");
    size_t slot = (q->head + q->count) % QUEUE_LEN;
    memcpy(q->data[slot], d, len);
    q->len[slot] = len;
    q->count++;
}

static int send_to_server(void *user, const uint8_t *d, size_t len)
{
    push(&((pair *)user)->to_server, d, len);
    return 0;
}

static int send_to_client(void *user, const uint8_t *d, size_t len)
{
    push(&((pair *)user)->to_client, d, len);
    return 0;
}

static void record(transcript *t, const uint8_t *d, size_t len)
{
    if (t->count == MAX_RECORDED) return;
    t->data[t->len++] = (uint8_t)(len >> 8);
    t->data[t->len++] = (uint8_t)len;
    memcpy(t->data + t->len, d, len);
    t->len += len;
    t->count++;
}

static void deliver_to_server(pair *k, const uint8_t *d, size_t len)
{
    record(&k->at_server, d, len);
    if (k->server) {
        dtls13_conn_handle_datagram(k->server, d, len, k->now);
        return;
    }
    uint8_t out[512];
    size_t out_len = 0;
    int r = dtls13_listen(k->listener, d, len, PEER_ADDR, sizeof(PEER_ADDR), k->now, out, sizeof(out), &out_len);
    if (r == DTLS13_LISTEN_SEND_HRR) push(&k->to_client, out, out_len);
    if (r != DTLS13_LISTEN_ACCEPT) return;
    dtls13_accept_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.peer_address_validated = k->validated;
    k->server = dtls13_listener_accept_ex(k->listener, d, len, PEER_ADDR, sizeof(PEER_ADDR), send_to_client, k,
                                          k->now, &opts);
    if (!k->server) die("listener accepted, then refused");
}

static bool connected(const dtls13_conn *c)
{
    return c && dtls13_conn_state(c) == DTLS13_STATE_CONNECTED;
}

/* While a handshake is under way, moves the clock to the next timer
 * (delayed ACKs, the rest of a flight held back by the amplification
 * limit) and runs it; false when there is none. */
static bool run_timers(pair *k)
{
    if (connected(k->client) && connected(k->server)) return false;
    uint64_t due = dtls13_conn_next_timeout(k->client);
    if (k->server && dtls13_conn_next_timeout(k->server) < due) due = dtls13_conn_next_timeout(k->server);
    if (due == UINT64_MAX) return false;
    if (due > k->now) k->now = due;
    dtls13_conn_handle_timeout(k->client, k->now);
    if (k->server) dtls13_conn_handle_timeout(k->server, k->now);
    return true;
}

/* Delivers what is queued (client-bound first), running timers when the
 * pair is idle, until nothing is in flight or the budget runs out. */
static void pump(pair *k)
{
    for (int steps = 0; steps < 1000; steps++) {
        if (k->to_client.count) {
            queue *q = &k->to_client;
            size_t slot = q->head;
            q->head = (q->head + 1) % QUEUE_LEN;
            q->count--;
            record(&k->at_client, q->data[slot], q->len[slot]);
            dtls13_conn_handle_datagram(k->client, q->data[slot], q->len[slot], k->now);
        } else if (k->to_server.count) {
            queue *q = &k->to_server;
            size_t slot = q->head;
            q->head = (q->head + 1) % QUEUE_LEN;
            q->count--;
            deliver_to_server(k, q->data[slot], q->len[slot]);
        } else if (!run_timers(k)) {
            return;
        }
        k->now += 5;
    }
    die("handshake does not settle");
}

static dtls13_config *make_config(const dtls13_config *cert_src, dtls13_role role, unsigned mode, size_t mtu)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) die("out of memory");
    int rc = cert_src ? dtls13_config_copy_certificate(cfg, cert_src)
                      : dtls13_config_generate_certificate(cfg, "seed");
    if (rc == 0) rc = e12_config_apply(cfg, role, mode);
    if (rc == 0 && mtu) rc = dtls13_config_set_mtu(cfg, mtu);
    if (rc != 0) die("config");
    return cfg;
}

static void write_seed(const char *dir, const char *name, const char *suffix, unsigned mode, const transcript *t)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s_%s", dir, name, suffix);
    FILE *f = fopen(path, "wb");
    uint8_t m = (uint8_t)mode;
    if (!f || fwrite(&m, 1, 1, f) != 1 || fwrite(t->data, 1, t->len, f) != t->len || fclose(f) != 0)
        die("cannot write a seed");
    printf("%s_%s: %u datagrams, %zu bytes\n", name, suffix, t->count, t->len + 1);
}

static void run(const scenario *s, const char *dir, const dtls13_config *cert_a, const dtls13_config *cert_b)
{
    dtls13_config *cc = make_config(cert_a, DTLS13_ROLE_CLIENT, s->client_mode, s->mtu);
    dtls13_config *sc = make_config(cert_b, DTLS13_ROLE_SERVER, s->server_mode, s->mtu);
    pair *k = calloc(1, sizeof(*k));
    if (!k) die("out of memory");
    k->now = 1000;
    k->client = dtls13_conn_new(cc, DTLS13_ROLE_CLIENT, send_to_server, k);
    if (s->server_mode & E12_LISTENER) {
        dtls13_cookie_mode cm = (s->server_mode & E12_COOKIE_NEVER) ? DTLS13_COOKIE_NEVER : DTLS13_COOKIE_ALWAYS;
        k->listener = dtls13_listener_new(sc, cm);
        k->validated = (s->server_mode & E12_COOKIE_NEVER) != 0;
    } else {
        k->server = dtls13_conn_new(sc, DTLS13_ROLE_SERVER, send_to_client, k);
    }
    if (!k->client || (!k->server && !k->listener)) die("connection");
    if (dtls13_conn_start(k->client, k->now) != 0) die("start");
    pump(k);
    if (!k->server || dtls13_conn_state(k->client) != DTLS13_STATE_CONNECTED ||
        dtls13_conn_state(k->server) != DTLS13_STATE_CONNECTED) {
        fprintf(stderr, "%s: client %d server %d\n", s->name, dtls13_conn_state(k->client),
                k->server ? (int)dtls13_conn_state(k->server) : -1);
        die(s->name);
    }
    const uint8_t hello[] = "hello over dtls", reply[] = "hello back";
    uint8_t buf[64];
    dtls13_conn_write(k->client, hello, sizeof(hello), k->now);
    dtls13_conn_write(k->server, reply, sizeof(reply), k->now);
    pump(k);
    if (dtls13_conn_read(k->server, buf, sizeof(buf)) != (int)sizeof(hello) ||
        dtls13_conn_read(k->client, buf, sizeof(buf)) != (int)sizeof(reply))
        die("application data");
    dtls13_conn_close(k->client, k->now);
    pump(k);
    printf("%s: %s\n", s->name, dtls13_version_name(dtls13_conn_version(k->client)));

    unsigned server_mode = s->server_mode & ~E12_CLIENT;
    write_seed(dir, s->name, "server", server_mode, &k->at_server);
    if (s->slow_copy) write_seed(dir, s->name, "server_slow", server_mode | E12_SLOW_CLOCK, &k->at_server);
    write_seed(dir, s->name, "client", (s->client_mode & (E12_WIDE | E12_VARIANT)) | E12_CLIENT, &k->at_client);
    dtls13_conn_free(k->client);
    dtls13_conn_free(k->server);
    dtls13_listener_free(k->listener);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
    free(k);
}

/* A live-peer seed: mode | E12_LIVE, then the operations in ops. */
static void write_live(const char *dir, const char *name, unsigned mode, const uint8_t *ops, size_t n)
{
    transcript *t = calloc(1, sizeof(*t));
    if (!t) die("out of memory");
    memcpy(t->data, ops, n);
    t->len = n;
    write_seed(dir, "live", name, mode | E12_LIVE, t);
    free(t);
}

/* Live seeds: the whole handshake delivered, data both ways, a timer;
 * and one where the peer's first flight is lost and retransmitted. */
static void live_seeds(const char *dir)
{
    static const struct {
        const char *name;
        unsigned mode;
    } modes[] = {
        {"server", 0},
        {"client", E12_CLIENT},
        {"server_slow", E12_SLOW_CLOCK},
        {"server_wide", E12_WIDE},
        {"client_wide", E12_CLIENT | E12_WIDE},
        {"server_variant", E12_VARIANT},
        {"client_variant", E12_CLIENT | E12_VARIANT},
        {"client_wide_variant", E12_CLIENT | E12_WIDE | E12_VARIANT},
        {"cookie", E12_LISTENER},
        {"cookie_never", E12_LISTENER | E12_COOKIE_NEVER},
        {"cookie_variant", E12_LISTENER | E12_VARIANT},
        {"client_wide_peer12", E12_CLIENT | E12_WIDE | E12_PEER12},
        {"server_wide_peer12", E12_WIDE | E12_PEER12},
        {"cookie_wide_peer12", E12_LISTENER | E12_WIDE | E12_PEER12},
        {"cookie_wide", E12_LISTENER | E12_WIDE},
    };
    uint8_t ops[64];
    size_t n = 0;
    for (int i = 0; i < 24; i++) ops[n++] = E12_OP_DELIVER;
    ops[n++] = E12_OP_WRITE | 15u << 3;
    for (int i = 0; i < 8; i++) ops[n++] = E12_OP_DELIVER;
    ops[n++] = E12_OP_WAIT | 3u << 3;
    for (int i = 0; i < 4; i++) ops[n++] = E12_OP_DELIVER;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) write_live(dir, modes[i].name, modes[i].mode, ops, n);

    n = 0;
    ops[n++] = E12_OP_DROP;
    ops[n++] = E12_OP_WAIT | 7u << 3;
    for (int i = 0; i < 24; i++) ops[n++] = E12_OP_DELIVER;
    ops[n++] = E12_OP_WRITE | 7u << 3;
    for (int i = 0; i < 8; i++) ops[n++] = E12_OP_DELIVER;
    write_live(dir, "client_loss", E12_CLIENT, ops, n);
    write_live(dir, "server_loss", 0, ops, n);
}

int main(int argc, char **argv)
{
    static const scenario scenarios[] = {
        {"plain", 0, 0, 0, true},
        {"variant", E12_VARIANT, E12_VARIANT, 0, true},
        {"frag300", 0, 0, 300, false},
        {"cookie", 0, E12_LISTENER, 0, true},
        {"cookie_never", 0, E12_LISTENER | E12_COOKIE_NEVER, 0, false},
        {"cookie_variant", E12_VARIANT, E12_LISTENER | E12_VARIANT, 0, false},
        {"sentinel", 0, E12_WIDE, 0, false},
        {"wide12", E12_WIDE, 0, 0, false},
        {"wide13", E12_WIDE, E12_WIDE, 0, false},
        {"wide13_cookie", E12_WIDE, E12_WIDE | E12_LISTENER, 0, false},
    };
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    dtls13_config *cert_a = make_config(NULL, DTLS13_ROLE_CLIENT, 0, 0);
    dtls13_config *cert_b = make_config(NULL, DTLS13_ROLE_SERVER, 0, 0);
    for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) run(&scenarios[i], argv[1], cert_a, cert_b);
    live_seeds(argv[1]);
    dtls13_config_free(cert_a);
    dtls13_config_free(cert_b);
    return 0;
}
