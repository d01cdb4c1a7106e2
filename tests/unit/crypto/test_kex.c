/* ECDHE: RFC 7748 x25519 vector, P-256 agreement, invalid peer shares. */
#include "crypto/crypto.h"
#include "test.h"

/* RFC 7748 6.1. */
static void test_x25519_rfc7748(d13_test_state *t)
{
    uint8_t alice_priv[32], alice_pub[32], bob_priv[32], bob_pub[32], shared[32];
    test_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", alice_priv, 32);
    test_hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", alice_pub, 32);
    test_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", bob_priv, 32);
    test_hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bob_pub, 32);
    test_hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", shared, 32);

    d13_kex *alice = d13_kex_from_private(DTLS13_GROUP_X25519, alice_priv, 32);
    d13_kex *bob = d13_kex_from_private(DTLS13_GROUP_X25519, bob_priv, 32);
    CHECK(alice != NULL && bob != NULL);
    if (alice == NULL || bob == NULL) goto done;
    uint8_t pub[64], secret[64];
    size_t len = 0;
    CHECK_EQ(d13_kex_public(alice, pub, sizeof(pub), &len), 0);
    CHECK_EQ(len, 32);
    CHECK_MEM(pub, alice_pub, 32);
    CHECK_EQ(d13_kex_public(bob, pub, sizeof(pub), &len), 0);
    CHECK_MEM(pub, bob_pub, 32);
    CHECK_EQ(d13_kex_derive(NULL, alice, bob_pub, 32, secret, sizeof(secret), &len), 0);
    CHECK_EQ(len, 32);
    CHECK_MEM(secret, shared, 32);
    CHECK_EQ(d13_kex_derive(NULL, bob, alice_pub, 32, secret, sizeof(secret), &len), 0);
    CHECK_MEM(secret, shared, 32);
    CHECK_EQ(d13_kex_public(alice, pub, 31, &len), DTLS13_ERR_BUFFER_TOO_SMALL);
done:
    d13_kex_free(alice);
    d13_kex_free(bob);
}

static void check_agreement(d13_test_state *t, const d13_algs *algs, uint16_t group, size_t pub_len)
{
    d13_kex *a = d13_kex_generate(group);
    d13_kex *b = d13_kex_generate(group);
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL) goto done;
    CHECK_EQ(d13_kex_group(a), group);
    uint8_t pub_a[80], pub_b[80], s_a[64], s_b[64];
    size_t la = 0, lb = 0, sa = 0, sb = 0;
    CHECK_EQ(d13_kex_public(a, pub_a, sizeof(pub_a), &la), 0);
    CHECK_EQ(d13_kex_public(b, pub_b, sizeof(pub_b), &lb), 0);
    CHECK_EQ(la, pub_len);
    CHECK_EQ(lb, pub_len);
    if (group == DTLS13_GROUP_SECP256R1) CHECK_EQ(pub_a[0], 0x04);
    CHECK_EQ(d13_kex_derive(algs, a, pub_b, lb, s_a, sizeof(s_a), &sa), 0);
    CHECK_EQ(d13_kex_derive(NULL, b, pub_a, la, s_b, sizeof(s_b), &sb), 0);
    CHECK_EQ(sa, 32);
    CHECK_EQ(sb, 32);
    CHECK_MEM(s_a, s_b, 32);
    CHECK(memcmp(pub_a, pub_b, pub_len) != 0);
done:
    d13_kex_free(a);
    d13_kex_free(b);
}

static void test_agreement(d13_test_state *t)
{
    d13_algs *algs = d13_algs_new();
    CHECK(algs != NULL);
    check_agreement(t, NULL, DTLS13_GROUP_X25519, 32);
    check_agreement(t, NULL, DTLS13_GROUP_SECP256R1, 65);
    /* One side with the configuration's algorithms: the same secret. */
    check_agreement(t, algs, DTLS13_GROUP_X25519, 32);
    check_agreement(t, algs, DTLS13_GROUP_SECP256R1, 65);
    d13_algs_free(algs);
    CHECK(d13_kex_group_supported(DTLS13_GROUP_X25519));
    CHECK(d13_kex_group_supported(DTLS13_GROUP_SECP256R1));
    CHECK(!d13_kex_group_supported(0x0018)); /* secp384r1 */
    CHECK(!d13_kex_group_supported(0x11ec)); /* X25519MLKEM768 */
    CHECK_EQ(d13_kex_public_len(DTLS13_GROUP_X25519), 32);
    CHECK_EQ(d13_kex_public_len(DTLS13_GROUP_SECP256R1), 65);
    CHECK_EQ(d13_kex_public_len(0x0018), 0);
    CHECK(d13_kex_generate(0x0018) == NULL);
}

static void test_x25519_invalid_peers(d13_test_state *t)
{
    d13_kex *k = d13_kex_generate(DTLS13_GROUP_X25519);
    CHECK(k != NULL);
    if (k == NULL) return;
    uint8_t peer[33] = {0}, secret[32];
    size_t len = 0;
    d13_random(peer, sizeof(peer));
    CHECK_EQ(d13_kex_derive(NULL, k, peer, 31, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    CHECK_EQ(d13_kex_derive(NULL, k, peer, 33, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    CHECK_EQ(d13_kex_derive(NULL, k, NULL, 0, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* Small-order points give an all-zero shared secret (RFC 7748 6.1). */
    memset(peer, 0, sizeof(peer));
    CHECK_EQ(d13_kex_derive(NULL, k, peer, 32, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    peer[0] = 1; /* u = 1 */
    CHECK_EQ(d13_kex_derive(NULL, k, peer, 32, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* u = p - 1 = 2^255 - 20, order 2 (little endian). */
    test_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", peer, 32);
    CHECK_EQ(d13_kex_derive(NULL, k, peer, 32, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* A point of order 8. */
    test_hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", peer, 32);
    CHECK_EQ(d13_kex_derive(NULL, k, peer, 32, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    d13_kex_free(k);
}

/* Invalid P-256 shares, through the implicit fetch (algs NULL) or the
 * configuration's parameters template (algs set): both validate the point. */
static void check_p256_invalid_peers(d13_test_state *t, const d13_algs *algs)
{
    d13_kex *k = d13_kex_generate(DTLS13_GROUP_SECP256R1);
    d13_kex *other = d13_kex_generate(DTLS13_GROUP_SECP256R1);
    CHECK(k != NULL && other != NULL);
    if (k == NULL || other == NULL) goto done;
    uint8_t good[65], peer[66], secret[32];
    size_t len = 0;
    CHECK_EQ(d13_kex_public(other, good, sizeof(good), &len), 0);
    CHECK_EQ(d13_kex_derive(algs, k, good, 65, secret, sizeof(secret), &len), 0);

    memcpy(peer, good, 65);
    CHECK_EQ(d13_kex_derive(algs, k, peer, 64, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    peer[65] = 0;
    CHECK_EQ(d13_kex_derive(algs, k, peer, 66, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* Compressed form (33 bytes) is not allowed in TLS 1.3. */
    peer[0] = (uint8_t)(0x02 | (good[64] & 1));
    CHECK_EQ(d13_kex_derive(algs, k, peer, 33, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* Wrong format byte with a valid point. */
    memcpy(peer, good, 65);
    peer[0] = 0x06;
    CHECK_EQ(d13_kex_derive(algs, k, peer, 65, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* Point not on the curve: y changed. */
    memcpy(peer, good, 65);
    peer[64] ^= 0x01;
    CHECK_EQ(d13_kex_derive(algs, k, peer, 65, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* (0, 0) and the point at infinity encoding. */
    memset(peer, 0, sizeof(peer));
    peer[0] = 0x04;
    CHECK_EQ(d13_kex_derive(algs, k, peer, 65, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    peer[0] = 0x00;
    CHECK_EQ(d13_kex_derive(algs, k, peer, 1, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* Coordinates >= p. */
    memset(peer, 0xff, sizeof(peer));
    peer[0] = 0x04;
    CHECK_EQ(d13_kex_derive(algs, k, peer, 65, secret, sizeof(secret), &len), DTLS13_ERR_DECODE);
    /* Still works after the failures. */
    CHECK_EQ(d13_kex_derive(algs, k, good, 65, secret, sizeof(secret), &len), 0);
    CHECK_EQ(d13_kex_derive(algs, k, good, 65, secret, 31, &len), DTLS13_ERR_BUFFER_TOO_SMALL);
done:
    d13_kex_free(k);
    d13_kex_free(other);
}

static void test_p256_invalid_peers(d13_test_state *t)
{
    check_p256_invalid_peers(t, NULL);
    d13_algs *algs = d13_algs_new();
    CHECK(algs != NULL);
    check_p256_invalid_peers(t, algs);
    d13_algs_free(algs);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_x25519_rfc7748);
    RUN_TEST(&st, test_agreement);
    RUN_TEST(&st, test_x25519_invalid_peers);
    RUN_TEST(&st, test_p256_invalid_peers);
    TEST_MAIN_END(&st);
}
