/* Handshake completion time in VIRTUAL time over the deterministic network
 * simulator (tests/sim/netsim.h): 50 ms RTT, 0/10/20/30 % loss in each
 * direction, for the 400 ms initial retransmission timeout (the default,
 * RFC 9147 5.8.2 for DTLS-SRTP) and the RFC's generic 1000 ms. Prints the
 * median and 95th percentile completion time, the mean retransmissions per
 * handshake and how many runs did not complete. A benchmark: it measures
 * the retransmission strategy and asserts nothing.
 *
 * --version 1.2 runs DTLS 1.2 handshakes (both ends 1.2 only: RFC 6347
 * flights and timers, no ACKs); the default is DTLS 1.3.
 *
 *   bench_sim_handshake [--version 1.2|1.3] [SEEDS]     (default 500 per cell) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "netsim.h"

#define DEFAULT_SEEDS 500u
/** A run still incomplete after this much virtual time counts as failed. */
#define RUN_LIMIT_MS 600000u

static dtls13_config *timeout_config(uint32_t initial_timeout_ms, uint16_t version, const char *cn)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg || dtls13_config_generate_certificate(cfg, cn) != 0 ||
        dtls13_config_set_initial_timeout_ms(cfg, initial_timeout_ms) != 0 ||
        dtls13_config_set_version_range(cfg, version, version) != 0) {
        fprintf(stderr, "bench_sim_handshake: cannot create a config\n");
        exit(1);
    }
    return cfg;
}

/* 50 ms RTT: 24 ms each way plus up to 2 ms of jitter; loss only. */
static void bench_link(double loss, netsim_link_params *p)
{
    netsim_link_params_init(p);
    p->loss = loss;
    p->delay_ms = 24;
    p->jitter_ms = 2;
    p->mtu = 1500;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct cell {
    unsigned completed, failed;
    uint64_t median_ms, p95_ms, max_ms;
    double mean_retransmissions;
} cell;

static void run_cell(dtls13_config *ccfg, dtls13_config *scfg, double loss, unsigned seeds, uint64_t *times,
                     cell *out)
{
    uint64_t retransmissions = 0;
    out->completed = out->failed = 0;
    for (unsigned i = 0; i < seeds; i++) {
        netsim *sim = netsim_new(i + 1);
        if (!sim) exit(1);
        int cl = netsim_add_endpoint(sim, ccfg, DTLS13_ROLE_CLIENT);
        int sv = netsim_add_endpoint(sim, scfg, DTLS13_ROLE_SERVER);
        netsim_link_params p;
        bench_link(loss, &p);
        if (cl < 0 || sv < 0 || netsim_connect(sim, cl, sv, &p, &p) != 0) exit(1);
        netsim_start_all(sim);
        netsim_run_until(sim, netsim_all_connected_or_dead, NULL, NETSIM_START_MS + RUN_LIMIT_MS);
        dtls13_stats cs, ss;
        dtls13_conn_stats(netsim_conn(sim, cl), &cs);
        dtls13_conn_stats(netsim_conn(sim, sv), &ss);
        retransmissions += cs.retransmissions + ss.retransmissions;
        if (netsim_all_connected(sim)) {
            uint64_t a = netsim_endpoint(sim, cl)->connected_at_ms, b = netsim_endpoint(sim, sv)->connected_at_ms;
            times[out->completed++] = (a > b ? a : b) - NETSIM_START_MS;
        } else {
            out->failed++;
        }
        netsim_free(sim);
    }
    qsort(times, out->completed, sizeof(*times), compare_u64);
    unsigned n = out->completed;
    out->median_ms = n ? times[n / 2] : 0;
    out->p95_ms = n ? times[(n * 95 + 99) / 100 - 1] : 0;
    out->max_ms = n ? times[n - 1] : 0;
    out->mean_retransmissions = seeds ? (double)retransmissions / seeds : 0.0;
}

int main(int argc, char **argv)
{
    uint16_t version = DTLS13_VERSION_DTLS13;
    unsigned seeds = DEFAULT_SEEDS;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0 && i + 1 < argc && strcmp(argv[i + 1], "1.2") == 0) {
            version = DTLS13_VERSION_DTLS12;
            i++;
        } else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc && strcmp(argv[i + 1], "1.3") == 0) {
            i++;
        } else {
            char *end = NULL;
            unsigned long n = strtoul(argv[i], &end, 10);
            if (!end || *end || n == 0 || n > 1000000) {
                fprintf(stderr, "usage: bench_sim_handshake [--version 1.2|1.3] [SEEDS]\n");
                return 2;
            }
            seeds = (unsigned)n;
        }
    }
    const uint32_t timeouts[] = {DTLS13_DEFAULT_INITIAL_TIMEOUT_MS, 1000};
    const double losses[] = {0.0, 0.10, 0.20, 0.30};
    uint64_t *times = calloc(seeds, sizeof(*times));
    if (!times) return 1;

    printf("%s handshake completion in virtual time: 50 ms RTT, loss in each direction, %u seeds per row\n",
           version == DTLS13_VERSION_DTLS12 ? "DTLS 1.2" : "DTLS 1.3", seeds);
    printf("(both sides connected; retransmissions = client + server flights sent again)\n\n");
    printf("| initial timeout | loss | median ms | p95 ms | max ms | mean retransmissions | incomplete |\n");
    printf("|----------------:|-----:|----------:|-------:|-------:|---------------------:|-----------:|\n");
    for (size_t t = 0; t < sizeof(timeouts) / sizeof(timeouts[0]); t++) {
        dtls13_config *ccfg = timeout_config(timeouts[t], version, "bench client");
        dtls13_config *scfg = timeout_config(timeouts[t], version, "bench server");
        for (size_t l = 0; l < sizeof(losses) / sizeof(losses[0]); l++) {
            cell c;
            run_cell(ccfg, scfg, losses[l], seeds, times, &c);
            printf("| %12" PRIu32 " ms | %3.0f%% | %9" PRIu64 " | %6" PRIu64 " | %6" PRIu64 " | %20.2f | %10u |\n",
                   timeouts[t], losses[l] * 100, c.median_ms, c.p95_ms, c.max_ms, c.mean_retransmissions,
                   c.failed);
            fflush(stdout);
        }
        dtls13_config_free(ccfg);
        dtls13_config_free(scfg);
    }
    free(times);
    return 0;
}
