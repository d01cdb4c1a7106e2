/* Names of code points, error strings and the version string. */
#include <string.h>

#include "dtls13/dtls13.h"
#include "test.h"

static void test_cipher_suites(d13_test_state *t)
{
    CHECK(strcmp(dtls13_cipher_suite_name(0x1301), "TLS_AES_128_GCM_SHA256") == 0);
    CHECK(strcmp(dtls13_cipher_suite_name(0x1302), "TLS_AES_256_GCM_SHA384") == 0);
    CHECK(strcmp(dtls13_cipher_suite_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256") == 0);
    CHECK(dtls13_cipher_suite_name(0x0000) == NULL);
    CHECK(dtls13_cipher_suite_name(0xc02f) != NULL &&
          strcmp(dtls13_cipher_suite_name(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") == 0);
    CHECK(strcmp(dtls13_cipher_suite_name(0xcca9), "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256") == 0);
    CHECK_EQ(dtls13_cipher_suite_from_name("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), 0xc02c);
    CHECK_EQ(dtls13_cipher_suite_from_name("ECDHE-ECDSA-AES128-GCM-SHA256"), 0xc02b);
    CHECK(dtls13_cipher_suite_name(0xc027) == NULL); /* CBC: not implemented */
    CHECK_EQ(dtls13_cipher_suite_from_name("TLS_AES_128_GCM_SHA256"), 0x1301);
    CHECK_EQ(dtls13_cipher_suite_from_name("tls_aes_256_gcm_sha384"), 0x1302);
    CHECK_EQ(dtls13_cipher_suite_from_name("TLS_CHACHA20_POLY1305_SHA256"), 0x1303);
    CHECK_EQ(dtls13_cipher_suite_from_name("TLS_AES_128_GCM"), 0);
    CHECK_EQ(dtls13_cipher_suite_from_name("TLS_AES_128_GCM_SHA2566"), 0);
    CHECK_EQ(dtls13_cipher_suite_from_name(""), 0);
    CHECK_EQ(dtls13_cipher_suite_from_name(NULL), 0);
}

static void test_groups(d13_test_state *t)
{
    CHECK(strcmp(dtls13_group_name(0x001d), "x25519") == 0);
    CHECK(strcmp(dtls13_group_name(0x0017), "secp256r1") == 0);
    CHECK(dtls13_group_name(0x0000) == NULL);
    CHECK_EQ(dtls13_group_from_name("x25519"), 0x001d);
    CHECK_EQ(dtls13_group_from_name("X25519"), 0x001d);
    CHECK_EQ(dtls13_group_from_name("secp256r1"), 0x0017);
    CHECK_EQ(dtls13_group_from_name("P-256"), 0x0017);
    CHECK_EQ(dtls13_group_from_name("p-256"), 0x0017);
    CHECK_EQ(dtls13_group_from_name("prime256v1"), 0x0017);
    CHECK_EQ(dtls13_group_from_name("x2551"), 0);
    CHECK_EQ(dtls13_group_from_name("P256"), 0);
    CHECK_EQ(dtls13_group_from_name(NULL), 0);
}

static void test_signature_schemes(d13_test_state *t)
{
    CHECK(strcmp(dtls13_signature_scheme_name(0x0403), "ecdsa_secp256r1_sha256") == 0);
    CHECK(strcmp(dtls13_signature_scheme_name(0x0804), "rsa_pss_rsae_sha256") == 0);
    CHECK(strcmp(dtls13_signature_scheme_name(0x0807), "ed25519") == 0);
    CHECK(dtls13_signature_scheme_name(0xffff) == NULL);
    CHECK_EQ(dtls13_signature_scheme_from_name("ECDSA_SECP256R1_SHA256"), 0x0403);
    CHECK_EQ(dtls13_signature_scheme_from_name("rsa_pss_rsae_sha256"), 0x0804);
    CHECK_EQ(dtls13_signature_scheme_from_name("ed25519"), 0x0807);
    CHECK_EQ(dtls13_signature_scheme_from_name("ed2551"), 0);
}

static void test_srtp_profiles(d13_test_state *t)
{
    CHECK(strcmp(dtls13_srtp_profile_name(0x0001), "SRTP_AES128_CM_SHA1_80") == 0);
    CHECK(strcmp(dtls13_srtp_profile_name(0x0002), "SRTP_AES128_CM_SHA1_32") == 0);
    CHECK(strcmp(dtls13_srtp_profile_name(0x0007), "SRTP_AEAD_AES_128_GCM") == 0);
    CHECK(strcmp(dtls13_srtp_profile_name(0x0008), "SRTP_AEAD_AES_256_GCM") == 0);
    CHECK(dtls13_srtp_profile_name(0x0000) == NULL);
    CHECK(dtls13_srtp_profile_name(0x0003) == NULL);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_AES128_CM_SHA1_80"), 0x0001);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_AES128_CM_HMAC_SHA1_80"), 0x0001);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_AES128_CM_SHA1_32"), 0x0002);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_AES128_CM_HMAC_SHA1_32"), 0x0002);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_AEAD_AES_128_GCM"), 0x0007);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_AEAD_AES_256_GCM"), 0x0008);
    CHECK_EQ(dtls13_srtp_profile_from_name("SRTP_NULL_HMAC_SHA1_80"), 0);
    CHECK_EQ(dtls13_srtp_profile_from_name(NULL), 0);
}

static void test_versions_and_alerts(d13_test_state *t)
{
    CHECK(strcmp(dtls13_version_name(0xfefc), "DTLS1.3") == 0);
    CHECK(strcmp(dtls13_version_name(0xfefd), "DTLS1.2") == 0);
    CHECK(dtls13_version_name(0x0304) == NULL);
    CHECK(dtls13_version_name(0) == NULL);

    CHECK(strcmp(dtls13_alert_name(0), "close_notify") == 0);
    CHECK(strcmp(dtls13_alert_name(10), "unexpected_message") == 0);
    CHECK(strcmp(dtls13_alert_name(20), "bad_record_mac") == 0);
    CHECK(strcmp(dtls13_alert_name(40), "handshake_failure") == 0);
    CHECK(strcmp(dtls13_alert_name(42), "bad_certificate") == 0);
    CHECK(strcmp(dtls13_alert_name(47), "illegal_parameter") == 0);
    CHECK(strcmp(dtls13_alert_name(50), "decode_error") == 0);
    CHECK(strcmp(dtls13_alert_name(51), "decrypt_error") == 0);
    CHECK(strcmp(dtls13_alert_name(70), "protocol_version") == 0);
    CHECK(strcmp(dtls13_alert_name(80), "internal_error") == 0);
    CHECK(strcmp(dtls13_alert_name(109), "missing_extension") == 0);
    CHECK(strcmp(dtls13_alert_name(110), "unsupported_extension") == 0);
    CHECK(strcmp(dtls13_alert_name(116), "certificate_required") == 0);
    CHECK(strcmp(dtls13_alert_name(120), "no_application_protocol") == 0);
    CHECK(dtls13_alert_name(1) == NULL);
    CHECK(dtls13_alert_name(21) == NULL); /* decryption_failed_RESERVED */
    CHECK(dtls13_alert_name(255) == NULL);
}

static void test_strerror_and_version(d13_test_state *t)
{
    const char *unknown = dtls13_strerror(-1000);
    CHECK(strcmp(unknown, "unknown error") == 0);
    CHECK(strcmp(dtls13_strerror(1), "unknown error") == 0);
    CHECK(strcmp(dtls13_strerror(DTLS13_OK), "success") == 0);
    /* Every defined code has its own, non-generic description. */
    for (int e = DTLS13_ERR_SEND; e <= DTLS13_ERR_INVALID_ARG; e++) {
        const char *s = dtls13_strerror(e);
        CHECK(s != NULL && strcmp(s, "unknown error") != 0 && s[0] != '\0');
        for (int f = e + 1; f <= DTLS13_ERR_INVALID_ARG; f++) CHECK(strcmp(s, dtls13_strerror(f)) != 0);
    }
    CHECK(strcmp(dtls13_version_string(), EXPECTED_VERSION) == 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_cipher_suites);
    RUN_TEST(&st, test_groups);
    RUN_TEST(&st, test_signature_schemes);
    RUN_TEST(&st, test_srtp_profiles);
    RUN_TEST(&st, test_versions_and_alerts);
    RUN_TEST(&st, test_strerror_and_version);
    TEST_MAIN_END(&st);
}
