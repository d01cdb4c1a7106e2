/*
 * nss_peer: an independent DTLS 1.3 peer built on Mozilla NSS, for interop
 * tests against libdtls13's `dtls13` command-line tool.
 *
 * It is a DTLS 1.3 client or server on one UDP address. It prints one JSON
 * object per line in the same shape as `dtls13 --json`:
 *   {"event":"listening","port":N}                        (server, once bound)
 *   {"event":"handshake","version":"DTLS1.3","cipher":...,"group":...,
 *    "srtp_profile":...,"peer_fingerprint":"sha-256 AA:..","exported":"hex",
 *    "handshake_ms":N}
 *   {"event":"data","text":"..."}
 *   {"event":"close_notify"}                              (peer closed)
 *   {"event":"secret","epoch":N,"direction":"read|write","secret":"hex"}
 *                                        (with --secrets: TLS 1.3 traffic secrets,
 *                                         to tell key-schedule from record-layer bugs)
 *   {"event":"error","where":...,"code":N,"name":"SSL_ERROR_..."}  (exit 1)
 *
 * Usage:
 *   nss_peer client|server --addr HOST:PORT --db DIR --nickname N
 *            [--cipher NAME] [--groups NAME[,NAME...]]
 *            [--srtp PROFILE[,PROFILE...]] [--export LABEL:LEN]
 *            [--send TEXT] [--echo] [--require-client-auth]
 *            [--peer-fingerprint "sha-256 HEX"] [--tickets] [--secrets]
 *            [--hello-retry] [--timeout-ms N]
 *
 * --hello-retry (server): answer the first ClientHello with a
 * HelloRetryRequest carrying NSS's cookie (SSL_HelloRetryRequestCallback,
 * our token inside it) and accept the second only if it echoes that token:
 * NSS's counterpart of `dtls13 server --cookie always`, so the harness's
 * cookie cases are proven NSS <-> NSS too.
 *
 * The certificate database DIR (sql: format) must hold a certificate and
 * private key under the nickname N; the interop test creates it with certutil.
 * The peer accepts any certificate from the other side (self-signed, as in
 * WebRTC), records its SHA-256 fingerprint and, when --peer-fingerprint is
 * given, rejects a certificate whose fingerprint does not match.
 *
 * The configuration follows what Firefox's WebRTC DTLS layer does: DTLS 1.3
 * only, no session cache and no session tickets unless --tickets is given.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nspr.h>
#include <private/pprio.h>
#include <nss.h>
#include <pk11pub.h>
#include <cert.h>
#include <keyhi.h>
#include <ssl.h>
#include <sslexp.h>
#include <sslproto.h>
#include <sslerr.h>

#define NSS_PEER_MAX_GROUPS 8
#define NSS_PEER_MAX_SRTP 8
#define NSS_PEER_MAX_EXPORT 255
#define NSS_PEER_FP_LEN (8 + 32 * 3)
#define NSS_PEER_POLL_MAX_MS 50

/* RFC 7714 AEAD SRTP profiles; NSS 3.87's sslproto.h does not name them. */
#ifndef SRTP_AEAD_AES_128_GCM
#define SRTP_AEAD_AES_128_GCM 0x0007
#endif
#ifndef SRTP_AEAD_AES_256_GCM
#define SRTP_AEAD_AES_256_GCM 0x0008
#endif

/* A name ↔ code-point pair for the tables below. */
struct name_code {
    const char *name;
    unsigned code;
};

static const struct name_code cipher_names[] = {
    { "TLS_AES_128_GCM_SHA256", TLS_AES_128_GCM_SHA256 },
    { "TLS_AES_256_GCM_SHA384", TLS_AES_256_GCM_SHA384 },
    { "TLS_CHACHA20_POLY1305_SHA256", TLS_CHACHA20_POLY1305_SHA256 },
    { NULL, 0 }
};

static const struct name_code group_names[] = {
    { "x25519", ssl_grp_ec_curve25519 },
    { "secp256r1", ssl_grp_ec_secp256r1 },
    { "secp384r1", ssl_grp_ec_secp384r1 },
    { "secp521r1", ssl_grp_ec_secp521r1 },
    { "ffdhe2048", ssl_grp_ffdhe_2048 },
    { "ffdhe3072", ssl_grp_ffdhe_3072 },
    { "ffdhe4096", ssl_grp_ffdhe_4096 },
    { NULL, 0 }
};

static const struct name_code srtp_names[] = {
    { "SRTP_AES128_CM_SHA1_80", SRTP_AES128_CM_HMAC_SHA1_80 },
    { "SRTP_AES128_CM_SHA1_32", SRTP_AES128_CM_HMAC_SHA1_32 },
    { "SRTP_AEAD_AES_128_GCM", SRTP_AEAD_AES_128_GCM },
    { "SRTP_AEAD_AES_256_GCM", SRTP_AEAD_AES_256_GCM },
    { NULL, 0 }
};

/* Command-line configuration. */
struct peer_options {
    int is_server;
    const char *addr;
    const char *db;
    const char *nickname;
    const char *cipher;          /* NULL: NSS defaults for TLS 1.3 */
    PRUint16 cipher_code;
    SSLNamedGroup groups[NSS_PEER_MAX_GROUPS];
    unsigned group_count;        /* 0: NSS defaults */
    PRUint16 srtp[NSS_PEER_MAX_SRTP];
    unsigned srtp_count;         /* 0: no use_srtp */
    char export_label[128];
    unsigned export_len;         /* 0: no export */
    const char *send_text;
    int echo;
    int require_client_auth;
    const char *peer_fingerprint;
    int tickets;
    int secrets;
    int hello_retry;
    long timeout_ms;
};

/* State shared with the NSS callbacks. */
struct peer_state {
    const struct peer_options *opt;
    char peer_fp[NSS_PEER_FP_LEN + 1];
    int fingerprint_mismatch;
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static const char *name_for(const struct name_code *table, unsigned code)
{
    for (; table->name != NULL; table++)
        if (table->code == code)
            return table->name;
    return "unknown";
}

static int code_for(const struct name_code *table, const char *name, size_t len,
                    unsigned *code)
{
    for (; table->name != NULL; table++) {
        if (strlen(table->name) == len && strncasecmp(table->name, name, len) == 0) {
            *code = table->code;
            return 0;
        }
    }
    return -1;
}

/* Prints s as a JSON string literal (with quotes). */
static void print_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void print_data_event(const char *buf, int len)
{
    char text[4097];
    int n = len < (int)sizeof(text) - 1 ? len : (int)sizeof(text) - 1;
    memcpy(text, buf, (size_t)n);
    text[n] = '\0';
    printf("{\"event\":\"data\",\"text\":");
    print_json_string(text);
    printf(",\"bytes\":%d}\n", len);
    fflush(stdout);
}

/* Prints an error event for the current NSPR/NSS error and returns 1. */
static int fail(const char *where)
{
    PRErrorCode err = PR_GetError();
    const char *name = PR_ErrorToName(err);
    printf("{\"event\":\"error\",\"where\":");
    print_json_string(where);
    printf(",\"code\":%d,\"name\":", (int)err);
    print_json_string(name != NULL ? name : "unknown");
    printf("}\n");
    fflush(stdout);
    return 1;
}

static int fail_message(const char *where, const char *message)
{
    printf("{\"event\":\"error\",\"where\":");
    print_json_string(where);
    printf(",\"message\":");
    print_json_string(message);
    printf("}\n");
    fflush(stdout);
    return 1;
}

static void usage(void)
{
    fprintf(stderr,
        "usage: nss_peer client|server --addr HOST:PORT --db DIR --nickname N\n"
        "       [--cipher NAME] [--groups NAME[,NAME...]] [--srtp P[,P...]]\n"
        "       [--export LABEL:LEN] [--send TEXT] [--echo] [--require-client-auth]\n"
        "       [--peer-fingerprint \"sha-256 HEX\"] [--tickets] [--secrets]\n"
        "       [--hello-retry] [--timeout-ms N]\n");
}

/* Parses a comma-separated list of names from table into codes. */
static int parse_list(const struct name_code *table, const char *list,
                      unsigned *codes, unsigned max, unsigned *count)
{
    *count = 0;
    const char *p = list;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (*count == max || code_for(table, p, len, &codes[*count]) != 0) {
            fprintf(stderr, "nss_peer: unknown or too many names in '%s'\n", list);
            return -1;
        }
        (*count)++;
        p += len;
        if (*p == ',')
            p++;
    }
    return *count > 0 ? 0 : -1;
}

static int parse_options(int argc, char **argv, struct peer_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->timeout_ms = 10000;
    if (argc < 2)
        return -1;
    if (strcmp(argv[1], "server") == 0)
        opt->is_server = 1;
    else if (strcmp(argv[1], "client") != 0)
        return -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned codes[NSS_PEER_MAX_GROUPS];
        unsigned n = 0;
        if (strcmp(a, "--echo") == 0) {
            opt->echo = 1;
            continue;
        }
        if (strcmp(a, "--require-client-auth") == 0) {
            opt->require_client_auth = 1;
            continue;
        }
        if (strcmp(a, "--tickets") == 0) {
            opt->tickets = 1;
            continue;
        }
        if (strcmp(a, "--secrets") == 0) {
            opt->secrets = 1;
            continue;
        }
        if (strcmp(a, "--hello-retry") == 0) {
            opt->hello_retry = 1;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--addr") == 0) {
            opt->addr = v;
        } else if (strcmp(a, "--db") == 0) {
            opt->db = v;
        } else if (strcmp(a, "--nickname") == 0) {
            opt->nickname = v;
        } else if (strcmp(a, "--cipher") == 0) {
            unsigned code;
            if (code_for(cipher_names, v, strlen(v), &code) != 0)
                return -1;
            opt->cipher = v;
            opt->cipher_code = (PRUint16)code;
        } else if (strcmp(a, "--groups") == 0 || strcmp(a, "--group") == 0) {
            if (parse_list(group_names, v, codes, NSS_PEER_MAX_GROUPS, &n) != 0)
                return -1;
            for (unsigned k = 0; k < n; k++)
                opt->groups[k] = (SSLNamedGroup)codes[k];
            opt->group_count = n;
        } else if (strcmp(a, "--srtp") == 0) {
            if (parse_list(srtp_names, v, codes, NSS_PEER_MAX_SRTP, &n) != 0)
                return -1;
            for (unsigned k = 0; k < n; k++)
                opt->srtp[k] = (PRUint16)codes[k];
            opt->srtp_count = n;
        } else if (strcmp(a, "--export") == 0) {
            const char *colon = strrchr(v, ':');
            if (colon == NULL || (size_t)(colon - v) >= sizeof(opt->export_label))
                return -1;
            memcpy(opt->export_label, v, (size_t)(colon - v));
            opt->export_label[colon - v] = '\0';
            long len = strtol(colon + 1, NULL, 10);
            if (len <= 0 || len > NSS_PEER_MAX_EXPORT)
                return -1;
            opt->export_len = (unsigned)len;
        } else if (strcmp(a, "--send") == 0) {
            opt->send_text = v;
        } else if (strcmp(a, "--peer-fingerprint") == 0) {
            opt->peer_fingerprint = v;
        } else if (strcmp(a, "--timeout-ms") == 0) {
            opt->timeout_ms = strtol(v, NULL, 10);
            if (opt->timeout_ms <= 0)
                return -1;
        } else {
            return -1;
        }
    }
    if (opt->addr == NULL || opt->db == NULL || opt->nickname == NULL)
        return -1;
    return 0;
}

/* Lower-case hex digits of a fingerprint, colons and the "sha-256 " prefix removed. */
static void normalize_fingerprint(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    if (strncasecmp(in, "sha-256", 7) == 0)
        in += 7;
    for (; *in != '\0' && n + 1 < cap; in++) {
        char c = *in;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
            out[n++] = c;
        else if (c >= 'A' && c <= 'F')
            out[n++] = (char)(c - 'A' + 'a');
    }
    out[n] = '\0';
}

/* Accepts any certificate (WebRTC style); records its SHA-256 fingerprint. */
static SECStatus auth_certificate(void *arg, PRFileDesc *fd, PRBool check_sig,
                                  PRBool is_server)
{
    (void)check_sig;
    (void)is_server;
    struct peer_state *st = arg;
    CERTCertificate *cert = SSL_PeerCertificate(fd);
    if (cert == NULL)
        return SECFailure;
    unsigned char digest[32];
    SECStatus rv = PK11_HashBuf(SEC_OID_SHA256, digest, cert->derCert.data,
                                (PRInt32)cert->derCert.len);
    CERT_DestroyCertificate(cert);
    if (rv != SECSuccess)
        return SECFailure;
    char *p = st->peer_fp;
    p += sprintf(p, "sha-256 ");
    for (size_t i = 0; i < sizeof(digest); i++)
        p += sprintf(p, i == 0 ? "%02X" : ":%02X", digest[i]);
    if (st->opt->peer_fingerprint != NULL) {
        char want[80], got[80];
        normalize_fingerprint(st->opt->peer_fingerprint, want, sizeof(want));
        normalize_fingerprint(st->peer_fp, got, sizeof(got));
        if (strcmp(want, got) != 0) {
            st->fingerprint_mismatch = 1;
            PR_SetError(SSL_ERROR_BAD_CERTIFICATE, 0);
            return SECFailure;
        }
    }
    return SECSuccess;
}

/* Prints each (D)TLS 1.3 traffic secret as it is installed (--secrets). */
static void print_secret(PRFileDesc *fd, PRUint16 epoch, SSLSecretDirection dir,
                         PK11SymKey *secret, void *arg)
{
    (void)fd;
    (void)arg;
    printf("{\"event\":\"secret\",\"epoch\":%u,\"direction\":\"%s\",\"secret\":\"",
           (unsigned)epoch, dir == ssl_secret_read ? "read" : "write");
    if (PK11_ExtractKeyValue(secret) == SECSuccess) {
        const SECItem *raw = PK11_GetKeyData(secret);
        for (unsigned i = 0; raw != NULL && i < raw->len; i++)
            printf("%02x", raw->data[i]);
    }
    printf("\"}\n");
    fflush(stdout);
}

/* Looks up our certificate and key by nickname. */
static int find_identity(const char *nickname, CERTCertificate **cert,
                         SECKEYPrivateKey **key)
{
    *cert = PK11_FindCertFromNickname(nickname, NULL);
    if (*cert == NULL)
        return -1;
    *key = PK11_FindKeyByAnyCert(*cert, NULL);
    if (*key == NULL) {
        CERT_DestroyCertificate(*cert);
        *cert = NULL;
        return -1;
    }
    return 0;
}

static SECStatus client_auth_data(void *arg, PRFileDesc *fd, CERTDistNames *ca_names,
                                  CERTCertificate **ret_cert, SECKEYPrivateKey **ret_key)
{
    (void)fd;
    (void)ca_names;
    const struct peer_state *st = arg;
    return find_identity(st->opt->nickname, ret_cert, ret_key) == 0 ? SECSuccess
                                                                     : SECFailure;
}

/* Resolves HOST:PORT (IPv4 or [IPv6]:PORT) into a socket address. */
static int resolve(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    if (colon == NULL || (size_t)(colon - addr) >= sizeof(host))
        return -1;
    const char *h = addr;
    size_t hl = (size_t)(colon - addr);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0 || res == NULL)
        return -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int port_of(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)ss)->sin_port);
    return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/*
 * Opens the UDP socket. A client connects it to the server. A server binds,
 * announces its port, waits for the first datagram and connects the socket to
 * its sender, because NSS's DTLS sends with PR_Send on a connected socket.
 */
static int open_udp(const struct peer_options *opt, long deadline)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    if (resolve(opt->addr, &ss, &len) != 0) {
        fail_message("resolve", opt->addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        fail_message("socket", strerror(errno));
        return -1;
    }
    if (!opt->is_server) {
        if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
            fail_message("connect", strerror(errno));
            close(fd);
            return -1;
        }
        return fd;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
        fail_message("bind", strerror(errno));
        close(fd);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof(bound);
    getsockname(fd, (struct sockaddr *)&bound, &blen);
    printf("{\"event\":\"listening\",\"port\":%d}\n", port_of(&bound));
    fflush(stdout);
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) {
            fail_message("accept", "timeout waiting for the first datagram");
            close(fd);
            return -1;
        }
        struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 };
        if (poll(&pfd, 1, (int)left) > 0)
            break;
    }
    struct sockaddr_storage from;
    socklen_t flen = sizeof(from);
    char probe[1];
    if (recvfrom(fd, probe, sizeof(probe), MSG_PEEK, (struct sockaddr *)&from, &flen) < 0 ||
        connect(fd, (struct sockaddr *)&from, flen) != 0) {
        fail_message("connect", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The token nss_peer --hello-retry puts into NSS's HelloRetryRequest cookie. */
static const char hello_retry_token[] = "nss_peer cookie";

/* --hello-retry: a HelloRetryRequest for the first ClientHello; the second
 * must carry our token back in the cookie. Prints what happened. */
static SSLHelloRetryRequestAction PR_CALLBACK hello_retry_callback(
    PRBool first_hello, const PRUint8 *client_token, unsigned int client_token_len, PRUint8 *retry_token,
    unsigned int *retry_token_len, unsigned int retry_token_max, void *arg)
{
    (void)arg;
    size_t len = sizeof(hello_retry_token) - 1;
    if (first_hello) {
        if (retry_token_max < len)
            return ssl_hello_retry_fail;
        memcpy(retry_token, hello_retry_token, len);
        *retry_token_len = (unsigned int)len;
        printf("{\"event\":\"hello_retry\",\"reason\":\"cookie\"}\n");
        fflush(stdout);
        return ssl_hello_retry_request;
    }
    int echoed = client_token_len == len && memcmp(client_token, hello_retry_token, len) == 0;
    printf("{\"event\":\"log\",\"level\":\"info\",\"message\":\"listener: second ClientHello %s\"}\n",
           echoed ? "with a valid cookie accepted" : "without our cookie refused");
    fflush(stdout);
    return echoed ? ssl_hello_retry_accept : ssl_hello_retry_fail;
}

/* Applies every SSL option to the DTLS socket. */
static int configure_ssl(PRFileDesc *ssl, struct peer_state *st)
{
    const struct peer_options *opt = st->opt;
    SSLVersionRange range = { SSL_LIBRARY_VERSION_DTLS_1_3, SSL_LIBRARY_VERSION_DTLS_1_3 };
    if (SSL_OptionSet(ssl, SSL_SECURITY, PR_TRUE) != SECSuccess ||
        SSL_OptionSet(ssl, SSL_NO_CACHE, opt->tickets ? PR_FALSE : PR_TRUE) != SECSuccess ||
        SSL_OptionSet(ssl, SSL_ENABLE_SESSION_TICKETS, opt->tickets ? PR_TRUE : PR_FALSE) !=
            SECSuccess ||
        SSL_VersionRangeSet(ssl, &range) != SECSuccess)
        return fail("options");
    if (opt->cipher != NULL) {
        for (PRUint16 i = 0; i < SSL_NumImplementedCiphers; i++)
            SSL_CipherPrefSet(ssl, SSL_ImplementedCiphers[i], PR_FALSE);
        if (SSL_CipherPrefSet(ssl, opt->cipher_code, PR_TRUE) != SECSuccess)
            return fail("cipher");
    }
    if (opt->group_count > 0 &&
        SSL_NamedGroupConfig(ssl, opt->groups, opt->group_count) != SECSuccess)
        return fail("groups");
    if (opt->srtp_count > 0 && SSL_SetSRTPCiphers(ssl, opt->srtp, opt->srtp_count) != SECSuccess)
        return fail("srtp");
    if (opt->secrets && SSL_SecretCallback(ssl, print_secret, NULL) != SECSuccess)
        return fail("secret callback");
    if (SSL_AuthCertificateHook(ssl, auth_certificate, st) != SECSuccess)
        return fail("auth hook");
    if (opt->is_server) {
        CERTCertificate *cert = NULL;
        SECKEYPrivateKey *key = NULL;
        if (find_identity(opt->nickname, &cert, &key) != 0)
            return fail_message("identity", "certificate or key not found in the database");
        SECStatus rv = SSL_ConfigServerCert(ssl, cert, key, NULL, 0);
        CERT_DestroyCertificate(cert);
        SECKEY_DestroyPrivateKey(key);
        if (rv != SECSuccess)
            return fail("server cert");
        if (opt->hello_retry && SSL_HelloRetryRequestCallback(ssl, hello_retry_callback, NULL) != SECSuccess)
            return fail("hello retry callback");
        if (opt->require_client_auth &&
            (SSL_OptionSet(ssl, SSL_REQUEST_CERTIFICATE, PR_TRUE) != SECSuccess ||
             SSL_OptionSet(ssl, SSL_REQUIRE_CERTIFICATE, SSL_REQUIRE_ALWAYS) != SECSuccess))
            return fail("client auth");
    } else if (SSL_GetClientAuthDataHook(ssl, client_auth_data, st) != SECSuccess) {
        return fail("client auth hook");
    }
    if (SSL_ResetHandshake(ssl, opt->is_server ? PR_TRUE : PR_FALSE) != SECSuccess)
        return fail("reset handshake");
    return 0;
}

/* Waits until the socket is readable, the DTLS timer fires, or 50 ms pass. */
static void wait_readable(PRFileDesc *ssl)
{
    PRIntervalTime timer;
    PRUint32 ms = NSS_PEER_POLL_MAX_MS;
    if (DTLS_GetHandshakeTimeout(ssl, &timer) == SECSuccess) {
        PRUint32 t = PR_IntervalToMilliseconds(timer);
        if (t < ms)
            ms = t;
    }
    PRPollDesc pd = { .fd = ssl, .in_flags = PR_POLL_READ, .out_flags = 0 };
    PR_Poll(&pd, 1, PR_MillisecondsToInterval(ms));
}

static int run_handshake(PRFileDesc *ssl, long deadline)
{
    for (;;) {
        if (SSL_ForceHandshake(ssl) == SECSuccess)
            return 0;
        if (PR_GetError() != PR_WOULD_BLOCK_ERROR)
            return fail("handshake");
        if (now_ms() > deadline)
            return fail_message("handshake", "timeout");
        wait_readable(ssl);
    }
}

static int print_handshake(PRFileDesc *ssl, const struct peer_state *st, long elapsed)
{
    const struct peer_options *opt = st->opt;
    SSLChannelInfo info;
    if (SSL_GetChannelInfo(ssl, &info, sizeof(info)) != SECSuccess)
        return fail("channel info");
    PRUint16 srtp = 0;
    int have_srtp = SSL_GetSRTPCipher(ssl, &srtp) == SECSuccess;
    printf("{\"event\":\"handshake\",\"version\":\"%s\",\"cipher\":\"%s\",\"group\":\"%s\"",
           info.protocolVersion == SSL_LIBRARY_VERSION_DTLS_1_3 ? "DTLS1.3" : "other",
           name_for(cipher_names, info.cipherSuite), name_for(group_names, info.keaGroup));
    if (have_srtp)
        printf(",\"srtp_profile\":\"%s\"", name_for(srtp_names, srtp));
    if (st->peer_fp[0] != '\0')
        printf(",\"peer_fingerprint\":\"%s\"", st->peer_fp);
    if (opt->export_len > 0) {
        unsigned char out[NSS_PEER_MAX_EXPORT];
        if (SSL_ExportKeyingMaterial(ssl, opt->export_label,
                                     (unsigned)strlen(opt->export_label), PR_FALSE, NULL, 0,
                                     out, opt->export_len) != SECSuccess) {
            printf("}\n");
            return fail("export");
        }
        printf(",\"exported\":\"");
        for (unsigned i = 0; i < opt->export_len; i++)
            printf("%02x", out[i]);
        printf("\"");
    }
    printf(",\"handshake_ms\":%ld}\n", elapsed);
    fflush(stdout);
    return 0;
}

static int send_text(PRFileDesc *ssl, const char *text)
{
    PRInt32 len = (PRInt32)strlen(text);
    if (PR_Write(ssl, text, len) != len)
        return fail("send");
    return 0;
}

/*
 * Application-data phase. Returns 0 when done: a client after one reply to
 * its --send text (then it closes with close_notify); either role when the
 * peer sends close_notify.
 */
static int run_data(PRFileDesc *ssl, const struct peer_options *opt, long deadline)
{
    int want_reply = !opt->is_server && opt->send_text != NULL;
    if (opt->send_text != NULL && send_text(ssl, opt->send_text) != 0)
        return 1;
    for (;;) {
        char buf[4096];
        PRInt32 n = PR_Recv(ssl, buf, sizeof(buf), 0, PR_INTERVAL_NO_WAIT);
        if (n > 0) {
            print_data_event(buf, n);
            if (opt->echo && PR_Write(ssl, buf, n) != n)
                return fail("echo");
            if (want_reply)
                return 0;
            continue;
        }
        if (n == 0) {
            printf("{\"event\":\"close_notify\"}\n");
            fflush(stdout);
            return 0;
        }
        if (PR_GetError() != PR_WOULD_BLOCK_ERROR)
            return fail("recv");
        if (now_ms() > deadline)
            return fail_message("data", "timeout");
        wait_readable(ssl);
    }
}

int main(int argc, char **argv)
{
    struct peer_options opt;
    if (parse_options(argc, argv, &opt) != 0) {
        usage();
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    long deadline = now_ms() + opt.timeout_ms;
    char dbspec[1100];
    snprintf(dbspec, sizeof(dbspec), "sql:%s", opt.db);
    if (NSS_Initialize(dbspec, "", "", "", NSS_INIT_READONLY) != SECSuccess)
        return fail("NSS_Initialize");
    NSS_SetDomesticPolicy();
    if (opt.is_server && SSL_ConfigServerSessionIDCache(0, 0, 0, NULL) != SECSuccess)
        return fail("session cache");

    struct peer_state st;
    memset(&st, 0, sizeof(st));
    st.opt = &opt;
    int rc = 1;
    int fd = open_udp(&opt, deadline);
    if (fd < 0)
        goto out_nss;
    long start = now_ms();
    PRFileDesc *udp = PR_ImportUDPSocket(fd);
    if (udp == NULL) {
        close(fd);
        rc = fail("PR_ImportUDPSocket");
        goto out_nss;
    }
    PRSocketOptionData nonblock = { .option = PR_SockOpt_Nonblocking };
    nonblock.value.non_blocking = PR_TRUE;
    PR_SetSocketOption(udp, &nonblock);
    PRFileDesc *ssl = DTLS_ImportFD(NULL, udp);
    if (ssl == NULL) {
        PR_Close(udp);
        rc = fail("DTLS_ImportFD");
        goto out_nss;
    }
    if (configure_ssl(ssl, &st) == 0 && run_handshake(ssl, deadline) == 0 &&
        print_handshake(ssl, &st, now_ms() - start) == 0 &&
        run_data(ssl, &opt, deadline) == 0)
        rc = 0;
    if (st.fingerprint_mismatch)
        fail_message("auth", "peer fingerprint mismatch");
    PR_Close(ssl); /* sends close_notify if the handshake completed */
out_nss:
    SSL_ClearSessionCache();
    if (opt.is_server)
        SSL_ShutdownServerSessionIDCache();
    NSS_Shutdown();
    PR_Cleanup();
    return rc;
}
