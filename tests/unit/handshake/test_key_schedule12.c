/* DTLS 1.2 key schedule (RFC 5246 6.3, 7.4.9, 8.1; RFC 7627 4; RFC 5705 4):
 * master secret with and without extended_master_secret, the key block
 * split for the AES-GCM (4-byte implicit IV, RFC 5288) and ChaCha20-Poly1305
 * (12-byte IV, RFC 7905) suites, Finished verify_data and the exporter with
 * and without context. Expected values come from an independent stdlib
 * Python implementation (hmac/hashlib P_hash, the formulas of the RFCs):
 *
 *   prf(h, secret, label, seed, n): A = label+seed; out = HMAC(secret, A(i) + label+seed) ...
 *   pms = bytes(range(32)); client_random = c0..cf twice; server_random = 50..6f
 *   session_hash = SHA-256("handshake messages") (SHA-384 for the 384 suite)
 *
 * The interop tests compare the whole chain with OpenSSL (exported bytes). */
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/constants.h"
#include "dtls13/errors.h"
#include "handshake/key_schedule12.h"
#include "test.h"

#define EMS_SHA256 "9ff166cd8f77cb93d42ba07faef4ed9b3b4650065efffa14c3ac093426e9a34e0316250d06c156fc026e3fa8fa74076e"
#define MS_SHA256 "73309dd10d22e082d757d229ef913625a1ea3523bfc08689d978cf1742b624175af784672642c432c208da904ff19c6e"
#define EMS_SHA384 "f98586e25ff1abe5a95aebbdc68dff25f6439686b3ceee9eadbc60d600a74cbe238120f4a190405ecc841274bceadbca"
/* key_block = PRF(master, "key expansion", server_random + client_random) */
#define KB_CHACHA                                                                                              \
    "d273057266c1aff63751338faf0acbb080d6f4d4914ed516cf5bb9e60ec5ac1c5422ce8787f3fbdfc0b6f3915fb6792a174aa3f4" \
    "52850736256c7e7d01c4ab458157ea88b64f1ab1d7c850f3b69f59b97218e16d3a4aa341"
#define KB_GCM256                                                                                              \
    "3787d9198063ac114aee9c895ab38d3acadc82fb3edf99f358f33adf71f86ecfc953f8de82771b5d3c33ae8b23c2142a233f8ec5" \
    "f86d5c6bac676a1138af2d6231f5e1a087ea0958"

typedef struct inputs {
    uint8_t pms[32], cr[32], sr[32], session_hash[D13_MAX_HASH_LEN];
} inputs;

static void make_inputs(inputs *in, d13_hash_alg alg)
{
    for (int i = 0; i < 32; i++) {
        in->pms[i] = (uint8_t)i;
        in->cr[i] = (uint8_t)(0xc0 + i % 16);
        in->sr[i] = (uint8_t)(0x50 + i % 32);
    }
    static const char msg[] = "handshake messages";
    d13_hash(NULL, alg, (const uint8_t *)msg, sizeof(msg) - 1, in->session_hash);
}

static bool equals_hex(const uint8_t *got, size_t len, const char *hex)
{
    uint8_t want[128];
    size_t n = test_hex(hex, want, sizeof(want));
    return n == len && memcmp(got, want, len) == 0;
}

static void test_master_secret(d13_test_state *t)
{
    inputs in;
    uint8_t master[D12_MASTER_SECRET_LEN];
    make_inputs(&in, D13_HASH_SHA256);
    CHECK_EQ(d12_master_secret(NULL, D13_HASH_SHA256, in.pms, 32, true, in.session_hash, in.cr, in.sr, master), 0);
    CHECK(equals_hex(master, sizeof(master), EMS_SHA256));
    /* Without EMS the randoms are the seed and the session hash is unused. */
    CHECK_EQ(d12_master_secret(NULL, D13_HASH_SHA256, in.pms, 32, false, NULL, in.cr, in.sr, master), 0);
    CHECK(equals_hex(master, sizeof(master), MS_SHA256));
    make_inputs(&in, D13_HASH_SHA384);
    CHECK_EQ(d12_master_secret(NULL, D13_HASH_SHA384, in.pms, 32, true, in.session_hash, in.cr, in.sr, master), 0);
    CHECK(equals_hex(master, sizeof(master), EMS_SHA384));
    CHECK_EQ(d12_master_secret(NULL, D13_HASH_SHA256, in.pms, 32, true, NULL, in.cr, in.sr, master),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d12_master_secret(NULL, D13_HASH_SHA256, in.pms, 32, false, NULL, NULL, in.sr, master),
             DTLS13_ERR_INVALID_ARG);
}

static void test_key_block(d13_test_state *t)
{
    inputs in;
    uint8_t master[D12_MASTER_SECRET_LEN], kb[128];
    d12_traffic_keys k;
    make_inputs(&in, D13_HASH_SHA256);
    test_hex(EMS_SHA256, master, sizeof(master));
    /* AES-128-GCM: client key, server key (16 each), client IV, server IV (4 each). */
    size_t n = test_hex(KB_CHACHA, kb, sizeof(kb));
    CHECK_EQ(n, 88u);
    CHECK_EQ(d12_derive_traffic_keys(NULL, DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, master, in.cr, in.sr, &k),
             0);
    CHECK_EQ(k.key_len, 16u);
    CHECK_EQ(k.iv_len, 4u);
    CHECK(memcmp(k.client_key, kb, 16) == 0 && memcmp(k.server_key, kb + 16, 16) == 0);
    CHECK(memcmp(k.client_iv, kb + 32, 4) == 0 && memcmp(k.server_iv, kb + 36, 4) == 0);
    /* The same for the RSA flavour of the suite. */
    d12_traffic_keys k2;
    CHECK_EQ(d12_derive_traffic_keys(NULL, DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, master, in.cr, in.sr, &k2),
             0);
    CHECK(memcmp(&k, &k2, sizeof(k)) == 0);
    /* ChaCha20-Poly1305: 32-byte keys, 12-byte IVs (RFC 7905). */
    CHECK_EQ(d12_derive_traffic_keys(NULL, DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, master, in.cr,
                                     in.sr, &k),
             0);
    CHECK_EQ(k.key_len, 32u);
    CHECK_EQ(k.iv_len, 12u);
    CHECK(memcmp(k.client_key, kb, 32) == 0 && memcmp(k.server_key, kb + 32, 32) == 0);
    CHECK(memcmp(k.client_iv, kb + 64, 12) == 0 && memcmp(k.server_iv, kb + 76, 12) == 0);
    /* AES-256-GCM-SHA384: the PRF hash is SHA-384. */
    make_inputs(&in, D13_HASH_SHA384);
    test_hex(EMS_SHA384, master, sizeof(master));
    n = test_hex(KB_GCM256, kb, sizeof(kb));
    CHECK_EQ(n, 72u);
    CHECK_EQ(d12_derive_traffic_keys(NULL, DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, master, in.cr, in.sr, &k),
             0);
    CHECK_EQ(k.key_len, 32u);
    CHECK_EQ(k.iv_len, 4u);
    CHECK(memcmp(k.client_key, kb, 32) == 0 && memcmp(k.server_key, kb + 32, 32) == 0);
    CHECK(memcmp(k.client_iv, kb + 64, 4) == 0 && memcmp(k.server_iv, kb + 68, 4) == 0);
    /* A 1.3 suite or an unknown one has no 1.2 key block. */
    CHECK_EQ(d12_derive_traffic_keys(NULL, DTLS13_TLS_AES_128_GCM_SHA256, master, in.cr, in.sr, &k),
             DTLS13_ERR_UNSUPPORTED);
    CHECK_EQ(d12_derive_traffic_keys(NULL, 0xc027, master, in.cr, in.sr, &k), DTLS13_ERR_UNSUPPORTED);
}

static void test_finished(d13_test_state *t)
{
    uint8_t master[D12_MASTER_SECRET_LEN], hh[32], vd[12];
    static const char transcript[] = "transcript";
    test_hex(EMS_SHA256, master, sizeof(master));
    d13_hash(NULL, D13_HASH_SHA256, (const uint8_t *)transcript, sizeof(transcript) - 1, hh);
    CHECK_EQ(d12_finished_verify_data(NULL, D13_HASH_SHA256, master, true, hh, vd), 0);
    CHECK(equals_hex(vd, 12, "871250be8c7bf2cc7901ff03"));
    CHECK_EQ(d12_finished_verify_data(NULL, D13_HASH_SHA256, master, false, hh, vd), 0);
    CHECK(equals_hex(vd, 12, "f23582b713774ab73ea3bbb0"));
}

static void test_export(d13_test_state *t)
{
    inputs in;
    uint8_t master[D12_MASTER_SECRET_LEN], out[60];
    make_inputs(&in, D13_HASH_SHA256);
    test_hex(EMS_SHA256, master, sizeof(master));
    /* RFC 5764 4.2: no context. */
    CHECK_EQ(d12_export(NULL, D13_HASH_SHA256, master, in.cr, in.sr, "EXTRACTOR-dtls_srtp", NULL, 0, false, out, 60),
             0);
    CHECK(equals_hex(out, 60,
                     "bcee3a84de9484f3a3a14acb7c2a62e2435969cb7d840df49612666fc117447cb9bdfb7610f5c77c02fd81088a2a"
                     "1544a0449cc0fc0f2cdf7b348ff5"));
    /* With a context: its 16-bit length goes into the seed, so an empty
     * context differs from none (RFC 5705 4). */
    CHECK_EQ(d12_export(NULL, D13_HASH_SHA256, master, in.cr, in.sr, "EXPORTER-test", (const uint8_t *)"abc", 3, true,
                        out, 20),
             0);
    CHECK(equals_hex(out, 20, "b4ad73d2fb11591cf194468c483a45280e8d5f16"));
    CHECK_EQ(d12_export(NULL, D13_HASH_SHA256, master, in.cr, in.sr, "EXPORTER-test", NULL, 0, true, out, 20), 0);
    CHECK(equals_hex(out, 20, "2ca024e0c1154a4c6beacb2f16306fef20ec0ae3"));
    /* Labels the handshake itself uses are refused (RFC 5705 4). */
    const char *reserved[] = {"client finished", "server finished", "master secret", "key expansion",
                              "extended master secret"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        CHECK_EQ(d12_export(NULL, D13_HASH_SHA256, master, in.cr, in.sr, reserved[i], NULL, 0, false, out, 20),
                 DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(d12_export(NULL, D13_HASH_SHA256, master, in.cr, in.sr, "EXPORTER-test", NULL, 3, true, out, 20),
             DTLS13_ERR_INVALID_ARG);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_master_secret);
    RUN_TEST(&st, test_key_block);
    RUN_TEST(&st, test_finished);
    RUN_TEST(&st, test_export);
    TEST_MAIN_END(&st);
}
