/* Command-line options of dtls13-load, the load generator: N client
 * associations against one server address, or a ClientHello flood. */
#ifndef DTLS13_LOAD_OPTIONS_H
#define DTLS13_LOAD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Most associations one run makes. */
#define LOAD_MAX_COUNT 1000000u
/** Most associations handshaking at once. */
#define LOAD_MAX_CONCURRENCY 50000u
/** Most source addresses (127.0.0.0/8 holds 2^24). */
#define LOAD_MAX_SOURCES 16000000u

typedef struct load_options {
    const char *connect;     /**< server HOST:PORT */
    unsigned count;          /**< associations to make (default 100) */
    unsigned concurrency;    /**< most handshakes in flight at once (default 50) */
    unsigned rate;           /**< most new associations per second, 0: no limit */
    size_t data_bytes;       /**< application data each association sends and waits to get back (default 0) */
    bool hold;               /**< keep every established association open until all are, then close all */
    unsigned hold_ms;        /**< with hold: how long to keep them all open (default 0) */
    unsigned sources;        /**< bind to this many loopback source addresses, 127.1.0.0 and up (0: one, the OS's) */
    unsigned timeout_ms;     /**< an association not done after this long fails (default 30000) */
    uint16_t min_version;    /**< 0: the library's default */
    uint16_t max_version;    /**< 0: the library's default */
    unsigned initial_timeout_ms; /**< first retransmission timeout, 0: the library's 400 ms */
    unsigned flood;          /**< flood mode: this many ClientHellos, each from its own source address */
    unsigned flood_rate;     /**< flood mode: ClientHellos per second, 0: as fast as the socket takes them */
    bool probe;              /**< flood mode: time one real handshake before and during the flood */
    bool json;               /**< print the summary as one JSON object on stdout */
    bool quiet;              /**< no progress lines on stderr */
} load_options;

typedef enum load_parse_result {
    LOAD_PARSE_OK = 0,
    LOAD_PARSE_HELP = 1,  /**< --help: usage printed, exit 0 */
    LOAD_PARSE_ERROR = 2, /**< message in err, exit 2 */
} load_parse_result;

/** Parses argv into o (defaults first). */
load_parse_result load_options_parse(int argc, char **argv, load_options *o, char *err, size_t err_len);

/** Prints the usage text. */
void load_options_usage(FILE *f);

#endif
