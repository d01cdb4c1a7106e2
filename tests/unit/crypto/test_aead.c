/* AEAD record protection: known answers, nonce construction, tampering. */
#include "crypto/crypto.h"
#include "test.h"

/* McGrew & Viega GCM test case 4 (AES-128, 60-byte plaintext, 20-byte AAD). */
#define GCM_KEY "feffe9928665731c6d6a8f9467308308"
#define GCM_IV "cafebabefacedbaddecaf888"
#define GCM_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_PT                                                                                     \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6" \
    "b525b16aedf5aa0de657ba637b39"
#define GCM_CT                                                                                     \
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84" \
    "aa051ba30b396a0aac973d58e091"
#define GCM_TAG "5bc94fbc3221a5db94fae95ae7121a47"

/* RFC 8439 2.8.2. */
#define CC_KEY "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define CC_NONCE "070000004041424344454647"
#define CC_AAD "50515253c0c1c2c3c4c5c6c7"
#define CC_PT                                                                                      \
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, " \
    "sunscreen would be it."
#define CC_CT                                                                                      \
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92" \
    "728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b" \
    "4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
#define CC_TAG "1ae10b594f09e26a7e902ecbd0600691"

typedef struct aead_vector {
    d13_aead_alg alg;
    uint8_t key[32], iv[12], aad[32], pt[128], ct[144];
    size_t aad_len, pt_len;
} aead_vector;

static void load_gcm(aead_vector *v)
{
    v->alg = D13_AEAD_AES_128_GCM;
    test_hex(GCM_KEY, v->key, sizeof(v->key));
    test_hex(GCM_IV, v->iv, sizeof(v->iv));
    v->aad_len = test_hex(GCM_AAD, v->aad, sizeof(v->aad));
    v->pt_len = test_hex(GCM_PT, v->pt, sizeof(v->pt));
    size_t n = test_hex(GCM_CT, v->ct, sizeof(v->ct));
    test_hex(GCM_TAG, v->ct + n, sizeof(v->ct) - n);
}

static void load_chacha(aead_vector *v)
{
    v->alg = D13_AEAD_CHACHA20_POLY1305;
    test_hex(CC_KEY, v->key, sizeof(v->key));
    test_hex(CC_NONCE, v->iv, sizeof(v->iv));
    v->aad_len = test_hex(CC_AAD, v->aad, sizeof(v->aad));
    v->pt_len = strlen(CC_PT);
    memcpy(v->pt, CC_PT, v->pt_len);
    size_t n = test_hex(CC_CT, v->ct, sizeof(v->ct));
    test_hex(CC_TAG, v->ct + n, sizeof(v->ct) - n);
}

/* Seals and opens a vector, with the static IV chosen so that iv XOR seq
 * is the vector's nonce, then checks that every kind of tampering fails. */
static void check_vector(d13_test_state *t, const aead_vector *v, uint64_t seq)
{
    uint8_t iv[12];
    memcpy(iv, v->iv, 12);
    for (int i = 0; i < 8; i++) iv[11 - i] ^= (uint8_t)(seq >> (8 * i));
    d13_aead *aead = d13_aead_new(NULL, v->alg, v->key, iv);
    CHECK(aead != NULL);
    if (aead == NULL) return;
    size_t ct_len = v->pt_len + D13_AEAD_TAG_LEN;
    uint8_t buf[160], plain[160];

    CHECK_EQ(d13_aead_seal(aead, seq, v->aad, v->aad_len, v->pt, v->pt_len, buf), 0);
    CHECK_MEM(buf, v->ct, ct_len);
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, v->ct, ct_len, plain), 0);
    CHECK_MEM(plain, v->pt, v->pt_len);

    /* In place both ways. */
    memcpy(buf, v->pt, v->pt_len);
    CHECK_EQ(d13_aead_seal(aead, seq, v->aad, v->aad_len, buf, v->pt_len, buf), 0);
    CHECK_MEM(buf, v->ct, ct_len);
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, buf, ct_len, buf), 0);
    CHECK_MEM(buf, v->pt, v->pt_len);

    /* Wrong sequence number. */
    CHECK_EQ(d13_aead_open(aead, seq + 1, v->aad, v->aad_len, v->ct, ct_len, plain),
             DTLS13_ERR_CRYPTO);
    /* A flipped bit in the tag, the ciphertext, the AAD. */
    memcpy(buf, v->ct, ct_len);
    buf[ct_len - 1] ^= 0x80;
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, buf, ct_len, plain), DTLS13_ERR_CRYPTO);
    memcpy(buf, v->ct, ct_len);
    buf[3] ^= 0x01;
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, buf, ct_len, plain), DTLS13_ERR_CRYPTO);
    uint8_t aad[32];
    memcpy(aad, v->aad, v->aad_len);
    aad[0] ^= 0x04;
    CHECK_EQ(d13_aead_open(aead, seq, aad, v->aad_len, v->ct, ct_len, plain), DTLS13_ERR_CRYPTO);
    /* Truncated: missing AAD byte, missing ciphertext byte, too short. */
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len - 1, v->ct, ct_len, plain),
             DTLS13_ERR_CRYPTO);
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, v->ct + 1, ct_len - 1, plain),
             DTLS13_ERR_CRYPTO);
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, v->ct, 15, plain), DTLS13_ERR_DECODE);
    /* The context is still good after failures. */
    CHECK_EQ(d13_aead_open(aead, seq, v->aad, v->aad_len, v->ct, ct_len, plain), 0);
    CHECK_MEM(plain, v->pt, v->pt_len);
    d13_aead_free(aead);
}

static void test_aes128gcm_vector(d13_test_state *t)
{
    aead_vector v;
    load_gcm(&v);
    check_vector(t, &v, 0);
    check_vector(t, &v, 0x0123456789abcdefull);
}

static void test_chacha20poly1305_vector(d13_test_state *t)
{
    aead_vector v;
    load_chacha(&v);
    check_vector(t, &v, 0);
    check_vector(t, &v, 0xfffffffffffffffeull);
}

/* Round trips of every algorithm, empty plaintext and no AAD included. */
static void test_round_trips(d13_test_state *t)
{
    const d13_aead_alg algs[] = {D13_AEAD_AES_128_GCM, D13_AEAD_AES_256_GCM,
                                 D13_AEAD_CHACHA20_POLY1305};
    for (size_t a = 0; a < 3; a++) {
        uint8_t key[32], iv[12], msg[100], buf[116], out[100];
        d13_random(key, sizeof(key));
        d13_random(iv, sizeof(iv));
        d13_random(msg, sizeof(msg));
        d13_aead *aead = d13_aead_new(NULL, algs[a], key, iv);
        CHECK(aead != NULL);
        if (aead == NULL) continue;
        for (uint64_t seq = 0; seq < 5; seq++) {
            CHECK_EQ(d13_aead_seal(aead, seq, msg, 5, msg, sizeof(msg), buf), 0);
            CHECK_EQ(d13_aead_open(aead, seq, msg, 5, buf, sizeof(buf), out), 0);
            CHECK_MEM(out, msg, sizeof(msg));
        }
        CHECK_EQ(d13_aead_seal(aead, 9, NULL, 0, NULL, 0, buf), 0);
        CHECK_EQ(d13_aead_open(aead, 9, NULL, 0, buf, 16, NULL), 0);
        buf[0] ^= 1;
        CHECK_EQ(d13_aead_open(aead, 9, NULL, 0, buf, 16, NULL), DTLS13_ERR_CRYPTO);
        d13_aead_free(aead);
    }
}

/* A plaintext split between a separate buffer and the output (encrypted in
 * place) gives exactly the one-buffer ciphertext and tag, for every split. */
static void test_seal_prefixed(d13_test_state *t)
{
    uint8_t key[32], iv[12], plain[70], whole[70 + 16], split[70 + 16];
    memset(key, 0x3c, sizeof(key));
    memset(iv, 0x5a, sizeof(iv));
    for (size_t i = 0; i < sizeof(plain); i++) plain[i] = (uint8_t)(i * 7 + 1);
    const uint8_t aad[5] = {0x2c, 1, 2, 0, 70};
    d13_algs *algs = d13_algs_new();
    for (int alg = 0; alg < 3; alg++) {
        d13_aead *a = d13_aead_new(algs, (d13_aead_alg)alg, key, iv);
        CHECK(a != NULL);
        if (a == NULL) continue;
        CHECK_EQ(d13_aead_seal(a, 9, aad, sizeof(aad), plain, sizeof(plain), whole), 0);
        static const size_t splits[] = {0, 1, 16, 33, 69, 70};
        for (size_t k = 0; k < sizeof(splits) / sizeof(splits[0]); k++) {
            size_t data_len = splits[k];
            memset(split, 0xee, sizeof(split));
            memcpy(split + data_len, plain + data_len, sizeof(plain) - data_len);
            CHECK_EQ(d13_aead_seal_prefixed(a, 9, aad, sizeof(aad), plain, data_len, split, sizeof(plain)), 0);
            CHECK_MEM(split, whole, sizeof(whole));
        }
        CHECK(d13_aead_seal_prefixed(a, 9, aad, sizeof(aad), plain, 71, split, 70) < 0);
        CHECK(d13_aead_seal_prefixed(a, 9, aad, sizeof(aad), NULL, 5, split, 70) < 0);
        d13_aead_free(a);
    }
    d13_algs_free(algs);
}

static void test_suites(d13_test_state *t)
{
    d13_aead_alg alg = D13_AEAD_AES_128_GCM;
    CHECK_EQ(d13_suite_aead(DTLS13_TLS_AES_256_GCM_SHA384, &alg), 0);
    CHECK_EQ(alg, D13_AEAD_AES_256_GCM);
    CHECK_EQ(d13_suite_aead(DTLS13_TLS_CHACHA20_POLY1305_SHA256, &alg), 0);
    CHECK_EQ(alg, D13_AEAD_CHACHA20_POLY1305);
    CHECK_EQ(d13_suite_aead(DTLS13_TLS_AES_128_GCM_SHA256, &alg), 0);
    CHECK_EQ(alg, D13_AEAD_AES_128_GCM);
    CHECK_EQ(d13_suite_aead(0x1304, &alg), -1);
    CHECK_EQ(d13_aead_key_len(D13_AEAD_AES_128_GCM), 16);
    CHECK_EQ(d13_aead_key_len(D13_AEAD_AES_256_GCM), 32);
    CHECK_EQ(d13_aead_key_len(D13_AEAD_CHACHA20_POLY1305), 32);
    d13_aead_free(NULL);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_aes128gcm_vector);
    RUN_TEST(&st, test_chacha20poly1305_vector);
    RUN_TEST(&st, test_round_trips);
    RUN_TEST(&st, test_seal_prefixed);
    RUN_TEST(&st, test_suites);
    TEST_MAIN_END(&st);
}
