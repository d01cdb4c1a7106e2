/* Benchmark helpers: clock and an in-process connection pair. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

dtls13_config *bench_config_new(void)
{
    dtls13_config *cfg = dtls13_config_new();
    if (cfg == NULL || dtls13_config_generate_certificate(cfg, NULL) != 0) {
        fprintf(stderr, "bench: cannot create a config with a certificate\n");
        exit(1);
    }
    return cfg;
}

dtls13_config *bench_config_new_version(uint16_t version)
{
    dtls13_config *cfg = bench_config_new();
    if (version == DTLS13_VERSION_DTLS13) return cfg;
    static const uint16_t suite = DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    static const uint16_t group = DTLS13_GROUP_X25519;
    static const uint16_t scheme = DTLS13_SIG_ECDSA_SECP256R1_SHA256;
    static const uint16_t profile = DTLS13_SRTP_AES128_CM_SHA1_80;
    if (dtls13_config_set_version_range(cfg, version, version) != 0 ||
        dtls13_config_set_cipher_suites(cfg, &suite, 1) != 0 || dtls13_config_set_groups(cfg, &group, 1) != 0 ||
        dtls13_config_set_signature_schemes(cfg, &scheme, 1) != 0 ||
        dtls13_config_set_srtp_profiles(cfg, &profile, 1, NULL, 0) != 0 ||
        dtls13_config_set_require_client_auth(cfg, true) != 0) {
        fprintf(stderr, "bench: cannot restrict a config to %s\n", dtls13_version_name(version));
        exit(1);
    }
    return cfg;
}

bool bench_parse_args(int argc, char **argv, uint16_t *version, long *count, long max_count)
{
    *version = DTLS13_VERSION_DTLS13;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--version") == 0) {
        if (strcmp(argv[i + 1], "1.2") == 0)
            *version = DTLS13_VERSION_DTLS12;
        else if (strcmp(argv[i + 1], "1.3") != 0)
            i = argc + 1; /* usage error */
        i += 2;
    }
    if (i < argc) {
        char *end = NULL;
        *count = strtol(argv[i], &end, 10);
        if (end == argv[i] || *end != '\0') *count = 0;
        i++;
    }
    if (i != argc || *count <= 0 || *count > max_count) {
        fprintf(stderr, "usage: %s [--version 1.2|1.3] [COUNT]   (COUNT 1..%ld)\n", argv[0], max_count);
        return false;
    }
    return true;
}

/* Send callback: appends the datagram to a queue. */
static int queue_send(void *user, const uint8_t *datagram, size_t len)
{
    bench_queue *q = user;
    if (q->count == BENCH_QUEUE_SLOTS || len > BENCH_DATAGRAM_MAX) {
        q->overflows++;
        return -1;
    }
    memcpy(q->data[q->count], datagram, len);
    q->len[q->count] = len;
    q->count++;
    return 0;
}

/* Delivers every queued datagram to conn; returns how many. */
static size_t deliver(bench_queue *q, dtls13_conn *conn)
{
    size_t n = q->count;
    /* Copy out first: delivering may make conn answer into the other queue
     * only, never into q, so q can be reset after the loop. */
    for (size_t i = 0; i < n; i++) dtls13_conn_handle_datagram(conn, q->data[i], q->len[i], 0);
    q->count = 0;
    return n;
}

bool bench_pair_handshake(bench_pair *p, dtls13_config *client_cfg, dtls13_config *server_cfg)
{
    memset(p, 0, sizeof *p);
    /* malloc, not calloc: zeroing two 32-slot queues would charge the
     * handshake with clearing more memory than the protocol touches. */
    p->to_server = malloc(sizeof *p->to_server);
    p->to_client = malloc(sizeof *p->to_client);
    if (p->to_server == NULL || p->to_client == NULL) goto fail;
    p->to_server->count = p->to_client->count = 0;
    p->to_server->overflows = p->to_client->overflows = 0;
    p->client = dtls13_conn_new(client_cfg, DTLS13_ROLE_CLIENT, queue_send, p->to_server);
    p->server = dtls13_conn_new(server_cfg, DTLS13_ROLE_SERVER, queue_send, p->to_client);
    if (p->client == NULL || p->server == NULL) goto fail;
    /* Measure the protocol's CPU cost as on an ICE-validated path: without
     * this the server would wait for the client's delayed ACK before
     * exceeding 3x the ClientHello (anti-amplification), and this instant
     * link has no timers. */
    if (dtls13_conn_set_peer_address_validated(p->server) < 0) goto fail;
    if (dtls13_conn_start(p->server, 0) < 0 || dtls13_conn_start(p->client, 0) < 0) goto fail;
    for (int round = 0; round < 64; round++) {
        size_t moved = deliver(p->to_server, p->server) + deliver(p->to_client, p->client);
        if (dtls13_conn_state(p->client) == DTLS13_STATE_CONNECTED &&
            dtls13_conn_state(p->server) == DTLS13_STATE_CONNECTED && moved == 0)
            return true;
        if (moved == 0) break;
    }
    if (dtls13_conn_state(p->client) == DTLS13_STATE_CONNECTED &&
        dtls13_conn_state(p->server) == DTLS13_STATE_CONNECTED)
        return true;
fail:
    bench_pair_free(p);
    return false;
}

void bench_pair_free(bench_pair *p)
{
    dtls13_conn_free(p->client);
    dtls13_conn_free(p->server);
    free(p->to_server);
    free(p->to_client);
    memset(p, 0, sizeof *p);
}

void bench_print_target(const char *name, double measured, double limit, const char *unit)
{
    printf("  target: %s <= %.2f%s (measured %.2f%s): %s\n", name, limit, unit, measured, unit,
           measured <= limit ? "met" : "NOT met");
}
