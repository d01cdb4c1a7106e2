/* Tests for the ClientHello and ServerHello/HelloRetryRequest codecs, and the
 * DTLS 1.2 ServerHello (no supported_versions). */
#include "dtls13/constants.h"
#include "test.h"
#include "unit/wire/rfc8448_vectors.h"
#include "unit/wire/wire_test_util.h"
#include "wire/messages.h"

static int dec_ch(const uint8_t *p, size_t n)
{
    d13_client_hello m;
    return d13_client_hello_decode(p, n, &m);
}

static int dec_sh(const uint8_t *p, size_t n)
{
    d13_server_hello m;
    return d13_server_hello_decode(p, n, &m);
}

/* The RFC 8448 Section 3 ClientHello with an empty legacy_cookie inserted. */
static size_t rfc_dtls_client_hello(const char *hex, uint8_t *out, size_t cap)
{
    uint8_t tls[600];
    size_t n = test_hex(hex, tls, sizeof tls);
    return wire_tls_to_dtls_client_hello(tls, n, out, cap);
}

static void test_hrr_random(d13_test_state *t)
{
    uint8_t want[32];
    test_hex("CF 21 AD 74 E5 9A 61 11 BE 1D 8C 02 1E 65 B8 91 C2 A2 11 16 7A BB 8C 5E 07 9E 09 E2 C8 A8 33 9C",
             want, sizeof want);
    CHECK_MEM(d13_hrr_random, want, 32);
}

static void test_rfc8448_client_hello(d13_test_state *t)
{
    uint8_t body[600];
    size_t n = rfc_dtls_client_hello(rfc8448_ch_hex, body, sizeof body);
    d13_client_hello m;
    CHECK_EQ(d13_client_hello_decode(body, n, &m), 0);
    CHECK_EQ(m.legacy_version, 0x0303);
    CHECK_EQ(m.random[0], 0xcb);
    CHECK_EQ(m.random[31], 0xe7);
    CHECK_EQ(m.legacy_session_id.len, 0);
    CHECK_EQ(m.legacy_cookie.len, 0);
    CHECK_EQ(m.num_cipher_suites, 3);
    CHECK_EQ(m.cipher_suites[0], 0x1301);
    CHECK_EQ(m.cipher_suites[1], 0x1303);
    CHECK_EQ(m.cipher_suites[2], 0x1302);
    CHECK_EQ(m.compression_methods.len, 1);
    CHECK_EQ(m.extensions_offset, 2 + 32 + 1 + 1 + 8 + 2);
    CHECK_EQ(body[m.extensions_offset], 0x00);
    CHECK_EQ(body[m.extensions_offset + 1], 0x91);
    CHECK(m.ext.present & D13_HAS_KEY_SHARE);
    CHECK_EQ(m.ext.shares[0].group, 0x001d);
    CHECK_EQ(wire_accepted_prefixes(dec_ch, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_ch, body, n), DTLS13_ALERT_DECODE_ERROR);

    /* Section 5 second ClientHello: cookie and padding. */
    n = rfc_dtls_client_hello(rfc8448_ch2_hex, body, sizeof body);
    CHECK_EQ(d13_client_hello_decode(body, n, &m), 0);
    CHECK(m.ext.present & D13_HAS_COOKIE);
    CHECK_EQ(m.ext.cookie.len, 0x72);
    CHECK_EQ(m.ext.shares[0].group, 0x0017);
    CHECK_EQ(m.ext.shares[0].key_exchange.len, 65);
    CHECK_EQ(wire_accepted_prefixes(dec_ch, body, n), 0);

    /* The TLS form (no legacy_cookie) does not parse as a DTLS ClientHello. */
    uint8_t tls[300];
    n = test_hex(rfc8448_ch_hex, tls, sizeof tls);
    CHECK(d13_client_hello_decode(tls, n, &m) != 0);
}

/* Builds a DTLS 1.3 ClientHello body through the encoder. */
static size_t build_client_hello(d13_client_hello *m, uint8_t *buf, size_t cap)
{
    static const uint8_t pub[32] = {0x42};
    memset(m, 0, sizeof *m);
    m->legacy_version = DTLS13_VERSION_DTLS12;
    for (int i = 0; i < 32; i++) m->random[i] = (uint8_t)i;
    m->cipher_suites[0] = DTLS13_TLS_AES_128_GCM_SHA256;
    m->cipher_suites[1] = DTLS13_TLS_CHACHA20_POLY1305_SHA256;
    m->num_cipher_suites = 2;
    m->ext.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_SUPPORTED_GROUPS | D13_HAS_KEY_SHARE |
                     D13_HAS_SIGNATURE_ALGORITHMS | D13_HAS_USE_SRTP;
    m->ext.versions[0] = DTLS13_VERSION_DTLS13;
    m->ext.num_versions = 1;
    m->ext.groups[0] = DTLS13_GROUP_X25519;
    m->ext.num_groups = 1;
    m->ext.shares[0].group = DTLS13_GROUP_X25519;
    m->ext.shares[0].key_exchange.p = pub;
    m->ext.shares[0].key_exchange.len = sizeof pub;
    m->ext.num_shares = 1;
    m->ext.sig_algs[0] = DTLS13_SIG_ECDSA_SECP256R1_SHA256;
    m->ext.num_sig_algs = 1;
    m->ext.srtp_profiles[0] = DTLS13_SRTP_AEAD_AES_128_GCM;
    m->ext.num_srtp_profiles = 1;
    d13_writer w;
    d13_writer_init(&w, buf, cap);
    if (!d13_client_hello_encode(&w, m)) return 0;
    return d13_writer_len(&w);
}

static void test_client_hello_round_trip(d13_test_state *t)
{
    uint8_t buf[512];
    d13_client_hello in, out;
    size_t n = build_client_hello(&in, buf, sizeof buf);
    CHECK(n > 0);
    CHECK_EQ(d13_client_hello_decode(buf, n, &out), 0);
    CHECK_EQ(out.legacy_version, DTLS13_VERSION_DTLS12);
    CHECK_MEM(out.random, in.random, 32);
    CHECK_EQ(out.num_cipher_suites, 2);
    CHECK_EQ(out.cipher_suites[1], DTLS13_TLS_CHACHA20_POLY1305_SHA256);
    CHECK_EQ(out.compression_methods.len, 1); /* empty written as {0} */
    CHECK_EQ(out.compression_methods.p[0], 0);
    CHECK_EQ(out.ext.present, in.ext.present);
    CHECK_EQ(out.ext.versions[0], DTLS13_VERSION_DTLS13);
    CHECK_EQ(out.ext.srtp_profiles[0], DTLS13_SRTP_AEAD_AES_128_GCM);
    CHECK_EQ(out.extensions_offset, 2 + 32 + 1 + 1 + 6 + 2);
    CHECK_EQ(wire_accepted_prefixes(dec_ch, buf, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_ch, buf, n), DTLS13_ALERT_DECODE_ERROR);
    /* Re-encoding the decoded message gives the same bytes. */
    uint8_t again[512];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_client_hello_encode(&w, &out));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, buf, n);
    /* Writer overflow at every size. */
    for (size_t cap = 0; cap < n; cap++) {
        d13_writer_init(&w, again, cap);
        CHECK(!d13_client_hello_encode(&w, &in));
    }
}

static void test_client_hello_rejections(d13_test_state *t)
{
    uint8_t buf[512];
    d13_client_hello m, out;

    /* A non-empty legacy_cookie with DTLS 1.3 offered decodes: a client
     * offering 1.2 too echoes a HelloVerifyRequest's cookie there; the
     * server refuses it only when it chooses 1.3 (tests/unit/core/
     * test_listen12.c). */
    static const uint8_t cookie[4] = {1, 2, 3, 4};
    CHECK(build_client_hello(&m, buf, sizeof buf) > 0);
    m.legacy_cookie.p = cookie;
    m.legacy_cookie.len = sizeof cookie;
    d13_writer w;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_client_hello_encode(&w, &m));
    CHECK_EQ(d13_client_hello_decode(buf, d13_writer_len(&w), &out), 0);
    CHECK_EQ(out.legacy_cookie.len, 4);
    /* ... and in a DTLS 1.2 ClientHello. */
    m.ext.versions[0] = DTLS13_VERSION_DTLS12;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_client_hello_encode(&w, &m));
    CHECK_EQ(d13_client_hello_decode(buf, d13_writer_len(&w), &out), 0);
    CHECK_EQ(out.legacy_cookie.len, 4);

    /* Compression methods other than {0} with DTLS 1.3. */
    static const uint8_t comp[2] = {1, 0};
    build_client_hello(&m, buf, sizeof buf);
    m.compression_methods.p = comp;
    m.compression_methods.len = 2;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_client_hello_encode(&w, &m));
    CHECK_EQ(d13_client_hello_decode(buf, d13_writer_len(&w), &out),
             DTLS13_ALERT_ILLEGAL_PARAMETER);

    /* Handcrafted: session id of 33 bytes. */
    static const char *bad[] = {
        /* session id 33 */
        "fefd 0000000000000000000000000000000000000000000000000000000000000000"
        "21 000000000000000000000000000000000000000000000000000000000000000000"
        "00 0002 1301 0100 0000",
        /* odd cipher suites */
        "fefd 0000000000000000000000000000000000000000000000000000000000000000"
        "00 00 0003 130113 0100 0000",
        /* empty cipher suites */
        "fefd 0000000000000000000000000000000000000000000000000000000000000000"
        "00 00 0000 0100 0000",
        /* empty compression methods */
        "fefd 0000000000000000000000000000000000000000000000000000000000000000"
        "00 00 0002 1301 00 0000",
        /* no extensions block */
        "fefd 0000000000000000000000000000000000000000000000000000000000000000"
        "00 00 0002 1301 0100",
        /* extensions block length overruns */
        "fefd 0000000000000000000000000000000000000000000000000000000000000000"
        "00 00 0002 1301 0100 0005 0017 0000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ(wire_decode_hex(dec_ch, bad[i]), DTLS13_ALERT_DECODE_ERROR);
    /* The minimal valid one. */
    CHECK_EQ(wire_decode_hex(dec_ch, "fefd 0000000000000000000000000000000000000000000000000000000000000000"
                                     "00 00 0002 1301 0100 0000"),
             0);
    /* Extension errors propagate: duplicate extension. */
    CHECK_EQ(wire_decode_hex(dec_ch, "fefd 0000000000000000000000000000000000000000000000000000000000000000"
                                     "00 00 0002 1301 0100 0008 0017 0000 0017 0000"),
             DTLS13_ALERT_ILLEGAL_PARAMETER);

    /* 70 cipher suites: validated in full, 64 kept. */
    uint8_t big[300];
    d13_writer_init(&w, big, sizeof big);
    d13_write_u16(&w, 0xfefd);
    d13_write_zeros(&w, 32);
    d13_write_u8(&w, 0);
    d13_write_u8(&w, 0);
    d13_write_u16(&w, 140);
    for (uint16_t s = 0; s < 70; s++) d13_write_u16(&w, (uint16_t)(0x1300 + s));
    d13_write_u8(&w, 1);
    d13_write_u8(&w, 0);
    d13_write_u16(&w, 0);
    CHECK(!d13_writer_failed(&w));
    CHECK_EQ(d13_client_hello_decode(big, d13_writer_len(&w), &out), 0);
    CHECK_EQ(out.num_cipher_suites, D13_MAX_SUITES);
    CHECK(out.suites_truncated);
    CHECK_EQ(out.cipher_suites[63], 0x1300 + 63);
}

static void test_rfc8448_server_hello(d13_test_state *t)
{
    d13_server_hello m2_sh;
    uint8_t body[256];
    size_t n = test_hex(rfc8448_sh_hex, body, sizeof body);
    d13_server_hello m;
    CHECK_EQ(d13_server_hello_decode(body, n, &m), 0);
    CHECK(!m.is_hrr);
    CHECK_EQ(m.legacy_version, 0x0303);
    CHECK_EQ(m.random[0], 0xa6);
    CHECK_EQ(m.cipher_suite, 0x1301);
    CHECK_EQ(m.legacy_compression_method, 0);
    CHECK_EQ(m.ext.selected_version, 0x0304);
    CHECK_EQ(m.ext.server_share.group, 0x001d);
    CHECK_EQ(m.ext.server_share.key_exchange.len, 32);
    CHECK_EQ(m.ext.server_share.key_exchange.p[0], 0xc9);
    /* One prefix is accepted: the one that ends before the extensions block,
     * a DTLS 1.2-style ServerHello without extensions. */
    CHECK_EQ(wire_accepted_prefixes(dec_sh, body, n), 1);
    CHECK_EQ(d13_server_hello_decode(body, 2 + 32 + 1 + 2 + 1, &m2_sh), 0);
    CHECK_EQ(m2_sh.ext.present, 0);
    CHECK_EQ(wire_decode_with_trailer(dec_sh, body, n), DTLS13_ALERT_DECODE_ERROR);
    /* Re-encoding gives the RFC bytes up to extension order (the RFC puts
     * key_share first, we put supported_versions first). */
    uint8_t again[256];
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_server_hello_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, 2 + 32 + 1 + 3 + 2);
    CHECK_MEM(again + 40, body + 40 + 40, 6);  /* supported_versions */
    CHECK_MEM(again + 46, body + 40, 40);      /* key_share */

    n = test_hex(rfc8448_hrr_hex, body, sizeof body);
    CHECK_EQ(d13_server_hello_decode(body, n, &m), 0);
    CHECK(m.is_hrr);
    CHECK_EQ(m.ext.hrr_selected_group, 0x0017);
    CHECK_EQ(m.ext.cookie.len, 0x72);
    CHECK_EQ(m.ext.selected_version, 0x0304);
    CHECK_EQ(wire_accepted_prefixes(dec_sh, body, n), 0);
    /* HRR re-encoding: key_share, cookie, supported_versions in the RFC are in a
     * different order than ours, so compare by decoding again. */
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_server_hello_encode(&w, &m));
    d13_server_hello m2;
    CHECK_EQ(d13_server_hello_decode(again, d13_writer_len(&w), &m2), 0);
    CHECK(m2.is_hrr);
    CHECK_EQ(m2.ext.hrr_selected_group, 0x0017);
    CHECK_EQ(m2.ext.cookie.len, 0x72);
    CHECK_EQ(d13_writer_len(&w), n);
}

static void test_server_hello_encode(d13_test_state *t)
{
    static const uint8_t pub[2] = {0xaa, 0xbb};
    d13_server_hello in, out;
    memset(&in, 0, sizeof in);
    in.legacy_version = DTLS13_VERSION_DTLS12;
    memset(in.random, 0x5a, 32);
    in.cipher_suite = DTLS13_TLS_AES_128_GCM_SHA256;
    in.ext.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE;
    in.ext.selected_version = DTLS13_VERSION_DTLS13;
    in.ext.server_share.group = DTLS13_GROUP_X25519;
    in.ext.server_share.key_exchange.p = pub;
    in.ext.server_share.key_exchange.len = 2;
    uint8_t buf[128], want[128];
    d13_writer w;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_server_hello_encode(&w, &in));
    size_t wn = test_hex("fefd 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
                         "00 1301 00 0010 002b 0002 fefc 0033 0006 001d 0002 aabb",
                         want, sizeof want);
    CHECK_EQ(d13_writer_len(&w), wn);
    CHECK_MEM(buf, want, wn);
    CHECK_EQ(d13_server_hello_decode(buf, wn, &out), 0);
    CHECK(!out.is_hrr);

    /* is_hrr writes the special random whatever m->random holds. */
    in.is_hrr = true;
    in.ext.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE;
    in.ext.hrr_selected_group = DTLS13_GROUP_SECP256R1;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_server_hello_encode(&w, &in));
    CHECK_MEM(buf + 2, d13_hrr_random, 32);
    CHECK_EQ(d13_server_hello_decode(buf, d13_writer_len(&w), &out), 0);
    CHECK(out.is_hrr);
    CHECK_EQ(out.ext.hrr_selected_group, DTLS13_GROUP_SECP256R1);
    CHECK_EQ(wire_accepted_prefixes(dec_sh, buf, d13_writer_len(&w)), 0);
}

static void test_server_hello_rejections(d13_test_state *t)
{
    const char *rnd = "0101010101010101010101010101010101010101010101010101010101010101";
    char hex[400];
    /* Non-zero compression method. */
    snprintf(hex, sizeof hex, "fefd %s 00 1301 01 0006 002b0002fefc", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_ILLEGAL_PARAMETER);
    /* Session id echo of 33 bytes. */
    snprintf(hex, sizeof hex, "fefd %s 21 %s00 1301 00 0006 002b0002fefc", rnd, rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
    /* Missing extensions: legal in a (DTLS 1.2) ServerHello, not in an HRR. */
    snprintf(hex, sizeof hex, "fefd %s 00 1301 00", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), 0);
    snprintf(hex, sizeof hex,
             "fefd cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c 00 1301 00");
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
    /* A cookie in a DTLS 1.3 ServerHello is misplaced, in a 1.2 one unsolicited ... */
    snprintf(hex, sizeof hex, "fefd %s 00 1301 00 000e 002b 0002 fefc 002c 0004 0002 abcd", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_ILLEGAL_PARAMETER);
    snprintf(hex, sizeof hex, "fefd %s 00 1301 00 0008 002c 0004 0002 abcd", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_UNSUPPORTED_EXTENSION);
    /* ... but fine in a HelloRetryRequest. */
    snprintf(hex, sizeof hex,
             "fefd cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c 00 1301 00 "
             "0008 002c 0004 0002 abcd");
    CHECK_EQ(wire_decode_hex(dec_sh, hex), 0);
    /* An unknown extension in a ServerHello. */
    snprintf(hex, sizeof hex, "fefd %s 00 1301 00 0004 fafa 0000", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_UNSUPPORTED_EXTENSION);
    /* A full key share entry in an HRR. */
    snprintf(hex, sizeof hex,
             "fefd cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c 00 1301 00 "
             "000a 0033 0006 001d 0002 abcd");
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
}

/* A DTLS 1.2 ServerHello captured from OpenSSL 3.0.19 (openssl s_server
 * -dtls1_2 -use_srtp SRTP_AES128_CM_SHA1_80 answering s_client -dtls1_2
 * -no_ticket -use_srtp ...): 32-byte session id, ECDHE-ECDSA-AES256-GCM,
 * renegotiation_info, ec_point_formats {0,1,2}, use_srtp, EMS. */
static const char openssl_sh12_hex[] =
    "fefd77c553fa6fee4e4a9a26c1674eba1d23d1bc1c63e0a73b693c6053d9e606f39e200848fceffffb45d4bcb6dd"
    "62e3d71c55fcd62f018f9a89ee9e02d6c9900fbf66c02c00001aff01000100000b000403000102000e0005000200"
    "010000170000";
/* The same server answering a client that offered session tickets: its
 * session_ticket extension is one we never offer. */
static const char openssl_sh12_ticket_hex[] =
    "fefd9560ef4f9c4a2753a043b4223449edc1bc0e0707984fca5c2216a0f0073e441600c02c000015ff01000100000b"
    "0004030001020023000000170000";

static void test_server_hello12(d13_test_state *t)
{
    const char *rnd = "0101010101010101010101010101010101010101010101010101010101010101";
    char hex[400];
    uint8_t body[256], again[256];
    size_t n = test_hex(openssl_sh12_hex, body, sizeof body);
    d13_server_hello m, m2;
    CHECK_EQ(d13_server_hello_decode(body, n, &m), 0);
    CHECK(!m.is_hrr);
    CHECK_EQ(m.legacy_version, DTLS13_VERSION_DTLS12);
    CHECK_EQ(m.legacy_session_id_echo.len, 32);
    CHECK_EQ(m.cipher_suite, DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
    CHECK_EQ(m.ext.present, D13_HAS_RENEGOTIATION_INFO | D13_HAS_EC_POINT_FORMATS |
                                D13_HAS_USE_SRTP | D13_HAS_EXTENDED_MASTER_SECRET);
    CHECK_EQ(m.ext.renegotiation_info.len, 0);
    CHECK_EQ(m.ext.ec_point_formats.len, 3);
    CHECK_EQ(m.ext.num_srtp_profiles, 1);
    CHECK_EQ(m.ext.srtp_profiles[0], DTLS13_SRTP_AES128_CM_SHA1_80);
    CHECK_EQ(m.ext.srtp_mki.len, 0);
    CHECK_EQ(wire_accepted_prefixes(dec_sh, body, n), 1); /* the one without extensions */
    CHECK_EQ(wire_decode_with_trailer(dec_sh, body, n), DTLS13_ALERT_DECODE_ERROR);
    /* Re-encoded as a 1.2 ServerHello: same size, same content (our order). */
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d13_server_hello_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, 2 + 32 + 1 + 32 + 3);
    CHECK_EQ(d13_server_hello_decode(again, n, &m2), 0);
    CHECK_EQ(m2.ext.present, m.ext.present);
    CHECK_EQ(m2.ext.ec_point_formats.len, 3);
    CHECK_EQ(wire_decode_hex(dec_sh, openssl_sh12_ticket_hex), DTLS13_ALERT_UNSUPPORTED_EXTENSION);

    /* Without an extensions block, and with an empty one. */
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00", rnd);
    n = test_hex(hex, body, sizeof body);
    CHECK_EQ(d13_server_hello_decode(body, n, &m), 0);
    CHECK(!m.is_hrr);
    CHECK_EQ(m.ext.present, 0);
    CHECK_EQ(m.cipher_suite, DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 0000", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), 0);
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 01", rnd); /* compression still checked */
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_ILLEGAL_PARAMETER);
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 00", rnd); /* half a block length */
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
    /* Each allowed extension alone. */
    static const char *allowed[] = {"0004 0017 0000", "0005 ff01 0001 00", "0006 000b 0002 0100",
                                    "0009 000e 0005 0002 0007 00"};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 %s", rnd, allowed[i]);
        CHECK_EQ(wire_decode_hex(dec_sh, hex), 0);
    }
    /* key_share (and any 1.3-only extension) in a 1.2 ServerHello. */
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 000a 0033 0006 001d 0002 abcd", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_UNSUPPORTED_EXTENSION);
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 0005 0036 0001 00", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_UNSUPPORTED_EXTENSION);
    /* supported_versions anywhere in the block makes it a 1.3 ServerHello,
     * where the 1.2 extensions are misplaced. */
    snprintf(hex, sizeof hex, "fefd %s 00 1301 00 000a 0017 0000 002b 0002 fefc", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_ILLEGAL_PARAMETER);
    snprintf(hex, sizeof hex,
             "fefd cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c 00 1301 00 "
             "0004 0017 0000");
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_ILLEGAL_PARAMETER);
    /* Malformed 1.2 extension bodies. */
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 0005 0017 0001 00", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 0006 ff01 0002 05 00", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
    snprintf(hex, sizeof hex, "fefd %s 00 c02b 00 0005 000b 0001 00", rnd);
    CHECK_EQ(wire_decode_hex(dec_sh, hex), DTLS13_ALERT_DECODE_ERROR);
}

static void test_server_hello12_encode(d13_test_state *t)
{
    static const uint8_t pub[2] = {0xaa, 0xbb};
    d13_server_hello in, out;
    memset(&in, 0, sizeof in);
    in.legacy_version = DTLS13_VERSION_DTLS12;
    memset(in.random, 0x5a, 32);
    in.cipher_suite = DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    uint8_t buf[128], want[128];
    d13_writer w;
    /* No extensions: the empty block is still written. */
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_server_hello_encode(&w, &in));
    size_t wn = test_hex("fefd 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
                         "00 c02b 00 0000",
                         want, sizeof want);
    CHECK_EQ(d13_writer_len(&w), wn);
    CHECK_MEM(buf, want, wn);
    CHECK_EQ(d13_server_hello_decode(buf, wn, &out), 0);
    CHECK_EQ(out.ext.present, 0);
    /* The 1.2 answers; a key_share in the struct is not written. */
    in.ext.present = D13_HAS_USE_SRTP | D13_HAS_EXTENDED_MASTER_SECRET |
                     D13_HAS_RENEGOTIATION_INFO | D13_HAS_EC_POINT_FORMATS | D13_HAS_KEY_SHARE;
    in.ext.srtp_profiles[0] = DTLS13_SRTP_AEAD_AES_128_GCM;
    in.ext.num_srtp_profiles = 1;
    in.ext.server_share.group = DTLS13_GROUP_X25519;
    in.ext.server_share.key_exchange.p = pub;
    in.ext.server_share.key_exchange.len = sizeof pub;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_server_hello_encode(&w, &in));
    wn = test_hex("fefd 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
                  "00 c02b 00 0018 000e 0005 0002 0007 00 0017 0000 ff01 0001 00 000b 0002 0100",
                  want, sizeof want);
    CHECK_EQ(d13_writer_len(&w), wn);
    CHECK_MEM(buf, want, wn);
    CHECK_EQ(d13_server_hello_decode(buf, wn, &out), 0);
    CHECK_EQ(out.ext.present, in.ext.present & ~(uint32_t)D13_HAS_KEY_SHARE);
    CHECK_EQ(out.ext.srtp_profiles[0], DTLS13_SRTP_AEAD_AES_128_GCM);
    /* With supported_versions it is a 1.3 one: the 1.2 extensions are skipped. */
    in.ext.present |= D13_HAS_SUPPORTED_VERSIONS;
    in.ext.selected_version = DTLS13_VERSION_DTLS13;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(d13_server_hello_encode(&w, &in));
    CHECK_EQ(d13_server_hello_decode(buf, d13_writer_len(&w), &out), 0);
    CHECK_EQ(out.ext.present, D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE);
    for (size_t cap = 0; cap < wn; cap++) {
        in.ext.present &= ~(uint32_t)D13_HAS_SUPPORTED_VERSIONS;
        d13_writer_init(&w, buf, cap);
        CHECK(!d13_server_hello_encode(&w, &in));
    }
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_hrr_random);
    RUN_TEST(&st, test_rfc8448_client_hello);
    RUN_TEST(&st, test_client_hello_round_trip);
    RUN_TEST(&st, test_client_hello_rejections);
    RUN_TEST(&st, test_rfc8448_server_hello);
    RUN_TEST(&st, test_server_hello_encode);
    RUN_TEST(&st, test_server_hello_rejections);
    RUN_TEST(&st, test_server_hello12);
    RUN_TEST(&st, test_server_hello12_encode);
    TEST_MAIN_END(&st);
}
