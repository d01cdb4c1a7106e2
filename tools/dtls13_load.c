/* dtls13-load: a load generator for DTLS servers. N concurrent client
 * associations from one process (one UDP socket each, optionally spread
 * over many loopback source addresses), each a full handshake, optional
 * application data echoed back, and close_notify; or a flood of first
 * ClientHellos from many loopback source addresses with a real client's
 * handshake timed before and during it. See load_options.c for the usage. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dtls13/dtls13.h"
#include "load_assoc.h"
#include "load_flood.h"
#include "load_options.h"
#include "load_stats.h"

static dtls13_config *make_config(const load_options *o)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc = dtls13_config_generate_certificate(cfg, "dtls13-load");
    if (rc == 0 && (o->min_version || o->max_version))
        rc = dtls13_config_set_version_range(cfg, o->min_version ? o->min_version : DTLS13_VERSION_DTLS12,
                                             o->max_version ? o->max_version : DTLS13_VERSION_DTLS13);
    if (rc == 0 && o->initial_timeout_ms) rc = dtls13_config_set_initial_timeout_ms(cfg, o->initial_timeout_ms);
    if (rc != 0) {
        fprintf(stderr, "dtls13-load: configuration failed: %s\n", dtls13_strerror(rc));
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* One real handshake (and close) against the server, timed; 0 on failure. */
static uint64_t probe_handshake_us(const load_options *o, dtls13_config *cfg)
{
    load_options p = *o;
    p.count = 1;
    p.concurrency = 1;
    p.flood = 0;
    p.sources = 0;
    p.hold = false;
    p.data_bytes = 0;
    load_stats st;
    char err[256];
    if (!load_stats_init(&st, 1, 0)) return 0;
    bool ok = load_run_associations(&p, cfg, &st, true, err, sizeof(err));
    uint64_t us = ok && st.established == 1 ? load_stats_percentile(&st, 50) : 0;
    if (!ok) fprintf(stderr, "dtls13-load: probe: %s\n", err);
    load_stats_free(&st);
    return us;
}

static void print_probe(const char *when, uint64_t us, bool json)
{
    if (json) {
        printf("{\"event\":\"probe\",\"when\":\"%s\",\"ok\":%s,\"handshake_us\":%llu}\n", when, us ? "true" : "false",
               (unsigned long long)us);
    } else if (us) {
        printf("probe %s the flood: handshake %.1f ms\n", when, (double)us / 1000.0);
    } else {
        printf("probe %s the flood: handshake FAILED\n", when);
    }
    fflush(stdout);
}

static int run_flood(const load_options *o, dtls13_config *cfg)
{
    uint64_t before = 0, during = 0;
    if (o->probe) {
        before = probe_handshake_us(o, cfg);
        print_probe("before", before, o->json);
    }
    int pipefd[2] = {-1, -1};
    if (o->probe && pipe(pipefd) != 0) {
        fprintf(stderr, "dtls13-load: pipe: %s\n", strerror(errno));
        return 1;
    }
    load_flood_result res;
    char err[256];
    pid_t child = o->probe ? fork() : 0;
    if (child < 0) {
        fprintf(stderr, "dtls13-load: fork: %s\n", strerror(errno));
        return 1;
    }
    if (child == 0) {
        bool ok = load_flood_run(o, cfg, o->quiet, &res, err, sizeof(err));
        if (!ok) fprintf(stderr, "dtls13-load: %s\n", err);
        if (!o->probe) {
            if (ok) load_flood_print(&res, stdout, o->json);
            return ok ? 0 : 1;
        }
        close(pipefd[0]);
        if (ok && write(pipefd[1], &res, sizeof(res)) != (ssize_t)sizeof(res)) ok = false;
        close(pipefd[1]);
        _exit(ok ? 0 : 1);
    }
    close(pipefd[1]);
    /* The real client starts once the flood is under way. */
    struct timespec wait = {0, 200 * 1000 * 1000};
    nanosleep(&wait, NULL);
    during = probe_handshake_us(o, cfg);
    int status = 0;
    waitpid(child, &status, 0);
    bool got = read(pipefd[0], &res, sizeof(res)) == (ssize_t)sizeof(res);
    close(pipefd[0]);
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "dtls13-load: the flood did not run\n");
        return 1;
    }
    load_flood_print(&res, stdout, o->json);
    print_probe("during", during, o->json);
    return before && during ? 0 : 1;
}

int main(int argc, char **argv)
{
    load_options o;
    char err[256];
    load_parse_result pr = load_options_parse(argc, argv, &o, err, sizeof(err));
    if (pr == LOAD_PARSE_HELP) return 0;
    if (pr == LOAD_PARSE_ERROR) {
        fprintf(stderr, "dtls13-load: %s\n", err);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    dtls13_config *cfg = make_config(&o);
    if (!cfg) return 1;
    int rc;
    if (o.flood) {
        rc = run_flood(&o, cfg);
    } else {
        load_stats st;
        if (!load_stats_init(&st, o.count, load_now_us() / 1000u)) {
            fprintf(stderr, "dtls13-load: out of memory\n");
            dtls13_config_free(cfg);
            return 1;
        }
        if (!o.quiet)
            fprintf(stderr, "[load] %u associations to %s, %u handshakes at a time%s\n", o.count, o.connect,
                    o.concurrency, o.hold ? ", all held open" : "");
        if (!load_run_associations(&o, cfg, &st, o.quiet, err, sizeof(err))) {
            fprintf(stderr, "dtls13-load: %s\n", err);
            rc = 1;
        } else {
            if (o.json)
                load_stats_json(&st, stdout);
            else
                load_stats_summary(&st, stdout);
            rc = st.failed == 0 && st.established == o.count ? 0 : 1;
        }
        load_stats_free(&st);
    }
    dtls13_config_free(cfg);
    return rc;
}
