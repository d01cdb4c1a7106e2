/* What dtls13-load measures: handshake latencies (percentiles), failures
 * counted by reason, and the once-a-second progress line. */
#ifndef DTLS13_LOAD_STATS_H
#define DTLS13_LOAD_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Most distinct failure reasons kept (others count as "other"). */
#define LOAD_MAX_REASONS 32
/** Longest reason text kept, with its NUL. */
#define LOAD_REASON_LEN 64

typedef struct load_reason {
    char text[LOAD_REASON_LEN];
    uint64_t count;
} load_reason;

typedef struct load_stats {
    uint32_t *latency_us; /**< one per completed handshake */
    size_t latencies, latency_cap;
    uint64_t started, established, completed, failed;
    uint64_t peak_established; /**< most established associations open at once */
    uint64_t retransmissions;  /**< summed over the associations' statistics */
    uint64_t bytes_out, bytes_in, datagrams_out, datagrams_in;
    load_reason reasons[LOAD_MAX_REASONS];
    size_t num_reasons;
    uint64_t other_reasons;
    uint64_t start_ms, end_ms;
    uint64_t last_progress_ms, last_progress_established;
} load_stats;

/** Sets up for at most cap latencies; false when out of memory. */
bool load_stats_init(load_stats *s, size_t cap, uint64_t now_ms);
/** Frees the latency array. */
void load_stats_free(load_stats *s);
/** Records one completed handshake that took us microseconds. */
void load_stats_latency(load_stats *s, uint64_t us);
/** Counts one failure under reason. */
void load_stats_fail(load_stats *s, const char *reason);
/** The p-th percentile (0..100, nearest rank) of the latencies in
 *  microseconds, 0 when none (sorts the array). */
uint64_t load_stats_percentile(load_stats *s, double p);
/** Prints "[load 3.0s] ..." on f when a second has passed since the last one
 *  (or always with force). in_flight: handshakes in progress; open:
 *  established associations still open. */
void load_stats_progress(load_stats *s, FILE *f, uint64_t now_ms, uint64_t in_flight, uint64_t open, bool force);
/** Prints the human summary on f. */
void load_stats_summary(load_stats *s, FILE *f);
/** Prints the summary as one JSON object line on f. */
void load_stats_json(load_stats *s, FILE *f);

#endif
