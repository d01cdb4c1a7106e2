/* Signatures: externally made signatures verify, round trips per scheme,
 * tampering and scheme/key mismatches are rejected. */
#include <string.h>

#include "crypto/crypto.h"
#include "test.h"
#include "test_files.h"

static d13_cert *load_cert(const char *cert_name, const char *key_name)
{
    char cert_path[512], key_path[512];
    int err = 0;
    return d13_cert_load_pem(test_data_path(cert_name, cert_path, sizeof(cert_path)),
                             test_data_path(key_name, key_path, sizeof(key_path)), &err);
}

static d13_pkey *load_spki(const char *name)
{
    uint8_t der[600];
    size_t len = test_read_data(name, der, sizeof(der));
    return len > 0 ? d13_pkey_from_spki(NULL, der, len) : NULL;
}

typedef struct scheme_case {
    uint16_t scheme;
    const char *cert, *key, *spki, *sig;
} scheme_case;

static const scheme_case cases[] = {
    {DTLS13_SIG_ECDSA_SECP256R1_SHA256, "ecdsa_cert.pem", "ecdsa_key.pem", "ecdsa_spki.der",
     "message.ecdsa.sig"},
    {DTLS13_SIG_RSA_PSS_RSAE_SHA256, "rsa_cert.pem", "rsa_key.pem", "rsa_spki.der",
     "message.rsa_pss.sig"},
    {DTLS13_SIG_ED25519, "ed25519_cert.pem", "ed25519_key.pem", "ed25519_spki.der",
     "message.ed25519.sig"},
    /* DTLS 1.2 only (the 1.3 engine never uses it for CertificateVerify). */
    {DTLS13_SIG_RSA_PKCS1_SHA256, "rsa_cert.pem", "rsa_key.pem", "rsa_spki.der",
     "message.rsa_pkcs1.sig"},
};

static void check_scheme(d13_test_state *t, const scheme_case *c)
{
    uint8_t msg[100], sig[600], ext_sig[600];
    size_t msg_len = test_read_data("message.txt", msg, sizeof(msg));
    size_t ext_len = test_read_data(c->sig, ext_sig, sizeof(ext_sig));
    CHECK(msg_len > 0 && ext_len > 0);
    d13_cert *cert = load_cert(c->cert, c->key);
    d13_pkey *pub = load_spki(c->spki);
    CHECK(cert != NULL);
    CHECK(pub != NULL);
    if (cert == NULL || pub == NULL) goto done;
    const d13_pkey *priv = d13_cert_key(cert);

    /* A signature made by the openssl command line tool verifies. */
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, ext_sig, ext_len), 0);
    ext_sig[ext_len / 2] ^= 0x10;
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, ext_sig, ext_len), DTLS13_ERR_CRYPTO);

    /* Our own signature verifies with the public key. */
    size_t sig_len = 0;
    CHECK_EQ(d13_sign(priv, c->scheme, msg, msg_len, sig, sizeof(sig), &sig_len), 0);
    CHECK(sig_len > 0);
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, sig, sig_len), 0);
    CHECK_EQ(d13_verify(priv, c->scheme, msg, msg_len, sig, sig_len), 0);
    /* Tampered message, tampered or truncated signature. */
    msg[0] ^= 1;
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, sig, sig_len), DTLS13_ERR_CRYPTO);
    msg[0] ^= 1;
    sig[sig_len - 1] ^= 0x01;
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, sig, sig_len), DTLS13_ERR_CRYPTO);
    sig[sig_len - 1] ^= 0x01;
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, sig, sig_len - 1), DTLS13_ERR_CRYPTO);
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, sig, 0), DTLS13_ERR_CRYPTO);
    CHECK_EQ(d13_verify(pub, c->scheme, msg, msg_len, sig, sig_len), 0);
    /* Too small an output buffer. */
    CHECK_EQ(d13_sign(priv, c->scheme, msg, msg_len, sig, 8, &sig_len),
             DTLS13_ERR_BUFFER_TOO_SMALL);

    /* PKCS #1 v1.5 is deterministic: ours equals the openssl tool's. */
    if (c->scheme == DTLS13_SIG_RSA_PKCS1_SHA256) {
        CHECK_EQ(d13_sign(priv, c->scheme, msg, msg_len, sig, sizeof(sig), &sig_len), 0);
        ext_sig[ext_len / 2] ^= 0x10;
        CHECK(sig_len == ext_len && memcmp(sig, ext_sig, ext_len) == 0);
        ext_sig[ext_len / 2] ^= 0x10;
        /* A PSS signature is not a PKCS #1 v1.5 one, and the other way round. */
        uint8_t pss[600];
        size_t pss_len = test_read_data("message.rsa_pss.sig", pss, sizeof(pss));
        CHECK_EQ(d13_verify(pub, DTLS13_SIG_RSA_PKCS1_SHA256, msg, msg_len, pss, pss_len), DTLS13_ERR_CRYPTO);
        CHECK_EQ(d13_verify(pub, DTLS13_SIG_RSA_PSS_RSAE_SHA256, msg, msg_len, sig, sig_len), DTLS13_ERR_CRYPTO);
    }

    /* The key fits the schemes of its own type only. */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool same = strcmp(cases[i].key, c->key) == 0;
        CHECK_EQ(d13_pkey_supports_scheme(pub, cases[i].scheme), same);
        CHECK_EQ(d13_pkey_supports_scheme(priv, cases[i].scheme), same);
        if (same) continue;
        CHECK(d13_sign(priv, cases[i].scheme, msg, msg_len, sig, sizeof(sig), &sig_len) < 0);
        CHECK(d13_verify(pub, cases[i].scheme, msg, msg_len, ext_sig, ext_len) < 0);
    }
    CHECK(!d13_pkey_supports_scheme(pub, 0x0503)); /* ecdsa_secp384r1_sha384 */
    CHECK(!d13_pkey_supports_scheme(pub, 0x0501)); /* rsa_pkcs1_sha384 */
done:
    d13_pkey_free(pub);
    d13_cert_free(cert);
}

static void test_schemes(d13_test_state *t)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) check_scheme(t, &cases[i]);
}

/* RFC 8032 7.1, test 1: empty message. */
static void test_ed25519_rfc8032(d13_test_state *t)
{
    uint8_t spki[44], sig[64];
    test_hex("302a300506032b6570032100"
             "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
             spki, sizeof(spki));
    test_hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
             "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
             sig, sizeof(sig));
    d13_pkey *key = d13_pkey_from_spki(NULL, spki, sizeof(spki));
    CHECK(key != NULL);
    if (key == NULL) return;
    CHECK_EQ(d13_verify(key, DTLS13_SIG_ED25519, NULL, 0, sig, sizeof(sig)), 0);
    CHECK_EQ(d13_verify(key, DTLS13_SIG_ED25519, (const uint8_t *)"x", 1, sig, sizeof(sig)),
             DTLS13_ERR_CRYPTO);
    d13_pkey_free(key);
}

static void test_bad_spki(d13_test_state *t)
{
    uint8_t der[100];
    size_t len = test_read_data("ecdsa_spki.der", der, sizeof(der) - 1);
    CHECK(len > 0);
    CHECK(d13_pkey_from_spki(NULL, der, len - 1) == NULL); /* truncated */
    der[len] = 0;
    CHECK(d13_pkey_from_spki(NULL, der, len + 1) == NULL); /* trailing byte */
    CHECK(d13_pkey_from_spki(NULL, der, 0) == NULL);
    CHECK(d13_pkey_from_spki(NULL, NULL, 10) == NULL);
    memset(der, 0x30, sizeof(der));
    CHECK(d13_pkey_from_spki(NULL, der, sizeof(der)) == NULL);
    d13_pkey_free(NULL);
}

/* The private key of a generated certificate signs, and its public half
 * (also from the certificate's key) verifies. */
static void test_generated_cert_key(d13_test_state *t)
{
    d13_cert *cert = d13_cert_generate_self_signed("WebRTC");
    CHECK(cert != NULL);
    if (cert == NULL) return;
    const d13_pkey *key = d13_cert_key(cert);
    CHECK(d13_pkey_supports_scheme(key, DTLS13_SIG_ECDSA_SECP256R1_SHA256));
    CHECK(!d13_pkey_supports_scheme(key, DTLS13_SIG_ED25519));
    uint8_t sig[72];
    size_t sig_len = 0;
    const uint8_t msg[] = "transcript hash";
    CHECK_EQ(d13_sign(key, DTLS13_SIG_ECDSA_SECP256R1_SHA256, msg, sizeof(msg), sig, sizeof(sig),
                      &sig_len),
             0);
    CHECK_EQ(d13_verify(key, DTLS13_SIG_ECDSA_SECP256R1_SHA256, msg, sizeof(msg), sig, sig_len),
             0);
    d13_cert_free(cert);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_schemes);
    RUN_TEST(&st, test_ed25519_rfc8032);
    RUN_TEST(&st, test_bad_spki);
    RUN_TEST(&st, test_generated_cert_key);
    TEST_MAIN_END(&st);
}
