/* The TLS 1.2 PRF (RFC 5246 5): the published P_SHA256 and P_SHA384 test
 * vectors (secret, "test label", seed), which OpenSSL's own TLS1-PRF
 * (`openssl kdf ... TLS1-PRF`) reproduces byte for byte, prefixes of them,
 * an output longer than one HMAC block, and argument errors. */
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"
#include "test.h"

static const char sha256_out[] =
    "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af"
    "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
    "87347b66";
static const char sha384_out[] =
    "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0"
    "e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
    "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e099070"
    "3d73e56f";

static void check_vector(d13_test_state *t, d13_hash_alg alg, const char *secret_hex, const char *seed_hex,
                         const char *want_hex)
{
    uint8_t secret[16], seed[16], want[160], out[160];
    size_t secret_len = test_hex(secret_hex, secret, sizeof(secret));
    size_t seed_len = test_hex(seed_hex, seed, sizeof(seed));
    size_t want_len = test_hex(want_hex, want, sizeof(want));
    CHECK(want_len == 100 || want_len == 148);
    memset(out, 0, sizeof(out));
    CHECK_EQ(d13_tls12_prf(NULL, alg, secret, secret_len, "test label", seed, seed_len, out, want_len), 0);
    CHECK(memcmp(out, want, want_len) == 0);
    /* The PRF is a stream: any shorter output is a prefix, whatever the
     * block boundary (1, one hash, one hash + 1). */
    const size_t prefixes[] = {1, 12, 31, 32, 33, 47, 48, 49, 64, 65};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        memset(out, 0xaa, sizeof(out));
        CHECK_EQ(d13_tls12_prf(NULL, alg, secret, secret_len, "test label", seed, seed_len, out, prefixes[i]), 0);
        CHECK(memcmp(out, want, prefixes[i]) == 0);
        CHECK_EQ(out[prefixes[i]], 0xaa); /* nothing written past out_len */
    }
    /* Another label, another stream. */
    CHECK_EQ(d13_tls12_prf(NULL, alg, secret, secret_len, "test labek", seed, seed_len, out, 32), 0);
    CHECK(memcmp(out, want, 32) != 0);
}

static void test_published_vectors(d13_test_state *t)
{
    check_vector(t, D13_HASH_SHA256, "9bbe436ba940f017b17652849a71db35", "a0ba9f936cda311827a6f796ffd5198c",
                 sha256_out);
    check_vector(t, D13_HASH_SHA384, "b80b733d6ceefcdc71566ea48e5567df", "cd665cf6a8447dd6ff8b27555edb7465",
                 sha384_out);
}

static void test_algs_context(d13_test_state *t)
{
    /* The fetched-digest path gives the same bytes as the default one. */
    d13_algs *algs = d13_algs_new();
    CHECK(algs != NULL);
    uint8_t secret[16], seed[16], want[100], out[100];
    test_hex("9bbe436ba940f017b17652849a71db35", secret, sizeof(secret));
    test_hex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof(seed));
    test_hex(sha256_out, want, sizeof(want));
    CHECK_EQ(d13_tls12_prf(algs, D13_HASH_SHA256, secret, 16, "test label", seed, 16, out, sizeof(out)), 0);
    CHECK(memcmp(out, want, sizeof(want)) == 0);
    d13_algs_free(algs);
}

static void test_arguments(d13_test_state *t)
{
    uint8_t secret[16] = {0}, out[16];
    CHECK_EQ(d13_tls12_prf(NULL, D13_HASH_SHA512, secret, 16, "x", NULL, 0, out, 16), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_tls12_prf(NULL, D13_HASH_SHA256, secret, 16, "x", NULL, 0, out, 0), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_tls12_prf(NULL, D13_HASH_SHA256, secret, 16, NULL, NULL, 0, out, 16), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_tls12_prf(NULL, D13_HASH_SHA256, secret, 16, "x", NULL, 0, NULL, 16), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_tls12_prf(NULL, D13_HASH_SHA256, secret, 16, "x", NULL, 4, out, 16), DTLS13_ERR_INVALID_ARG);
    /* An empty seed is legal. */
    CHECK_EQ(d13_tls12_prf(NULL, D13_HASH_SHA256, secret, 16, "x", NULL, 0, out, 16), 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_published_vectors);
    RUN_TEST(&st, test_algs_context);
    RUN_TEST(&st, test_arguments);
    TEST_MAIN_END(&st);
}
