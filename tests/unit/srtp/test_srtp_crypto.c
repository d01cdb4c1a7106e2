/* The libcrypto-backed libsrtp2 cipher and auth types (src/srtp/srtp_crypto.c
 * over src/crypto/srtp_prims.c): installed in place of libsrtp2's own,
 * libsrtp2's self-test harness on our published vectors and on libsrtp2's
 * own vectors, byte-for-byte agreement with libsrtp2's own implementations
 * (Debian: NSS) on random inputs, libsrtp2's packet vectors
 * (test/srtp_driver.c: srtp_validate, srtp_validate_gcm,
 * srtp_validate_aes_256) through sessions that use our types, and the
 * error paths. */
#include <stdint.h>
#include <string.h>

#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include "crypto/srtp_prims.h"
#include "dtls13/errors.h"
#include "dtls13/srtp.h"
#include "srtp/srtp_crypto.h"
#include "srtp/srtp_crypto_kat.h"
#include "srtp/srtp_internal.h"
#include "test.h"

/* libsrtp2's own implementations. libsrtp2.so.1 exports them (and
 * srtp_crypto_kernel_init() loads them), but only its uninstalled
 * crypto/include/cipher_types.h declares them; their struct types are the
 * public ones of the installed cipher.h and auth.h. */
extern const srtp_cipher_type_t srtp_aes_icm_128;
extern const srtp_cipher_type_t srtp_aes_icm_256;
extern const srtp_cipher_type_t srtp_aes_gcm_128;
extern const srtp_cipher_type_t srtp_aes_gcm_256;
extern const srtp_auth_type_t srtp_hmac;

typedef struct cipher_pair {
    srtp_cipher_type_id_t id;
    const srtp_cipher_type_t *stock;
    int key_len; /* with salt, as libsrtp2 allocates */
    bool aead;
} cipher_pair;

static const cipher_pair cipher_pairs[] = {
    {SRTP_AES_ICM_128, &srtp_aes_icm_128, SRTP_AES_ICM_128_KEY_LEN_WSALT, false},
    {SRTP_AES_ICM_256, &srtp_aes_icm_256, SRTP_AES_ICM_256_KEY_LEN_WSALT, false},
    {SRTP_AES_GCM_128, &srtp_aes_gcm_128, SRTP_AES_GCM_128_KEY_LEN_WSALT, true},
    {SRTP_AES_GCM_256, &srtp_aes_gcm_256, SRTP_AES_GCM_256_KEY_LEN_WSALT, true},
};
#define N_CIPHERS (sizeof(cipher_pairs) / sizeof(cipher_pairs[0]))

/* A reproducible byte stream (xorshift64) for the differential tests. */
typedef struct prng {
    uint64_t s;
} prng;

static uint64_t prng_next(prng *p)
{
    p->s ^= p->s << 13;
    p->s ^= p->s >> 7;
    p->s ^= p->s << 17;
    return p->s;
}

static void prng_fill(prng *p, uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(prng_next(p) >> 24);
}

static void test_installed(d13_test_state *t)
{
    /* srtp_replace_*_type accepted all five: each passed libsrtp2's
     * self-test with our vectors and with the vectors of the type it
     * replaced. */
    CHECK_EQ(d13_srtp_crypto_installed(), D13_SRTP_CRYPTO_ALL);
    for (size_t i = 0; i < N_CIPHERS; i++) {
        const srtp_cipher_type_t *ours = d13_srtp_cipher_type(cipher_pairs[i].id);
        CHECK(ours != NULL && ours != cipher_pairs[i].stock);
        if (ours) CHECK_EQ(ours->id, cipher_pairs[i].id);
    }
    CHECK(d13_srtp_cipher_type(SRTP_AES_ICM_192) == NULL);
    CHECK_EQ(d13_srtp_auth_type()->id, SRTP_HMAC_SHA1);
}

static void test_self_tests(d13_test_state *t)
{
    for (size_t i = 0; i < N_CIPHERS; i++) {
        const srtp_cipher_type_t *ours = d13_srtp_cipher_type(cipher_pairs[i].id);
        /* our published vectors on our code and on libsrtp2's */
        CHECK_EQ(srtp_cipher_type_self_test(ours), srtp_err_status_ok);
        CHECK_EQ(srtp_cipher_type_test(cipher_pairs[i].stock, ours->test_data), srtp_err_status_ok);
        /* libsrtp2's vectors on our code */
        CHECK_EQ(srtp_cipher_type_test(ours, cipher_pairs[i].stock->test_data), srtp_err_status_ok);
    }
    CHECK_EQ(srtp_auth_type_self_test(d13_srtp_auth_type()), srtp_err_status_ok);
    CHECK_EQ(srtp_auth_type_test(&srtp_hmac, &d13_kat_hmac_sha1), srtp_err_status_ok);
    CHECK_EQ(srtp_auth_type_test(d13_srtp_auth_type(), srtp_hmac.test_data), srtp_err_status_ok);
}

/* A wrong vector is refused: the harness really compares. */
static void test_self_test_detects_wrong_answers(d13_test_state *t)
{
    uint8_t wrong[32];
    memcpy(wrong, d13_kat_icm_128.ciphertext, sizeof(wrong));
    wrong[31] ^= 1;
    srtp_cipher_test_case_t bad = d13_kat_icm_128;
    bad.ciphertext = wrong;
    bad.next_test_case = NULL;
    CHECK_EQ(srtp_cipher_type_test(d13_srtp_cipher_type(SRTP_AES_ICM_128), &bad), srtp_err_status_algo_fail);

    uint8_t wrong_tag[20];
    memcpy(wrong_tag, d13_kat_hmac_sha1.tag, sizeof(wrong_tag));
    wrong_tag[0] ^= 0x80;
    srtp_auth_test_case_t bad_auth = d13_kat_hmac_sha1;
    bad_auth.tag = wrong_tag;
    bad_auth.next_test_case = NULL;
    CHECK_EQ(srtp_auth_type_test(d13_srtp_auth_type(), &bad_auth), srtp_err_status_algo_fail);
}

/* Encrypts len bytes (plus the tag for GCM) with a cipher type; returns
 * the output length or -1. buf needs 16 bytes of room after len. */
static int run_cipher(const srtp_cipher_type_t *type, const cipher_pair *cp, const uint8_t *key, uint8_t *iv,
                      const uint8_t *aad, uint32_t aad_len, uint8_t *buf, unsigned len)
{
    srtp_cipher_t *c = NULL;
    if (srtp_cipher_type_alloc(type, &c, cp->key_len, cp->aead ? 16 : 0) != srtp_err_status_ok) return -1;
    int result = -1;
    unsigned n = len;
    uint32_t tag_len = 0;
    if (srtp_cipher_init(c, key) == srtp_err_status_ok &&
        srtp_cipher_set_iv(c, iv, srtp_direction_encrypt) == srtp_err_status_ok &&
        (!cp->aead || srtp_cipher_set_aad(c, aad, aad_len) == srtp_err_status_ok) &&
        srtp_cipher_encrypt(c, len ? buf : NULL, &n) == srtp_err_status_ok &&
        (!cp->aead || srtp_cipher_get_tag(c, buf + n, &tag_len) == srtp_err_status_ok))
        result = (int)(n + tag_len);
    srtp_cipher_dealloc(c);
    return result;
}

/* Decrypts (and for GCM authenticates) len bytes with a cipher type;
 * returns the plaintext length or -1. */
static int run_decipher(const srtp_cipher_type_t *type, const cipher_pair *cp, const uint8_t *key, uint8_t *iv,
                        const uint8_t *aad, uint32_t aad_len, uint8_t *buf, unsigned len)
{
    srtp_cipher_t *c = NULL;
    if (srtp_cipher_type_alloc(type, &c, cp->key_len, cp->aead ? 16 : 0) != srtp_err_status_ok) return -1;
    int result = -1;
    unsigned n = len;
    if (srtp_cipher_init(c, key) == srtp_err_status_ok &&
        srtp_cipher_set_iv(c, iv, srtp_direction_decrypt) == srtp_err_status_ok &&
        (!cp->aead || srtp_cipher_set_aad(c, aad, aad_len) == srtp_err_status_ok) &&
        srtp_cipher_decrypt(c, buf, &n) == srtp_err_status_ok)
        result = (int)n;
    srtp_cipher_dealloc(c);
    return result;
}

/* Ours and libsrtp2's own give the same bytes for random keys, IVs, AAD
 * and lengths (0 to 1500), and each decrypts what the other encrypted. */
static void test_ciphers_match_libsrtp(d13_test_state *t)
{
    prng p = {0x9e3779b97f4a7c15u};
    for (size_t i = 0; i < N_CIPHERS; i++) {
        const cipher_pair *cp = &cipher_pairs[i];
        const srtp_cipher_type_t *ours = d13_srtp_cipher_type(cp->id);
        int mismatches = 0;
        for (int round = 0; round < 200; round++) {
            uint8_t key[64], iv[16], aad[64], plain[1500], a[1500 + 16], b[1500 + 16];
            prng_fill(&p, key, sizeof(key));
            prng_fill(&p, iv, sizeof(iv));
            if (!cp->aead) iv[14] = iv[15] = 0; /* libsrtp2 builds ICM IVs so */
            prng_fill(&p, aad, sizeof(aad));
            unsigned len = (unsigned)(prng_next(&p) % 1501);
            uint32_t aad_len = (uint32_t)(prng_next(&p) % 33);
            prng_fill(&p, plain, len);
            memcpy(a, plain, len);
            memcpy(b, plain, len);
            int na = run_cipher(ours, cp, key, iv, aad, aad_len, a, len);
            int nb = run_cipher(cp->stock, cp, key, iv, aad, aad_len, b, len);
            if (na < 0 || na != nb || memcmp(a, b, (size_t)na) != 0) {
                mismatches++;
                continue;
            }
            /* cross-decryption */
            if (run_decipher(ours, cp, key, iv, aad, aad_len, b, (unsigned)nb) != (int)len ||
                memcmp(b, plain, len) != 0)
                mismatches++;
            if (run_decipher(cp->stock, cp, key, iv, aad, aad_len, a, (unsigned)na) != (int)len ||
                memcmp(a, plain, len) != 0)
                mismatches++;
        }
        CHECK_EQ(mismatches, 0);
    }
}

/* HMAC-SHA1: ours and libsrtp2's agree on random keys (0 to 64 bytes),
 * messages fed in two parts (start, update, compute) and tag lengths. */
static void test_hmac_matches_libsrtp(d13_test_state *t)
{
    prng p = {0x2545f4914f6cdd1du};
    int mismatches = 0;
    for (int round = 0; round < 300; round++) {
        uint8_t key[64], msg[1500], tag_a[20], tag_b[20];
        int key_len = (int)(prng_next(&p) % 65);
        int len = (int)(prng_next(&p) % 1501), split = len ? (int)(prng_next(&p) % (uint64_t)len) : 0;
        int tag_len = 1 + (int)(prng_next(&p) % 20);
        prng_fill(&p, key, sizeof(key));
        prng_fill(&p, msg, (size_t)len);
        const srtp_auth_type_t *types[2] = {d13_srtp_auth_type(), &srtp_hmac};
        uint8_t *tags[2] = {tag_a, tag_b};
        bool ok = true;
        for (int k = 0; k < 2; k++) {
            srtp_auth_t *a = NULL;
            memset(tags[k], 0, 20);
            ok = ok && srtp_auth_type_alloc(types[k], &a, key_len, tag_len) == srtp_err_status_ok;
            if (!a) continue;
            ok = ok && srtp_auth_init(a, key) == srtp_err_status_ok;
            /* twice, as libsrtp2 does per packet: the key stays */
            for (int rep = 0; rep < 2; rep++) {
                ok = ok && srtp_auth_start(a) == srtp_err_status_ok;
                ok = ok && srtp_auth_update(a, msg, split) == srtp_err_status_ok;
                ok = ok && srtp_auth_compute(a, msg + split, len - split, tags[k]) == srtp_err_status_ok;
            }
            srtp_auth_dealloc(a);
        }
        if (!ok || memcmp(tag_a, tag_b, 20) != 0) mismatches++;
    }
    CHECK_EQ(mismatches, 0);
}

/* One libsrtp2 packet vector: protect plain (plain_len bytes in a buffer
 * of cipher_len) and compare; unprotect back. */
static void check_packet_vector(d13_test_state *t, const srtp_crypto_policy_t *pol, uint8_t *key, const uint8_t *plain,
                                int plain_len, const uint8_t *cipher, int cipher_len, bool rtcp)
{
    srtp_policy_t policy;
    memset(&policy, 0, sizeof(policy));
    policy.rtp = *pol;
    policy.rtcp = *pol;
    policy.ssrc.type = ssrc_specific;
    policy.ssrc.value = 0xcafebabe;
    policy.key = key;
    policy.window_size = 128;
    srtp_t snd = NULL, rcv = NULL;
    CHECK_EQ(srtp_create(&snd, &policy), srtp_err_status_ok);
    CHECK_EQ(srtp_create(&rcv, &policy), srtp_err_status_ok);
    if (!snd || !rcv) return;
    uint8_t buf[64];
    memset(buf, 0, sizeof(buf));
    memcpy(buf, plain, (size_t)plain_len);
    int len = plain_len;
    CHECK_EQ(rtcp ? srtp_protect_rtcp(snd, buf, &len) : srtp_protect(snd, buf, &len), srtp_err_status_ok);
    CHECK_EQ(len, cipher_len);
    CHECK_MEM(buf, cipher, (size_t)cipher_len);
    CHECK_EQ(rtcp ? srtp_unprotect_rtcp(rcv, buf, &len) : srtp_unprotect(rcv, buf, &len), srtp_err_status_ok);
    CHECK_EQ(len, plain_len);
    CHECK_MEM(buf, plain, (size_t)plain_len);
    srtp_dealloc(snd);
    srtp_dealloc(rcv);
}

/* libsrtp2's test/srtp_driver.c vectors (srtp_validate, srtp_validate_gcm,
 * srtp_validate_aes_256); sessions created now use our types. */
static void test_libsrtp_packet_vectors(d13_test_state *t)
{
    uint8_t rtp[28], rtcp[24], out[64], key[46], key_gcm[28], key_256[46];
    size_t rtp_len = test_hex("800f1234decafbadcafebabe abababababababababababababababab", rtp, sizeof(rtp));
    size_t rtcp_len = test_hex("81c8000bcafebabe abababababababababababababababab", rtcp, sizeof(rtcp));
    test_hex("e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6c173c317f2dabe357793b6960b3aabe6",
             key, sizeof(key));
    test_hex("000102030405060708090a0b0c0d0e0fa0a1a2a3a4a5a6a7a8a9aaab", key_gcm, sizeof(key_gcm));
    test_hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b63b04803de51ee7c96423ab5b78d2",
             key_256, sizeof(key_256));
    srtp_crypto_policy_t pol;

    srtp_crypto_policy_set_rtp_default(&pol); /* AES_CM_128_HMAC_SHA1_80 */
    size_t n = test_hex("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb", out,
                        sizeof(out));
    check_packet_vector(t, &pol, key, rtp, (int)rtp_len, out, (int)n, false);
    n = test_hex("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798", out,
                 sizeof(out));
    check_packet_vector(t, &pol, key, rtcp, (int)rtcp_len, out, (int)n, true);

    srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol);
    n = test_hex("800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392",
                 out, sizeof(out));
    check_packet_vector(t, &pol, key_gcm, rtp, (int)rtp_len, out, (int)n, false);
    n = test_hex("81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001",
                 out, sizeof(out));
    check_packet_vector(t, &pol, key_gcm, rtcp, (int)rtcp_len, out, (int)n, true);

    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol);
    n = test_hex("800f1234decafbadcafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b", out,
                 sizeof(out));
    check_packet_vector(t, &pol, key_256, rtp, (int)rtp_len, out, (int)n, false);
}

/* The cipher types' error paths. */
static void test_cipher_errors(d13_test_state *t)
{
    const srtp_cipher_type_t *icm = d13_srtp_cipher_type(SRTP_AES_ICM_128);
    const srtp_cipher_type_t *gcm = d13_srtp_cipher_type(SRTP_AES_GCM_128);
    srtp_cipher_t *c = NULL;
    CHECK_EQ(srtp_cipher_type_alloc(icm, &c, 16, 0), srtp_err_status_bad_param);
    CHECK(c == NULL);
    CHECK_EQ(srtp_cipher_type_alloc(gcm, &c, SRTP_AES_GCM_128_KEY_LEN_WSALT, 12), srtp_err_status_bad_param);
    CHECK_EQ(srtp_cipher_type_alloc(gcm, &c, SRTP_AES_ICM_128_KEY_LEN_WSALT, 16), srtp_err_status_bad_param);

    uint8_t key[46] = {1, 2, 3}, iv[16] = {0}, buf[64] = {0};
    /* ICM: at most 2^16 keystream blocks per IV */
    CHECK_EQ(srtp_cipher_type_alloc(icm, &c, SRTP_AES_ICM_128_KEY_LEN_WSALT, 0), srtp_err_status_ok);
    CHECK_EQ(srtp_cipher_init(c, key), srtp_err_status_ok);
    iv[14] = 0xff;
    iv[15] = 0xfe; /* two blocks left before the 16-bit counter wraps */
    CHECK_EQ(srtp_cipher_set_iv(c, iv, srtp_direction_encrypt), srtp_err_status_ok);
    unsigned len = 32;
    CHECK_EQ(srtp_cipher_encrypt(c, buf, &len), srtp_err_status_ok);
    len = 1;
    CHECK_EQ(srtp_cipher_encrypt(c, buf, &len), srtp_err_status_terminus);
    CHECK_EQ(srtp_cipher_dealloc(c), srtp_err_status_ok);

    /* GCM: direction, short input, wrong tag */
    c = NULL;
    CHECK_EQ(srtp_cipher_type_alloc(gcm, &c, SRTP_AES_GCM_128_KEY_LEN_WSALT, 16), srtp_err_status_ok);
    CHECK_EQ(srtp_cipher_init(c, key), srtp_err_status_ok);
    len = 16;
    CHECK_EQ(srtp_cipher_encrypt(c, buf, &len), srtp_err_status_bad_param); /* no IV yet */
    CHECK_EQ(srtp_cipher_set_iv(c, iv, srtp_direction_any), srtp_err_status_bad_param);
    CHECK_EQ(srtp_cipher_set_iv(c, iv, srtp_direction_encrypt), srtp_err_status_ok);
    CHECK_EQ(srtp_cipher_decrypt(c, buf, &len), srtp_err_status_bad_param); /* wrong direction */
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(srtp_cipher_encrypt(c, buf, &len), srtp_err_status_ok);
    uint32_t tag_len = 0;
    CHECK_EQ(srtp_cipher_get_tag(c, buf + len, &tag_len), srtp_err_status_ok);
    CHECK_EQ(tag_len, 16);
    uint8_t sealed[32];
    memcpy(sealed, buf, sizeof(sealed));
    CHECK_EQ(srtp_cipher_set_iv(c, iv, srtp_direction_decrypt), srtp_err_status_ok);
    len = 15;
    CHECK_EQ(srtp_cipher_decrypt(c, buf, &len), srtp_err_status_bad_param); /* shorter than the tag */
    for (size_t flip = 0; flip < sizeof(sealed); flip += 5) { /* ciphertext or tag */
        memcpy(buf, sealed, sizeof(sealed));
        buf[flip] ^= 1;
        CHECK_EQ(srtp_cipher_set_iv(c, iv, srtp_direction_decrypt), srtp_err_status_ok);
        len = 32;
        CHECK_EQ(srtp_cipher_decrypt(c, buf, &len), srtp_err_status_auth_fail);
        CHECK_EQ(len, 32);
    }
    memcpy(buf, sealed, sizeof(sealed));
    CHECK_EQ(srtp_cipher_set_iv(c, iv, srtp_direction_decrypt), srtp_err_status_ok);
    len = 32;
    CHECK_EQ(srtp_cipher_decrypt(c, buf, &len), srtp_err_status_ok);
    CHECK_EQ(len, 16);
    uint8_t zeros[16] = {0};
    CHECK_MEM(buf, zeros, 16);
    CHECK_EQ(srtp_cipher_dealloc(c), srtp_err_status_ok);

    srtp_auth_t *a = NULL;
    CHECK_EQ(srtp_auth_type_alloc(d13_srtp_auth_type(), &a, 20, 21), srtp_err_status_bad_param);
    CHECK(a == NULL);
}

/* The primitives' own argument checks. */
static void test_prims_errors(d13_test_state *t)
{
    uint8_t key[32] = {0}, iv[16] = {0}, buf[16] = {0}, tag[16] = {0};
    CHECK(d13_srtp_cipher_new((d13_srtp_cipher_alg)9) == NULL);
    d13_srtp_cipher *ctr = d13_srtp_cipher_new(D13_SRTP_AES_128_CTR);
    d13_srtp_cipher *gcm = d13_srtp_cipher_new(D13_SRTP_AES_256_GCM);
    CHECK(ctr != NULL && gcm != NULL);
    CHECK_EQ(d13_srtp_cipher_start(ctr, iv, true), DTLS13_ERR_INVALID_ARG); /* no key */
    CHECK_EQ(d13_srtp_cipher_set_key(ctr, key, 32), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_srtp_cipher_set_key(ctr, key, 16), 0);
    CHECK_EQ(d13_srtp_cipher_start(ctr, iv, false), 0);
    CHECK_EQ(d13_srtp_cipher_aad(ctr, buf, 4), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_srtp_cipher_get_tag(ctr, tag, 16), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_srtp_cipher_set_key(gcm, key, 16), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_srtp_cipher_set_key(gcm, key, 32), 0);
    CHECK_EQ(d13_srtp_cipher_start(gcm, iv, false), 0);
    CHECK_EQ(d13_srtp_cipher_get_tag(gcm, tag, 16), DTLS13_ERR_INVALID_ARG); /* decrypting */
    CHECK_EQ(d13_srtp_cipher_check_tag(gcm, tag, 17), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_srtp_cipher_check_tag(gcm, tag, 16), DTLS13_ERR_CRYPTO);
    CHECK_EQ(d13_srtp_cipher_start(gcm, iv, true), 0);
    CHECK_EQ(d13_srtp_cipher_check_tag(gcm, tag, 16), DTLS13_ERR_INVALID_ARG); /* encrypting */
    d13_srtp_cipher_free(ctr);
    d13_srtp_cipher_free(gcm);
    d13_srtp_cipher_free(NULL);

    d13_srtp_hmac *h = d13_srtp_hmac_new();
    CHECK(h != NULL);
    uint8_t mac[D13_SRTP_SHA1_LEN];
    CHECK_EQ(d13_srtp_hmac_start(h), DTLS13_ERR_INVALID_ARG); /* no key */
    CHECK_EQ(d13_srtp_hmac_set_key(h, NULL, 0), 0);
    CHECK_EQ(d13_srtp_hmac_update(h, NULL, 0), 0);
    CHECK_EQ(d13_srtp_hmac_final(h, mac), 0);
    uint8_t expect[D13_SRTP_SHA1_LEN]; /* HMAC-SHA1 with an empty key of an empty message */
    test_hex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d", expect, sizeof(expect));
    CHECK_MEM(mac, expect, sizeof(mac));
    d13_srtp_hmac_free(h);
    d13_srtp_hmac_free(NULL);
}

/* DTLS-SRTP sessions (which now run on our types) at every profile and
 * payload sizes from 0 to 1400 bytes, including those that end mid-block. */
static void test_sessions_all_sizes(d13_test_state *t)
{
    const uint16_t profiles[] = {DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_SRTP_AES128_CM_SHA1_32,
                                 DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_SRTP_AEAD_AES_256_GCM};
    uint8_t material[88];
    for (size_t i = 0; i < sizeof(material); i++) material[i] = (uint8_t)(i * 7 + 1);
    for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
        dtls13_srtp *c = NULL, *s = NULL;
        size_t mlen = dtls13_srtp_material_length(profiles[p]);
        CHECK_EQ(dtls13_srtp_new_from_material(profiles[p], DTLS13_ROLE_CLIENT, material, mlen, NULL, 0, &c), 0);
        CHECK_EQ(dtls13_srtp_new_from_material(profiles[p], DTLS13_ROLE_SERVER, material, mlen, NULL, 0, &s), 0);
        int failures = 0;
        for (size_t payload = 0; payload <= 1400; payload += 7) {
            uint8_t plain[1500], buf[1500 + DTLS13_SRTP_MAX_OVERHEAD];
            memset(plain, 0, 12);
            plain[0] = 0x80;
            plain[1] = 96;
            plain[2] = (uint8_t)(payload >> 8);
            plain[3] = (uint8_t)payload;
            plain[8] = 0x11;
            for (size_t k = 12; k < 12 + payload; k++) plain[k] = (uint8_t)(k ^ payload);
            memcpy(buf, plain, 12 + payload);
            size_t out = 0, back = 0;
            if (dtls13_srtp_protect_rtp(c, buf, 12 + payload, sizeof(buf), &out) != 0 ||
                dtls13_srtp_unprotect_rtp(s, buf, out, &back) != 0 || back != 12 + payload ||
                memcmp(buf, plain, back) != 0)
                failures++;
        }
        CHECK_EQ(failures, 0);
        dtls13_srtp_free(c);
        dtls13_srtp_free(s);
    }
}

int main(void)
{
    d13_test_state st = {0, 0};
    CHECK_AT(&st, dtls13_srtp_library_init() == 0, __FILE__, __LINE__);
    RUN_TEST(&st, test_installed);
    RUN_TEST(&st, test_self_tests);
    RUN_TEST(&st, test_self_test_detects_wrong_answers);
    RUN_TEST(&st, test_ciphers_match_libsrtp);
    RUN_TEST(&st, test_hmac_matches_libsrtp);
    RUN_TEST(&st, test_libsrtp_packet_vectors);
    RUN_TEST(&st, test_cipher_errors);
    RUN_TEST(&st, test_prims_errors);
    RUN_TEST(&st, test_sessions_all_sizes);
    TEST_MAIN_END(&st);
}
