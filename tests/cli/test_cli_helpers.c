/* Unit tests of the dtls13 tool's helpers: option parsing, JSON escaping,
 * address splitting. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "cli_options.h"
#include "cli_udp.h"
#include "test.h"

/* Parses a NULL-terminated argument list. */
static cli_parse_result parse(cli_options *o, char *err, size_t err_len, const char **args)
{
    char *argv[40];
    int argc = 0;
    argv[argc++] = (char *)"dtls13";
    for (; *args != NULL && argc < 39; args++) argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return cli_parse_options(argc, argv, o, err, err_len);
}

static void test_options_valid(d13_test_state *t)
{
    cli_options o;
    char err[300];
    const char *server[] = {"server", "--listen", "127.0.0.1:4444", "--ciphers",
                            "TLS_CHACHA20_POLY1305_SHA256,TLS_AES_128_GCM_SHA256", "--groups=P-256,x25519",
                            "--srtp", "SRTP_AES128_CM_HMAC_SHA1_80,SRTP_AEAD_AES_256_GCM", "--export",
                            "EXPERIMENTAL:my:label:32", "--mtu", "1400", "--initial-timeout-ms", "100",
                            "--echo", "--once", "--json", "--no-client-auth", "--draft43", NULL};
    CHECK_EQ(parse(&o, err, sizeof err, server), CLI_PARSE_OK);
    CHECK_EQ(o.mode, CLI_MODE_SERVER);
    CHECK(strcmp(o.address, "127.0.0.1:4444") == 0);
    CHECK_EQ(o.cipher_count, 2);
    CHECK_EQ(o.ciphers[0], 0x1303);
    CHECK_EQ(o.ciphers[1], 0x1301);
    CHECK_EQ(o.group_count, 2);
    CHECK_EQ(o.groups[0], 0x0017);
    CHECK_EQ(o.groups[1], 0x001d);
    CHECK(o.srtp_set);
    CHECK_EQ(o.srtp_count, 2);
    CHECK_EQ(o.srtp[0], 0x0001);
    CHECK_EQ(o.srtp[1], 0x0008);
    CHECK(o.export_set);
    CHECK(strcmp(o.export_label, "EXPERIMENTAL:my:label") == 0);
    CHECK_EQ(o.export_len, 32);
    CHECK_EQ(o.mtu, 1400);
    CHECK_EQ(o.initial_timeout_ms, 100);
    CHECK_EQ(o.timeout_ms, CLI_DEFAULT_TIMEOUT_MS);
    CHECK(o.echo && o.once && o.json && o.no_client_auth && o.draft43);

    const char *client[] = {"client", "--connect", "[::1]:5000", "--send", "hello", "--peer-fingerprint",
                            "sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
                            "--srtp", "none", NULL};
    CHECK_EQ(parse(&o, err, sizeof err, client), CLI_PARSE_OK);
    CHECK_EQ(o.mode, CLI_MODE_CLIENT);
    CHECK(strcmp(o.send_text, "hello") == 0);
    CHECK(o.peer_fingerprint != NULL);
    CHECK(o.srtp_set);
    CHECK_EQ(o.srtp_count, 0);

    CHECK_EQ(o.cookie, CLI_COOKIE_NEVER); /* the default keeps the direct path */
    const char *cookie_always[] = {"server", "--listen", ":4444", "--cookie", "always", NULL};
    CHECK_EQ(parse(&o, err, sizeof err, cookie_always), CLI_PARSE_OK);
    CHECK_EQ(o.cookie, CLI_COOKIE_ALWAYS);
    const char *cookie_never[] = {"server", "--listen", ":4444", "--cookie=always", "--cookie=never", NULL};
    CHECK_EQ(parse(&o, err, sizeof err, cookie_never), CLI_PARSE_OK);
    CHECK_EQ(o.cookie, CLI_COOKIE_NEVER);
    const char *cookie_load[] = {"server", "--listen", ":4444", "--cookie", "under-load", NULL};
    CHECK_EQ(parse(&o, err, sizeof err, cookie_load), CLI_PARSE_OK);
    CHECK_EQ(o.cookie, CLI_COOKIE_UNDER_LOAD);

    const char *help[] = {"server", "--help", NULL};
    CHECK_EQ(parse(&o, err, sizeof err, help), CLI_PARSE_HELP);
}

static void test_options_invalid(d13_test_state *t)
{
    cli_options o;
    char err[300];
    const char *cases[][8] = {
        {NULL},
        {"serve", "--listen", "1.2.3.4:1", NULL},
        {"server", NULL},
        {"client", "--listen", "127.0.0.1:1", NULL},
        {"server", "--connect", "127.0.0.1:1", NULL},
        {"server", "--listen", NULL},
        {"server", "--listen", "127.0.0.1:1", "--bogus", NULL},
        {"server", "--listen", "127.0.0.1:1", "--ciphers", "TLS_AES_128_GCM_SHA256,NOPE", NULL},
        {"server", "--listen", "127.0.0.1:1", "--ciphers", "TLS_AES_128_GCM_SHA256,,x", NULL},
        {"server", "--listen", "127.0.0.1:1", "--groups", "x25519,x25519", NULL},
        {"server", "--listen", "127.0.0.1:1", "--srtp", "SRTP_NULL", NULL},
        {"server", "--listen", "127.0.0.1:1", "--export", "label", NULL},
        {"server", "--listen", "127.0.0.1:1", "--export", "label:0", NULL},
        {"server", "--listen", "127.0.0.1:1", "--export", "label:99999", NULL},
        {"server", "--listen", "127.0.0.1:1", "--mtu", "12", NULL},
        {"server", "--listen", "127.0.0.1:1", "--mtu", "1200x", NULL},
        {"server", "--listen", "127.0.0.1:1", "--cert", "a.pem", NULL},
        {"server", "--listen", "127.0.0.1:1", "--send", "x", NULL},
        {"client", "--connect", "127.0.0.1:1", "--echo", NULL},
        {"client", "--connect", "127.0.0.1:1", "--peer-fingerprint", "sha-256 00:11", NULL},
        {"client", "--connect", "127.0.0.1:1", "--peer-fingerprint", "md5 00:11", NULL},
        {"client", "--connect", "127.0.0.1:1", "--json=yes", NULL},
        {"client", "--connect", "127.0.0.1:1", "stray", NULL},
        {"client", "--connect", "localhost", NULL},
        {"server", "--listen", "::1:4000", NULL},
        {"server", "--listen", "127.0.0.1:1", "--cookie", "sometimes", NULL},
        {"server", "--listen", "127.0.0.1:1", "--cookie", NULL},
        {"client", "--connect", "127.0.0.1:1", "--cookie", "always", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = '\0';
        cli_parse_result r = parse(&o, err, sizeof err, cases[i]);
        CHECK_EQ(r, CLI_PARSE_ERROR);
        CHECK(err[0] != '\0');
        if (r != CLI_PARSE_ERROR) fprintf(stderr, "case %zu was accepted\n", i);
    }
}

/* Escapes data and compares with the expected JSON text. */
static void check_escape(d13_test_state *t, const char *data, size_t len, const char *expected)
{
    cli_json j = {NULL, 0, 0, false};
    cli_json_append_escaped(&j, (const uint8_t *)data, len);
    CHECK(!j.failed);
    CHECK(j.buf != NULL && strcmp(j.buf, expected) == 0);
    if (j.buf != NULL && strcmp(j.buf, expected) != 0) fprintf(stderr, "got %s want %s\n", j.buf, expected);
    free(j.buf);
}

static void test_json_escaping(d13_test_state *t)
{
    check_escape(t, "plain", 5, "\"plain\"");
    check_escape(t, "a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    check_escape(t, "\n\r\t\x01\x1f\x7f", 6, "\"\\n\\r\\t\\u0001\\u001f\\u007f\"");
    check_escape(t, "nul\0x", 5, "\"nul\\u0000x\"");
    check_escape(t, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    check_escape(t, "\xff", 1, "\"\\ufffd\"");
    check_escape(t, "\xc3", 1, "\"\\ufffd\"");             /* truncated sequence */
    check_escape(t, "\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");   /* overlong */
    check_escape(t, "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
    check_escape(t, "", 0, "\"\"");
}

static void test_address_split(d13_test_state *t)
{
    char host[64], port[8], err[200];
    CHECK(cli_udp_split("127.0.0.1:443", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(strcmp(host, "127.0.0.1") == 0 && strcmp(port, "443") == 0);
    CHECK(cli_udp_split("[::1]:0", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(strcmp(host, "::1") == 0 && strcmp(port, "0") == 0);
    CHECK(cli_udp_split(":5000", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(strcmp(host, "") == 0 && strcmp(port, "5000") == 0);
    CHECK(!cli_udp_split("::1:5000", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(!cli_udp_split("localhost", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(!cli_udp_split("host:", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(!cli_udp_split("host:65536", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(!cli_udp_split("host:12a", host, sizeof host, port, sizeof port, err, sizeof err));
    CHECK(!cli_udp_split("[::1]5000", host, sizeof host, port, sizeof port, err, sizeof err));
}

/* The address key the cookie binds: same peer, same bytes whatever the
 * sockaddr padding; another port or address, other bytes. */
static void test_address_key(d13_test_state *t)
{
    struct sockaddr_storage a, b;
    unsigned char ka[CLI_ADDR_KEY_LEN], kb[CLI_ADDR_KEY_LEN];
    struct sockaddr_in in4;
    memset(&a, 0xAA, sizeof a);
    memset(&b, 0x55, sizeof b);
    memset(&in4, 0, sizeof in4);
    in4.sin_family = AF_INET;
    in4.sin_port = htons(5000);
    inet_pton(AF_INET, "192.0.2.7", &in4.sin_addr);
    memcpy(&a, &in4, sizeof in4);
    memset(in4.sin_zero, 0x33, sizeof in4.sin_zero); /* padding differs */
    memcpy(&b, &in4, sizeof in4);
    size_t la = cli_udp_address_key(&a, sizeof in4, ka), lb = cli_udp_address_key(&b, sizeof in4, kb);
    CHECK_EQ(la, 7);
    CHECK(la == lb && memcmp(ka, kb, la) == 0);
    CHECK_MEM(ka, "\x04\x13\x88\xc0\x00\x02\x07", 7);
    in4.sin_port = htons(5001);
    memcpy(&b, &in4, sizeof in4);
    lb = cli_udp_address_key(&b, sizeof in4, kb);
    CHECK(la == lb && memcmp(ka, kb, la) != 0);
    CHECK_EQ(cli_udp_address_key(&a, sizeof in4 - 1, ka), 0); /* truncated */

    struct sockaddr_in6 in6;
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(443);
    inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
    memcpy(&a, &in6, sizeof in6);
    in6.sin6_flowinfo = htonl(0x12345); /* not part of the peer's identity */
    memcpy(&b, &in6, sizeof in6);
    la = cli_udp_address_key(&a, sizeof in6, ka);
    lb = cli_udp_address_key(&b, sizeof in6, kb);
    CHECK_EQ(la, CLI_ADDR_KEY_LEN);
    CHECK(la == lb && memcmp(ka, kb, la) == 0);
    in6.sin6_scope_id = 2;
    memcpy(&b, &in6, sizeof in6);
    lb = cli_udp_address_key(&b, sizeof in6, kb);
    CHECK(memcmp(ka, kb, la) != 0);

    memset(&a, 0, sizeof a);
    a.ss_family = AF_UNIX;
    CHECK_EQ(cli_udp_address_key(&a, sizeof a, ka), 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_options_valid);
    RUN_TEST(&st, test_options_invalid);
    RUN_TEST(&st, test_json_escaping);
    RUN_TEST(&st, test_address_split);
    RUN_TEST(&st, test_address_key);
    TEST_MAIN_END(&st);
}
