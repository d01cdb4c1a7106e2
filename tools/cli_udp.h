/* UDP sockets for the dtls13 tool: HOST:PORT parsing, resolution, binding. */
#ifndef DTLS13_CLI_UDP_H
#define DTLS13_CLI_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/** Longest "[address]:port" text cli_udp_format() writes, with its NUL. */
#define CLI_ADDR_TEXT_LEN 64

/** Splits "HOST:PORT", "[IPv6]:PORT" or ":PORT" into host (empty for any
 *  address) and port. Returns false (with a message in err) when malformed. */
bool cli_udp_split(const char *address, char *host, size_t host_cap, char *port, size_t port_cap,
                   char *err, size_t err_len);

/** Opens a non-blocking UDP socket bound to address ("HOST:PORT"; an
 *  empty host or "*" listens on every address, IPv6 sockets also accept
 *  IPv4). Returns the descriptor, or -1 with a message in err. */
int cli_udp_listen(const char *address, char *err, size_t err_len);

/** Opens a non-blocking UDP socket connected to address (the first
 *  resolved address family that works). Returns the descriptor, or -1 with
 *  a message in err. */
int cli_udp_connect(const char *address, char *err, size_t err_len);

/** Writes "a.b.c.d:port" or "[v6]:port" into out (CLI_ADDR_TEXT_LEN bytes). */
void cli_udp_format(const struct sockaddr *addr, socklen_t len, char *out);

/** Local port the socket is bound to, or 0. */
unsigned cli_udp_local_port(int fd);

/** Whether two socket addresses are the same address and port. */
bool cli_udp_same_peer(const struct sockaddr_storage *a, socklen_t a_len, const struct sockaddr_storage *b,
                       socklen_t b_len);

/** Longest key cli_udp_address_key() writes: family, port, IPv6 address, scope id. */
#define CLI_ADDR_KEY_LEN 23

/** Writes a stable encoding of addr's family, port and address (and IPv6
 *  scope id) into out (CLI_ADDR_KEY_LEN bytes), so that two sockaddrs of
 *  the same peer give the same bytes whatever their padding. Returns its
 *  length, or 0 for an unsupported or truncated address. */
size_t cli_udp_address_key(const struct sockaddr_storage *addr, socklen_t len, unsigned char *out);

#endif
