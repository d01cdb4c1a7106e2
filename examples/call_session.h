/* The loopback call: two DTLS-SRTP-over-ICE endpoints in one process and
 * one GMainContext, signalling between them in code, synthetic RTP both
 * ways, and everything measured. Used by examples/loopback_call.c (which
 * prints the result) and by the end-to-end tests (which assert on it). */
#ifndef D13_EXAMPLES_CALL_SESSION_H
#define D13_EXAMPLES_CALL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/transport.h"

/** How the call runs. Start from call_options_init(). */
typedef struct call_options {
    double duration_s;           /**< media phase length (default 5 s) */
    unsigned packets_per_second; /**< RTP packets per second each way (default 50) */
    size_t payload_len;          /**< RTP payload bytes (default 1000) */
    unsigned timeout_s;          /**< hard limit for the whole call (default duration + 30 s) */
    double min_delivery;         /**< fraction of RTP that must arrive each way (default 0.9) */
    double restart_at_s;         /**< < 0: no ICE restart (default); else restart ICE this far into the media */
    bool progress;               /**< progress lines on stderr */
    uint16_t min_version, max_version; /**< both endpoints' DTLS version range (default the
                                            library's, 1.2..1.3, which negotiates 1.3) */
    bool wrong_fingerprint;      /**< negative test: the offerer expects a fingerprint the answerer's
                                      certificate does not have, so the handshake must fail */
} call_options;

/** What one endpoint saw. */
typedef struct call_endpoint_info {
    const char *name;          /**< "offerer" or "answerer" */
    bool ice_controlling;
    const char *setup;         /**< the a=setup value it signalled */
    dtls13_role dtls_role;     /**< role that follows from a=setup */
    char fingerprint[128];     /**< its certificate, SDP form */
    char peer_fingerprint[128];/**< the peer certificate it verified */
    char local_address[64];    /**< selected pair, local side */
    char remote_address[64];   /**< selected pair, remote side */
    size_t candidates;         /**< local candidates gathered */
    uint64_t gathering_ms, ice_ms, dtls_ms;
    uint64_t dtls_retransmissions;
    uint64_t ice_restarts;
} call_endpoint_info;

/** Media counts of one direction (sender's and receiver's view). */
typedef struct call_direction {
    uint64_t rtp_sent, rtcp_sent, send_failures;     /**< sender */
    uint64_t rtp_datagrams_in, rtcp_datagrams_in;    /**< receiver: SRTP/SRTCP datagrams arrived */
    uint64_t rtp_authenticated, rtcp_authenticated;  /**< receiver: unprotected successfully */
    uint64_t auth_failures, replays, bad_packets;    /**< receiver: SRTP rejections */
    uint64_t content_errors;   /**< authenticated, but not the bytes that were sent */
    uint64_t after_restart;    /**< RTP authenticated after the ICE restart completed */
} call_direction;

/** Everything the call measured. */
typedef struct call_result {
    bool ok;
    char error[256];                 /**< the first failure, "" when ok */
    call_endpoint_info endpoint[2];  /**< [0] offerer, [1] answerer */
    uint16_t version, cipher_suite, group, srtp_profile, signature_scheme;
    bool hello_retry;
    bool keys_match;                 /**< both ends exported the same SRTP keying material */
    uint64_t setup_ms;               /**< gathering start to both SECURE */
    double media_s;                  /**< media phase actually run */
    call_direction dir[2];           /**< [0] offerer->answerer, [1] answerer->offerer */
    bool restarted;                  /**< an ICE restart ran */
    uint64_t restart_ms;             /**< restart to READY again on both */
    bool keys_unchanged;             /**< exported SRTP keys identical before and after the restart */
} call_result;

/** Fills opts with the defaults above. */
void call_options_init(call_options *opts);

/** Runs the call. Returns 0 when every step succeeded and the media
 *  checks held (out->ok), 1 otherwise (out->error says why). */
int call_run(const call_options *opts, call_result *out);

#endif
