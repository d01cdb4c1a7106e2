/* Record number masks: AES-ECB (FIPS-197 C.1, C.3) and ChaCha20 (RFC 8439 2.3.2). */
#include "crypto/crypto.h"
#include "test.h"

static void check_mask(d13_test_state *t, d13_aead_alg alg, const char *key_hex,
                       const char *sample_hex, const char *mask_hex)
{
    uint8_t key[32], sample[16], want[16], mask[16];
    test_hex(key_hex, key, sizeof(key));
    test_hex(sample_hex, sample, sizeof(sample));
    test_hex(mask_hex, want, sizeof(want));
    d13_sn_mask *m = d13_sn_mask_new(NULL, alg, key);
    CHECK(m != NULL);
    if (m == NULL) return;
    for (int i = 0; i < 3; i++) { /* the same answer every time: no state carried over */
        memset(mask, 0, sizeof(mask));
        CHECK_EQ(d13_sn_mask_compute(m, sample, mask), 0);
        CHECK_MEM(mask, want, 16);
    }
    sample[15] ^= 1;
    CHECK_EQ(d13_sn_mask_compute(m, sample, mask), 0);
    CHECK(memcmp(mask, want, 16) != 0);
    d13_sn_mask_free(m);
}

static void test_aes128(d13_test_state *t)
{
    check_mask(t, D13_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0f",
               "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a");
}

static void test_aes256(d13_test_state *t)
{
    check_mask(t, D13_AEAD_AES_256_GCM,
               "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
               "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089");
}

/* Block function test: counter 1 (sample bytes 0..3, little endian), nonce
 * 000000090000004a00000000 (sample bytes 4..15); the mask is the first 16
 * keystream bytes. */
static void test_chacha20(d13_test_state *t)
{
    check_mask(t, D13_AEAD_CHACHA20_POLY1305,
               "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
               "01000000000000090000004a00000000", "10f1e7e4d13b5915500fdd1fa32071c4");
}

static void test_bad_args(d13_test_state *t)
{
    uint8_t key[32] = {0}, sample[16] = {0}, mask[16];
    CHECK(d13_sn_mask_new(NULL, D13_AEAD_AES_128_GCM, NULL) == NULL);
    CHECK(d13_sn_mask_new(NULL, (d13_aead_alg)7, key) == NULL);
    CHECK(d13_sn_mask_compute(NULL, sample, mask) < 0);
    d13_sn_mask_free(NULL);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_aes128);
    RUN_TEST(&st, test_aes256);
    RUN_TEST(&st, test_chacha20);
    RUN_TEST(&st, test_bad_args);
    TEST_MAIN_END(&st);
}
