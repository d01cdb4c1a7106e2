/* Hashes, HMAC and the small utilities of the crypto layer. */
#include "crypto/crypto.h"
#include "test.h"

static void test_sha256_abc(d13_test_state *t)
{
    uint8_t want[32], got[32];
    test_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, sizeof(want));
    CHECK_EQ(d13_hash(NULL, D13_HASH_SHA256, (const uint8_t *)"abc", 3, got), 0);
    CHECK_MEM(got, want, 32);
}

static void test_sha384_abc(d13_test_state *t)
{
    uint8_t want[48], got[48];
    test_hex("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
             "8086072ba1e7cc2358baeca134c825a7",
             want, sizeof(want));
    CHECK_EQ(d13_hash(NULL, D13_HASH_SHA384, (const uint8_t *)"abc", 3, got), 0);
    CHECK_MEM(got, want, 48);
}

static void test_empty_hash(d13_test_state *t)
{
    uint8_t want[32], got[32];
    test_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, sizeof(want));
    CHECK_EQ(d13_hash(NULL, D13_HASH_SHA256, NULL, 0, got), 0);
    CHECK_MEM(got, want, 32);
}

static void test_running_hash_peek(d13_test_state *t)
{
    uint8_t want_a[32], want_abc[32], got[32];
    d13_hash(NULL, D13_HASH_SHA256, (const uint8_t *)"a", 1, want_a);
    d13_hash(NULL, D13_HASH_SHA256, (const uint8_t *)"abc", 3, want_abc);
    d13_hash_ctx *ctx = d13_hash_new(NULL, D13_HASH_SHA256);
    CHECK(ctx != NULL);
    if (ctx == NULL) return;
    CHECK_EQ(d13_hash_ctx_alg(ctx), D13_HASH_SHA256);
    CHECK_EQ(d13_hash_update(ctx, (const uint8_t *)"a", 1), 0);
    CHECK_EQ(d13_hash_peek(ctx, got), 0);
    CHECK_MEM(got, want_a, 32);
    /* Peeking did not finish the context: hashing goes on. */
    CHECK_EQ(d13_hash_update(ctx, (const uint8_t *)"bc", 2), 0);
    CHECK_EQ(d13_hash_peek(ctx, got), 0);
    CHECK_MEM(got, want_abc, 32);
    CHECK_EQ(d13_hash_peek(ctx, got), 0);
    CHECK_MEM(got, want_abc, 32);
    d13_hash_free(ctx);
    d13_hash_free(NULL);
}

/* RFC 4231 test case 2. */
static void test_hmac_rfc4231(d13_test_state *t)
{
    const char *data = "what do ya want for nothing?";
    uint8_t want256[32], want512[64], got[64];
    test_hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want256,
             sizeof(want256));
    test_hex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
             "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
             want512, sizeof(want512));
    CHECK_EQ(d13_hmac(NULL, D13_HASH_SHA256, (const uint8_t *)"Jefe", 4, (const uint8_t *)data, 28, got),
             0);
    CHECK_MEM(got, want256, 32);
    CHECK_EQ(d13_hmac(NULL, D13_HASH_SHA512, (const uint8_t *)"Jefe", 4, (const uint8_t *)data, 28, got),
             0);
    CHECK_MEM(got, want512, 64);
    /* A different key gives a different MAC. */
    CHECK_EQ(d13_hmac(NULL, D13_HASH_SHA256, (const uint8_t *)"Jeff", 4, (const uint8_t *)data, 28, got),
             0);
    CHECK(memcmp(got, want256, 32) != 0);
    /* RFC 4231 test case 6: a key longer than the block is hashed first;
     * with the configuration's fetched algorithms as well. */
    uint8_t long_key[131], want6[32];
    memset(long_key, 0xaa, sizeof(long_key));
    test_hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", want6, sizeof(want6));
    const char *data6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    d13_algs *algs = d13_algs_new();
    CHECK(algs != NULL);
    CHECK_EQ(d13_hmac(NULL, D13_HASH_SHA256, long_key, sizeof(long_key), (const uint8_t *)data6, 54, got), 0);
    CHECK_MEM(got, want6, 32);
    CHECK_EQ(d13_hmac(algs, D13_HASH_SHA256, long_key, sizeof(long_key), (const uint8_t *)data6, 54, got), 0);
    CHECK_MEM(got, want6, 32);
    CHECK_EQ(d13_hmac(algs, D13_HASH_SHA256, (const uint8_t *)"Jefe", 4, (const uint8_t *)data, 28, got), 0);
    CHECK_MEM(got, want256, 32);
    CHECK(d13_hmac(algs, D13_HASH_SHA256, NULL, 4, (const uint8_t *)data, 28, got) < 0);
    d13_algs_free(algs);
}

static void test_lengths_and_suites(d13_test_state *t)
{
    CHECK_EQ(d13_hash_len(D13_HASH_SHA256), 32);
    CHECK_EQ(d13_hash_len(D13_HASH_SHA384), 48);
    CHECK_EQ(d13_hash_len(D13_HASH_SHA512), 64);
    CHECK_EQ(d13_suite_hash(DTLS13_TLS_AES_128_GCM_SHA256), D13_HASH_SHA256);
    CHECK_EQ(d13_suite_hash(DTLS13_TLS_AES_256_GCM_SHA384), D13_HASH_SHA384);
    CHECK_EQ(d13_suite_hash(DTLS13_TLS_CHACHA20_POLY1305_SHA256), D13_HASH_SHA256);
}

static void test_utilities(d13_test_state *t)
{
    uint8_t a[32] = {0}, b[32] = {0};
    CHECK_EQ(d13_random(a, sizeof(a)), 0);
    CHECK_EQ(d13_random(b, sizeof(b)), 0);
    CHECK(memcmp(a, b, sizeof(a)) != 0); /* 2^-256 chance of a false failure */
    CHECK(!d13_ct_equal(a, b, sizeof(a)));
    memcpy(b, a, sizeof(a));
    CHECK(d13_ct_equal(a, b, sizeof(a)));
    b[31] ^= 1;
    CHECK(!d13_ct_equal(a, b, sizeof(a)));
    d13_cleanse(a, sizeof(a));
    static const uint8_t zeros[32] = {0};
    CHECK_MEM(a, zeros, sizeof(a));
    d13_cleanse(NULL, 10);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_sha256_abc);
    RUN_TEST(&st, test_sha384_abc);
    RUN_TEST(&st, test_empty_hash);
    RUN_TEST(&st, test_running_hash_peek);
    RUN_TEST(&st, test_hmac_rfc4231);
    RUN_TEST(&st, test_lengths_and_suites);
    RUN_TEST(&st, test_utilities);
    TEST_MAIN_END(&st);
}
