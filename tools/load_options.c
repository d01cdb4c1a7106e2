/* See load_options.h. */
#include "load_options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"

void load_options_usage(FILE *f)
{
    fputs("usage: dtls13-load --connect HOST:PORT [--count N] [--concurrency N] [--rate N]\n"
          "                   [--data BYTES] [--hold [--hold-ms MS]] [--sources N]\n"
          "                   [--timeout-ms MS] [--initial-timeout-ms MS]\n"
          "                   [--min-version 1.2|1.3] [--max-version 1.2|1.3] [--json] [--quiet]\n"
          "       dtls13-load --connect HOST:PORT --flood N [--flood-rate N] [--probe] [--json] [--quiet]\n"
          "\n"
          "Makes N client associations against a DTLS server (e.g. `dtls13 server --echo`),\n"
          "each a full handshake, optional application data echoed back, and close_notify,\n"
          "and prints handshakes/s, handshake latency percentiles and failures by reason.\n"
          "\n"
          "  --connect HOST:PORT      the server\n"
          "  --count N                associations to make (default 100)\n"
          "  --concurrency N          most handshakes in flight at once (default 50)\n"
          "  --rate N                 most new associations per second (default: no limit)\n"
          "  --data BYTES             application data each association sends once connected\n"
          "                           and waits to get back before closing (default 0: none)\n"
          "  --hold                   keep every established association open until all N\n"
          "                           are established (N concurrent associations), then close\n"
          "  --hold-ms MS             with --hold: keep them open this long once all are up\n"
          "  --sources N              spread the associations over N loopback source addresses\n"
          "                           (127.1.0.0 and up; Linux routes all of 127.0.0.0/8 to lo)\n"
          "  --timeout-ms MS          an association not done after MS fails (default 30000)\n"
          "  --initial-timeout-ms MS  first retransmission timeout (default: the library's 400)\n"
          "  --min-version, --max-version 1.2|1.3   versions to offer (default 1.2..1.3)\n"
          "  --flood N                instead: send N first ClientHellos, each from its own\n"
          "                           loopback source address (127.1.0.0 and up), count the\n"
          "                           HelloRetryRequests / HelloVerifyRequests that come back and\n"
          "                           the bytes, and never answer them (spoofed clients)\n"
          "  --flood-rate N           ClientHellos per second (default: as fast as possible)\n"
          "  --probe                  with --flood: time one real handshake from 127.0.0.1\n"
          "                           before the flood and one during it\n"
          "  --json                   print the summary as one JSON object on stdout\n"
          "  --quiet                  no progress lines on stderr\n"
          "\n"
          "Exit status: 0 every association succeeded (flood: the probes did), 1 some failed,\n"
          "2 bad arguments.\n",
          f);
}

static load_parse_result parse_error(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return LOAD_PARSE_ERROR;
}

/* A decimal number in [lo, hi]. */
static bool parse_uint(const char *text, unsigned long lo, unsigned long hi, unsigned long *out)
{
    if (text == NULL || *text < '0' || *text > '9') return false;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static uint16_t parse_version(const char *text)
{
    if (strcmp(text, "1.2") == 0) return DTLS13_VERSION_DTLS12;
    if (strcmp(text, "1.3") == 0) return DTLS13_VERSION_DTLS13;
    return 0;
}

typedef struct number_option {
    const char *name;
    unsigned long lo, hi;
} number_option;

load_parse_result load_options_parse(int argc, char **argv, load_options *o, char *err, size_t err_len)
{
    memset(o, 0, sizeof(*o));
    o->count = 100;
    o->concurrency = 50;
    o->timeout_ms = 30000;
    static const number_option numbers[] = {
        {"--count", 1, LOAD_MAX_COUNT},
        {"--concurrency", 1, LOAD_MAX_CONCURRENCY},
        {"--rate", 1, 10000000},
        {"--data", 0, 16384},
        {"--hold-ms", 0, 3600000},
        {"--sources", 1, LOAD_MAX_SOURCES},
        {"--timeout-ms", 100, 3600000},
        {"--initial-timeout-ms", 10, 60000},
        {"--flood", 1, LOAD_MAX_SOURCES},
        {"--flood-rate", 1, 10000000},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            load_options_usage(stdout);
            return LOAD_PARSE_HELP;
        }
        if (strcmp(a, "--hold") == 0) {
            o->hold = true;
            continue;
        }
        if (strcmp(a, "--probe") == 0) {
            o->probe = true;
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            o->json = true;
            continue;
        }
        if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
            continue;
        }
        bool known = strcmp(a, "--connect") == 0 || strcmp(a, "--min-version") == 0 || strcmp(a, "--max-version") == 0;
        for (size_t k = 0; k < sizeof(numbers) / sizeof(numbers[0]); k++)
            if (strcmp(a, numbers[k].name) == 0) known = true;
        if (!known) return parse_error(err, err_len, "unknown option %s (see --help)", a);
        if (i + 1 >= argc) return parse_error(err, err_len, "%s needs a value (see --help)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--connect") == 0) {
            o->connect = v;
            continue;
        }
        if (strcmp(a, "--min-version") == 0 || strcmp(a, "--max-version") == 0) {
            uint16_t version = parse_version(v);
            if (!version) return parse_error(err, err_len, "%s wants 1.2 or 1.3, got '%s'", a, v);
            if (a[2] == 'm' && a[3] == 'i')
                o->min_version = version;
            else
                o->max_version = version;
            continue;
        }
        const number_option *n = NULL;
        for (size_t k = 0; k < sizeof(numbers) / sizeof(numbers[0]); k++)
            if (strcmp(a, numbers[k].name) == 0) n = &numbers[k];
        if (n == NULL) return parse_error(err, err_len, "unknown option %s (see --help)", a);
        unsigned long value;
        if (!parse_uint(v, n->lo, n->hi, &value))
            return parse_error(err, err_len, "%s wants a number from %lu to %lu, got '%s'", a, n->lo, n->hi, v);
        if (strcmp(a, "--count") == 0) o->count = (unsigned)value;
        else if (strcmp(a, "--concurrency") == 0) o->concurrency = (unsigned)value;
        else if (strcmp(a, "--rate") == 0) o->rate = (unsigned)value;
        else if (strcmp(a, "--data") == 0) o->data_bytes = value;
        else if (strcmp(a, "--hold-ms") == 0) o->hold_ms = (unsigned)value;
        else if (strcmp(a, "--sources") == 0) o->sources = (unsigned)value;
        else if (strcmp(a, "--timeout-ms") == 0) o->timeout_ms = (unsigned)value;
        else if (strcmp(a, "--initial-timeout-ms") == 0) o->initial_timeout_ms = (unsigned)value;
        else if (strcmp(a, "--flood") == 0) o->flood = (unsigned)value;
        else o->flood_rate = (unsigned)value;
    }
    if (o->connect == NULL) return parse_error(err, err_len, "--connect HOST:PORT is required (see --help)");
    if (o->min_version && o->max_version && o->min_version < o->max_version)
        return parse_error(err, err_len, "--min-version is newer than --max-version");
    if (o->hold_ms && !o->hold) return parse_error(err, err_len, "--hold-ms needs --hold");
    if (o->probe && !o->flood) return parse_error(err, err_len, "--probe needs --flood");
    if (o->flood && (o->hold || o->data_bytes))
        return parse_error(err, err_len, "--flood does not make associations: no --hold or --data with it");
    return LOAD_PARSE_OK;
}
