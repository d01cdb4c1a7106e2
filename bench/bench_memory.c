/* Heap bytes held per established connection: establishes many client/
 * server pairs in one process and measures the heap in use (glibc
 * mallinfo2(), which also counts libcrypto's allocations) before and
 * after. Target: at most 16 KiB per established connection.
 *
 * Usage: bench_memory [PAIRS]   (default 2000) */
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
    long pairs = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (pairs <= 0 || pairs > 1000000) {
        fprintf(stderr, "usage: bench_memory [PAIRS]\n");
        return 2;
    }
    dtls13_config *client_cfg = bench_config_new();
    dtls13_config *server_cfg = bench_config_new();
    dtls13_conn **conns = calloc((size_t)pairs * 2, sizeof *conns);
    if (conns == NULL) return 1;

    /* Warm up libcrypto's lazily built tables before the baseline. */
    bench_pair warm;
    if (!bench_pair_handshake(&warm, client_cfg, server_cfg)) {
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
        printf("bench_memory: %ld established client/server pairs (%ld connections) in one process\n", pairs,
               2 * pairs);
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
