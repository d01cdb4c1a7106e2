/* See load_stats.h. */
#include "load_stats.h"

#include <stdlib.h>
#include <string.h>

#include "cli_json.h"

bool load_stats_init(load_stats *s, size_t cap, uint64_t now_ms)
{
    memset(s, 0, sizeof(*s));
    s->latency_us = calloc(cap ? cap : 1, sizeof(*s->latency_us));
    s->latency_cap = cap;
    s->start_ms = now_ms;
    s->last_progress_ms = now_ms;
    return s->latency_us != NULL;
}

void load_stats_free(load_stats *s)
{
    free(s->latency_us);
    s->latency_us = NULL;
}

void load_stats_latency(load_stats *s, uint64_t us)
{
    if (s->latencies < s->latency_cap) s->latency_us[s->latencies++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

void load_stats_fail(load_stats *s, const char *reason)
{
    s->failed++;
    for (size_t i = 0; i < s->num_reasons; i++) {
        if (strcmp(s->reasons[i].text, reason) == 0) {
            s->reasons[i].count++;
            return;
        }
    }
    if (s->num_reasons == LOAD_MAX_REASONS) {
        s->other_reasons++;
        return;
    }
    load_reason *r = &s->reasons[s->num_reasons++];
    snprintf(r->text, sizeof(r->text), "%s", reason);
    r->count = 1;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

uint64_t load_stats_percentile(load_stats *s, double p)
{
    if (s->latencies == 0) return 0;
    qsort(s->latency_us, s->latencies, sizeof(*s->latency_us), compare_u32);
    if (p <= 0) return s->latency_us[0];
    if (p >= 100) return s->latency_us[s->latencies - 1];
    /* Nearest rank. */
    size_t rank = (size_t)(p / 100.0 * (double)s->latencies + 0.999999);
    if (rank == 0) rank = 1;
    if (rank > s->latencies) rank = s->latencies;
    return s->latency_us[rank - 1];
}

static double seconds(uint64_t ms)
{
    return (double)ms / 1000.0;
}

void load_stats_progress(load_stats *s, FILE *f, uint64_t now_ms, uint64_t in_flight, uint64_t open, bool force)
{
    if (!force && now_ms < s->last_progress_ms + 1000) return;
    uint64_t dt = now_ms > s->last_progress_ms ? now_ms - s->last_progress_ms : 1;
    double rate = (double)(s->established - s->last_progress_established) * 1000.0 / (double)dt;
    fprintf(f, "[load %.1fs] %llu established (%llu open), %llu handshaking, %llu closed, %llu failed, %.0f handshakes/s\n",
            seconds(now_ms - s->start_ms), (unsigned long long)s->established, (unsigned long long)open,
            (unsigned long long)in_flight, (unsigned long long)s->completed, (unsigned long long)s->failed, rate);
    fflush(f);
    s->last_progress_ms = now_ms;
    s->last_progress_established = s->established;
}

static double handshakes_per_second(const load_stats *s)
{
    uint64_t ms = s->end_ms > s->start_ms ? s->end_ms - s->start_ms : 1;
    return (double)s->established * 1000.0 / (double)ms;
}

void load_stats_summary(load_stats *s, FILE *f)
{
    fprintf(f, "dtls13-load: %llu associations started, %llu established, %llu closed cleanly, %llu failed in %.2f s\n",
            (unsigned long long)s->started, (unsigned long long)s->established, (unsigned long long)s->completed,
            (unsigned long long)s->failed, seconds(s->end_ms - s->start_ms));
    fprintf(f, "  handshakes/s: %.0f (peak %llu established at once)\n", handshakes_per_second(s),
            (unsigned long long)s->peak_established);
    fprintf(f, "  handshake latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f\n",
            (double)load_stats_percentile(s, 50) / 1000.0, (double)load_stats_percentile(s, 95) / 1000.0,
            (double)load_stats_percentile(s, 99) / 1000.0, (double)load_stats_percentile(s, 100) / 1000.0);
    fprintf(f, "  datagrams out %llu (%llu bytes), in %llu (%llu bytes), retransmissions %llu\n",
            (unsigned long long)s->datagrams_out, (unsigned long long)s->bytes_out,
            (unsigned long long)s->datagrams_in, (unsigned long long)s->bytes_in,
            (unsigned long long)s->retransmissions);
    if (s->failed) {
        fprintf(f, "  failures by reason:\n");
        for (size_t i = 0; i < s->num_reasons; i++)
            fprintf(f, "    %-40s %llu\n", s->reasons[i].text, (unsigned long long)s->reasons[i].count);
        if (s->other_reasons) fprintf(f, "    %-40s %llu\n", "(other reasons)", (unsigned long long)s->other_reasons);
    }
}

void load_stats_json(load_stats *s, FILE *f)
{
    cli_json j;
    cli_json_begin(&j, "load");
    cli_json_uint(&j, "started", s->started);
    cli_json_uint(&j, "established", s->established);
    cli_json_uint(&j, "closed", s->completed);
    cli_json_uint(&j, "failed", s->failed);
    cli_json_uint(&j, "peak_established", s->peak_established);
    cli_json_uint(&j, "duration_ms", s->end_ms - s->start_ms);
    cli_json_uint(&j, "handshakes_per_s", (uint64_t)(handshakes_per_second(s) + 0.5));
    cli_json_uint(&j, "p50_us", load_stats_percentile(s, 50));
    cli_json_uint(&j, "p95_us", load_stats_percentile(s, 95));
    cli_json_uint(&j, "p99_us", load_stats_percentile(s, 99));
    cli_json_uint(&j, "max_us", load_stats_percentile(s, 100));
    cli_json_uint(&j, "datagrams_out", s->datagrams_out);
    cli_json_uint(&j, "datagrams_in", s->datagrams_in);
    cli_json_uint(&j, "bytes_out", s->bytes_out);
    cli_json_uint(&j, "bytes_in", s->bytes_in);
    cli_json_uint(&j, "retransmissions", s->retransmissions);
    char key[LOAD_REASON_LEN + 8];
    for (size_t i = 0; i < s->num_reasons; i++) {
        snprintf(key, sizeof(key), "failed:%s", s->reasons[i].text);
        cli_json_uint(&j, key, s->reasons[i].count);
    }
    if (s->other_reasons) cli_json_uint(&j, "failed:other", s->other_reasons);
    cli_json_end(&j, f);
}
