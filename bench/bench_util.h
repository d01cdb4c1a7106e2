/* Shared helpers of the benchmarks: a clock and an in-process pair of
 * connections (client and server) that hand datagrams to each other. */
#ifndef D13_BENCH_UTIL_H
#define D13_BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/dtls13.h"

/** Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/** Datagrams a direction can hold before the pump delivers them. */
#define BENCH_QUEUE_SLOTS 32
/** Largest datagram the queue keeps (the default MTU is 1200). */
#define BENCH_DATAGRAM_MAX 1500

/** Datagrams in flight in one direction. */
typedef struct bench_queue {
    size_t count;
    size_t len[BENCH_QUEUE_SLOTS];
    uint8_t data[BENCH_QUEUE_SLOTS][BENCH_DATAGRAM_MAX];
    uint64_t overflows; /**< datagrams dropped because the queue was full */
} bench_queue;

/** A client and a server connected through two queues. */
typedef struct bench_pair {
    dtls13_conn *client;
    dtls13_conn *server;
    bench_queue *to_server; /**< heap: freed by bench_pair_free */
    bench_queue *to_client;
} bench_pair;

/** Creates a config with a generated certificate; exits on failure. */
dtls13_config *bench_config_new(void);

/** bench_config_new for DTLS13_VERSION_DTLS13 (the defaults); for
 *  DTLS13_VERSION_DTLS12 a config restricted to DTLS 1.2 with one choice
 *  of everything, the WebRTC one: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
 *  x25519, ecdsa_secp256r1_sha256, use_srtp SRTP_AES128_CM_SHA1_80,
 *  client certificate required. Exits on failure. */
dtls13_config *bench_config_new_version(uint16_t version);

/** Parses "[--version 1.2|1.3] [COUNT]": *version (DTLS13_VERSION_DTLS13
 *  unless given) and *count (left at the caller's default unless given).
 *  Returns false, after printing the usage line, on a bad argument or a
 *  count outside 1..max_count. */
bool bench_parse_args(int argc, char **argv, uint16_t *version, long *count, long max_count);

/** Creates both connections and runs the handshake to completion on a
 *  frozen clock. Returns false (and frees everything) when it fails. */
bool bench_pair_handshake(bench_pair *p, dtls13_config *client_cfg, dtls13_config *server_cfg);

/** Frees both connections and the queues. */
void bench_pair_free(bench_pair *p);

/** Prints "  target: NAME <= LIMIT (measured VALUE): met|NOT met". */
void bench_print_target(const char *name, double measured, double limit, const char *unit);

#endif
