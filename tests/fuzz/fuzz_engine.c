/* Fuzz target for the whole engine through the public API.
 *
 * Input: one mode byte, then datagrams, each a 2-byte big-endian length
 * followed by that many bytes (a length running past the end takes what is
 * left). Mode bit 0 picks the side under attack:
 *   0: a fresh server connection receives the datagrams;
 *   1: a client that has sent its ClientHello receives them.
 * Mode bit 1 makes the virtual clock jump 1 s before every datagram (so the
 * retransmission timers fire in between); otherwise it moves 10 ms.
 *
 * After the datagrams the target reads whatever application data is queued,
 * tries the exporter and a write, runs the timers once more and closes. The
 * engine must never crash, leak, or emit a datagram larger than the MTU. */
#include <stdint.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "fuzz/fuzz_target.h"

#define FUZZ_MAX_DATAGRAMS 64

/* The one exception to "no global mutable state": creating a config
 * generates a P-256 certificate, far too slow to repeat for every input,
 * so each side's config is made once on first use and kept for the life of
 * the fuzzing process (reachable, so leak checkers do not report it). The
 * library itself keeps no global state; a config is immutable once a
 * connection uses it. */
static dtls13_config *fuzz_cached_config[2];

static dtls13_config *cached_config(dtls13_role role)
{
    dtls13_config **slot = &fuzz_cached_config[role == DTLS13_ROLE_SERVER];
    if (!*slot) {
        dtls13_config *cfg = dtls13_config_new();
        FUZZ_CHECK(cfg != NULL);
        FUZZ_CHECK(dtls13_config_generate_certificate(cfg, role == DTLS13_ROLE_SERVER ? "fuzz server" : "fuzz client") == 0);
        *slot = cfg;
    }
    return *slot;
}

typedef struct fuzz_sink {
    uint64_t datagrams;
} fuzz_sink;

static int count_datagram(void *user, const uint8_t *datagram, size_t len)
{
    fuzz_sink *sink = user;
    FUZZ_CHECK(datagram != NULL || len == 0);
    FUZZ_CHECK(len <= DTLS13_DEFAULT_MTU);
    sink->datagrams++;
    return 0;
}

static void exercise_after_input(dtls13_conn *conn, uint64_t now)
{
    uint8_t buf[2048];
    for (int i = 0; i < 256; i++) {
        int n = dtls13_conn_read(conn, buf, sizeof(buf));
        if (n < 0) break;
        FUZZ_CHECK((size_t)n <= sizeof(buf));
    }
    uint8_t key[60];
    int rc = dtls13_conn_export_keying_material(conn, "EXTRACTOR-dtls_srtp", NULL, 0, key, sizeof(key));
    if (dtls13_conn_state(conn) != DTLS13_STATE_CONNECTED) FUZZ_CHECK(rc != 0);
    const uint8_t ping[] = "ping";
    rc = dtls13_conn_write(conn, ping, sizeof(ping), now);
    if (dtls13_conn_state(conn) != DTLS13_STATE_CONNECTED) FUZZ_CHECK(rc < 0);
    uint64_t next = dtls13_conn_next_timeout(conn);
    if (next != UINT64_MAX) dtls13_conn_handle_timeout(conn, next > now ? next : now);
    dtls13_conn_close(conn, now);
    (void)dtls13_conn_state(conn);
    (void)dtls13_conn_failure_reason(conn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t mode = data[0];
    dtls13_role role = (mode & 1) ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER;
    uint64_t step_ms = (mode & 2) ? 1000 : 10;
    fuzz_sink sink = {0};
    dtls13_conn *conn = dtls13_conn_new(cached_config(role), role, count_datagram, &sink);
    FUZZ_CHECK(conn != NULL);
    uint64_t now = 1000;
    FUZZ_CHECK(dtls13_conn_start(conn, now) == 0);
    if (role == DTLS13_ROLE_CLIENT) FUZZ_CHECK(sink.datagrams >= 1); /* the ClientHello */

    size_t pos = 1;
    for (int i = 0; i < FUZZ_MAX_DATAGRAMS && pos < size; i++) {
        size_t len = data[pos];
        if (pos + 1 < size) len = len << 8 | data[pos + 1];
        pos += 2;
        if (pos > size) pos = size;
        if (len > size - pos) len = size - pos;
        now += step_ms;
        uint64_t due = dtls13_conn_next_timeout(conn);
        if (due <= now) dtls13_conn_handle_timeout(conn, now);
        dtls13_conn_handle_datagram(conn, data + pos, len, now);
        pos += len;
    }
    exercise_after_input(conn, now + step_ms);
    dtls13_conn_free(conn);
    return 0;
}
