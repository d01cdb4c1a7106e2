/* One DTLS association driven over a UDP socket with poll(). */
#ifndef DTLS13_CLI_SESSION_H
#define DTLS13_CLI_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cli_options.h"
#include "cli_report.h"
#include "dtls13/dtls13.h"

/** Largest datagram the tool receives. */
#define CLI_MAX_DATAGRAM 65536

/** How an association ended. */
typedef enum cli_session_result {
    CLI_SESSION_OK = 0,          /**< handshake done and closed normally */
    CLI_SESSION_FAILED = 1,      /**< handshake failure, alert, timeout or socket error */
    CLI_SESSION_INTERRUPTED = 2, /**< SIGINT/SIGTERM arrived (close_notify was sent) */
} cli_session_result;

/** What a session needs from its caller. */
typedef struct cli_session_params {
    const cli_options *opts;
    const cli_report *report;
    dtls13_config *cfg;
    int fd; /**< UDP socket: connected (client) or shared listening socket (server) */
    const struct sockaddr_storage *peer; /**< server: the peer's address; client: NULL */
    socklen_t peer_len;
    int signal_fd; /**< readable when SIGINT/SIGTERM arrived, or -1 */
    int stdin_fd;  /**< client without --send: lines to send, or -1 */
    /** server with --cookie always: the listener that accepted
     *  first_datagram, which creates the connection from it; NULL: the
     *  connection is created directly */
    dtls13_listener *listener;
    const unsigned char *peer_key; /**< with listener: the address bytes the cookie binds */
    size_t peer_key_len;
} cli_session_params;

/** Monotonic clock in milliseconds (CLOCK_MONOTONIC). */
uint64_t cli_now_ms(void);

/** Runs one association to its end: creates the connection (role from
 *  opts->mode), starts it, feeds it first_datagram when non-NULL (the
 *  ClientHello a server already received; with p->listener the connection
 *  is instead created from it by dtls13_listener_accept_ex(), the event
 *  callback installed before the first flight), then feeds it datagrams and
 *  timer ticks until it closes, fails or times out, printing events. */
cli_session_result cli_session_run(const cli_session_params *p, const uint8_t *first_datagram, size_t first_len);

#endif
