/* Certificates: generation, PEM loading and its error codes. */
#include "crypto/crypto.h"
#include "test.h"
#include "test_files.h"

static d13_cert *load(const char *cert_name, const char *key_name, int *err)
{
    char cert_path[512], key_path[512];
    *err = 12345;
    return d13_cert_load_pem(test_data_path(cert_name, cert_path, sizeof(cert_path)),
                             test_data_path(key_name, key_path, sizeof(key_path)), err);
}

static void test_load_good(d13_test_state *t)
{
    const char *pairs[][2] = {{"ecdsa_cert.pem", "ecdsa_key.pem"},
                              {"rsa_cert.pem", "rsa_key.pem"},
                              {"ed25519_cert.pem", "ed25519_key.pem"}};
    for (size_t i = 0; i < 3; i++) {
        int err;
        d13_cert *cert = load(pairs[i][0], pairs[i][1], &err);
        CHECK(cert != NULL);
        CHECK_EQ(err, 0);
        size_t len = 0;
        CHECK(d13_cert_der(cert, &len) != NULL);
        CHECK(len > 100);
        CHECK(d13_cert_key(cert) != NULL);
        d13_cert_free(cert);
    }
    /* The DER is the certificate's, byte for byte. */
    uint8_t want[1000];
    size_t want_len = test_read_data("ecdsa_cert.der", want, sizeof(want));
    int err;
    d13_cert *cert = load("ecdsa_cert.pem", "ecdsa_key.pem", &err);
    CHECK(cert != NULL && want_len > 0);
    if (cert == NULL) return;
    size_t len = 0;
    const uint8_t *der = d13_cert_der(cert, &len);
    CHECK_EQ(len, want_len);
    CHECK(len == want_len && memcmp(der, want, len) == 0);
    d13_cert_free(cert);
}

static void test_load_errors(d13_test_state *t)
{
    int err;
    CHECK(load("no_such_cert.pem", "ecdsa_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_IO);
    CHECK(load("ecdsa_cert.pem", "no_such_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_IO);
    CHECK(load(".", "ecdsa_key.pem", &err) == NULL); /* a directory */
    CHECK_EQ(err, DTLS13_ERR_IO);
    CHECK(load("garbage.pem", "ecdsa_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    CHECK(load("ecdsa_cert.pem", "garbage.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    CHECK(load("ecdsa_key.pem", "ecdsa_key.pem", &err) == NULL); /* a key is not a cert */
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* Keys that do not match the certificate. */
    CHECK(load("ecdsa_cert.pem", "other_ecdsa_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    CHECK(load("ecdsa_cert.pem", "rsa_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    CHECK(load("rsa_cert.pem", "ed25519_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* A matching pair we cannot sign with (P-384). */
    CHECK(load("p384_cert.pem", "p384_key.pem", &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* err may be NULL. */
    char path[512];
    CHECK(d13_cert_load_pem(test_data_path("none.pem", path, sizeof(path)), path, NULL) == NULL);
}

static void test_generate(d13_test_state *t)
{
    d13_cert *a = d13_cert_generate_self_signed("WebRTC");
    d13_cert *b = d13_cert_generate_self_signed("WebRTC");
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL) goto done;
    size_t la = 0, lb = 0;
    const uint8_t *da = d13_cert_der(a, &la);
    const uint8_t *db = d13_cert_der(b, &lb);
    CHECK(la > 200 && la < 600);
    CHECK_EQ(da[0], 0x30); /* a DER SEQUENCE */
    /* Fresh key and serial each time. */
    CHECK(la != lb || memcmp(da, db, la) != 0);
    /* The common name appears in the DER (subject and issuer). */
    size_t hits = 0;
    for (size_t i = 0; i + 6 <= la; i++)
        if (memcmp(da + i, "WebRTC", 6) == 0) hits++;
    CHECK_EQ(hits, 2);
    char fp_a[128], fp_b[128];
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA256, da, la, fp_a, sizeof(fp_a)), 0);
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA256, db, lb, fp_b, sizeof(fp_b)), 0);
    CHECK(strcmp(fp_a, fp_b) != 0);
done:
    d13_cert_free(a);
    d13_cert_free(b);
    CHECK(d13_cert_generate_self_signed(NULL) == NULL);
    CHECK(d13_cert_generate_self_signed("") == NULL);
    d13_cert_free(NULL);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_load_good);
    RUN_TEST(&st, test_load_errors);
    RUN_TEST(&st, test_generate);
    TEST_MAIN_END(&st);
}
