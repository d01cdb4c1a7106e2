/* Heap bytes held per established connection: establishes many client/
 * server pairs in one process and measures the heap in use (glibc
 * mallinfo2(), which also counts libcrypto's allocations) before and
 * after. Target: at most 16 KiB per established connection, for DTLS 1.3
 * (issue 2) and, with --version 1.2, for DTLS 1.2 (issue 11; the config
 * of bench_config_new_version: mutual auth, use_srtp).
 *
 * Usage: bench_memory [--version 1.2|1.3] [PAIRS]   (default 2000) */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"

/* Heap bytes in use right now. */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

int main(int argc, char **argv)
{
    long pairs = 2000;
    uint16_t version;
    if (!bench_parse_args(argc, argv, &version, &pairs, 1000000)) return 2;
    dtls13_config *client_cfg = bench_config_new_version(version);
    dtls13_config *server_cfg = bench_config_new_version(version);
    dtls13_conn **conns = calloc((size_t)pairs * 2, sizeof *conns);
    if (conns == NULL) return 1;

    /* Warm up libcrypto's lazily built tables before the baseline. */
    bench_pair warm;
    if (!bench_pair_handshake(&warm, client_cfg, server_cfg) || dtls13_conn_version(warm.client) != version) {
        fprintf(stderr, "bench_memory: the handshake failed\n");
        return 1;
    }
    bench_pair_free(&warm);

    size_t before = heap_in_use();
    for (long i = 0; i < pairs; i++) {
        bench_pair p;
        if (!bench_pair_handshake(&p, client_cfg, server_cfg)) {
            fprintf(stderr, "bench_memory: handshake %ld failed\n", i);
            return 1;
        }
        conns[2 * i] = p.client;
        conns[2 * i + 1] = p.server;
        p.client = p.server = NULL;
        bench_pair_free(&p); /* frees only the queues */
    }
    size_t after = heap_in_use();
    if (after <= before) {
        printf("bench_memory: the allocator does not report through mallinfo2() (e.g. under ASan); "
               "run it in a plain build\n");
    } else {
        double per_conn = ((double)after - (double)before) / (double)(2 * pairs);
        printf("bench_memory: %ld established %s client/server pairs (%ld connections) in one process\n", pairs,
               dtls13_version_name(version), 2 * pairs);
        printf("  heap in use before %zu bytes, after %zu bytes\n", before, after);
        printf("  heap held per established connection: %.0f bytes (%.2f KiB)\n", per_conn, per_conn / 1024.0);
        bench_print_target("bytes per established connection", per_conn / 1024.0, 16.0, " KiB");
    }

    for (long i = 0; i < 2 * pairs; i++) dtls13_conn_free(conns[i]);
    free(conns);
    dtls13_config_free(client_cfg);
    dtls13_config_free(server_cfg);
    return 0;
}
