/* Tests for the DTLS 1.2 codecs of wire/messages12.h: HelloVerifyRequest,
 * ECDHE ServerKeyExchange, ClientKeyExchange, CertificateRequest,
 * Certificate, ServerHelloDone/HelloRequest.
 *
 * The openssl_* vectors are independent of our code: handshake bodies
 * captured from OpenSSL 3.0.19 on loopback,
 *   openssl s_server -dtls1_2 -listen -verify 1 [-CAfile cli.pem] [-use_srtp ..]
 *   openssl s_client -dtls1_2 -msg -no_ticket -groups P-256|X25519 -cert cli.pem
 * (a P-256 ECDSA server and a 2048-bit RSA one, both self-signed). At capture
 * time the P-256 ServerKeyExchange signature was checked with Python's
 * 'cryptography' over client_random || server_random || the first 69 bytes,
 * which is what d12_server_key_exchange.params must cover. */
#include "dtls13/constants.h"
#include "test.h"
#include "unit/wire/wire_test_util.h"
#include "wire/messages12.h"

#define DE DTLS13_ALERT_DECODE_ERROR
#define IP DTLS13_ALERT_ILLEGAL_PARAMETER

/* HelloVerifyRequest: server_version DTLS 1.0 (RFC 6347 4.2.1), 20-byte cookie. */
static const char openssl_hvr_hex[] = "feff14f76605fbe3a5ea17eadbaee8c8ebe8f3ff5270d9";

/* The second ClientHello of the same exchange, echoing that cookie. */
static const char openssl_ch2_hex[] =
    "fefde4c4e38be09c3a52dfa4ea43a35a4c72a1fb85b340b1f29e8f6e6aab9bfca5530014f76605fbe3a5ea17e"
    "adbaee8c8ebe8f3ff5270d90038c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00a"
    "c0140039c009c0130033009d009c003d003c0035002f00ff01000051000b000403000102000a00040002001700"
    "0e0007000400070001000016000000170000000d002a0028040305030603080708080809080a080b0804080508"
    "06040105010601030303010302040205020602";

/* ServerKeyExchange, secp256r1 point, ecdsa_secp256r1_sha256. */
static const char openssl_ske_p256_hex[] =
    "0300174104290f802709803f75b7af3814defb7908d9b48e75308d9c6936f00119fab0fada24a0c011f980e59a"
    "e5a71f49c3306e9a6f78fe7e4c86fc290efdc3f98d634d22040300473045022023bb70cec9e1ecf745a16cac62"
    "0f70872fdc369bfa21151c3455c751993bae1202210091f803fcde2ab973519f490cc68c47b30aca5fe59a51b0"
    "7e87df7ecf2565fb9d";

/* ServerKeyExchange, x25519 point, rsa_pss_rsae_sha256 (256-byte signature). */
static const char openssl_ske_x25519_hex[] =
    "03001d2002b75cd6334dfc3fb25ae958bc562c4a67597bf31e729ee00b8b92f599ead930080401007e9ce70b1e"
    "f61a6cd183ef77dd5481367d290d9d61b88b6bdb136d0ad460bc3413626a93213dcb586da97b3aace150ee3129"
    "b04b9d1a88bef9da6473ff77f9a4ec6c4a77d6cabee253e49c6ecc56ec3648257733ad8376e2168c2b11e3fb84"
    "11d82a8b16d5a0c931d392c62ea46e4d233bdc919485ed1b80459dbd8429dad05b1c247b90417e16a8a7f9c04d"
    "ff934e5cdac294db154f4ae81a3f2576b313c50d9c685a0f821abbf7e05d893447c104e3476feb35150f1265e3"
    "65f523f6e1b0fb12ad32d86a8dee82324772d0f0a1a7629575cb959716e06e5b1c9985b20467e53b4bb3e4fa59"
    "a23890d6117c88618cf169c92f6c4d051ae7a1813ec603216484";

/* CertificateRequest: rsa_sign, dss_sign, ecdsa_sign; 20 schemes; no CAs. */
static const char openssl_cr_hex[] =
    "030102400028040305030603080708080809080a080b0804080508060401050106010303030103020402050206"
    "020000";

/* The same with one DistinguishedName (CN=cli, from -CAfile). */
static const char openssl_cr_ca_hex[] =
    "030102400028040305030603080708080809080a080b0804080508060401050106010303030103020402050206"
    "0200120010300e310c300a06035504030c03636c69";

/* The server's Certificate: one self-signed P-256 certificate (CN=srv). */
static const char openssl_cert_hex[] =
    "0001780001753082017130820117a00302010202147fe2a3ef60d2646c7dddfd9eecb001a21ceff0a1300a0608"
    "2a8648ce3d040302300e310c300a06035504030c03737276301e170d3236313230353231323734385a170d3237"
    "303130343231323734385a300e310c300a06035504030c037372763059301306072a8648ce3d020106082a8648"
    "ce3d0301070342000476774583866acdf5a13652ad55012dda4a4804327e023d87400fa3fae8955713e7f88b8b"
    "f4894885ac8931a9fa74aed80a720f4409b96f122280f066e11128b4a3533051301d0603551d0e041604144"
    "6eeeb219f4accef8769a679514c22700ff389e6301f0603551d2304183016801446eeeb219f4accef8769a6795"
    "14c22700ff389e6300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020348003045022100c"
    "e85a7f2226f33aa8ee0e85168bf9550a40803d82a17520f46d08b8b3701efc4022069ae6de8af6ac0c09332741"
    "03773f32255c420100e847886e8bfbf55e3a4909b";

/* ClientKeyExchange: the client's uncompressed P-256 point. */
static const char openssl_cke_hex[] =
    "4104f63f5243ae35066905d41d57741647c2e8dfc782d62d47830401111048f319ce0245b834487d4db00dd302"
    "46c52ace191102a8c788fc4074e5a701ea8bd58018";

/* The client's CertificateVerify (same layout as in 1.3) and its Finished. */
static const char openssl_cv_hex[] =
    "04030046304402206c04e46e61b1ba59274aab75993422cf86787f7153c9d6389dc4d34ef58bc78302204a0bfc"
    "dfb7d1137372289cb7f909b227de5660f6d5b9c6cbf85731c2436fc7f7";
static const char openssl_fin_hex[] = "9500c2dc7271158033e3ec4b";

static int dec_hvr(const uint8_t *p, size_t n)
{
    d12_hello_verify_request m;
    return d12_hello_verify_request_decode(p, n, &m);
}
static int dec_ske(const uint8_t *p, size_t n)
{
    d12_server_key_exchange m;
    return d12_server_key_exchange_decode(p, n, &m);
}
static int dec_cke(const uint8_t *p, size_t n)
{
    d12_client_key_exchange m;
    return d12_client_key_exchange_decode(p, n, &m);
}
static int dec_cr(const uint8_t *p, size_t n)
{
    d12_certificate_request m;
    return d12_certificate_request_decode(p, n, &m);
}
static int dec_cert(const uint8_t *p, size_t n)
{
    d12_certificate m;
    return d12_certificate_decode(p, n, &m);
}

static void test_hello_verify_request(d13_test_state *t)
{
    uint8_t body[64], again[300];
    size_t n = test_hex(openssl_hvr_hex, body, sizeof body);
    d12_hello_verify_request m;
    CHECK_EQ(d12_hello_verify_request_decode(body, n, &m), 0);
    CHECK_EQ(m.server_version, 0xfeff);
    CHECK_EQ(m.cookie.len, 20);
    CHECK(m.cookie.p == body + 3);
    CHECK_EQ(m.cookie.p[19], 0xd9);
    CHECK_EQ(wire_accepted_prefixes(dec_hvr, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_hvr, body, n), DE);
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_hello_verify_request_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    for (size_t cap = 0; cap < n; cap++) {
        d13_writer_init(&w, again, cap);
        CHECK(!d12_hello_verify_request_encode(&w, &m));
    }
    /* An empty cookie is legal; a cookie longer than its vector is not. */
    CHECK_EQ(wire_decode_hex(dec_hvr, "fefd 00"), 0);
    CHECK_EQ(wire_decode_hex(dec_hvr, "fefd 02 aa"), DE);
    CHECK_EQ(wire_decode_hex(dec_hvr, "fefd"), DE);
    CHECK_EQ(wire_decode_hex(dec_hvr, ""), DE);
    /* The encoder refuses a cookie over 255 bytes. */
    static const uint8_t big[D12_MAX_COOKIE + 1];
    m.cookie.p = big;
    m.cookie.len = D12_MAX_COOKIE;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_hello_verify_request_encode(&w, &m));
    CHECK_EQ(d12_hello_verify_request_decode(again, d13_writer_len(&w), &m), 0);
    CHECK_EQ(m.cookie.len, D12_MAX_COOKIE);
    m.cookie.p = big;
    m.cookie.len = D12_MAX_COOKIE + 1;
    d13_writer_init(&w, again, sizeof again);
    CHECK(!d12_hello_verify_request_encode(&w, &m));
}

/* The second ClientHello carries the HelloVerifyRequest cookie in its
 * legacy_cookie, and the DTLS 1.2 extensions decode in a ClientHello. */
/* A list longer than the kept part (OpenSSL's default DTLS 1.2 list, as
 * GStreamer's dtlssrtpenc sends it): the signalling suites at its end are
 * still seen. */
static void test_client_hello_scsv_past_kept_suites(d13_test_state *t)
{
    uint8_t body[2 + 32 + 1 + 1 + 2 + 2 * 80 + 2 + 2];
    d13_writer w;
    d13_writer_init(&w, body, sizeof body);
    d13_write_u16(&w, DTLS13_VERSION_DTLS12);
    for (int i = 0; i < 32; i++) d13_write_u8(&w, (uint8_t)i);
    d13_write_u8(&w, 0); /* session id */
    d13_write_u8(&w, 0); /* cookie */
    d13_write_u16(&w, 2 * 80);
    for (int i = 0; i < 78; i++) d13_write_u16(&w, (uint16_t)(0xc000 + i));
    d13_write_u16(&w, D13_SCSV_FALLBACK);
    d13_write_u16(&w, D13_SCSV_EMPTY_RENEGOTIATION_INFO);
    d13_write_u8(&w, 1);
    d13_write_u8(&w, 0); /* null compression */
    d13_write_u16(&w, 0); /* no extensions */
    CHECK(!d13_writer_failed(&w));
    d13_client_hello ch;
    CHECK_EQ(d13_client_hello_decode(body, d13_writer_len(&w), &ch), 0);
    CHECK_EQ(ch.num_cipher_suites, D13_MAX_SUITES);
    CHECK(ch.suites_truncated);
    CHECK(ch.scsv_renegotiation);
    CHECK(ch.scsv_fallback);
}

static void test_client_hello_with_cookie(d13_test_state *t)
{
    uint8_t hvr_body[64], body[256];
    size_t hn = test_hex(openssl_hvr_hex, hvr_body, sizeof hvr_body);
    size_t n = test_hex(openssl_ch2_hex, body, sizeof body);
    d12_hello_verify_request hvr;
    d13_client_hello ch;
    CHECK_EQ(d12_hello_verify_request_decode(hvr_body, hn, &hvr), 0);
    CHECK_EQ(d13_client_hello_decode(body, n, &ch), 0);
    CHECK_EQ(ch.legacy_version, DTLS13_VERSION_DTLS12);
    CHECK_EQ(ch.legacy_cookie.len, hvr.cookie.len);
    CHECK_MEM(ch.legacy_cookie.p, hvr.cookie.p, hvr.cookie.len);
    CHECK_EQ(ch.num_cipher_suites, 28);
    CHECK_EQ(ch.cipher_suites[0], DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
    CHECK_EQ(ch.cipher_suites[27], D12_SCSV_EMPTY_RENEGOTIATION_INFO);
    CHECK(ch.scsv_renegotiation);
    CHECK(!ch.scsv_fallback);
    CHECK(!(ch.ext.present & D13_HAS_SUPPORTED_VERSIONS));
    CHECK(ch.ext.present & D13_HAS_EXTENDED_MASTER_SECRET);
    CHECK(!(ch.ext.present & D13_HAS_RENEGOTIATION_INFO)); /* the SCSV stands in for it */
    CHECK(ch.ext.present & D13_HAS_EC_POINT_FORMATS);
    CHECK_EQ(ch.ext.ec_point_formats.len, 3);
    CHECK_EQ(ch.ext.ec_point_formats.p[0], 0);
    CHECK(ch.ext.present & D13_HAS_USE_SRTP);
    CHECK_EQ(ch.ext.num_srtp_profiles, 2);
    CHECK_EQ(ch.ext.srtp_profiles[0], DTLS13_SRTP_AEAD_AES_128_GCM);
    CHECK_EQ(ch.ext.num_groups, 1);
    CHECK_EQ(ch.ext.groups[0], DTLS13_GROUP_SECP256R1);
    CHECK_EQ(ch.ext.num_sig_algs, 20);
}

static void test_server_key_exchange(d13_test_state *t)
{
    static uint8_t body[512], again[512];
    size_t n = test_hex(openssl_ske_p256_hex, body, sizeof body);
    d12_server_key_exchange m;
    CHECK_EQ(d12_server_key_exchange_decode(body, n, &m), 0);
    CHECK_EQ(m.group, DTLS13_GROUP_SECP256R1);
    CHECK_EQ(m.public_key.len, 65);
    CHECK(m.public_key.p == body + 4);
    CHECK_EQ(m.public_key.p[0], 0x04);
    CHECK(m.params.p == body);
    CHECK_EQ(m.params.len, 69);
    CHECK_EQ(m.sig_scheme, DTLS13_SIG_ECDSA_SECP256R1_SHA256);
    CHECK_EQ(m.signature.len, 0x47);
    CHECK_EQ(m.signature.p[0], 0x30);
    CHECK_EQ(m.signature.p[0x46], 0x9d);
    CHECK_EQ(wire_accepted_prefixes(dec_ske, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_ske, body, n), DE);
    /* The server's two steps give back the same bytes. */
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_ecdh_params_encode(&w, m.group, m.public_key.p, m.public_key.len));
    CHECK_EQ(d13_writer_len(&w), m.params.len);
    CHECK_MEM(again, m.params.p, m.params.len);
    CHECK(d12_signed_params_encode(&w, m.sig_scheme, m.signature.p, m.signature.len));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    for (size_t cap = 0; cap < m.params.len; cap++) {
        d13_writer_init(&w, again, cap);
        CHECK(!d12_ecdh_params_encode(&w, m.group, m.public_key.p, m.public_key.len));
    }
    d13_writer_init(&w, again, 3);
    CHECK(!d12_signed_params_encode(&w, m.sig_scheme, m.signature.p, m.signature.len));

    /* x25519 with an RSA-PSS signature. */
    n = test_hex(openssl_ske_x25519_hex, body, sizeof body);
    CHECK_EQ(d12_server_key_exchange_decode(body, n, &m), 0);
    CHECK_EQ(m.group, DTLS13_GROUP_X25519);
    CHECK_EQ(m.public_key.len, 32);
    CHECK_EQ(m.params.len, 36);
    CHECK_EQ(m.sig_scheme, DTLS13_SIG_RSA_PSS_RSAE_SHA256);
    CHECK_EQ(m.signature.len, 256);
    CHECK_EQ(wire_accepted_prefixes(dec_ske, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_ske, body, n), DE);

    /* explicit_prime (1) and explicit_char2 (2) curves, and any other type. */
    CHECK_EQ(wire_decode_hex(dec_ske, "01 0017 01 04 0403 0001 aa"), IP);
    CHECK_EQ(wire_decode_hex(dec_ske, "02"), IP);
    CHECK_EQ(wire_decode_hex(dec_ske, "ff 0017 01 04 0403 0001 aa"), IP);
    /* A minimal valid one, then each field broken. */
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 01 04 0403 0001 aa"), 0);
    CHECK_EQ(wire_decode_hex(dec_ske, ""), DE);
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 00 0403 0001 aa"), DE);    /* empty point */
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 02 04 0403 0001 aa"), DE); /* point overruns */
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 01 04 0403 0000"), DE);    /* empty signature */
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 01 04 0403 0002 aa"), DE); /* signature overruns */
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 01 04"), DE);              /* no signature */
    CHECK_EQ(wire_decode_hex(dec_ske, "03 0017 01 04 0403 0001 aa 00"), DE);
}

static void test_client_key_exchange(d13_test_state *t)
{
    uint8_t body[128], again[300];
    size_t n = test_hex(openssl_cke_hex, body, sizeof body);
    d12_client_key_exchange m;
    CHECK_EQ(d12_client_key_exchange_decode(body, n, &m), 0);
    CHECK_EQ(m.public_key.len, 65);
    CHECK(m.public_key.p == body + 1);
    CHECK_EQ(m.public_key.p[0], 0x04);
    CHECK_EQ(wire_accepted_prefixes(dec_cke, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cke, body, n), DE);
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_client_key_exchange_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    d13_writer_init(&w, again, n - 1);
    CHECK(!d12_client_key_exchange_encode(&w, &m));
    CHECK_EQ(wire_decode_hex(dec_cke, ""), DE);
    CHECK_EQ(wire_decode_hex(dec_cke, "00"), DE); /* empty point */
    CHECK_EQ(wire_decode_hex(dec_cke, "20 aabb"), DE);
    CHECK_EQ(wire_decode_hex(dec_cke, "01 aa"), 0);
    static const uint8_t big[256];
    m.public_key.p = big;
    m.public_key.len = sizeof big;
    d13_writer_init(&w, again, sizeof again);
    CHECK(!d12_client_key_exchange_encode(&w, &m));
}

static void test_certificate_request(d13_test_state *t)
{
    uint8_t body[128], again[128];
    size_t n = test_hex(openssl_cr_hex, body, sizeof body);
    d12_certificate_request m;
    CHECK_EQ(d12_certificate_request_decode(body, n, &m), 0);
    CHECK_EQ(m.certificate_types.len, 3);
    CHECK_EQ(m.certificate_types.p[0], D12_CERT_TYPE_RSA_SIGN);
    CHECK_EQ(m.certificate_types.p[2], D12_CERT_TYPE_ECDSA_SIGN);
    CHECK_EQ(m.num_sig_algs, 20);
    CHECK_EQ(m.sig_algs[0], DTLS13_SIG_ECDSA_SECP256R1_SHA256);
    CHECK_EQ(m.sig_algs[8], DTLS13_SIG_RSA_PSS_RSAE_SHA256);
    CHECK_EQ(m.sig_algs[11], DTLS13_SIG_RSA_PKCS1_SHA256);
    CHECK(!m.sig_algs_truncated);
    CHECK_EQ(m.certificate_authorities.len, 0);
    CHECK_EQ(wire_accepted_prefixes(dec_cr, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cr, body, n), DE);
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_certificate_request_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);

    /* With a certificate authority. */
    n = test_hex(openssl_cr_ca_hex, body, sizeof body);
    CHECK_EQ(d12_certificate_request_decode(body, n, &m), 0);
    CHECK_EQ(m.certificate_authorities.len, 0x12);
    CHECK_EQ(m.certificate_authorities.p[0], 0x00);
    CHECK_EQ(m.certificate_authorities.p[1], 0x10);
    CHECK_EQ(m.certificate_authorities.p[2], 0x30);
    CHECK_EQ(wire_accepted_prefixes(dec_cr, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cr, body, n), DE);
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_certificate_request_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    for (size_t cap = 0; cap < n; cap++) {
        d13_writer_init(&w, again, cap);
        CHECK(!d12_certificate_request_encode(&w, &m));
    }

    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0002 0403 0000"), 0);
    CHECK_EQ(wire_decode_hex(dec_cr, "00 0002 0403 0000"), DE);          /* no types */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0000 0000"), DE);            /* no schemes */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0003 040305 0000"), DE);     /* odd schemes */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0002 0403"), DE);            /* no CA vector */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0002 0403 0002 0000"), DE);  /* empty DN */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0002 0403 0003 0002 aa"), DE); /* DN overruns */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0002 0403 0004 0001 aa"), DE); /* stray byte */
    CHECK_EQ(wire_decode_hex(dec_cr, "01 40 0002 0403 0006 0001 aa 0001 bb"), 0);
    CHECK_EQ(wire_decode_hex(dec_cr, "02 40"), DE);

    /* 40 schemes: validated in full, 32 kept. */
    uint8_t many[128];
    d13_writer_init(&w, many, sizeof many);
    d13_write_u8(&w, 1);
    d13_write_u8(&w, D12_CERT_TYPE_ECDSA_SIGN);
    d13_write_u16(&w, 80);
    for (uint16_t i = 0; i < 40; i++) d13_write_u16(&w, (uint16_t)(0x0400 + i));
    d13_write_u16(&w, 0);
    CHECK(!d13_writer_failed(&w));
    CHECK_EQ(d12_certificate_request_decode(many, d13_writer_len(&w), &m), 0);
    CHECK_EQ(m.num_sig_algs, D13_MAX_LIST);
    CHECK(m.sig_algs_truncated);
    CHECK_EQ(m.sig_algs[31], 0x0400 + 31);
    m.num_sig_algs = D13_MAX_LIST + 1;
    d13_writer_init(&w, again, sizeof again);
    CHECK(!d12_certificate_request_encode(&w, &m));
}

static void test_certificate(d13_test_state *t)
{
    static uint8_t body[512], again[512];
    size_t n = test_hex(openssl_cert_hex, body, sizeof body);
    d12_certificate m;
    CHECK_EQ(d12_certificate_decode(body, n, &m), 0);
    CHECK_EQ(m.num_certs, 1);
    CHECK_EQ(m.certs[0].len, 0x175);
    CHECK(m.certs[0].p == body + 6);
    CHECK(!m.certs_truncated);
    /* The entry is the DER certificate itself (no per-entry extensions). */
    d13_bytes spki;
    CHECK_EQ(d13_der_certificate_spki(m.certs[0].p, m.certs[0].len, &spki), 0);
    CHECK_EQ(spki.len, 91); /* a P-256 SubjectPublicKeyInfo */
    CHECK_EQ(wire_accepted_prefixes(dec_cert, body, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_cert, body, n), DE);
    /* A DTLS 1.3 Certificate decoder does not take the 1.2 layout. */
    d13_certificate m13;
    CHECK(d13_certificate_decode(body, n, &m13) != 0);
    d13_writer w;
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_certificate_encode(&w, &m));
    CHECK_EQ(d13_writer_len(&w), n);
    CHECK_MEM(again, body, n);
    for (size_t cap = 0; cap < n; cap += 7) {
        d13_writer_init(&w, again, cap);
        CHECK(!d12_certificate_encode(&w, &m));
    }

    CHECK_EQ(wire_decode_hex(dec_cert, "000000"), 0); /* no client certificate */
    CHECK_EQ(wire_decode_hex(dec_cert, "000003 000000"), DE); /* empty entry */
    CHECK_EQ(wire_decode_hex(dec_cert, "000004 000002 aa"), DE);
    CHECK_EQ(wire_decode_hex(dec_cert, "000005 000001 aa 00"), DE);
    CHECK_EQ(wire_decode_hex(dec_cert, "000004 000001 aa"), 0);
    CHECK_EQ(wire_decode_hex(dec_cert, "0000"), DE);
    CHECK_EQ(wire_decode_hex(dec_cert, ""), DE);
    d12_certificate empty = {0};
    d13_writer_init(&w, again, sizeof again);
    CHECK(d12_certificate_encode(&w, &empty));
    CHECK_EQ(d13_writer_len(&w), 3);

    /* Ten certificates: eight kept. */
    uint8_t many[64];
    d13_writer_init(&w, many, sizeof many);
    d13_write_u24(&w, 40);
    for (int i = 0; i < 10; i++) {
        d13_write_u24(&w, 1);
        d13_write_u8(&w, (uint8_t)i);
    }
    CHECK_EQ(d12_certificate_decode(many, d13_writer_len(&w), &m), 0);
    CHECK_EQ(m.num_certs, D13_MAX_CERTS);
    CHECK(m.certs_truncated);
    CHECK_EQ(m.certs[7].p[0], 7);
    m.num_certs = D13_MAX_CERTS + 1;
    d13_writer_init(&w, again, sizeof again);
    CHECK(!d12_certificate_encode(&w, &m));
}

static void test_empty_messages(d13_test_state *t)
{
    static const uint8_t one[1] = {0};
    CHECK_EQ(d12_empty_message_decode(NULL, 0), 0);
    CHECK_EQ(d12_empty_message_decode(one, 0), 0);
    CHECK_EQ(d12_empty_message_decode(one, 1), DE);
}

/* The codecs DTLS 1.2 shares with 1.3 take OpenSSL's 1.2 messages. */
static void test_shared_codecs(d13_test_state *t)
{
    uint8_t body[128];
    size_t n = test_hex(openssl_cv_hex, body, sizeof body);
    d13_certificate_verify cv;
    CHECK_EQ(d13_certificate_verify_decode(body, n, &cv), 0);
    CHECK_EQ(cv.scheme, DTLS13_SIG_ECDSA_SECP256R1_SHA256);
    CHECK_EQ(cv.signature.len, 0x46);
    n = test_hex(openssl_fin_hex, body, sizeof body);
    d13_finished fin;
    CHECK_EQ(d13_finished_decode(body, n, &fin), 0);
    CHECK_EQ(fin.verify_data.len, D12_VERIFY_DATA_LEN);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_hello_verify_request);
    RUN_TEST(&st, test_client_hello_with_cookie);
    RUN_TEST(&st, test_client_hello_scsv_past_kept_suites);
    RUN_TEST(&st, test_server_key_exchange);
    RUN_TEST(&st, test_client_key_exchange);
    RUN_TEST(&st, test_certificate_request);
    RUN_TEST(&st, test_certificate);
    RUN_TEST(&st, test_empty_messages);
    RUN_TEST(&st, test_shared_codecs);
    TEST_MAIN_END(&st);
}
