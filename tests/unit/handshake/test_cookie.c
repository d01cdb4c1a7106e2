/* Stateless cookies: known-answer encoding, round trip for every suite,
 * bit flips anywhere, truncation, wrong address, expiry, clock skew and
 * secret rotation (previous period accepted, two periods ago refused). */
#include <string.h>

#include "dtls13/dtls13.h"
#include "handshake/cookie.h"
#include "test.h"

static const char test_addr[] = "192.0.2.1:5000";
#define ADDR_LEN (sizeof(test_addr) - 1)

static d13_cookie_params sample_params(uint16_t suite, uint64_t ts)
{
    d13_cookie_params p;
    memset(&p, 0, sizeof(p));
    p.flags = D13_COOKIE_FLAG_KEY_SHARE;
    p.timestamp_ms = ts;
    p.suite = suite;
    p.group = DTLS13_GROUP_X25519;
    p.hash_len = d13_hash_len(d13_suite_hash(suite));
    memset(p.ch1_hash, 0xaa, p.hash_len);
    return p;
}

/* Secrets with known bytes, anchored in period 0 of a 30 s lifetime. */
static void known_secrets(d13_cookie_secrets *s)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < D13_COOKIE_SECRET_LEN; i++) s->current[i] = (uint8_t)i;
    memset(s->previous, 0x55, sizeof(s->previous));
    s->lifetime_ms = DTLS13_DEFAULT_COOKIE_LIFETIME_MS;
    s->anchored = true;
    s->period = 0;
}

static void test_known_answer(d13_test_state *t)
{
    /* HMAC-SHA256(00..1f, fields || "192.0.2.1:5000"), computed with Python's hmac. */
    uint8_t expected[78];
    CHECK_EQ(test_hex("010100000000000004d21301001d"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "093eef2ad0b3c65eb2c21fa46215f78bdb19338c10eef016317a384a64e2063a",
                      expected, sizeof(expected)),
             78);
    d13_cookie_secrets s;
    known_secrets(&s);
    d13_cookie_params p = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 1234);
    uint8_t cookie[D13_COOKIE_MAX_LEN];
    size_t len = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), 0);
    CHECK_EQ(len, 78);
    CHECK_MEM(cookie, expected, 78);
    d13_cookie_params got;
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 2000, &got), D13_COOKIE_OK);
    CHECK_EQ(got.timestamp_ms, 1234);
    CHECK_EQ(got.suite, DTLS13_TLS_AES_128_GCM_SHA256);
    CHECK_EQ(got.group, DTLS13_GROUP_X25519);
    CHECK_EQ(got.flags, D13_COOKIE_FLAG_KEY_SHARE);
    CHECK_EQ(got.hash_len, 32);
    CHECK_MEM(got.ch1_hash, p.ch1_hash, 32);
    /* Too small an output buffer. */
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, 77, &len), DTLS13_ERR_BUFFER_TOO_SMALL);
}

static void test_hash_message(d13_test_state *t)
{
    const uint8_t body[3] = {'a', 'b', 'c'};
    uint8_t scratch[16], out[48], expected[48];
    /* SHA-256 / SHA-384 of 01 000003 616263 (Python hashlib). */
    test_hex("6f50d04ebccfc92fab762e6ece797de3c0c6d62e02feb988d8dffe69a81566d4", expected, 32);
    CHECK_EQ(d13_cookie_hash_message(D13_HASH_SHA256, 1, body, 3, scratch, sizeof(scratch), out), 0);
    CHECK_MEM(out, expected, 32);
    test_hex("553bad84d385cb91d0a3a66a55a81f1dd5834e6904473f8ebae1d3d83cb2f303"
             "8e5dbaf899898f6a514788ba93472065", expected, 48);
    CHECK_EQ(d13_cookie_hash_message(D13_HASH_SHA384, 1, body, 3, scratch, sizeof(scratch), out), 0);
    CHECK_MEM(out, expected, 48);
    CHECK_EQ(d13_cookie_hash_message(D13_HASH_SHA256, 1, body, 3, scratch, 6, out), DTLS13_ERR_BUFFER_TOO_SMALL);
}

static void test_every_suite_and_flips(d13_test_state *t)
{
    const uint16_t suites[] = {DTLS13_TLS_AES_128_GCM_SHA256, DTLS13_TLS_AES_256_GCM_SHA384,
                               DTLS13_TLS_CHACHA20_POLY1305_SHA256};
    d13_cookie_secrets s;
    CHECK_EQ(d13_cookie_secrets_init(&s, DTLS13_DEFAULT_COOKIE_LIFETIME_MS), 0);
    CHECK_EQ(d13_cookie_secrets_update(&s, 5000), 0);
    for (size_t k = 0; k < 3; k++) {
        d13_cookie_params p = sample_params(suites[k], 5000), got;
        uint8_t cookie[D13_COOKIE_MAX_LEN];
        size_t len = 0;
        CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), 0);
        CHECK_EQ(len, D13_COOKIE_FIXED_LEN + p.hash_len + D13_COOKIE_MAC_LEN);
        CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 5100, &got), D13_COOKIE_OK);
        CHECK_MEM(got.ch1_hash, p.ch1_hash, p.hash_len);
        /* Every single bit flip is refused. */
        int accepted = 0;
        for (size_t i = 0; i < len * 8; i++) {
            cookie[i / 8] ^= (uint8_t)(1u << (i % 8));
            if (d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 5100, &got) == D13_COOKIE_OK) accepted++;
            cookie[i / 8] ^= (uint8_t)(1u << (i % 8));
        }
        CHECK_EQ(accepted, 0);
        /* Every truncation, and one byte too many. */
        for (size_t n = 0; n < len; n++)
            CHECK_EQ(d13_cookie_verify(&s, cookie, n, test_addr, ADDR_LEN, 5100, &got), D13_COOKIE_MALFORMED);
        uint8_t longer[D13_COOKIE_MAX_LEN + 1];
        memcpy(longer, cookie, len);
        longer[len] = 0;
        CHECK_EQ(d13_cookie_verify(&s, longer, len + 1, test_addr, ADDR_LEN, 5100, &got), D13_COOKIE_MALFORMED);
        /* Another address, or the same address one byte shorter. */
        CHECK_EQ(d13_cookie_verify(&s, cookie, len, "192.0.2.2:5000", ADDR_LEN, 5100, &got), D13_COOKIE_BAD_MAC);
        CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN - 1, 5100, &got), D13_COOKIE_BAD_MAC);
        CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 5100, &got), D13_COOKIE_OK);
    }
    /* Another listener (other secrets) refuses the cookie. */
    d13_cookie_secrets other;
    CHECK_EQ(d13_cookie_secrets_init(&other, DTLS13_DEFAULT_COOKIE_LIFETIME_MS), 0);
    CHECK_EQ(d13_cookie_secrets_update(&other, 5000), 0);
    d13_cookie_params p = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 5000), got;
    uint8_t cookie[D13_COOKIE_MAX_LEN];
    size_t len = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), 0);
    CHECK_EQ(d13_cookie_verify(&other, cookie, len, test_addr, ADDR_LEN, 5100, &got), D13_COOKIE_BAD_MAC);
    d13_cookie_secrets_clear(&s);
    d13_cookie_secrets_clear(&other);
}

static void test_expiry_and_skew(d13_test_state *t)
{
    const uint32_t life = 10000;
    d13_cookie_secrets s;
    CHECK_EQ(d13_cookie_secrets_init(&s, life), 0);
    CHECK_EQ(d13_cookie_secrets_update(&s, 25000), 0); /* period 2 */
    d13_cookie_params p = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 25000), got;
    uint8_t cookie[D13_COOKIE_MAX_LEN];
    size_t len = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), 0);
    /* Within the skew in the past of the timestamp: fine; beyond: refused. */
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 25000 - D13_COOKIE_CLOCK_SKEW_MS, &got),
             D13_COOKIE_OK);
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 25000 - D13_COOKIE_CLOCK_SKEW_MS - 1, &got),
             D13_COOKIE_FUTURE);
    /* Age exactly the lifetime is still valid, one ms more is not. */
    CHECK_EQ(d13_cookie_secrets_update(&s, 25000 + life), 0); /* period 3: previous secret kept */
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 25000 + life, &got), D13_COOKIE_OK);
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 25000 + life + 1, &got), D13_COOKIE_EXPIRED);
    /* Two lifetimes later the secret itself is gone. */
    CHECK_EQ(d13_cookie_secrets_update(&s, 25000 + 2 * life + 1), 0);
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 25000 + 2 * life + 1, &got), D13_COOKIE_EXPIRED);
    /* Encoding for a period whose secret is not the current one is refused. */
    p.timestamp_ms = 1000;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), DTLS13_ERR_INVALID_ARG);
    d13_cookie_secrets_clear(&s);
}

static void test_rotation(d13_test_state *t)
{
    const uint32_t life = 1000;
    d13_cookie_secrets s;
    CHECK_EQ(d13_cookie_secrets_init(&s, life), 0);
    CHECK_EQ(d13_cookie_secrets_update(&s, 10990), 0); /* period 10 */
    uint8_t first_secret[D13_COOKIE_SECRET_LEN];
    memcpy(first_secret, s.current, sizeof(first_secret));
    d13_cookie_params p = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 10990), got;
    uint8_t cookie[D13_COOKIE_MAX_LEN];
    size_t len = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), 0);
    /* The clock going backwards changes nothing. */
    CHECK_EQ(d13_cookie_secrets_update(&s, 5000), 0);
    CHECK_MEM(s.current, first_secret, sizeof(first_secret));
    /* Next period: rotated, the cookie verifies under the previous secret. */
    CHECK_EQ(d13_cookie_secrets_update(&s, 11005), 0);
    CHECK(memcmp(s.current, first_secret, sizeof(first_secret)) != 0);
    CHECK_MEM(s.previous, first_secret, sizeof(first_secret));
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 11005, &got), D13_COOKIE_OK);
    /* A cookie issued now uses the new secret. */
    d13_cookie_params p2 = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 11005);
    uint8_t cookie2[D13_COOKIE_MAX_LEN];
    size_t len2 = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p2, test_addr, ADDR_LEN, cookie2, sizeof(cookie2), &len2), 0);
    CHECK_EQ(d13_cookie_verify(&s, cookie2, len2, test_addr, ADDR_LEN, 11010, &got), D13_COOKIE_OK);
    /* Two periods after the first cookie its secret is gone. */
    CHECK_EQ(d13_cookie_secrets_update(&s, 12001), 0);
    CHECK(memcmp(s.previous, first_secret, sizeof(first_secret)) != 0);
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 12001, &got), D13_COOKIE_EXPIRED);
    CHECK_EQ(d13_cookie_verify(&s, cookie2, len2, test_addr, ADDR_LEN, 12001, &got), D13_COOKIE_OK);
    /* Skipping several periods replaces both secrets. */
    CHECK_EQ(d13_cookie_secrets_update(&s, 20000), 0);
    CHECK_EQ(d13_cookie_verify(&s, cookie2, len2, test_addr, ADDR_LEN, 20000, &got), D13_COOKIE_EXPIRED);
    d13_cookie_secrets_clear(&s);
}

static void test_malformed_fields(d13_test_state *t)
{
    d13_cookie_secrets s;
    known_secrets(&s);
    d13_cookie_params p = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 100), got;
    uint8_t cookie[D13_COOKIE_MAX_LEN];
    size_t len = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), 0);
    cookie[0] = 2; /* unknown format */
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 200, &got), D13_COOKIE_MALFORMED);
    cookie[0] = 1;
    cookie[1] = 0x80; /* unknown flag */
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 200, &got), D13_COOKIE_MALFORMED);
    cookie[1] = 1;
    cookie[10] = 0x13;
    cookie[11] = 0x05; /* unknown suite */
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 200, &got), D13_COOKIE_MALFORMED);
    cookie[11] = 0x02; /* SHA-384 suite: length no longer matches */
    CHECK_EQ(d13_cookie_verify(&s, cookie, len, test_addr, ADDR_LEN, 200, &got), D13_COOKIE_MALFORMED);
    CHECK_EQ(d13_cookie_verify(&s, NULL, 0, test_addr, ADDR_LEN, 200, &got), D13_COOKIE_MALFORMED);
    /* Invalid arguments to encode. */
    p.hash_len = 48;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie, sizeof(cookie), &len), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d13_cookie_secrets_init(&s, 0), DTLS13_ERR_INVALID_ARG);
}

/* HelloVerifyRequest cookies (DTLS 1.2): 32 bytes (GnuTLS refuses longer
 * ones), a known answer computed with Python's hmac, bound to the address
 * and the client random, every bit authenticated, expiry, and no mixing
 * with the HelloRetryRequest format. */
static void test_cookie12(d13_test_state *t)
{
    uint8_t expected[D13_COOKIE12_LEN];
    CHECK_EQ(test_hex("0200000000000004d205073917fb6087907380f9c5d9e24abd61535175213b9b", expected,
                      sizeof(expected)),
             32);
    d13_cookie_secrets s;
    known_secrets(&s);
    uint8_t random[32], other[32];
    memset(random, 0xbb, sizeof(random));
    memset(other, 0xbb, sizeof(other));
    other[31] ^= 1;
    uint8_t cookie[D13_COOKIE12_LEN];
    CHECK_EQ(d13_cookie12_encode(&s, 1234, random, test_addr, ADDR_LEN, cookie), 0);
    CHECK_MEM(cookie, expected, sizeof(expected));
    CHECK_EQ(d13_cookie12_verify(&s, cookie, sizeof(cookie), random, test_addr, ADDR_LEN, 2000), D13_COOKIE_OK);
    CHECK_EQ(d13_cookie12_verify(&s, cookie, sizeof(cookie), other, test_addr, ADDR_LEN, 2000), D13_COOKIE_BAD_MAC);
    CHECK_EQ(d13_cookie12_verify(&s, cookie, sizeof(cookie), random, "192.0.2.1:5001", ADDR_LEN, 2000),
             D13_COOKIE_BAD_MAC);
    int flips_refused = 0;
    for (size_t bit = 0; bit < sizeof(cookie) * 8; bit++) {
        cookie[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        flips_refused += d13_cookie12_verify(&s, cookie, sizeof(cookie), random, test_addr, ADDR_LEN, 2000) != 0;
        cookie[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ(flips_refused, (int)sizeof(cookie) * 8);
    CHECK_EQ(d13_cookie12_verify(&s, cookie, sizeof(cookie) - 1, random, test_addr, ADDR_LEN, 2000),
             D13_COOKIE_MALFORMED);
    CHECK_EQ(d13_cookie12_verify(&s, cookie, sizeof(cookie), random, test_addr, ADDR_LEN,
                                 1234 + DTLS13_DEFAULT_COOKIE_LIFETIME_MS + 1),
             D13_COOKIE_EXPIRED);
    CHECK_EQ(d13_cookie12_verify(&s, NULL, 0, random, test_addr, ADDR_LEN, 2000), D13_COOKIE_MALFORMED);
    /* Neither format passes for the other. */
    d13_cookie_params got;
    CHECK_EQ(d13_cookie_verify(&s, cookie, sizeof(cookie), test_addr, ADDR_LEN, 2000, &got), D13_COOKIE_MALFORMED);
    d13_cookie_params p = sample_params(DTLS13_TLS_AES_128_GCM_SHA256, 1234);
    uint8_t cookie13[D13_COOKIE_MAX_LEN];
    size_t len13 = 0;
    CHECK_EQ(d13_cookie_encode(&s, &p, test_addr, ADDR_LEN, cookie13, sizeof(cookie13), &len13), 0);
    CHECK_EQ(d13_cookie12_verify(&s, cookie13, len13, random, test_addr, ADDR_LEN, 2000), D13_COOKIE_MALFORMED);
    CHECK_EQ(d13_cookie12_encode(&s, 1234, NULL, test_addr, ADDR_LEN, cookie), DTLS13_ERR_INVALID_ARG);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_known_answer);
    RUN_TEST(&st, test_hash_message);
    RUN_TEST(&st, test_every_suite_and_flips);
    RUN_TEST(&st, test_expiry_and_skew);
    RUN_TEST(&st, test_rotation);
    RUN_TEST(&st, test_malformed_fields);
    RUN_TEST(&st, test_cookie12);
    TEST_MAIN_END(&st);
}
