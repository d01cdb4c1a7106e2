/* Certificates from PEM text in memory (d13_cert_load_pem_mem): the same
 * certificates and checks as the file loader, separate and combined texts,
 * and the texts no file loader sees (empty, NUL bytes, not terminated). */
#include "crypto/crypto.h"
#include "test.h"
#include "test_files.h"

#define TEXT_CAP 8192

/* A data file's text, or an empty one (and a failed check) when unreadable. */
typedef struct text {
    char buf[TEXT_CAP];
    size_t len;
} text;

static void read_text(d13_test_state *t, const char *name, text *out)
{
    out->len = test_read_data(name, (unsigned char *)out->buf, sizeof(out->buf));
    CHECK(out->len > 0);
}

/* Appends src to dst (within TEXT_CAP). */
static void append(text *dst, const text *src)
{
    size_t n = src->len < TEXT_CAP - dst->len ? src->len : TEXT_CAP - dst->len;
    memcpy(dst->buf + dst->len, src->buf, n);
    dst->len += n;
}

/* Loads cert_name's certificate and key_name's key both separately and as
 * one combined text (certificate first, and key first); returns the error
 * of each (all three must agree) and, on success, checks the DER equals
 * the file loader's. */
static int load_all_ways(d13_test_state *t, const char *cert_name, const char *key_name)
{
    static text cert, key, both, both_rev;
    read_text(t, cert_name, &cert);
    read_text(t, key_name, &key);
    both.len = 0;
    append(&both, &cert);
    append(&both, &key);
    both_rev.len = 0;
    append(&both_rev, &key);
    append(&both_rev, &cert);

    char cert_path[512], key_path[512];
    int file_err = 12345;
    d13_cert *from_file = d13_cert_load_pem(test_data_path(cert_name, cert_path, sizeof(cert_path)),
                                            test_data_path(key_name, key_path, sizeof(key_path)),
                                            &file_err);
    const text *firsts[3] = {&cert, &both, &both_rev};
    const text *seconds[3] = {&key, &both, &both_rev};
    int errs[3];
    for (size_t i = 0; i < 3; i++) {
        errs[i] = 12345;
        d13_cert *c = d13_cert_load_pem_mem(firsts[i]->buf, firsts[i]->len, seconds[i]->buf,
                                            seconds[i]->len, &errs[i]);
        CHECK_EQ(errs[i], file_err);
        CHECK((c != NULL) == (from_file != NULL));
        if (c != NULL && from_file != NULL) {
            size_t len = 0, want_len = 0;
            const uint8_t *der = d13_cert_der(c, &len);
            const uint8_t *want = d13_cert_der(from_file, &want_len);
            CHECK(len == want_len && memcmp(der, want, len) == 0);
            CHECK(d13_cert_key(c) != NULL);
        }
        d13_cert_free(c);
    }
    d13_cert_free(from_file);
    return errs[0];
}

/* ECDSA P-256, RSA-2048 and Ed25519, separate and combined in either order. */
static void test_good(d13_test_state *t)
{
    CHECK_EQ(load_all_ways(t, "ecdsa_cert.pem", "ecdsa_key.pem"), 0);
    CHECK_EQ(load_all_ways(t, "rsa_cert.pem", "rsa_key.pem"), 0);
    CHECK_EQ(load_all_ways(t, "ed25519_cert.pem", "ed25519_key.pem"), 0);
    /* The DER is the certificate's, byte for byte. */
    static text cert, key;
    uint8_t want[1000];
    size_t want_len = test_read_data("ecdsa_cert.der", want, sizeof(want));
    read_text(t, "ecdsa_cert.pem", &cert);
    read_text(t, "ecdsa_key.pem", &key);
    d13_cert *c = d13_cert_load_pem_mem(cert.buf, cert.len, key.buf, key.len, NULL);
    CHECK(c != NULL && want_len > 0);
    size_t len = 0;
    const uint8_t *der = d13_cert_der(c, &len);
    CHECK(c != NULL && len == want_len && memcmp(der, want, len) == 0);
    d13_cert_free(c);
}

/* Keys that do not match, and a matching pair we cannot sign with. */
static void test_mismatch(d13_test_state *t)
{
    CHECK_EQ(load_all_ways(t, "ecdsa_cert.pem", "other_ecdsa_key.pem"), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(load_all_ways(t, "ecdsa_cert.pem", "rsa_key.pem"), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(load_all_ways(t, "rsa_cert.pem", "ecdsa_key.pem"), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(load_all_ways(t, "rsa_cert.pem", "ed25519_key.pem"), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(load_all_ways(t, "p384_cert.pem", "p384_key.pem"), DTLS13_ERR_CERTIFICATE);
    /* A key where the certificate belongs, a certificate where the key does. */
    CHECK_EQ(load_all_ways(t, "ecdsa_key.pem", "ecdsa_key.pem"), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(load_all_ways(t, "ecdsa_cert.pem", "ecdsa_cert.pem"), DTLS13_ERR_CERTIFICATE);
}

/* Garbage, truncated texts, empty texts and NULL. */
static void test_bad_text(d13_test_state *t)
{
    static text cert, key, garbage, both;
    read_text(t, "ecdsa_cert.pem", &cert);
    read_text(t, "ecdsa_key.pem", &key);
    read_text(t, "garbage.pem", &garbage);
    int err = 12345;
    CHECK(d13_cert_load_pem_mem(garbage.buf, garbage.len, key.buf, key.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    CHECK(d13_cert_load_pem_mem(cert.buf, cert.len, garbage.buf, garbage.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* Every truncation of the combined text fails cleanly, up to the last
     * line's newline, which PEM does not need; the whole loads. */
    both.len = 0;
    append(&both, &cert);
    append(&both, &key);
    for (size_t len = 0; len + 1 < both.len; len += 7) {
        err = 12345;
        d13_cert *c = d13_cert_load_pem_mem(both.buf, len, both.buf, len, &err);
        CHECK(c == NULL);
        CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
        d13_cert_free(c);
    }
    for (size_t len = both.len - 1; len <= both.len; len++) {
        d13_cert *c = d13_cert_load_pem_mem(both.buf, len, both.buf, len, &err);
        CHECK(c != NULL);
        CHECK_EQ(err, 0);
        d13_cert_free(c);
    }
    /* The length is obeyed: text past it (here the key) is not read. */
    CHECK(d13_cert_load_pem_mem(both.buf, both.len, both.buf, cert.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* Empty texts. */
    CHECK(d13_cert_load_pem_mem("", 0, key.buf, key.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    CHECK(d13_cert_load_pem_mem(cert.buf, cert.len, "", 0, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* NULL texts; err may be NULL. */
    CHECK(d13_cert_load_pem_mem(NULL, 0, key.buf, key.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_INVALID_ARG);
    CHECK(d13_cert_load_pem_mem(cert.buf, cert.len, NULL, 0, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_INVALID_ARG);
    CHECK(d13_cert_load_pem_mem(NULL, 0, NULL, 0, NULL) == NULL);
}

/* A NUL byte anywhere in a text is refused, even a terminator counted in
 * the length, even between the PEM blocks. */
static void test_nul(d13_test_state *t)
{
    static text cert, key, both;
    read_text(t, "ecdsa_cert.pem", &cert);
    read_text(t, "ecdsa_key.pem", &key);
    int err = 12345;
    cert.buf[cert.len] = '\0';
    CHECK(d13_cert_load_pem_mem(cert.buf, cert.len + 1, key.buf, key.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    both.len = 0;
    append(&both, &cert);
    both.buf[both.len++] = '\0';
    append(&both, &key);
    CHECK(d13_cert_load_pem_mem(both.buf, both.len, both.buf, both.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
    /* In the middle of the base64 of the key. */
    key.buf[key.len / 2] = '\0';
    CHECK(d13_cert_load_pem_mem(cert.buf, cert.len, key.buf, key.len, &err) == NULL);
    CHECK_EQ(err, DTLS13_ERR_CERTIFICATE);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_good);
    RUN_TEST(&st, test_mismatch);
    RUN_TEST(&st, test_bad_text);
    RUN_TEST(&st, test_nul);
    TEST_MAIN_END(&st);
}
