/* One WHIP call of the echo server: the browser's offer, our ICE/DTLS-SRTP
 * transport, the answer once our candidates are gathered, and the echo of
 * every RTP packet (with our SSRC) back to the browser.
 *
 * Life: whip_call_new() checks the offer (a bad one gives an error and no
 * call), creates the transport (ICE controlled: the browser offers and
 * controls; DTLS role from a=setup) and gathers. When gathering is done
 * (or after a short timeout with what was gathered) the answer is written,
 * the browser's credentials, candidates and fingerprint are given to the
 * transport, and the ready callback receives the answer text. ICE, DTLS
 * and the echo then run on the GMainContext. A call that is not secure
 * within WHIP_CALL_SETUP_TIMEOUT_S fails. All functions run on the thread
 * of that context. */
#ifndef D13_EXAMPLES_WHIP_CALL_H
#define D13_EXAMPLES_WHIP_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "dtls13/sdp.h"
#include "dtls13/transport.h"

/** Seconds from the offer to SECURE before a call fails. */
#define WHIP_CALL_SETUP_TIMEOUT_S 30

typedef struct whip_call whip_call;

/** Called once per call, when the answer is ready (answer != NULL) or the
 *  call could not be set up (answer NULL, error says why). */
typedef void (*whip_call_ready_fn)(void *user, whip_call *call, const char *answer, const char *error);

/** Called for progress: a short English line (no newline) and, for JSON
 *  consumers, the event name ("secure", "failed", ...). */
typedef void (*whip_call_log_fn)(void *user, whip_call *call, const char *event, const char *line);

/** How calls are made; shared by every call of a server. */
typedef struct whip_call_options {
    GMainContext *ctx;             /**< NULL: the default context */
    dtls13_config *cfg;            /**< certificate and SRTP profiles (the call takes no ownership) */
    dtls13_sdp_setup setup;        /**< our answer to a=setup:actpass: ACTIVE or PASSIVE */
    const char *const *ice_addresses; /**< local IPs to gather on; none: every local address */
    size_t ice_address_count;
    whip_call_ready_fn on_ready;
    whip_call_log_fn on_log;       /**< may be NULL */
    void *user;                    /**< for both callbacks */
} whip_call_options;

/** Starts a call for the offer text[0..len) with identifier id (copied).
 *  Returns the call, or NULL with a message in error (a bad offer, or the
 *  transport could not be created when *server_fault is set). */
whip_call *whip_call_new(const whip_call_options *opts, const char *id, const char *text, size_t len, char *error,
                         size_t error_cap, bool *server_fault);

/** Sends close_notify (when connected) and releases the call. Not from
 *  inside one of its callbacks. NULL is ignored. */
void whip_call_free(whip_call *call);

/** The call's identifier. */
const char *whip_call_id(const whip_call *call);

/** True once the call failed or was closed by the browser; *since_us
 *  (may be NULL) receives when, in g_get_monotonic_time() units. */
bool whip_call_ended(const whip_call *call, int64_t *since_us);

/** The call's state and statistics as a JSON object (newly allocated,
 *  g_free() it). Keys are documented in examples/whip_server.c. */
char *whip_call_stats_json(const whip_call *call);

#endif
