/* Printing the dtls13 tool's events. */
#include "cli_report.h"

#include <string.h>

#include "cli_json.h"

void cli_report_fingerprint(const cli_report *r, const char *fingerprint)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "fingerprint");
        cli_json_string(&j, "fingerprint", fingerprint);
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->out, "local fingerprint: %s\n", fingerprint);
        fflush(r->out);
    }
}

void cli_report_listening(const cli_report *r, const char *address, unsigned port)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "listening");
        cli_json_string(&j, "address", address);
        cli_json_uint(&j, "port", port);
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->out, "listening on %s (port %u)\n", address, port);
        fflush(r->out);
    }
}

void cli_report_association(const cli_report *r, const char *role, const char *peer)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "association");
        cli_json_string(&j, "role", role);
        cli_json_string(&j, "peer", peer);
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->out, "%s: handshake with %s\n", role, peer);
        fflush(r->out);
    }
}

void cli_report_hello_retry(const cli_report *r, const char *peer, const char *message, const char *reason,
                            size_t bytes, uint64_t hrr_sent, uint64_t cookies_invalid)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "hello_retry");
        cli_json_string(&j, "message", message);
        cli_json_string(&j, "reason", reason);
        cli_json_string(&j, "peer", peer);
        cli_json_uint(&j, "bytes", bytes);
        cli_json_uint(&j, "hrr_sent", hrr_sent);
        cli_json_uint(&j, "cookies_invalid", cookies_invalid);
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->out, "server: %s with a cookie to %s (%s, %zu bytes)\n", message, peer, reason, bytes);
        fflush(r->out);
    }
}

void cli_report_hello_retry_summary(const cli_report *r, uint64_t unreported, uint64_t interval_ms,
                                    uint64_t hrr_sent, uint64_t cookies_invalid)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "hello_retry_summary");
        cli_json_uint(&j, "unreported", unreported);
        cli_json_uint(&j, "interval_ms", interval_ms);
        cli_json_uint(&j, "hrr_sent", hrr_sent);
        cli_json_uint(&j, "cookies_invalid", cookies_invalid);
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->out,
                "server: %llu more cookie answers in %llu ms, not reported one by one "
                "(%llu sent in all, %llu invalid cookies)\n",
                (unsigned long long)unreported, (unsigned long long)interval_ms, (unsigned long long)hrr_sent,
                (unsigned long long)cookies_invalid);
        fflush(r->out);
    }
}

size_t cli_srtp_keying_material_len(uint16_t profile)
{
    switch (profile) {
    case DTLS13_SRTP_AES128_CM_SHA1_80:
    case DTLS13_SRTP_AES128_CM_SHA1_32: return 2 * (16 + 14);
    case DTLS13_SRTP_AEAD_AES_128_GCM: return 2 * (16 + 12);
    case DTLS13_SRTP_AEAD_AES_256_GCM: return 2 * (32 + 12);
    default: return 0;
    }
}

/* Name or a "0x...." placeholder for unknown code points. */
static const char *name_or_hex(const char *name, uint16_t code, char *buf, size_t cap)
{
    if (name != NULL) return name;
    snprintf(buf, cap, "0x%04x", code);
    return buf;
}

bool cli_report_handshake(const cli_report *r, const cli_options *opts, const dtls13_conn *conn)
{
    char fp[200] = "";
    char version_buf[8], cipher_buf[8], group_buf[8], sig_buf[8];
    uint8_t exported[CLI_MAX_EXPORT];
    size_t export_len = 0;
    const char *label = NULL;
    uint16_t profile = dtls13_conn_srtp_profile(conn);

    if (opts->export_set) {
        label = opts->export_label;
        export_len = opts->export_len;
    } else if (profile != 0) {
        label = "EXTRACTOR-dtls_srtp";
        export_len = cli_srtp_keying_material_len(profile);
    }
    if (label != NULL && export_len > 0) {
        int rc = dtls13_conn_export_keying_material(conn, label, NULL, 0, exported, export_len);
        if (rc < 0) {
            char reason[256];
            snprintf(reason, sizeof reason, "exporting keying material failed: %s", dtls13_strerror(rc));
            cli_report_error(r, NULL, reason);
            return false;
        }
    } else {
        label = NULL;
    }
    if (dtls13_conn_peer_fingerprint(conn, DTLS13_HASH_SHA256, fp, sizeof fp) < 0) fp[0] = '\0';

    dtls13_stats stats;
    dtls13_conn_stats(conn, &stats);
    uint16_t version = dtls13_conn_version(conn), cipher = dtls13_conn_cipher_suite(conn);
    uint16_t group = dtls13_conn_group(conn), sig = dtls13_conn_peer_signature_scheme(conn);
    const char *version_name = name_or_hex(dtls13_version_name(version), version, version_buf, sizeof version_buf);
    const char *cipher_name = name_or_hex(dtls13_cipher_suite_name(cipher), cipher, cipher_buf, sizeof cipher_buf);
    const char *group_name = name_or_hex(dtls13_group_name(group), group, group_buf, sizeof group_buf);
    const char *sig_name = name_or_hex(dtls13_signature_scheme_name(sig), sig, sig_buf, sizeof sig_buf);
    const char *profile_name = profile != 0 ? dtls13_srtp_profile_name(profile) : NULL;
    bool server_cookie = opts->cookie == CLI_COOKIE_ALWAYS && dtls13_conn_role(conn) == DTLS13_ROLE_SERVER;

    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "handshake");
        cli_json_string(&j, "role", dtls13_conn_role(conn) == DTLS13_ROLE_SERVER ? "server" : "client");
        cli_json_string(&j, "version", version_name);
        cli_json_string(&j, "cipher", cipher_name);
        cli_json_string(&j, "group", group_name);
        cli_json_string(&j, "peer_signature_scheme", sig_name);
        cli_json_string(&j, "srtp_profile", profile_name);
        cli_json_bool(&j, "hello_retry", dtls13_conn_used_hello_retry(conn));
        cli_json_string(&j, "peer_fingerprint", fp[0] != '\0' ? fp : NULL);
        cli_json_string(&j, "export_label", label);
        if (label != NULL) {
            cli_json_hex(&j, "exported", exported, export_len);
        } else {
            cli_json_null(&j, "exported");
        }
        cli_json_uint(&j, "handshake_ms", stats.handshake_ms);
        cli_json_uint(&j, "retransmissions", stats.retransmissions);
        if (server_cookie) cli_json_string(&j, "cookie", "verified");
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->out, "handshake complete in %llu ms: %s %s %s, peer signed with %s%s\n",
                (unsigned long long)stats.handshake_ms, version_name, cipher_name, group_name, sig_name,
                !dtls13_conn_used_hello_retry(conn) ? ""
                : version == DTLS13_VERSION_DTLS12 ? " (after HelloVerifyRequest)"
                                                                                  : " (after HelloRetryRequest)");
        if (server_cookie) fprintf(r->out, "  cookie: verified\n");
        fprintf(r->out, "  srtp profile: %s\n", profile_name != NULL ? profile_name : "(none)");
        fprintf(r->out, "  peer fingerprint: %s\n", fp[0] != '\0' ? fp : "(none)");
        if (label != NULL) {
            fprintf(r->out, "  exported (%s, %zu bytes): ", label, export_len);
            for (size_t i = 0; i < export_len; i++) fprintf(r->out, "%02x", exported[i]);
            fputc('\n', r->out);
        }
        fflush(r->out);
    }
    memset(exported, 0, sizeof exported);
    return true;
}

void cli_report_data(const cli_report *r, const uint8_t *data, size_t len)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "data");
        cli_json_text(&j, "text", data, len);
        cli_json_uint(&j, "length", len);
        cli_json_end(&j, r->out);
    } else {
        fwrite(data, 1, len, r->out);
        if (len == 0 || data[len - 1] != '\n') fputc('\n', r->out);
        fflush(r->out);
    }
}

/* Adds the connection's record statistics and per-reason drop counters. */
static void add_stats(cli_json *j, const dtls13_stats *s)
{
    uint64_t dropped = s->dropped_bad_header + s->dropped_bad_tag + s->dropped_unknown_epoch + s->dropped_replay +
                       s->dropped_unexpected;
    cli_json_uint(j, "records_in", s->records_in);
    cli_json_uint(j, "records_out", s->records_out);
    cli_json_uint(j, "retransmissions", s->retransmissions);
    cli_json_uint(j, "dropped", dropped);
    cli_json_uint(j, "dropped_bad_header", s->dropped_bad_header);
    cli_json_uint(j, "dropped_bad_tag", s->dropped_bad_tag);
    cli_json_uint(j, "dropped_unknown_epoch", s->dropped_unknown_epoch);
    cli_json_uint(j, "dropped_replay", s->dropped_replay);
    cli_json_uint(j, "dropped_unexpected", s->dropped_unexpected);
}

/* The error event, with the connection's statistics when conn is not NULL. */
static void report_error(const cli_report *r, const char *alert, const char *reason, const dtls13_conn *conn)
{
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "error");
        cli_json_string(&j, "alert", alert);
        cli_json_string(&j, "reason", reason);
        if (conn != NULL) {
            dtls13_stats s;
            dtls13_conn_stats(conn, &s);
            add_stats(&j, &s);
        }
        cli_json_end(&j, r->out);
    } else if (alert != NULL) {
        fprintf(r->err, "dtls13: error: %s (alert %s)\n", reason, alert);
    } else {
        fprintf(r->err, "dtls13: error: %s\n", reason);
    }
}

void cli_report_error(const cli_report *r, const char *alert, const char *reason)
{
    report_error(r, alert, reason, NULL);
}

void cli_report_conn_error(const cli_report *r, const char *alert, const char *reason, const dtls13_conn *conn)
{
    report_error(r, alert, reason, conn);
}

void cli_report_log(const cli_report *r, dtls13_log_level level, const char *message)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    const char *name = (unsigned)level < sizeof names / sizeof names[0] ? names[level] : "?";
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "log");
        cli_json_string(&j, "level", name);
        cli_json_string(&j, "message", message);
        cli_json_end(&j, r->out);
    } else {
        fprintf(r->err, "dtls13 [%s] %s\n", name, message);
    }
}

void cli_report_closed(const cli_report *r, const char *by, const dtls13_conn *conn)
{
    dtls13_stats s;
    dtls13_conn_stats(conn, &s);
    if (r->json) {
        cli_json j;
        cli_json_begin(&j, "closed");
        cli_json_string(&j, "by", by);
        add_stats(&j, &s);
        cli_json_end(&j, r->out);
    } else {
        uint64_t dropped = s.dropped_bad_header + s.dropped_bad_tag + s.dropped_unknown_epoch + s.dropped_replay +
                           s.dropped_unexpected;
        fprintf(r->out, "closed by %s (%llu records in, %llu out, %llu retransmissions, %llu dropped)\n", by,
                (unsigned long long)s.records_in, (unsigned long long)s.records_out,
                (unsigned long long)s.retransmissions, (unsigned long long)dropped);
        fflush(r->out);
    }
}
