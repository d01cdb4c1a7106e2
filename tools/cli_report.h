/* What the dtls13 tool prints: JSON lines (--json) or plain text. */
#ifndef DTLS13_CLI_REPORT_H
#define DTLS13_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_options.h"
#include "dtls13/dtls13.h"

/** Where and how to print. Events go to out; in text mode errors go to err. */
typedef struct cli_report {
    bool json;
    FILE *out;
    FILE *err;
} cli_report;

/** The local certificate's fingerprint: {"event":"fingerprint","fingerprint":"sha-256 ..."}. */
void cli_report_fingerprint(const cli_report *r, const char *fingerprint);
/** The server is ready: {"event":"listening","port":N}. */
void cli_report_listening(const cli_report *r, const char *address, unsigned port);
/** A new association with peer (server) or towards peer (client) started. */
void cli_report_association(const cli_report *r, const char *role, const char *peer);
/** The server's listener answered a ClientHello with a HelloRetryRequest
 *  (DTLS 1.3) or a HelloVerifyRequest (a DTLS 1.2-only ClientHello)
 *  carrying a cookie: {"event":"hello_retry","message":"HelloRetryRequest"
 *  or "HelloVerifyRequest","reason":"cookie" (none
 *  offered) or "invalid_cookie" (one offered that did not verify),
 *  "peer":..., "bytes":N, "hrr_sent":N, "cookies_invalid":N} (the last two
 *  are the listener's totals since the server started). */
void cli_report_hello_retry(const cli_report *r, const char *peer, const char *message, const char *reason,
                            size_t bytes, uint64_t hrr_sent, uint64_t cookies_invalid);
/** Cookie answers the server did not report one by one (a flood: after a
 *  burst of individual hello_retry events, the server reports the rest at
 *  most once a second): {"event":"hello_retry_summary","unreported":N,
 *  "interval_ms":N,"hrr_sent":N,"cookies_invalid":N} (the last two are the
 *  listener's totals since the server started). */
void cli_report_hello_retry_summary(const cli_report *r, uint64_t unreported, uint64_t interval_ms,
                                    uint64_t hrr_sent, uint64_t cookies_invalid);
/** The handshake completed: version, cipher, group, SRTP profile, peer
 *  fingerprint, exported keying material (opts->export or the DTLS-SRTP
 *  keys when negotiated), handshake time and, in JSON, the retransmissions
 *  so far ("retransmissions") and, on a server with --cookie always,
 *  "cookie":"verified" (the connection was created from a ClientHello
 *  echoing a cookie the listener verified). Returns false when the export
 *  failed (the failure is reported as an error). */
bool cli_report_handshake(const cli_report *r, const cli_options *opts, const dtls13_conn *conn);
/** Received application data: {"event":"data","text":"..."}. */
void cli_report_data(const cli_report *r, const uint8_t *data, size_t len);
/** A failure: {"event":"error","alert":name|null,"reason":"..."}. */
void cli_report_error(const cli_report *r, const char *alert, const char *reason);
/** A failure of a running connection: like cli_report_error(), and in JSON
 *  also the connection's statistics (the same members as the "closed"
 *  event, including the per-reason drop counters). */
void cli_report_conn_error(const cli_report *r, const char *alert, const char *reason, const dtls13_conn *conn);
/** One line of the engine's diagnostic log (--verbose): in JSON
 *  {"event":"log","level":"info","message":"..."} on out, else
 *  "dtls13 [info] ..." on err. */
void cli_report_log(const cli_report *r, dtls13_log_level level, const char *message);
/** The association closed normally: {"event":"closed","by":"peer"|"local"} with statistics:
 *  records_in, records_out, retransmissions, dropped (the sum) and each drop
 *  reason (dropped_bad_header, dropped_bad_tag, dropped_unknown_epoch,
 *  dropped_replay, dropped_unexpected). */
void cli_report_closed(const cli_report *r, const char *by, const dtls13_conn *conn);

/** Length of the DTLS-SRTP keying material of an SRTP profile
 *  (2 * (key + salt)), or 0 for unknown profiles. */
size_t cli_srtp_keying_material_len(uint16_t profile);

#endif
