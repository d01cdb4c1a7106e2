/* Command-line options of the dtls13 tool: parsing and usage text. */
#ifndef DTLS13_CLI_OPTIONS_H
#define DTLS13_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Most entries accepted in one comma-separated algorithm list. */
#define CLI_MAX_LIST 8
/** Longest exporter label accepted by --export. */
#define CLI_MAX_LABEL 255
/** Largest exporter output accepted by --export, in bytes. */
#define CLI_MAX_EXPORT 1024
/** Default for --timeout-ms: how long a handshake (or the client's wait
 *  for its reply) may take before the tool gives up. */
#define CLI_DEFAULT_TIMEOUT_MS 30000u

/** Which side the tool plays. */
typedef enum cli_mode {
    CLI_MODE_SERVER = 0,
    CLI_MODE_CLIENT = 1,
} cli_mode;

/** Whether the server demands a cookie round trip (--cookie). */
typedef enum cli_cookie {
    CLI_COOKIE_NEVER = 0,  /**< the connection is created from the first ClientHello (default) */
    CLI_COOKIE_ALWAYS = 1, /**< every ClientHello goes through the stateless listener, which
                                answers with a HelloRetryRequest carrying a cookie and accepts
                                only a ClientHello that echoes a valid one (RFC 9147 5.1) */
    CLI_COOKIE_UNDER_LOAD = 2, /**< a cookie only while 64 or more handshakes are in progress */
} cli_cookie;

/** Everything given on the command line. Strings point into argv. */
typedef struct cli_options {
    cli_mode mode;
    const char *address; /**< HOST:PORT of --listen (server) or --connect (client) */
    const char *cert_path;
    const char *key_path;
    const char *peer_fingerprint; /**< expected "sha-256 AB:..." or NULL */
    bool no_client_auth;
    uint16_t ciphers[CLI_MAX_LIST];
    size_t cipher_count; /**< 0: library defaults */
    uint16_t groups[CLI_MAX_LIST];
    size_t group_count;
    uint16_t sigalgs[CLI_MAX_LIST];
    size_t sigalg_count;
    uint16_t srtp[CLI_MAX_LIST];
    size_t srtp_count;
    bool srtp_set; /**< --srtp given ("none" gives srtp_count 0: use_srtp off) */
    bool export_set;
    char export_label[CLI_MAX_LABEL + 1];
    size_t export_len;
    size_t mtu; /**< 0: library default */
    uint32_t initial_timeout_ms; /**< 0: library default */
    uint32_t timeout_ms;
    bool echo;
    bool once;
    bool json;
    bool draft43;
    bool verbose;
    cli_cookie cookie; /**< server --cookie always|never|under-load */
    uint16_t min_version; /**< --min-version as DTLS13_VERSION_*, or 0: library default */
    uint16_t max_version; /**< --max-version as DTLS13_VERSION_*, or 0: library default */
    const char *send_text; /**< client --send TEXT, or NULL */
    const char *keylog_path; /**< --keylog FILE, or NULL (SSLKEYLOGFILE is read elsewhere) */
} cli_options;

/** Result of cli_parse_options(). */
typedef enum cli_parse_result {
    CLI_PARSE_OK = 0,
    CLI_PARSE_HELP = 1,    /**< --help: print usage, exit 0 */
    CLI_PARSE_VERSION = 2, /**< --version: print version, exit 0 */
    CLI_PARSE_ERROR = -1,  /**< bad arguments: err holds why; print usage, exit 2 */
} cli_parse_result;

/** Parses argv (argv[1] is the mode, "server" or "client") into out.
 *  Options take their value as the next argument or after '='. On
 *  CLI_PARSE_ERROR a one-line explanation is written into err. */
cli_parse_result cli_parse_options(int argc, char **argv, cli_options *out, char *err, size_t err_len);

/** Wire value (DTLS13_VERSION_DTLS12/13) of a --min-version or
 *  --max-version argument ("1.2", "1.3"; "dtls1.2" and "DTLS1.3" too), or
 *  0 when unknown. */
uint16_t cli_parse_version(const char *text);

/** The range given by --min-version/--max-version over the library's
 *  default [*min_version, *max_version] (updated in place). When only one
 *  bound is given and it falls outside the default, the other bound moves
 *  with it: "--max-version 1.2" alone means DTLS 1.2 only. */
void cli_version_range(const cli_options *o, uint16_t *min_version, uint16_t *max_version);

/** "1.2" or "1.3" for a DTLS13_VERSION_* value ("?" otherwise). */
const char *cli_version_text(uint16_t version);

/** Prints the usage text to f. */
void cli_print_usage(FILE *f);

#endif
