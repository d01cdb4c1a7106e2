/* Command-line option parsing for the dtls13 tool. */
#include "cli_options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_udp.h"
#include "dtls13/dtls13.h"

void cli_print_usage(FILE *f)
{
    fputs("usage:\n"
          "  dtls13 server --listen HOST:PORT [options] [--echo] [--once]\n"
          "  dtls13 client --connect HOST:PORT [options] [--send TEXT]\n"
          "  dtls13 --help | --version\n"
          "\n"
          "options:\n"
          "  --cert FILE --key FILE     PEM certificate and private key (default: generate a\n"
          "                             self-signed ECDSA P-256 certificate)\n"
          "  --peer-fingerprint FP      expected peer certificate, e.g. \"sha-256 AB:CD:...\"\n"
          "                             (default: accept any certificate whose CertificateVerify\n"
          "                             signature is valid)\n"
          "  --no-client-auth           server: do not require a client certificate\n"
          "  --cookie always|never|under-load\n"
          "                             server: 'always' answers every new ClientHello with a\n"
          "                             HelloRetryRequest (a DTLS 1.2-only one: with a\n"
          "                             HelloVerifyRequest) carrying a cookie (stateless, no\n"
          "                             connection yet) and accepts the client only when its\n"
          "                             second ClientHello echoes the cookie from the same\n"
          "                             address: use it on an unvalidated UDP path (the RFC 9147\n"
          "                             5.1 default; it stops spoofed-address floods and\n"
          "                             amplification; a ClientHello it would refuse is\n"
          "                             dropped without an alert). 'never' (default) starts\n"
          "                             the handshake from the first ClientHello, for paths\n"
          "                             already validated (ICE) or tests. 'under-load' asks\n"
          "                             for a cookie only while 64 or more handshakes are in\n"
          "                             progress (a flood) and not otherwise\n"
          "  --ciphers LIST             e.g. TLS_AES_128_GCM_SHA256,TLS_CHACHA20_POLY1305_SHA256\n"
          "  --groups LIST              e.g. x25519,secp256r1\n"
          "  --sigalgs LIST             e.g. ecdsa_secp256r1_sha256,ed25519\n"
          "  --srtp LIST|none           DTLS-SRTP profiles, e.g. SRTP_AES128_CM_SHA1_80\n"
          "  --export LABEL:LENGTH      keying material to export and print (default: the\n"
          "                             DTLS-SRTP keys, EXTRACTOR-dtls_srtp, when negotiated)\n"
          "  --mtu N                    UDP payload bytes per datagram (default 1200)\n"
          "  --initial-timeout-ms N     first retransmission timeout (default 400)\n"
          "  --timeout-ms N             give up when the handshake (or the client's wait for a\n"
          "                             reply) takes longer (default 30000); the server drops\n"
          "                             an association whose peer is silent this long\n"
          "  --echo                     server: send every received record back\n"
          "  --once                     server: exit after the first association closes\n"
          "                             (without it the server serves any number of clients at\n"
          "                             once and prints its counters when stopped)\n"
          "  --send TEXT                client: send TEXT, wait for one reply, close, exit\n"
          "                             (without it the client sends lines read from stdin)\n"
          "  --json                     print one JSON object per line\n"
          "  --keylog FILE              append NSS key log lines (default: $SSLKEYLOGFILE)\n"
          "  --min-version 1.2|1.3      oldest protocol version to negotiate: DTLS 1.2\n"
          "                             (RFC 6347) or DTLS 1.3 (RFC 9147)\n"
          "  --max-version 1.2|1.3      newest protocol version to negotiate (default for\n"
          "                             both: the library's range, DTLS 1.2 to 1.3, where a\n"
          "                             client offers both and a server picks 1.3 when the\n"
          "                             peer offers it); one bound alone moves the other\n"
          "                             if needed: --max-version 1.2 is DTLS 1.2 only\n"
          "  --draft43                  also accept/offer the DTLS 1.3 draft-43 version code\n"
          "  -v, --verbose              print the engine's diagnostic log on stderr (with\n"
          "                             --json: as {\"event\":\"log\"} lines on stdout)\n"
          "\n"
          "LIST is comma-separated IANA names in preference order.\n"
          "Exit status: 0 success, 1 failure (handshake, network, files), 2 bad arguments.\n",
          f);
}

uint16_t cli_parse_version(const char *text)
{
    if (text == NULL) return 0;
    if ((text[0] == 'd' || text[0] == 'D') && (text[1] == 't' || text[1] == 'T') &&
        (text[2] == 'l' || text[2] == 'L') && (text[3] == 's' || text[3] == 'S'))
        text += 4;
    if (strcmp(text, "1.2") == 0) return DTLS13_VERSION_DTLS12;
    if (strcmp(text, "1.3") == 0) return DTLS13_VERSION_DTLS13;
    return 0;
}

const char *cli_version_text(uint16_t version)
{
    switch (version) {
    case DTLS13_VERSION_DTLS12: return "1.2";
    case DTLS13_VERSION_DTLS13: return "1.3";
    default: return "?";
    }
}

/* DTLS version numbers count down (1.3 is 0xfefc, 1.2 is 0xfefd): true
 * when a is a newer protocol version than b. */
static bool version_newer(uint16_t a, uint16_t b)
{
    return a < b;
}

void cli_version_range(const cli_options *o, uint16_t *min_version, uint16_t *max_version)
{
    if (o->min_version != 0) *min_version = o->min_version;
    if (o->max_version != 0) *max_version = o->max_version;
    if (version_newer(*min_version, *max_version)) {
        /* Only one bound was given (both given and crossed is a usage
         * error): the default one follows it. */
        if (o->min_version != 0) {
            *max_version = *min_version;
        } else {
            *min_version = *max_version;
        }
    }
}

/* Writes a formatted message into err and returns CLI_PARSE_ERROR. */
static cli_parse_result parse_error(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return CLI_PARSE_ERROR;
}

/* Parses a decimal number in [min, max]. */
static bool parse_number(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    if (text == NULL || *text < '0' || *text > '9') return false;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) return false;
    *out = v;
    return true;
}

/* Maps one IANA name to its code point (0 when unknown). */
typedef uint16_t (*name_lookup_fn)(const char *name);

/* Splits a comma-separated list and maps each name with lookup. */
static bool parse_name_list(const char *text, name_lookup_fn lookup, const char *what, uint16_t *codes,
                            size_t *count, char *err, size_t err_len)
{
    char name[96];
    size_t n = 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ') len--;
        if (len == 0) {
            snprintf(err, err_len, "empty entry in %s list '%s'", what, text);
            return false;
        }
        if (len >= sizeof name) {
            snprintf(err, err_len, "unknown %s '%.*s'", what, (int)len, p);
            return false;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        uint16_t code = lookup(name);
        if (code == 0) {
            snprintf(err, err_len, "unknown %s '%s'", what, name);
            return false;
        }
        if (n == CLI_MAX_LIST) {
            snprintf(err, err_len, "too many entries in %s list (at most %d)", what, CLI_MAX_LIST);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (codes[i] == code) {
                snprintf(err, err_len, "%s '%s' listed twice", what, name);
                return false;
            }
        }
        codes[n++] = code;
        if (comma == NULL) break;
        p = comma + 1;
    }
    *count = n;
    return true;
}

/* Checks the shape of an SDP fingerprint: "HASH HH:HH:..." with the
 * digest length HASH implies. */
static bool fingerprint_well_formed(const char *fp)
{
    static const struct {
        const char *name;
        size_t digest_len;
    } hashes[] = {{"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48}, {"sha-512", 64}};
    const char *space = strchr(fp, ' ');
    if (space == NULL) return false;
    size_t name_len = (size_t)(space - fp);
    size_t expected = 0;
    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
        if (strlen(hashes[i].name) != name_len) continue;
        bool same = true;
        for (size_t k = 0; k < name_len; k++) {
            char c = fp[k];
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            if (c != hashes[i].name[k]) same = false;
        }
        if (same) expected = hashes[i].digest_len;
    }
    if (expected == 0) return false;
    const char *hex = space + 1;
    size_t digits = 0, bytes = 0;
    for (const char *c = hex; *c != '\0'; c++) {
        bool is_hex = (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F');
        if (is_hex) {
            if (++digits > 2) return false;
        } else if (*c == ':') {
            if (digits != 2) return false;
            digits = 0;
            bytes++;
        } else {
            return false;
        }
    }
    if (digits != 2) return false;
    return bytes + 1 == expected;
}

/* Parses --export LABEL:LENGTH (the label may itself contain ':'). */
static bool parse_export(const char *text, cli_options *out, char *err, size_t err_len)
{
    const char *colon = strrchr(text, ':');
    unsigned long len = 0;
    if (colon == NULL || colon == text || !parse_number(colon + 1, 1, CLI_MAX_EXPORT, &len)) {
        snprintf(err, err_len, "--export wants LABEL:LENGTH with LENGTH 1..%d, got '%s'", CLI_MAX_EXPORT,
                 text);
        return false;
    }
    size_t label_len = (size_t)(colon - text);
    if (label_len > CLI_MAX_LABEL) {
        snprintf(err, err_len, "--export label longer than %d bytes", CLI_MAX_LABEL);
        return false;
    }
    memcpy(out->export_label, text, label_len);
    out->export_label[label_len] = '\0';
    out->export_len = len;
    out->export_set = true;
    return true;
}

/* Options that take a value. */
static bool option_takes_value(const char *name)
{
    static const char *const with_value[] = {
        "--listen", "--connect", "--cert", "--key", "--peer-fingerprint", "--ciphers", "--groups",
        "--sigalgs", "--srtp", "--export", "--mtu", "--initial-timeout-ms", "--timeout-ms", "--send",
        "--keylog", "--cookie", "--min-version", "--max-version",
    };
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (strcmp(name, with_value[i]) == 0) return true;
    return false;
}

/* Applies one option with its value (NULL for flags). */
static cli_parse_result apply_option(cli_options *o, const char *name, const char *value, char *err,
                                     size_t err_len)
{
    unsigned long n = 0;
    bool server = o->mode == CLI_MODE_SERVER;
    if (strcmp(name, "--listen") == 0) {
        if (!server) return parse_error(err, err_len, "--listen is a server option (client uses --connect)");
        o->address = value;
    } else if (strcmp(name, "--connect") == 0) {
        if (server) return parse_error(err, err_len, "--connect is a client option (server uses --listen)");
        o->address = value;
    } else if (strcmp(name, "--cert") == 0) {
        o->cert_path = value;
    } else if (strcmp(name, "--key") == 0) {
        o->key_path = value;
    } else if (strcmp(name, "--peer-fingerprint") == 0) {
        if (!fingerprint_well_formed(value))
            return parse_error(err, err_len,
                               "--peer-fingerprint wants \"sha-256 AB:CD:...\" (sha-1/224/256/384/512), got '%s'",
                               value);
        o->peer_fingerprint = value;
    } else if (strcmp(name, "--no-client-auth") == 0) {
        if (!server) return parse_error(err, err_len, "--no-client-auth is a server option");
        o->no_client_auth = true;
    } else if (strcmp(name, "--cookie") == 0) {
        if (!server) return parse_error(err, err_len, "--cookie is a server option");
        if (strcmp(value, "always") == 0) {
            o->cookie = CLI_COOKIE_ALWAYS;
        } else if (strcmp(value, "never") == 0) {
            o->cookie = CLI_COOKIE_NEVER;
        } else if (strcmp(value, "under-load") == 0) {
            o->cookie = CLI_COOKIE_UNDER_LOAD;
        } else {
            return parse_error(err, err_len, "--cookie wants always, never or under-load, got '%s'", value);
        }
    } else if (strcmp(name, "--min-version") == 0 || strcmp(name, "--max-version") == 0) {
        uint16_t v = cli_parse_version(value);
        if (v == 0) return parse_error(err, err_len, "%s wants 1.2 or 1.3, got '%s'", name, value);
        if (strcmp(name, "--min-version") == 0) {
            o->min_version = v;
        } else {
            o->max_version = v;
        }
    } else if (strcmp(name, "--ciphers") == 0) {
        if (!parse_name_list(value, dtls13_cipher_suite_from_name, "cipher suite", o->ciphers, &o->cipher_count,
                             err, err_len))
            return CLI_PARSE_ERROR;
    } else if (strcmp(name, "--groups") == 0) {
        if (!parse_name_list(value, dtls13_group_from_name, "group", o->groups, &o->group_count, err, err_len))
            return CLI_PARSE_ERROR;
    } else if (strcmp(name, "--sigalgs") == 0) {
        if (!parse_name_list(value, dtls13_signature_scheme_from_name, "signature scheme", o->sigalgs,
                             &o->sigalg_count, err, err_len))
            return CLI_PARSE_ERROR;
    } else if (strcmp(name, "--srtp") == 0) {
        o->srtp_set = true;
        if (strcmp(value, "none") == 0) {
            o->srtp_count = 0;
        } else if (!parse_name_list(value, dtls13_srtp_profile_from_name, "SRTP profile", o->srtp,
                                    &o->srtp_count, err, err_len)) {
            return CLI_PARSE_ERROR;
        }
    } else if (strcmp(name, "--export") == 0) {
        if (!parse_export(value, o, err, err_len)) return CLI_PARSE_ERROR;
    } else if (strcmp(name, "--mtu") == 0) {
        if (!parse_number(value, 256, 65507, &n))
            return parse_error(err, err_len, "--mtu wants a number of bytes from 256 to 65507, got '%s'", value);
        o->mtu = n;
    } else if (strcmp(name, "--initial-timeout-ms") == 0) {
        if (!parse_number(value, 10, 60000, &n))
            return parse_error(err, err_len, "--initial-timeout-ms wants 10 to 60000, got '%s'", value);
        o->initial_timeout_ms = (uint32_t)n;
    } else if (strcmp(name, "--timeout-ms") == 0) {
        if (!parse_number(value, 1, 86400000, &n))
            return parse_error(err, err_len, "--timeout-ms wants 1 to 86400000, got '%s'", value);
        o->timeout_ms = (uint32_t)n;
    } else if (strcmp(name, "--echo") == 0) {
        if (!server) return parse_error(err, err_len, "--echo is a server option");
        o->echo = true;
    } else if (strcmp(name, "--once") == 0) {
        if (!server) return parse_error(err, err_len, "--once is a server option");
        o->once = true;
    } else if (strcmp(name, "--send") == 0) {
        if (server) return parse_error(err, err_len, "--send is a client option");
        o->send_text = value;
    } else if (strcmp(name, "--json") == 0) {
        o->json = true;
    } else if (strcmp(name, "--keylog") == 0) {
        o->keylog_path = value;
    } else if (strcmp(name, "--draft43") == 0) {
        o->draft43 = true;
    } else if (strcmp(name, "--verbose") == 0 || strcmp(name, "-v") == 0) {
        o->verbose = true;
    } else {
        return parse_error(err, err_len, "unknown option '%s'", name);
    }
    return CLI_PARSE_OK;
}

cli_parse_result cli_parse_options(int argc, char **argv, cli_options *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->timeout_ms = CLI_DEFAULT_TIMEOUT_MS;
    err[0] = '\0';
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return CLI_PARSE_HELP;
        if (strcmp(argv[i], "--version") == 0) return CLI_PARSE_VERSION;
    }
    if (argc < 2) return parse_error(err, err_len, "missing mode: 'server' or 'client'");
    if (strcmp(argv[1], "server") == 0) {
        out->mode = CLI_MODE_SERVER;
    } else if (strcmp(argv[1], "client") == 0) {
        out->mode = CLI_MODE_CLIENT;
    } else {
        return parse_error(err, err_len, "unknown mode '%s': use 'server' or 'client'", argv[1]);
    }

    char name[64];
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        if (strncmp(arg, "-", 1) != 0)
            return parse_error(err, err_len, "unexpected argument '%s'", arg);
        const char *eq = strchr(arg, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        if (name_len >= sizeof name) return parse_error(err, err_len, "unknown option '%s'", arg);
        memcpy(name, arg, name_len);
        name[name_len] = '\0';
        if (option_takes_value(name)) {
            if (eq != NULL) {
                value = eq + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return parse_error(err, err_len, "option '%s' needs a value", name);
            }
        } else if (eq != NULL) {
            return parse_error(err, err_len, "option '%s' takes no value", name);
        }
        cli_parse_result r = apply_option(out, name, value, err, err_len);
        if (r != CLI_PARSE_OK) return r;
    }

    if (out->address == NULL)
        return parse_error(err, err_len, out->mode == CLI_MODE_SERVER ? "missing --listen HOST:PORT"
                                                                       : "missing --connect HOST:PORT");
    char host[256], port[8];
    if (!cli_udp_split(out->address, host, sizeof host, port, sizeof port, err, err_len)) return CLI_PARSE_ERROR;
    if (out->min_version != 0 && out->max_version != 0 && version_newer(out->min_version, out->max_version))
        return parse_error(err, err_len, "--min-version %s is newer than --max-version %s: no version left",
                           cli_version_text(out->min_version), cli_version_text(out->max_version));
    if ((out->cert_path == NULL) != (out->key_path == NULL))
        return parse_error(err, err_len, "--cert and --key must be given together");
    return CLI_PARSE_OK;
}
