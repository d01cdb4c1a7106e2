/* The server's cookie exchange (--cookie always): every datagram from a
 * peer without a connection goes through the engine's stateless listener,
 * which answers with a HelloRetryRequest carrying a cookie, accepts a
 * ClientHello that echoes a valid one, or drops the datagram. */
#ifndef DTLS13_CLI_COOKIE_H
#define DTLS13_CLI_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cli_report.h"
#include "dtls13/dtls13.h"

/** The listener of one server socket, kept for the server's lifetime. */
typedef struct cli_cookie_gate {
    dtls13_listener *listener;
    int fd; /**< the server's UDP socket (HelloRetryRequests go out through it) */
    const cli_report *report;
    bool verbose; /**< log each decision (-v) */
} cli_cookie_gate;

/** What cli_cookie_gate_admit() did with a datagram. */
typedef enum cli_cookie_verdict {
    CLI_COOKIE_HANDLED = 0,  /**< answered with a HelloRetryRequest, or dropped: nothing more to do */
    CLI_COOKIE_ACCEPTED = 1, /**< create the connection with dtls13_listener_accept_ex() from it */
} cli_cookie_verdict;

/** Creates the listener (DTLS13_COOKIE_ALWAYS) for cfg on socket fd.
 *  Returns false (reported as an error event) when that fails. */
bool cli_cookie_gate_init(cli_cookie_gate *g, dtls13_config *cfg, int fd, const cli_report *report, bool verbose);

/** Frees the listener. */
void cli_cookie_gate_free(cli_cookie_gate *g);

/** Passes one datagram from peer through dtls13_listen() at now_ms:
 *  sends the HelloRetryRequest to peer and prints a "hello_retry" event,
 *  or logs why it was dropped (-v), or says it is accepted. addr_key is
 *  the peer's stable address encoding (cli_udp_address_key()), which the
 *  cookie binds. */
cli_cookie_verdict cli_cookie_gate_admit(cli_cookie_gate *g, const uint8_t *datagram, size_t len,
                                         const struct sockaddr_storage *peer, socklen_t peer_len,
                                         const unsigned char *addr_key, size_t addr_key_len, uint64_t now_ms);

#endif
