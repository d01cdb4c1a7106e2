/* The SFU example's HTTP signalling (libsoup 3), WHIP-style:
 *
 *   POST   /sfu          Content-Type application/sdp, body an SDP offer
 *                        -> 201 Created, Location: /sfu/<id>, body the answer
 *                           (a=ice-lite, our fingerprint, one host candidate)
 *                        -> 400 "<why>" for an offer that cannot be answered,
 *                           415 wrong content type, 413 body over 64 KiB,
 *                           411 no Content-Length, 503 the room is full
 *   DELETE /sfu/<id>     the peer leaves -> 200; unknown id -> 404
 *   GET    /sfu/stats    the server's statistics as JSON -> 200
 *   OPTIONS any          204 with the CORS preflight headers
 *   GET    /, /<file>    the page directory (index.html for /), as the WHIP
 *                        server serves it (examples/whip_static.h); but
 *                        /webrtc_page.js, the script the page shares with
 *                        the WHIP page, from the WHIP page's directory
 *
 * Every response carries Access-Control-Allow-Origin: * and exposes the
 * Location header. The server itself decides what a peer is: the hooks
 * add and remove peers and write the statistics. Runs on the default
 * GMainContext. */
#ifndef D13_EXAMPLES_SFU_SIGNAL_H
#define D13_EXAMPLES_SFU_SIGNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "sfu_room.h"

/** Largest offer body accepted. */
#define SFU_SIGNAL_MAX_OFFER (64u * 1024u)

typedef struct sfu_signal sfu_signal;

/** What the HTTP side asks of the server. */
typedef struct sfu_signal_hooks {
    /** A new peer for the offer text[0..len), or NULL with the reason in
     *  error (*server_fault: a 503/500 rather than a 400). */
    sfu_peer *(*add_peer)(void *user, const char *text, size_t len, char *error, size_t error_cap,
                          bool *server_fault);
    /** peer (from the room) leaves: DELETE. */
    void (*remove_peer)(void *user, sfu_peer *peer);
    /** The statistics JSON, newly allocated (g_free). */
    char *(*stats_json)(void *user);
    void *user;
} sfu_signal_hooks;

/** Starts serving HTTP on listen ("HOST:PORT", port 0 picks one) for the
 *  peers of room, with the page files of page_root and the shared script
 *  of shared_root (absolute resolved directories, or NULL: 404 for their
 *  files). url (url_cap bytes) receives the base URL actually listened
 *  on. NULL with the reason in error. */
sfu_signal *sfu_signal_new(const char *listen, const char *page_root, const char *shared_root, sfu_room *room,
                           const sfu_signal_hooks *hooks, char *url, size_t url_cap, char *error, size_t error_cap);

/** Stops serving and frees. NULL is ignored. */
void sfu_signal_free(sfu_signal *sig);

#endif
