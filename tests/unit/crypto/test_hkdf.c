/* HKDF (RFC 5869) and HKDF-Expand-Label (RFC 8448 values). */
#include "crypto/crypto.h"
#include "test.h"

/* RFC 5869 A.1, test case 1 (SHA-256). */
static void test_rfc5869_case1(d13_test_state *t)
{
    uint8_t ikm[22], salt[13], info[10], want_prk[32], want_okm[42], prk[32], okm[42];
    memset(ikm, 0x0b, sizeof(ikm));
    test_hex("000102030405060708090a0b0c", salt, sizeof(salt));
    test_hex("f0f1f2f3f4f5f6f7f8f9", info, sizeof(info));
    test_hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", want_prk,
             sizeof(want_prk));
    test_hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
             want_okm, sizeof(want_okm));
    CHECK_EQ(d13_hkdf_extract(NULL, D13_HASH_SHA256, salt, sizeof(salt), ikm, sizeof(ikm), prk), 0);
    CHECK_MEM(prk, want_prk, 32);
    CHECK_EQ(d13_hkdf_expand(NULL, D13_HASH_SHA256, prk, sizeof(prk), info, sizeof(info), okm, 42), 0);
    CHECK_MEM(okm, want_okm, 42);
}

/* RFC 5869 A.3, test case 3: no salt, no info. */
static void test_rfc5869_case3(d13_test_state *t)
{
    uint8_t ikm[22], want_prk[32], want_okm[42], prk[32], okm[42];
    memset(ikm, 0x0b, sizeof(ikm));
    test_hex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", want_prk,
             sizeof(want_prk));
    test_hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
             want_okm, sizeof(want_okm));
    CHECK_EQ(d13_hkdf_extract(NULL, D13_HASH_SHA256, NULL, 0, ikm, sizeof(ikm), prk), 0);
    CHECK_MEM(prk, want_prk, 32);
    CHECK_EQ(d13_hkdf_expand(NULL, D13_HASH_SHA256, prk, sizeof(prk), NULL, 0, okm, 42), 0);
    CHECK_MEM(okm, want_okm, 42);
}

/* RFC 8448 section 3: early secret = HKDF-Extract(0, 0), then the
 * "derived" secret, then the server handshake key and iv. */
static void test_rfc8448_key_schedule(d13_test_state *t)
{
    uint8_t early[32], want_early[32], derived[32], want_derived[32], empty_hash[32];
    test_hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", want_early,
             sizeof(want_early));
    test_hex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", want_derived,
             sizeof(want_derived));
    CHECK_EQ(d13_hkdf_extract(NULL, D13_HASH_SHA256, NULL, 0, NULL, 0, early), 0);
    CHECK_MEM(early, want_early, 32);
    CHECK_EQ(d13_hash(NULL, D13_HASH_SHA256, NULL, 0, empty_hash), 0);
    CHECK_EQ(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "tls13 ", early, 32, "derived", empty_hash,
                                   32, derived, 32),
             0);
    CHECK_MEM(derived, want_derived, 32);
}

static void test_rfc8448_traffic_keys(d13_test_state *t)
{
    uint8_t secret[32], want_key[16], want_iv[12], key[16], iv[12];
    test_hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", secret,
             sizeof(secret));
    test_hex("3fce516009c21727d0f2e4e86ee403bc", want_key, sizeof(want_key));
    test_hex("5d313eb2671276ee13000b30", want_iv, sizeof(want_iv));
    CHECK_EQ(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "tls13 ", secret, 32, "key", NULL, 0, key, 16),
             0);
    CHECK_MEM(key, want_key, 16);
    CHECK_EQ(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "tls13 ", secret, 32, "iv", NULL, 0, iv, 12),
             0);
    CHECK_MEM(iv, want_iv, 12);
    /* The DTLS prefix gives a different key. */
    CHECK_EQ(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "dtls13", secret, 32, "key", NULL, 0, key, 16),
             0);
    CHECK(memcmp(key, want_key, 16) != 0);
}

/* The HkdfLabel is built as RFC 8446 7.1 says: compare with a hand-built info. */
static void test_label_encoding(d13_test_state *t)
{
    uint8_t secret[32], ctx[3] = {1, 2, 3}, got[20], want[20];
    memset(secret, 0x42, sizeof(secret));
    uint8_t info[] = {0x00, 0x14, 8, 'd', 't', 'l', 's', '1', '3', 's', 'n', 3, 1, 2, 3};
    CHECK_EQ(d13_hkdf_expand(NULL, D13_HASH_SHA384, secret, 32, info, sizeof(info), want, 20), 0);
    CHECK_EQ(d13_hkdf_expand_label(NULL, D13_HASH_SHA384, "dtls13", secret, 32, "sn", ctx, 3, got, 20),
             0);
    CHECK_MEM(got, want, 20);
}

/* Several labels from one secret equal one call each, with and without
 * the configuration's fetched algorithms (RFC 8448 server handshake
 * traffic keys as the reference). */
static void test_expand_labels(d13_test_state *t)
{
    uint8_t secret[32], want_key[16], want_iv[12], key[16], iv[12], sn[16], sn_one[16];
    test_hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", secret,
             sizeof(secret));
    test_hex("3fce516009c21727d0f2e4e86ee403bc", want_key, sizeof(want_key));
    test_hex("5d313eb2671276ee13000b30", want_iv, sizeof(want_iv));
    uint8_t ctx[3] = {7, 8, 9};
    CHECK_EQ(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "tls13 ", secret, 32, "sn", ctx, 3, sn_one, 16), 0);
    d13_algs *algs = d13_algs_new();
    CHECK(algs != NULL);
    for (int pass = 0; pass < 2; pass++) {
        const d13_algs *a = pass == 0 ? NULL : algs;
        memset(key, 0, sizeof(key));
        memset(iv, 0, sizeof(iv));
        memset(sn, 0, sizeof(sn));
        const d13_hkdf_label labels[] = {
            {"key", NULL, 0, key, sizeof(key)},
            {"iv", NULL, 0, iv, sizeof(iv)},
            {"sn", ctx, 3, sn, sizeof(sn)},
        };
        CHECK_EQ(d13_hkdf_expand_labels(a, D13_HASH_SHA256, "tls13 ", secret, 32, labels, 3), 0);
        CHECK_MEM(key, want_key, 16);
        CHECK_MEM(iv, want_iv, 12);
        CHECK_MEM(sn, sn_one, 16);
        CHECK_EQ(d13_hkdf_expand_label(a, D13_HASH_SHA256, "tls13 ", secret, 32, "key", NULL, 0, key, 16), 0);
        CHECK_MEM(key, want_key, 16);
        /* A bad entry fails the call. */
        const d13_hkdf_label bad[] = {{"key", NULL, 0, key, sizeof(key)}, {"iv", NULL, 0, NULL, 12}};
        CHECK(d13_hkdf_expand_labels(a, D13_HASH_SHA256, "tls13 ", secret, 32, bad, 2) < 0);
    }
    CHECK(d13_hkdf_expand_labels(algs, D13_HASH_SHA256, "tls13 ", secret, 32, NULL, 1) < 0);
    CHECK(d13_hkdf_expand_labels(algs, D13_HASH_SHA256, "tls13 ", NULL, 0, NULL, 0) < 0);
    d13_algs_free(algs);
}

static void test_bad_args(d13_test_state *t)
{
    uint8_t secret[32] = {0}, out[64];
    char long_label[260];
    memset(long_label, 'a', sizeof(long_label) - 1);
    long_label[sizeof(long_label) - 1] = '\0';
    CHECK(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "dtls13", secret, 32, long_label, NULL, 0, out,
                                16) < 0);
    uint8_t big_ctx[256] = {0};
    CHECK(d13_hkdf_expand_label(NULL, D13_HASH_SHA256, "dtls13", secret, 32, "key", big_ctx, 256, out,
                                16) < 0);
    CHECK(d13_hkdf_expand(NULL, D13_HASH_SHA256, secret, 32, NULL, 0, out, 0) < 0);
    CHECK(d13_hkdf_expand(NULL, D13_HASH_SHA256, NULL, 0, NULL, 0, out, 16) < 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_rfc5869_case1);
    RUN_TEST(&st, test_rfc5869_case3);
    RUN_TEST(&st, test_rfc8448_key_schedule);
    RUN_TEST(&st, test_rfc8448_traffic_keys);
    RUN_TEST(&st, test_label_encoding);
    RUN_TEST(&st, test_expand_labels);
    RUN_TEST(&st, test_bad_args);
    TEST_MAIN_END(&st);
}
