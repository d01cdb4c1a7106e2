/* Tests for extension block decoding and encoding (RFC 8446 4.2). */
#include "dtls13/constants.h"
#include "test.h"
#include "unit/wire/rfc8448_vectors.h"
#include "wire/messages.h"

#define CH D13_EXTCTX_CLIENT_HELLO
#define SH D13_EXTCTX_SERVER_HELLO
#define HRR D13_EXTCTX_HELLO_RETRY_REQUEST
#define EE D13_EXTCTX_ENCRYPTED_EXTENSIONS
#define CR D13_EXTCTX_CERTIFICATE_REQUEST
#define CT D13_EXTCTX_CERTIFICATE
#define NST D13_EXTCTX_NEW_SESSION_TICKET
#define SH12 D13_EXTCTX_SERVER_HELLO12

#define DE DTLS13_ALERT_DECODE_ERROR
#define IP DTLS13_ALERT_ILLEGAL_PARAMETER
#define UE DTLS13_ALERT_UNSUPPORTED_EXTENSION

/* The buffer outlives the decoded struct that points into it. */
static uint8_t ext_buf[4096];

static int dec(const char *hex, d13_ext_context ctx, d13_extensions *out)
{
    size_t n = test_hex(hex, ext_buf, sizeof ext_buf);
    return d13_extensions_decode(ext_buf, n, ctx, out);
}

static int dec_rc(const char *hex, d13_ext_context ctx)
{
    d13_extensions e;
    return dec(hex, ctx, &e);
}

static void test_rfc8448_client_hello_extensions(d13_test_state *t)
{
    static uint8_t ch[256];
    size_t n = test_hex(rfc8448_ch_hex, ch, sizeof ch);
    /* version 2, random 32, session id 1+0, suites 2+6, compression 1+1, then the block */
    size_t off = 2 + 32 + 1 + 2 + 6 + 2;
    CHECK_EQ(ch[off], 0x00);
    CHECK_EQ(ch[off + 1], 0x91);
    d13_extensions e;
    CHECK_EQ(d13_extensions_decode(ch + off + 2, n - off - 2, CH, &e), 0);
    uint32_t want = D13_HAS_SERVER_NAME | D13_HAS_SUPPORTED_GROUPS | D13_HAS_KEY_SHARE |
                    D13_HAS_SUPPORTED_VERSIONS | D13_HAS_SIGNATURE_ALGORITHMS |
                    D13_HAS_PSK_KEY_EXCHANGE_MODES | D13_HAS_RECORD_SIZE_LIMIT |
                    D13_HAS_RENEGOTIATION_INFO;
    CHECK_EQ(e.present, want);
    CHECK_EQ(e.renegotiation_info.len, 0);
    CHECK_EQ(e.num_groups, 9);
    CHECK_EQ(e.groups[0], 0x001d);
    CHECK_EQ(e.groups[8], 0x0104);
    CHECK_EQ(e.num_shares, 1);
    CHECK_EQ(e.shares[0].group, 0x001d);
    CHECK_EQ(e.shares[0].key_exchange.len, 32);
    CHECK_EQ(e.shares[0].key_exchange.p[0], 0x99);
    CHECK_EQ(e.shares[0].key_exchange.p[31], 0x2c);
    CHECK_EQ(e.num_versions, 1);
    CHECK_EQ(e.versions[0], 0x0304);
    CHECK_EQ(e.num_sig_algs, 15);
    CHECK_EQ(e.sig_algs[0], 0x0403);
    CHECK_EQ(e.sig_algs[14], 0x0202);
    CHECK_EQ(e.psk_modes.len, 1);
    CHECK_EQ(e.psk_modes.p[0], 1);
    CHECK_EQ(e.record_size_limit, 0x4001);
    CHECK(!e.lists_truncated);
}

static void test_rfc8448_server_extensions(d13_test_state *t)
{
    d13_extensions e;
    /* Section 3 EncryptedExtensions block: supported_groups, record_size_limit, server_name. */
    CHECK_EQ(dec("000a00140012001d00170018001901000101010201030104001c0002400100000000", EE, &e), 0);
    CHECK_EQ(e.present, D13_HAS_SUPPORTED_GROUPS | D13_HAS_RECORD_SIZE_LIMIT | D13_HAS_SERVER_NAME);
    CHECK_EQ(e.num_groups, 9);
    CHECK_EQ(e.record_size_limit, 0x4001);
    /* Section 3 ServerHello block. */
    CHECK_EQ(dec("00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f"
                 "002b00020304", SH, &e), 0);
    CHECK_EQ(e.present, D13_HAS_KEY_SHARE | D13_HAS_SUPPORTED_VERSIONS);
    CHECK_EQ(e.server_share.group, 0x001d);
    CHECK_EQ(e.server_share.key_exchange.len, 32);
    CHECK_EQ(e.selected_version, 0x0304);
    /* Section 5 HelloRetryRequest block: key_share(selected group), cookie, supported_versions. */
    CHECK_EQ(dec("003300020017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aa"
                 "cad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f02"
                 "5f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2"
                 "b7cff0f934b0002b00020304", HRR, &e), 0);
    CHECK_EQ(e.present, D13_HAS_KEY_SHARE | D13_HAS_COOKIE | D13_HAS_SUPPORTED_VERSIONS);
    CHECK_EQ(e.hrr_selected_group, 0x0017);
    CHECK_EQ(e.cookie.len, 0x72);
    CHECK_EQ(e.cookie.p[0], 0x71);
    CHECK_EQ(e.selected_version, 0x0304);
}

static void test_browser_extensions_accepted(d13_test_state *t)
{
    d13_extensions e;
    /* What Firefox/Chrome/NSS put in a DTLS ClientHello, unknown ones included. */
    const char *block =
        "0017 0000"                                 /* extended_master_secret */
        "ff01 0001 00"                              /* renegotiation_info */
        "000b 0002 0100"                            /* ec_point_formats */
        "0000 000e 000c 00 0009 6c6f63616c686f7374" /* server_name "localhost" */
        "0010 000b 0009 08 687474702f312e31"        /* alpn "http/1.1" */
        "0005 0005 01 0000 0000"                    /* status_request (unknown here) */
        "0012 0000"                                 /* signed_certificate_timestamp */
        "0023 0000"                                 /* session_ticket */
        "001b 0003 02 0002"                         /* compress_certificate */
        "0022 000a 0008 0403 0503 0603 0203"        /* delegated_credentials */
        "000e 0009 0006 0007 0008 0001 00"          /* use_srtp */
        "000a 0006 0004 001d 0017"                  /* supported_groups */
        "000d 0006 0004 0403 0804"                  /* signature_algorithms */
        "0032 0004 0002 0403"                       /* signature_algorithms_cert */
        "002b 0005 04 fefc fefd"                    /* supported_versions */
        "0033 0026 0024 001d 0020 0000000000000000000000000000000000000000000000000000000000000000"
        "001c 0002 4001"                            /* record_size_limit */
        "0031 0000"                                 /* post_handshake_auth */
        "0036 0001 00"                              /* connection_id (empty) */
        "002d 0002 0101"                            /* psk_key_exchange_modes */
        "002a 0000"                                 /* early_data */
        "0015 0005 0000000000";                     /* padding */
    CHECK_EQ(dec(block, CH, &e), 0);
    CHECK(e.present & D13_HAS_USE_SRTP);
    CHECK_EQ(e.num_srtp_profiles, 3);
    CHECK_EQ(e.srtp_profiles[0], DTLS13_SRTP_AEAD_AES_128_GCM);
    CHECK_EQ(e.srtp_profiles[2], DTLS13_SRTP_AES128_CM_SHA1_80);
    CHECK_EQ(e.srtp_mki.len, 0);
    CHECK_EQ(e.num_versions, 2);
    CHECK_EQ(e.versions[0], DTLS13_VERSION_DTLS13);
    CHECK_EQ(e.num_sig_algs_cert, 1);
    CHECK(e.present & D13_HAS_ALPN);
    CHECK(e.present & D13_HAS_SERVER_NAME);
    CHECK(e.present & D13_HAS_CONNECTION_ID);
    CHECK(e.present & D13_HAS_EARLY_DATA);
    CHECK_EQ(e.connection_id.len, 0);
    CHECK_EQ(e.num_shares, 1);
    /* The DTLS 1.2 ones are decoded and kept (a 1.3 server ignores them). */
    CHECK(e.present & D13_HAS_EXTENDED_MASTER_SECRET);
    CHECK(e.present & D13_HAS_RENEGOTIATION_INFO);
    CHECK_EQ(e.renegotiation_info.len, 0);
    CHECK(e.present & D13_HAS_EC_POINT_FORMATS);
    CHECK_EQ(e.ec_point_formats.len, 1);
    CHECK_EQ(e.ec_point_formats.p[0], 0);
}

static void test_duplicates(d13_test_state *t)
{
    CHECK_EQ(dec_rc("000a 0004 0002 001d 000a 0004 0002 0017", CH), IP);
    CHECK_EQ(dec_rc("fafa 0000 fafa 0000", CH), IP); /* unknown duplicates too */
    CHECK_EQ(dec_rc("002b 0002 fefc 002b 0002 fefc", SH), IP);
    /* Duplicate key share group. */
    CHECK_EQ(dec_rc("0033 000c 000a 001d 0001 aa 001d 0001 bb", CH), IP);
    d13_extensions e;
    CHECK_EQ(dec("0033 000c 000a 001d 0001 aa 0017 0001 bb", CH, &e), 0);
    CHECK_EQ(e.num_shares, 2);
    CHECK_EQ(e.shares[1].group, 0x0017);
    CHECK_EQ(e.shares[1].key_exchange.p[0], 0xbb);
}

static void test_misplaced(d13_test_state *t)
{
    CHECK_EQ(dec_rc("002c 0004 0002 abcd", SH), IP);        /* cookie in ServerHello */
    CHECK_EQ(dec_rc("002c 0004 0002 abcd", EE), IP);        /* cookie in EE */
    CHECK_EQ(dec_rc("000a 0004 0002 001d", SH), IP);        /* supported_groups in SH */
    CHECK_EQ(dec_rc("000a 0004 0002 001d", HRR), IP);
    CHECK_EQ(dec_rc("000d 0004 0002 0403", EE), IP);        /* signature_algorithms in EE */
    CHECK_EQ(dec_rc("0033 0006 001d 0002 abcd", EE), IP);   /* key_share in EE */
    CHECK_EQ(dec_rc("000e 0005 0002 0007 00", CR), IP);     /* use_srtp in CR */
    CHECK_EQ(dec_rc("000e 0005 0002 0007 00", SH), IP);     /* use_srtp in SH */
    CHECK_EQ(dec_rc("000b 0002 0100", EE), IP);             /* ec_point_formats in EE */
    CHECK_EQ(dec_rc("0017 0000", SH), IP);                  /* extended_master_secret in SH */
    CHECK_EQ(dec_rc("002a 0000", CT), IP);                  /* early_data in Certificate */
    CHECK_EQ(dec_rc("0036 0001 00", EE), IP);               /* connection_id in EE */
    CHECK_EQ(dec_rc("0030 0000", CH), IP);                  /* oid_filters in CH */
    CHECK_EQ(dec_rc("002b 0002 fefc", EE), IP);             /* supported_versions in EE */
    CHECK_EQ(dec_rc("002b 0002 fefc", NST), IP);
    CHECK_EQ(dec_rc("002d 0002 0101", SH), IP);             /* psk_key_exchange_modes in SH */
    CHECK_EQ(dec_rc("001c 0002 4000", CR), IP);             /* record_size_limit in CR */
    CHECK_EQ(dec_rc("0029 0002 0000", HRR), IP);            /* pre_shared_key in HRR */
    CHECK(!d13_extension_allowed(D13_EXT_COOKIE, SH12));
    CHECK(!d13_extension_allowed(D13_EXT_USE_SRTP, (d13_ext_context)8));
    CHECK(!d13_extension_allowed(0xfafa, CH));
    CHECK(d13_extension_allowed(D13_EXT_USE_SRTP, EE));
    CHECK(d13_extension_known(D13_EXT_PADDING));
    CHECK(!d13_extension_known(0x0023));
}

static void test_unknown(d13_test_state *t)
{
    CHECK_EQ(dec_rc("fafa 0003 010203", CH), 0);
    CHECK_EQ(dec_rc("fafa 0003 010203", CR), 0);
    CHECK_EQ(dec_rc("fafa 0003 010203", CT), 0);
    CHECK_EQ(dec_rc("fafa 0003 010203", NST), 0);
    CHECK_EQ(dec_rc("fafa 0003 010203", SH), UE);
    CHECK_EQ(dec_rc("fafa 0003 010203", HRR), UE);
    CHECK_EQ(dec_rc("fafa 0003 010203", EE), UE);
    CHECK_EQ(dec_rc("", CH), 0);
    CHECK_EQ(dec_rc("fafa 0003 010203", SH12), UE);
    CHECK_EQ(dec_rc("", SH12), 0);
    CHECK_EQ(dec_rc("", (d13_ext_context)8), DTLS13_ALERT_INTERNAL_ERROR);
}

/* A DTLS 1.2 ServerHello answers use_srtp, extended_master_secret,
 * renegotiation_info and ec_point_formats; everything else is unsolicited. */
static void test_server_hello12_extensions(d13_test_state *t)
{
    d13_extensions e;
    CHECK_EQ(dec("ff01 0001 00 000b 0004 03 000102 000e 0005 0002 0001 00 0017 0000", SH12, &e), 0);
    CHECK_EQ(e.present, D13_HAS_RENEGOTIATION_INFO | D13_HAS_EC_POINT_FORMATS | D13_HAS_USE_SRTP |
                            D13_HAS_EXTENDED_MASTER_SECRET);
    CHECK_EQ(e.renegotiation_info.len, 0);
    CHECK_EQ(e.ec_point_formats.len, 3);
    CHECK_EQ(e.ec_point_formats.p[2], 2);
    CHECK_EQ(e.num_srtp_profiles, 1);
    CHECK_EQ(e.srtp_profiles[0], DTLS13_SRTP_AES128_CM_SHA1_80);
    /* A renegotiating server's renegotiated_connection (RFC 5746 3.5). */
    CHECK_EQ(dec("ff01 0019 18 000102030405060708090a0b0c0d0e0f1011121314151617", SH12, &e), 0);
    CHECK_EQ(e.renegotiation_info.len, 24);
    CHECK_EQ(e.renegotiation_info.p[23], 0x17);
    CHECK_EQ(dec_rc("", SH12), 0);
    /* Not offered for 1.2: unsupported_extension, known or not. */
    CHECK_EQ(dec_rc("0033 0006 001d 0002 abcd", SH12), UE); /* key_share */
    CHECK_EQ(dec_rc("002c 0004 0002 abcd", SH12), UE);      /* cookie */
    CHECK_EQ(dec_rc("000a 0004 0002 001d", SH12), UE);      /* supported_groups */
    CHECK_EQ(dec_rc("002b 0002 fefc", SH12), UE);           /* supported_versions */
    CHECK_EQ(dec_rc("0036 0001 00", SH12), UE);             /* connection_id */
    CHECK_EQ(dec_rc("0029 0002 0000", SH12), UE);           /* pre_shared_key */
    CHECK_EQ(dec_rc("0015 0000", SH12), UE);                /* padding */
    CHECK_EQ(dec_rc("0023 0000", SH12), UE);                /* session_ticket (unknown here) */
    CHECK_EQ(dec_rc("0017 0000 0033 0006 001d 0002 abcd", SH12), UE);
    /* Malformed bodies. */
    CHECK_EQ(dec_rc("0017 0001 00", SH12), DE);            /* EMS with a body */
    CHECK_EQ(dec_rc("ff01 0000", SH12), DE);               /* no inner length */
    CHECK_EQ(dec_rc("ff01 0002 02 aa", SH12), DE);         /* inner length too long */
    CHECK_EQ(dec_rc("ff01 0003 01 aabb", SH12), DE);       /* inner length too short */
    CHECK_EQ(dec_rc("000b 0001 00", SH12), DE);            /* empty point format list */
    CHECK_EQ(dec_rc("000b 0000", SH12), DE);
    CHECK_EQ(dec_rc("000b 0003 01 0000", SH12), DE);
    CHECK_EQ(dec_rc("000e 0003 0000 00", SH12), DE);       /* use_srtp without profiles */
    CHECK_EQ(dec_rc("0017 0000 0017 0000", SH12), IP);     /* duplicate */
    /* The same malformed bodies in a ClientHello. */
    CHECK_EQ(dec_rc("0017 0001 00", CH), DE);
    CHECK_EQ(dec_rc("ff01 0002 02 aa", CH), DE);
    CHECK_EQ(dec_rc("000b 0001 00", CH), DE);
    /* The 1.3 messages still refuse them. */
    CHECK_EQ(dec_rc("ff01 0001 00", SH), IP);
    CHECK_EQ(dec_rc("000b 0002 0100", SH), IP);
    CHECK_EQ(dec_rc("0017 0000", EE), IP);
    CHECK_EQ(dec_rc("ff01 0001 00", HRR), IP);
    CHECK(d13_extension_allowed(D13_EXT_EXTENDED_MASTER_SECRET, SH12));
    CHECK(d13_extension_allowed(D13_EXT_RENEGOTIATION_INFO, CH));
    CHECK(!d13_extension_allowed(D13_EXT_KEY_SHARE, SH12));
}

static void test_pre_shared_key(d13_test_state *t)
{
    const char *psk = "0029 002c 0007 0001aa 00000000 0021 20"
                      "0000000000000000000000000000000000000000000000000000000000000000";
    char buf[512];
    d13_extensions e;
    CHECK_EQ(dec(psk, CH, &e), 0);
    CHECK(e.present & D13_HAS_PRE_SHARED_KEY);
    /* Last is fine, not last is illegal_parameter. */
    snprintf(buf, sizeof buf, "000a 0004 0002 001d %s", psk);
    CHECK_EQ(dec_rc(buf, CH), 0);
    snprintf(buf, sizeof buf, "%s 000a 0004 0002 001d", psk);
    CHECK_EQ(dec_rc(buf, CH), IP);
    snprintf(buf, sizeof buf, "%s fafa 0000", psk);
    CHECK_EQ(dec_rc(buf, CH), IP);
    /* Two identities, one binder. */
    CHECK_EQ(dec_rc("0029 0033 000e 0001aa00000000 0001bb00000000 0021 20"
                    "0000000000000000000000000000000000000000000000000000000000000000", CH), IP);
    /* Binder shorter than 32 bytes. */
    CHECK_EQ(dec_rc("0029 000c 0007 0001aa00000000 0002 01 00", CH), DE);
    /* Empty identity list. */
    CHECK_EQ(dec_rc("0029 0025 0000 0021 20"
                    "0000000000000000000000000000000000000000000000000000000000000000", CH), DE);
    /* ServerHello: selected_identity, and it need not be last there. */
    CHECK_EQ(dec_rc("0029 0002 0000 002b 0002 fefc", SH), 0);
    CHECK_EQ(dec_rc("0029 0003 000000", SH), DE);
}

static void test_malformed_bodies(d13_test_state *t)
{
    d13_extensions e;
    /* Truncated headers and bodies. */
    CHECK_EQ(dec_rc("000a", CH), DE);
    CHECK_EQ(dec_rc("000a 00", CH), DE);
    CHECK_EQ(dec_rc("000a 0010 0002", CH), DE);
    /* supported_versions */
    CHECK_EQ(dec("002b 0003 02 fefc", CH, &e), 0);
    CHECK_EQ(e.versions[0], 0xfefc);
    CHECK_EQ(dec_rc("002b 0001 00", CH), DE);        /* empty list */
    CHECK_EQ(dec_rc("002b 0002 01 fe", CH), DE);     /* odd list */
    CHECK_EQ(dec_rc("002b 0004 02 fefc 00", CH), DE);/* trailing byte */
    CHECK_EQ(dec_rc("002b 0003 02fefc", SH), DE);    /* list form in SH */
    CHECK_EQ(dec_rc("002b 0001 fe", HRR), DE);
    CHECK_EQ(dec("002b 0002 fefc", HRR, &e), 0);
    CHECK_EQ(e.selected_version, 0xfefc);
    /* supported_groups / signature_algorithms */
    CHECK_EQ(dec_rc("000a 0002 0000", CH), DE);
    CHECK_EQ(dec_rc("000a 0003 0001 00", CH), DE);
    CHECK_EQ(dec_rc("000a 0000", CH), DE);
    CHECK_EQ(dec_rc("000d 0002 0000", CH), DE);
    CHECK_EQ(dec_rc("000d 0005 0002 0403 00", CR), DE);
    /* key_share */
    CHECK_EQ(dec_rc("0033 0006 0004 001d 0000", CH), DE);   /* empty key_exchange */
    CHECK_EQ(dec_rc("0033 0007 0004 001d 0001 aa", CH), DE);/* entry overruns the list */
    CHECK_EQ(dec("0033 0002 0000", CH, &e), 0);             /* empty client_shares is legal */
    CHECK(e.present & D13_HAS_KEY_SHARE);
    CHECK_EQ(e.num_shares, 0);
    CHECK_EQ(dec("0033 0006 001d 0002 abcd", SH, &e), 0);
    CHECK_EQ(e.server_share.group, 0x001d);
    CHECK_EQ(e.server_share.key_exchange.len, 2);
    CHECK_EQ(dec_rc("0033 0007 001d 0002 abcd ee", SH), DE);
    CHECK_EQ(dec_rc("0033 0004 001d 0000", SH), DE);
    CHECK_EQ(dec_rc("0033 0006 001d 0002 abcd", HRR), DE);  /* full entry in HRR */
    CHECK_EQ(dec_rc("0033 0001 00", HRR), DE);
    /* use_srtp */
    CHECK_EQ(dec("000e 0006 0002 0001 01aa", CH, &e), 0);
    CHECK_EQ(e.num_srtp_profiles, 1);
    CHECK_EQ(e.srtp_mki.len, 1);
    CHECK_EQ(e.srtp_mki.p[0], 0xaa);
    CHECK_EQ(dec_rc("000e 0003 0000 00", CH), DE);            /* no profiles */
    CHECK_EQ(dec_rc("000e 0004 0001 00 00", CH), DE);         /* odd profiles */
    CHECK_EQ(dec_rc("000e 0006 0002 0001 00 ff", CH), DE);    /* trailing */
    CHECK_EQ(dec_rc("000e 0004 0002 0001", CH), DE);          /* no mki */
    CHECK_EQ(dec_rc("000e 0006 0002 0001 02aa", CH), DE);     /* mki overruns */
    CHECK_EQ(dec_rc("000e 0007 0004 0001 0007 00", EE), IP);  /* two profiles in EE */
    CHECK_EQ(dec("000e 0005 0002 0007 00", EE, &e), 0);
    CHECK_EQ(e.srtp_profiles[0], 7);
    /* cookie */
    CHECK_EQ(dec_rc("002c 0000", CH), DE);
    CHECK_EQ(dec_rc("002c 0002 0000", HRR), DE);
    CHECK_EQ(dec_rc("002c 0005 0002 abcd ee", HRR), DE);
    CHECK_EQ(dec("002c 0004 0002 abcd", CH, &e), 0);
    CHECK_EQ(e.cookie.len, 2);
    /* record_size_limit */
    CHECK_EQ(dec_rc("001c 0002 003f", CH), IP);
    CHECK_EQ(dec("001c 0002 0040", EE, &e), 0);
    CHECK_EQ(e.record_size_limit, 64);
    CHECK_EQ(dec_rc("001c 0003 004000", CH), DE);
    CHECK_EQ(dec_rc("001c 0001 40", CH), DE);
    /* empty-bodied extensions */
    CHECK_EQ(dec_rc("0017 0001 00", CH), DE);
    CHECK_EQ(dec_rc("0031 0001 00", CH), DE);
    CHECK_EQ(dec_rc("0000 0001 00", EE), DE);        /* server_name in EE is empty */
    CHECK_EQ(dec_rc("0000 0000", EE), 0);
    CHECK_EQ(dec_rc("0000 0000", CH), DE);           /* but not in CH */
    CHECK_EQ(dec_rc("002a 0001 00", EE), DE);
    CHECK_EQ(dec_rc("002a 0000", NST), DE);          /* NST early_data holds a u32 */
    CHECK_EQ(dec("002a 0004 00000400", NST, &e), 0);
    CHECK(e.present & D13_HAS_EARLY_DATA);
    /* alpn */
    CHECK_EQ(dec_rc("0010 0008 0006 02 6832 02 6833", EE), IP); /* two names in EE */
    CHECK_EQ(dec_rc("0010 0005 0003 02 6832", EE), 0);
    CHECK_EQ(dec_rc("0010 0003 0001 00", CH), DE);   /* empty name */
    CHECK_EQ(dec_rc("0010 0002 0000", CH), DE);      /* empty list */
    /* psk_key_exchange_modes, ec_point_formats, renegotiation_info */
    CHECK_EQ(dec_rc("002d 0001 00", CH), DE);
    CHECK_EQ(dec_rc("000b 0001 00", CH), DE);
    CHECK_EQ(dec_rc("ff01 0002 01", CH), DE);
    /* connection_id */
    CHECK_EQ(dec("0036 0003 02 abcd", SH, &e), 0);
    CHECK_EQ(e.connection_id.len, 2);
    CHECK_EQ(dec_rc("0036 0003 03 abcd", CH), DE);
    /* certificate_authorities and oid_filters */
    CHECK_EQ(dec_rc("002f 0005 0003 0001 aa", CR), 0);
    CHECK_EQ(dec_rc("002f 0002 0000", CR), DE);
    CHECK_EQ(dec_rc("002f 0004 0002 0000", CH), DE);
    CHECK_EQ(dec_rc("0030 0002 0000", CR), 0);
    CHECK_EQ(dec_rc("0030 0006 0004 01 2a 0000", CR), 0);
    CHECK_EQ(dec_rc("0030 0006 0004 00 0000", CR), DE);
    /* server_name list entry without a name */
    CHECK_EQ(dec_rc("0000 0005 0003 00 0000", CH), DE);
}

static void test_list_truncation(d13_test_state *t)
{
    /* 40 groups: all validated, 32 kept. */
    char hex[1024];
    size_t o = (size_t)snprintf(hex, sizeof hex, "000a 0052 0050");
    for (int i = 0; i < 40; i++) o += (size_t)snprintf(hex + o, sizeof hex - o, "%04x", i + 1);
    d13_extensions e;
    CHECK_EQ(dec(hex, CH, &e), 0);
    CHECK_EQ(e.num_groups, D13_MAX_LIST);
    CHECK_EQ(e.groups[31], 32);
    CHECK(e.lists_truncated);
    /* 10 key shares: 8 kept, duplicates still found beyond the kept ones. */
    o = (size_t)snprintf(hex, sizeof hex, "0033 0034 0032");
    for (int i = 0; i < 10; i++) o += (size_t)snprintf(hex + o, sizeof hex - o, "%04x0001%02x", i + 1, i);
    CHECK_EQ(dec(hex, CH, &e), 0);
    CHECK_EQ(e.num_shares, D13_MAX_SHARES);
    CHECK(e.lists_truncated);
    o = (size_t)snprintf(hex, sizeof hex, "0033 0034 0032");
    for (int i = 0; i < 10; i++) o += (size_t)snprintf(hex + o, sizeof hex - o, "%04x0001%02x", i == 9 ? 1 : i + 1, i);
    CHECK_EQ(dec_rc(hex, CH), IP);

    /* Past 64 entries the duplicate check switches to a bitmap: 100 distinct
     * unknown extensions pass, a repeat of the first one after them fails. */
    char many[2048];
    o = 0;
    for (int i = 0; i < 100; i++) o += (size_t)snprintf(many + o, sizeof many - o, "%04x0000", 0x1000 + i);
    CHECK_EQ(dec_rc(many, CH), 0);
    snprintf(many + o, sizeof many - o, "10000000");
    CHECK_EQ(dec_rc(many, CH), IP);
    snprintf(many + o, sizeof many - o, "10630000"); /* repeat of the last one */
    CHECK_EQ(dec_rc(many, CH), IP);
    /* 70 key shares with the 70th repeating the 65th group. */
    o = (size_t)snprintf(many, sizeof many, "0033 0160 015e");
    for (int i = 0; i < 70; i++) o += (size_t)snprintf(many + o, sizeof many - o, "%04x0001aa", i == 69 ? 65 : i + 1);
    CHECK_EQ(dec_rc(many, CH), IP);
    o = (size_t)snprintf(many, sizeof many, "0033 0160 015e");
    for (int i = 0; i < 70; i++) o += (size_t)snprintf(many + o, sizeof many - o, "%04x0001aa", i + 1);
    CHECK_EQ(dec_rc(many, CH), 0);
}

/* Encodes e in ctx, decodes it back, and returns the decoded block. */
static int round_trip(d13_ext_context ctx, const d13_extensions *in, d13_extensions *out,
                      uint8_t *buf, size_t cap, size_t *len)
{
    d13_writer w;
    d13_writer_init(&w, buf, cap);
    if (!d13_extensions_encode(&w, ctx, in)) return -1;
    *len = d13_writer_len(&w);
    if (*len < 2 || (size_t)(buf[0] << 8 | buf[1]) != *len - 2) return -2;
    return d13_extensions_decode(buf + 2, *len - 2, ctx, out);
}

static void test_encode_client_hello(d13_test_state *t)
{
    static const uint8_t pub[4] = {1, 2, 3, 4};
    static const uint8_t cookie[3] = {9, 8, 7};
    static const uint8_t modes[1] = {1};
    d13_extensions in, out;
    memset(&in, 0, sizeof in);
    in.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_SUPPORTED_GROUPS | D13_HAS_KEY_SHARE |
                 D13_HAS_SIGNATURE_ALGORITHMS | D13_HAS_SIGNATURE_ALGORITHMS_CERT |
                 D13_HAS_USE_SRTP | D13_HAS_COOKIE | D13_HAS_RECORD_SIZE_LIMIT |
                 D13_HAS_PSK_KEY_EXCHANGE_MODES | D13_HAS_CONNECTION_ID | D13_HAS_EARLY_DATA;
    in.versions[0] = DTLS13_VERSION_DTLS13;
    in.num_versions = 1;
    in.groups[0] = DTLS13_GROUP_X25519;
    in.groups[1] = DTLS13_GROUP_SECP256R1;
    in.num_groups = 2;
    in.shares[0].group = DTLS13_GROUP_X25519;
    in.shares[0].key_exchange.p = pub;
    in.shares[0].key_exchange.len = sizeof pub;
    in.num_shares = 1;
    in.sig_algs[0] = DTLS13_SIG_ECDSA_SECP256R1_SHA256;
    in.num_sig_algs = 1;
    in.sig_algs_cert[0] = DTLS13_SIG_ED25519;
    in.num_sig_algs_cert = 1;
    in.srtp_profiles[0] = DTLS13_SRTP_AEAD_AES_128_GCM;
    in.srtp_profiles[1] = DTLS13_SRTP_AES128_CM_SHA1_80;
    in.num_srtp_profiles = 2;
    in.cookie.p = cookie;
    in.cookie.len = sizeof cookie;
    in.record_size_limit = 1200;
    in.psk_modes.p = modes;
    in.psk_modes.len = 1;
    uint8_t buf[512];
    size_t len;
    CHECK_EQ(round_trip(CH, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.present, in.present);
    CHECK_EQ(out.num_versions, 1);
    CHECK_EQ(out.versions[0], DTLS13_VERSION_DTLS13);
    CHECK_EQ(out.num_groups, 2);
    CHECK_EQ(out.groups[1], DTLS13_GROUP_SECP256R1);
    CHECK_EQ(out.num_shares, 1);
    CHECK_EQ(out.shares[0].key_exchange.len, 4);
    CHECK_MEM(out.shares[0].key_exchange.p, pub, 4);
    CHECK_EQ(out.sig_algs[0], DTLS13_SIG_ECDSA_SECP256R1_SHA256);
    CHECK_EQ(out.sig_algs_cert[0], DTLS13_SIG_ED25519);
    CHECK_EQ(out.num_srtp_profiles, 2);
    CHECK_EQ(out.srtp_profiles[1], DTLS13_SRTP_AES128_CM_SHA1_80);
    CHECK_EQ(out.cookie.len, 3);
    CHECK_MEM(out.cookie.p, cookie, 3);
    CHECK_EQ(out.record_size_limit, 1200);
    CHECK_EQ(out.psk_modes.len, 1);
    CHECK_EQ(out.connection_id.len, 0);
    /* Fixed order: supported_versions first. */
    CHECK_EQ(buf[2], 0x00);
    CHECK_EQ(buf[3], 0x2b);

    /* Too many entries for the fixed arrays makes the writer fail. */
    in.num_groups = D13_MAX_LIST + 1;
    d13_writer w;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(!d13_extensions_encode(&w, CH, &in));
    /* Overflow of a small buffer fails cleanly. */
    in.num_groups = 2;
    for (size_t cap = 0; cap < len; cap++) {
        d13_writer_init(&w, buf, cap);
        CHECK(!d13_extensions_encode(&w, CH, &in));
    }
}

static void test_encode_server_hello_and_hrr(d13_test_state *t)
{
    static const uint8_t pub[32] = {0xc9, 0x82, 0x88, 0x76};
    static const uint8_t cookie[2] = {0xab, 0xcd};
    d13_extensions in, out;
    memset(&in, 0, sizeof in);
    /* Groups, cookie and use_srtp are not allowed in a ServerHello: skipped. */
    in.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE | D13_HAS_SUPPORTED_GROUPS |
                 D13_HAS_COOKIE | D13_HAS_USE_SRTP;
    in.selected_version = 0x0304;
    in.server_share.group = 0x001d;
    in.server_share.key_exchange.p = pub;
    in.server_share.key_exchange.len = sizeof pub;
    in.hrr_selected_group = 0x0017;
    in.cookie.p = cookie;
    in.cookie.len = sizeof cookie;
    uint8_t buf[256], want[256];
    size_t len;
    CHECK_EQ(round_trip(SH, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.present, D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE);
    size_t wn = test_hex("002e 002b00020304 00330024001d0020"
                         "c982887600000000000000000000000000000000000000000000000000000000",
                         want, sizeof want);
    CHECK_EQ(len, wn);
    CHECK_MEM(buf, want, wn);
    /* HelloRetryRequest: supported_versions, key_share(selected_group), cookie. */
    CHECK_EQ(round_trip(HRR, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.present, D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE | D13_HAS_COOKIE);
    wn = test_hex("0014 002b00020304 003300020017 002c00040002abcd", want, sizeof want);
    CHECK_EQ(len, wn);
    CHECK_MEM(buf, want, wn);
    CHECK_EQ(out.hrr_selected_group, 0x0017);
}

static void test_encode_encrypted_extensions(d13_test_state *t)
{
    d13_extensions in, out;
    memset(&in, 0, sizeof in);
    in.present = D13_HAS_USE_SRTP | D13_HAS_SUPPORTED_GROUPS | D13_HAS_RECORD_SIZE_LIMIT |
                 D13_HAS_SERVER_NAME | D13_HAS_KEY_SHARE;
    in.srtp_profiles[0] = DTLS13_SRTP_AEAD_AES_256_GCM;
    in.num_srtp_profiles = 1;
    in.groups[0] = DTLS13_GROUP_X25519;
    in.num_groups = 1;
    in.record_size_limit = 0x4001;
    uint8_t buf[256];
    size_t len;
    CHECK_EQ(round_trip(EE, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.present, D13_HAS_USE_SRTP | D13_HAS_SUPPORTED_GROUPS |
                              D13_HAS_RECORD_SIZE_LIMIT | D13_HAS_SERVER_NAME);
    CHECK_EQ(out.srtp_profiles[0], DTLS13_SRTP_AEAD_AES_256_GCM);
    CHECK_EQ(out.record_size_limit, 0x4001);
    /* CertificateRequest: signature_algorithms. */
    memset(&in, 0, sizeof in);
    in.present = D13_HAS_SIGNATURE_ALGORITHMS;
    in.sig_algs[0] = 0x0403;
    in.sig_algs[1] = 0x0804;
    in.num_sig_algs = 2;
    CHECK_EQ(round_trip(CR, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.num_sig_algs, 2);
    CHECK_EQ(out.sig_algs[1], 0x0804);
    /* Nothing present: an empty block. */
    memset(&in, 0, sizeof in);
    CHECK_EQ(round_trip(CT, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(len, 2);
}

/* The encoder writes the DTLS 1.2 extensions last, in a ClientHello and a
 * DTLS 1.2 ServerHello, and only the four allowed in the latter. */
static void test_encode_tls12_extensions(d13_test_state *t)
{
    static const uint8_t verify[24] = {1, 2, 3};
    static const uint8_t formats[2] = {0, 1};
    static const uint8_t pub[2] = {0xaa, 0xbb};
    d13_extensions in, out;
    memset(&in, 0, sizeof in);
    in.present = D13_HAS_EXTENDED_MASTER_SECRET | D13_HAS_RENEGOTIATION_INFO |
                 D13_HAS_EC_POINT_FORMATS | D13_HAS_USE_SRTP | D13_HAS_SUPPORTED_GROUPS;
    in.srtp_profiles[0] = DTLS13_SRTP_AES128_CM_SHA1_80;
    in.num_srtp_profiles = 1;
    in.groups[0] = DTLS13_GROUP_SECP256R1;
    in.num_groups = 1;
    uint8_t buf[256], want[256];
    size_t len;
    /* ClientHello: an empty ec_point_formats is written as {uncompressed}. */
    CHECK_EQ(round_trip(CH, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.present, in.present);
    size_t wn = test_hex("0020 000a 0004 0002 0017 000e 0005 0002 0001 00"
                         "0017 0000 ff01 0001 00 000b 0002 01 00",
                         want, sizeof want);
    CHECK_EQ(len, wn);
    CHECK_MEM(buf, want, wn);
    CHECK_EQ(out.ec_point_formats.len, 1);
    /* DTLS 1.2 ServerHello: supported_groups and key_share are not written. */
    in.present |= D13_HAS_KEY_SHARE | D13_HAS_SUPPORTED_VERSIONS | D13_HAS_COOKIE;
    in.server_share.group = DTLS13_GROUP_X25519;
    in.server_share.key_exchange.p = pub;
    in.server_share.key_exchange.len = sizeof pub;
    in.renegotiation_info.p = verify;
    in.renegotiation_info.len = sizeof verify;
    in.ec_point_formats.p = formats;
    in.ec_point_formats.len = sizeof formats;
    CHECK_EQ(round_trip(SH12, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(out.present, D13_HAS_EXTENDED_MASTER_SECRET | D13_HAS_RENEGOTIATION_INFO |
                              D13_HAS_EC_POINT_FORMATS | D13_HAS_USE_SRTP);
    wn = test_hex("0031 000e 0005 0002 0001 00 0017 0000"
                  "ff01 0019 18 010203000000000000000000000000000000000000000000"
                  "000b 0003 02 0001",
                  want, sizeof want);
    CHECK_EQ(len, wn);
    CHECK_MEM(buf, want, wn);
    CHECK_EQ(out.renegotiation_info.len, 24);
    CHECK_MEM(out.renegotiation_info.p, verify, 24);
    CHECK_EQ(out.ec_point_formats.len, 2);
    /* None present: an empty block. */
    memset(&in, 0, sizeof in);
    CHECK_EQ(round_trip(SH12, &in, &out, buf, sizeof buf, &len), 0);
    CHECK_EQ(len, 2);
    /* Contents too long for their vectors make the writer fail. */
    static const uint8_t big[256];
    d13_writer w;
    in.present = D13_HAS_RENEGOTIATION_INFO;
    in.renegotiation_info.p = big;
    in.renegotiation_info.len = sizeof big;
    d13_writer_init(&w, buf, sizeof buf);
    CHECK(!d13_extensions_encode(&w, SH12, &in));
    in.present = D13_HAS_EC_POINT_FORMATS;
    in.ec_point_formats.p = big;
    in.ec_point_formats.len = sizeof big;
    uint8_t large[600];
    d13_writer_init(&w, large, sizeof large);
    CHECK(!d13_extensions_encode(&w, CH, &in));
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_rfc8448_client_hello_extensions);
    RUN_TEST(&st, test_rfc8448_server_extensions);
    RUN_TEST(&st, test_browser_extensions_accepted);
    RUN_TEST(&st, test_duplicates);
    RUN_TEST(&st, test_misplaced);
    RUN_TEST(&st, test_unknown);
    RUN_TEST(&st, test_server_hello12_extensions);
    RUN_TEST(&st, test_pre_shared_key);
    RUN_TEST(&st, test_malformed_bodies);
    RUN_TEST(&st, test_list_truncation);
    RUN_TEST(&st, test_encode_client_hello);
    RUN_TEST(&st, test_encode_server_hello_and_hrr);
    RUN_TEST(&st, test_encode_encrypted_extensions);
    RUN_TEST(&st, test_encode_tls12_extensions);
    TEST_MAIN_END(&st);
}
