/* Tests for SubjectPublicKeyInfo extraction from DER certificates. */
#include "dtls13/constants.h"
#include "test.h"
#include "unit/wire/rfc8448_vectors.h"
#include "unit/wire/wire_test_util.h"
#include "wire/messages.h"

#define BAD DTLS13_ALERT_BAD_CERTIFICATE

/* A version 1 (no [0] version field) self-signed P-256 certificate made with
 * `openssl x509 -req -signkey`, and its SubjectPublicKeyInfo. */
static const char v1_cert_hex[] =
    "3082011d3081c3021447150ec2ec8de9f1460aef1244bd76f2bf50ee7c300a06"
    "082a8648ce3d0403023011310f300d06035504030c06576562525443301e170d"
    "3236313132353139343330325a170d3236313232353139343330325a3011310f"
    "300d06035504030c065765625254433059301306072a8648ce3d020106082a86"
    "48ce3d03010703420004b6398e2d740961ab30b13573d49d797cd0249a8558df"
    "8b35a7cdcc721944d5f03926e5799ebf8735426e22127069fb870c76eca358c8"
    "2581f4087793c40b0529300a06082a8648ce3d0403020349003046022100dd34"
    "3e63cba3842de6273e088ad028a89a5eadd46ff28f891c0724ae24b953bd0221"
    "00d8a760dcb6652413d9816ca68bd861969750431daeb2f4ff296dbb114ee636"
    "4a";
static const char v1_spki_hex[] =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004b6398e2d74"
    "0961ab30b13573d49d797cd0249a8558df8b35a7cdcc721944d5f03926e5799e"
    "bf8735426e22127069fb870c76eca358c82581f4087793c40b0529";
static int dec_spki(const uint8_t *p, size_t n)
{
    d13_bytes spki;
    return d13_der_certificate_spki(p, n, &spki);
}

static void test_rfc8448_certificate(d13_test_state *t)
{
    static uint8_t der[512], want[256];
    size_t n = test_hex(rfc8448_der_hex, der, sizeof der);
    size_t wn = test_hex(rfc8448_spki_hex, want, sizeof want);
    d13_bytes spki;
    CHECK_EQ(d13_der_certificate_spki(der, n, &spki), 0);
    CHECK_EQ(spki.len, wn);
    CHECK_MEM(spki.p, want, wn);
    CHECK_EQ(wire_accepted_prefixes(dec_spki, der, n), 0);
    CHECK_EQ(wire_decode_with_trailer(dec_spki, der, n), BAD);
}

static void test_v1_certificate(d13_test_state *t)
{
    static uint8_t der[512], want[256];
    size_t n = test_hex(v1_cert_hex, der, sizeof der);
    size_t wn = test_hex(v1_spki_hex, want, sizeof want);
    d13_bytes spki;
    CHECK_EQ(d13_der_certificate_spki(der, n, &spki), 0);
    CHECK_EQ(spki.len, wn);
    CHECK_MEM(spki.p, want, wn);
    CHECK_EQ(wire_accepted_prefixes(dec_spki, der, n), 0);
}

/* SEQ{ SEQ{ [0]{INT 2} INT 1, SEQ, SEQ, SEQ, SEQ, SEQ{...spki...} } } built
 * with the given length encodings. */
static void test_synthetic(d13_test_state *t)
{
    /* Short-form lengths everywhere. */
    CHECK_EQ(wire_decode_hex(dec_spki, "3017 3015 a003020102 020101 3000 3000 3000 3000 3003 030100"), 0);
    /* No version. */
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 3010 020101 3000 3000 3000 3000 3003 030100"), 0);
    /* Long-form lengths (0x81, 0x82, and non-minimal 0x84). */
    CHECK_EQ(wire_decode_hex(dec_spki, "308115 308112 020101 3000 3000 3000 3000 3082000303 0100"), 0);
    CHECK_EQ(wire_decode_hex(dec_spki, "308400000018 308400000012 020101 3000 3000 3000 3000 3082000303 0100"), 0);
    CHECK_EQ(wire_decode_hex(dec_spki, "30841a000000 308400000012 020101 3000 3000 3000 3000 3082000303 0100"), BAD);
    /* The SPKI returned includes its long-form header. */
    uint8_t der[64];
    size_t n = test_hex("308115 308112 020101 3000 3000 3000 3000 3082000303 0100", der, sizeof der);
    d13_bytes spki;
    CHECK_EQ(d13_der_certificate_spki(der, n, &spki), 0);
    CHECK_EQ(spki.len, 7);
    CHECK(spki.p == der + 17);
    CHECK_EQ(wire_accepted_prefixes(dec_spki, der, n), 0);
    /* Indefinite length. */
    CHECK_EQ(wire_decode_hex(dec_spki, "3080 3010 020101 3000 3000 3000 3000 3003 030100 0000"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "3014 3080 020101 3000 3000 3000 3000 3003 030100 0000"), BAD);
    /* Five length bytes. */
    CHECK_EQ(wire_decode_hex(dec_spki, "30850000000003 020101"), BAD);
    /* Lengths beyond the buffer (outer and inner). */
    CHECK_EQ(wire_decode_hex(dec_spki, "3013 3010 020101 3000 3000 3000 3000 3003 030100"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 3010 020101 3000 3000 3000 3000 3004 030100"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 30ff 020101 3000 3000 3000 3000 3003 030100"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "30 84ffffffff 3000"), BAD);
    /* Wrong tags: serial not an INTEGER, SPKI not a SEQUENCE, missing SPKI. */
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 3010 040101 3000 3000 3000 3000 3003 030100"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 3010 020101 3000 3000 3000 3000 3103 030100"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "300d 300b 020101 3000 3000 3000 3000"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 3010 020101 3000 3000 3000 0400 3003 030100"), BAD);
    /* Multi-byte tag. */
    CHECK_EQ(wire_decode_hex(dec_spki, "3013 3011 1f0101 00 3000 3000 3000 3000 3003 030100"), BAD);
    /* Trailing bytes after the certificate. */
    CHECK_EQ(wire_decode_hex(dec_spki, "3012 3010 020101 3000 3000 3000 3000 3003 030100 00"), BAD);
    CHECK_EQ(wire_decode_hex(dec_spki, ""), BAD);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_rfc8448_certificate);
    RUN_TEST(&st, test_v1_certificate);
    RUN_TEST(&st, test_synthetic);
    TEST_MAIN_END(&st);
}
