/* Heap bytes an endpoint holds per established association (issue 12's
 * target: at most 16 KiB, as for a single connection). N clients connect
 * to one dtls13_endpoint over the in-memory network of the endpoint tests
 * (tests/support/endpoint_net), each exchanges SRTP with the server (the
 * server echoes it, so both directions of its SRTP session are in use),
 * the virtual clock runs on past the time the handshake keys are kept, and
 * then the clients are freed: what the heap holds above the level measured
 * before the first client is the endpoint's, for its N associations. The
 * measure is glibc's mallinfo2(), which counts libcrypto's and libsrtp2's
 * allocations too.
 *
 * Usage: bench_endpoint_memory [--version 1.2|1.3] [--no-srtp] [COUNT]
 *        (default 2000 associations of DTLS 1.3 with use_srtp) */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "dtls13/srtp.h"
#include "endpoint_net.h"

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static bool all_connected(ep_net *n)
{
    return ep_net_connected(n) == n->num_clients;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_endpoint_memory [--version 1.2|1.3] [--no-srtp] [COUNT]\n");
}

int main(int argc, char **argv)
{
    long count = 2000;
    uint16_t version = DTLS13_VERSION_DTLS13;
    bool srtp = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "1.2") == 0) version = DTLS13_VERSION_DTLS12;
            else if (strcmp(v, "1.3") == 0) version = DTLS13_VERSION_DTLS13;
            else return usage(), 2;
        } else if (strcmp(argv[i], "--no-srtp") == 0) {
            srtp = false;
        } else {
            char *end = NULL;
            count = strtol(argv[i], &end, 10);
            if (!end || *end || count < 1 || count > 200000) return usage(), 2;
        }
    }

    dtls13_endpoint_options opts;
    dtls13_endpoint_options_init(&opts);
    opts.cookie_mode = DTLS13_COOKIE_NEVER;
    opts.max_associations = (uint32_t)count + 16;
    opts.idle_timeout_ms = 600000; /* nothing may expire while we measure */
    ep_net *n = ep_net_new(&opts);
    if (!n) {
        fprintf(stderr, "bench_endpoint_memory: could not create the endpoint\n");
        return 1;
    }
    dtls13_config *client_cfg = bench_config_new_version(version);
    if (!srtp) dtls13_config_set_srtp_profiles(client_cfg, NULL, 0, NULL, 0);

    /* Warm up libcrypto's and libsrtp2's lazily built state with one
     * association that is then closed and freed. */
    size_t warm = ep_net_add_client(n, client_cfg, 0, 0);
    if (!ep_net_run(n, all_connected, 10000)) {
        fprintf(stderr, "bench_endpoint_memory: the warm-up handshake failed\n");
        return 1;
    }
    ep_net_send_rtp(n, warm);
    ep_net_run(n, NULL, 100);
    ep_net_close_client(n, warm);
    ep_net_run(n, NULL, opts.linger_ms + 1000);
    n->clients[warm].vanished = true;

    size_t before = heap_in_use();
    dtls13_endpoint_stats st0 = ep_net_stats(n);
    for (long i = 0; i < count; i++) ep_net_add_client(n, client_cfg, 0, 0);
    if (!ep_net_run(n, all_connected, 120000) && ep_net_connected(n) < (size_t)count) {
        fprintf(stderr, "bench_endpoint_memory: only %zu of %ld associations connected\n", ep_net_connected(n), count);
        return 1;
    }
    if (srtp) {
        for (size_t i = warm + 1; i < n->num_clients; i++) ep_net_send_rtp(n, i);
        ep_net_pump(n);
    }
    /* Past the time a DTLS 1.3 server keeps its handshake read keys. */
    ep_net_run(n, NULL, 6000);
    dtls13_endpoint_stats st = ep_net_stats(n);
    /* The clients go; the server's associations stay (idle timeout 10 min). */
    for (size_t i = warm + 1; i < n->num_clients; i++) {
        ep_net_client *c = &n->clients[i];
        dtls13_srtp_free(c->srtp);
        dtls13_conn_free(c->conn);
        c->srtp = NULL;
        c->conn = NULL;
        c->vanished = true;
    }
    size_t after = heap_in_use();
    uint64_t assocs = st.associations - st0.associations;
    if (assocs != (uint64_t)count) {
        fprintf(stderr, "bench_endpoint_memory: the endpoint holds %llu associations, expected %ld\n",
                (unsigned long long)assocs, count);
        return 1;
    }
    if (srtp && st.media_in - st0.media_in < (uint64_t)count) {
        fprintf(stderr, "bench_endpoint_memory: SRTP did not reach the endpoint from every client\n");
        return 1;
    }
    if (after <= before) {
        printf("bench_endpoint_memory: the allocator does not report through mallinfo2() (e.g. under ASan); "
               "run it in a plain build\n");
    } else {
        double per = ((double)after - (double)before) / (double)count;
        printf("bench_endpoint_memory: %ld established %s associations%s in one endpoint\n", count,
               dtls13_version_name(version), srtp ? " with SRTP sessions" : " without use_srtp");
        printf("  heap in use before %zu bytes, after %zu bytes\n", before, after);
        printf("  heap held per association: %.0f bytes (%.2f KiB); the endpoint's own count: %.0f bytes\n", per,
               per / 1024.0, (double)(st.state_bytes - st0.state_bytes) / (double)count);
        bench_print_target("bytes per association", per / 1024.0, 16.0, "KiB");
    }
    ep_net_free(n);
    dtls13_config_free(client_cfg);
    return 0;
}
