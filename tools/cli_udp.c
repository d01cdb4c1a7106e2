/* UDP socket helpers (IPv4 and IPv6 through getaddrinfo). */
#define _GNU_SOURCE /* SO_RCVBUFFORCE, SO_SNDBUFFORCE */
#include "cli_udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool cli_udp_split(const char *address, char *host, size_t host_cap, char *port, size_t port_cap,
                   char *err, size_t err_len)
{
    const char *host_start = address, *host_end, *port_start;
    if (address[0] == '[') {
        const char *close = strchr(address, ']');
        if (close == NULL || close[1] != ':') {
            snprintf(err, err_len, "bad address '%s': expected [IPv6]:PORT", address);
            return false;
        }
        host_start = address + 1;
        host_end = close;
        port_start = close + 2;
    } else {
        const char *colon = strrchr(address, ':');
        if (colon == NULL) {
            snprintf(err, err_len, "bad address '%s': expected HOST:PORT", address);
            return false;
        }
        if (strchr(address, ':') != colon) {
            snprintf(err, err_len, "bad address '%s': write IPv6 addresses as [ADDR]:PORT", address);
            return false;
        }
        host_end = colon;
        port_start = colon + 1;
    }
    size_t host_len = (size_t)(host_end - host_start);
    size_t port_len = strlen(port_start);
    if (host_len >= host_cap || port_len == 0 || port_len >= port_cap) {
        snprintf(err, err_len, "bad address '%s': expected HOST:PORT", address);
        return false;
    }
    for (size_t i = 0; i < port_len; i++) {
        if (port_start[i] < '0' || port_start[i] > '9') {
            snprintf(err, err_len, "bad port '%s' in '%s'", port_start, address);
            return false;
        }
    }
    if (port_len > 5 || (port_len == 5 && strcmp(port_start, "65535") > 0)) {
        snprintf(err, err_len, "port out of range in '%s'", address);
        return false;
    }
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    memcpy(port, port_start, port_len + 1);
    return true;
}

/* Makes fd non-blocking and close-on-exec. */
static bool set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return false;
    return fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

/* Resolves address for a UDP socket; passive for listening. */
static struct addrinfo *resolve(const char *address, bool passive, char *err, size_t err_len)
{
    char host[256], port[8];
    if (!cli_udp_split(address, host, sizeof host, port, sizeof port, err, err_len)) return NULL;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    const char *node = host;
    if (host[0] == '\0' || strcmp(host, "*") == 0) {
        node = passive ? NULL : "localhost";
        if (passive) hints.ai_family = AF_INET6; /* dual-stack "::" */
    }
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(node, port, &hints, &res);
    if (rc != 0 && node == NULL) { /* no IPv6: fall back to 0.0.0.0 */
        hints.ai_family = AF_INET;
        rc = getaddrinfo(node, port, &hints, &res);
    }
    if (rc != 0) {
        snprintf(err, err_len, "cannot resolve '%s': %s", address, gai_strerror(rc));
        return NULL;
    }
    return res;
}

int cli_udp_listen(const char *address, char *err, size_t err_len)
{
    struct addrinfo *res = resolve(address, true, err, err_len);
    if (res == NULL) return -1;
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        if (ai->ai_family == AF_INET6) {
            int off = 0;
            (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && set_nonblocking(fd)) break;
        last_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        /* A server socket shared by many peers: room for bursts of
         * handshakes (above net.core.rmem_max only with privileges). */
        int big = 8 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    }
    if (fd < 0) snprintf(err, err_len, "cannot listen on '%s': %s", address, strerror(last_errno));
    return fd;
}

int cli_udp_connect(const char *address, char *err, size_t err_len)
{
    struct addrinfo *res = resolve(address, false, err, err_len);
    if (res == NULL) return -1;
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 && set_nonblocking(fd)) break;
        last_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) snprintf(err, err_len, "cannot connect to '%s': %s", address, strerror(last_errno));
    return fd;
}

void cli_udp_format(const struct sockaddr *addr, socklen_t len, char *out)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in in4;
        memcpy(&in4, addr, sizeof in4);
        inet_ntop(AF_INET, &in4.sin_addr, host, sizeof host);
        port = ntohs(in4.sin_port);
        snprintf(out, CLI_ADDR_TEXT_LEN, "%s:%u", host, port);
    } else if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 in6;
        memcpy(&in6, addr, sizeof in6);
        inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
        port = ntohs(in6.sin6_port);
        snprintf(out, CLI_ADDR_TEXT_LEN, "[%s]:%u", host, port);
    } else {
        snprintf(out, CLI_ADDR_TEXT_LEN, "?");
    }
}

unsigned cli_udp_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return 0;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in in4;
        memcpy(&in4, &ss, sizeof in4);
        return ntohs(in4.sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, &ss, sizeof in6);
        return ntohs(in6.sin6_port);
    }
    return 0;
}

bool cli_udp_same_peer(const struct sockaddr_storage *a, socklen_t a_len, const struct sockaddr_storage *b,
                       socklen_t b_len)
{
    if (a_len != b_len || a->ss_family != b->ss_family) return false;
    if (a->ss_family == AF_INET) {
        struct sockaddr_in x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        struct sockaddr_in6 x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return x.sin6_port == y.sin6_port && memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0 &&
               x.sin6_scope_id == y.sin6_scope_id;
    }
    return memcmp(a, b, a_len) == 0;
}

size_t cli_udp_address_key(const struct sockaddr_storage *addr, socklen_t len, unsigned char *out)
{
    if (addr->ss_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in in4;
        memcpy(&in4, addr, sizeof in4);
        out[0] = 4;
        memcpy(out + 1, &in4.sin_port, 2);
        memcpy(out + 3, &in4.sin_addr, 4);
        return 7;
    }
    if (addr->ss_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 in6;
        memcpy(&in6, addr, sizeof in6);
        out[0] = 6;
        memcpy(out + 1, &in6.sin6_port, 2);
        memcpy(out + 3, &in6.sin6_addr, 16);
        uint32_t scope = in6.sin6_scope_id;
        memcpy(out + 19, &scope, 4);
        return 23;
    }
    return 0;
}
