/* Full handshakes per second, both ends in one process on one thread,
 * next to the raw cost of the public-key operations one handshake needs
 * (2 key generations, 2 ECDH, 2 signatures, 2 verifications) measured in
 * the same run with the crypto layer. Prints the ratio; target <= 1.25.
 *
 * Usage: bench_handshake [HANDSHAKES]   (default 300) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "crypto/crypto.h"

/** Rounds of each measurement; the fastest round counts. */
#define ROUNDS 3
/** Bytes of a TLS 1.3 CertificateVerify input: 64 spaces, context string
 *  (33 bytes with its NUL) and a SHA-256 transcript hash. */
#define SIGNED_CONTENT_LEN (64 + 34 + 32)

/* The raw operations of one handshake, on the group and signature scheme
 * the handshake uses. Returns false when one fails. */
static bool raw_handshake_crypto(uint16_t group, uint16_t scheme, const d13_pkey *client_key,
                                 const d13_pkey *server_key)
{
    uint8_t pub_c[80], pub_s[80], secret[80], sig[160];
    uint8_t content[SIGNED_CONTENT_LEN];
    size_t pub_c_len = 0, pub_s_len = 0, secret_len = 0, sig_len = 0;
    bool ok = false;
    memset(content, 0x20, sizeof content);

    d13_kex *c = d13_kex_generate(group);
    d13_kex *s = d13_kex_generate(group);
    if (c == NULL || s == NULL) goto done;
    if (d13_kex_public(c, pub_c, sizeof pub_c, &pub_c_len) != 0) goto done;
    if (d13_kex_public(s, pub_s, sizeof pub_s, &pub_s_len) != 0) goto done;
    if (d13_kex_derive(NULL, s, pub_c, pub_c_len, secret, sizeof secret, &secret_len) != 0) goto done;
    if (d13_kex_derive(NULL, c, pub_s, pub_s_len, secret, sizeof secret, &secret_len) != 0) goto done;
    /* server signs, client verifies; then the client signs, server verifies */
    if (d13_sign(server_key, scheme, content, sizeof content, sig, sizeof sig, &sig_len) != 0) goto done;
    if (d13_verify(server_key, scheme, content, sizeof content, sig, sig_len) != 0) goto done;
    if (d13_sign(client_key, scheme, content, sizeof content, sig, sizeof sig, &sig_len) != 0) goto done;
    if (d13_verify(client_key, scheme, content, sizeof content, sig, sig_len) != 0) goto done;
    ok = true;
done:
    d13_cleanse(secret, sizeof secret);
    d13_kex_free(c);
    d13_kex_free(s);
    return ok;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 300;
    if (count <= 0 || count > 1000000) {
        fprintf(stderr, "usage: bench_handshake [HANDSHAKES]\n");
        return 2;
    }
    dtls13_config *client_cfg = bench_config_new();
    dtls13_config *server_cfg = bench_config_new();

    /* One handshake to learn the negotiated group and scheme. */
    bench_pair p;
    if (!bench_pair_handshake(&p, client_cfg, server_cfg)) {
        fprintf(stderr, "bench_handshake: the handshake failed\n");
        return 1;
    }
    uint16_t group = dtls13_conn_group(p.client);
    uint16_t scheme = dtls13_conn_peer_signature_scheme(p.client);
    uint16_t suite = dtls13_conn_cipher_suite(p.client);
    bench_pair_free(&p);

    /* Keys for the raw operations: the same kind (ECDSA P-256) as the
     * generated WebRTC certificates. */
    d13_cert *client_cert = d13_cert_generate_self_signed("bench-client");
    d13_cert *server_cert = d13_cert_generate_self_signed("bench-server");
    if (client_cert == NULL || server_cert == NULL) {
        fprintf(stderr, "bench_handshake: cannot generate keys\n");
        return 1;
    }

    double best_hs = 0, best_raw = 0;
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t t0 = bench_now_ns();
        for (long i = 0; i < count; i++) {
            if (!raw_handshake_crypto(group, scheme, d13_cert_key(client_cert), d13_cert_key(server_cert))) {
                fprintf(stderr, "bench_handshake: raw crypto failed\n");
                return 1;
            }
        }
        uint64_t t1 = bench_now_ns();
        for (long i = 0; i < count; i++) {
            if (!bench_pair_handshake(&p, client_cfg, server_cfg)) {
                fprintf(stderr, "bench_handshake: handshake %ld failed\n", i);
                return 1;
            }
            bench_pair_free(&p);
        }
        uint64_t t2 = bench_now_ns();
        double raw = (double)(t1 - t0) / (double)count, hs = (double)(t2 - t1) / (double)count;
        if (round == 0 || raw < best_raw) best_raw = raw;
        if (round == 0 || hs < best_hs) best_hs = hs;
    }

    printf("bench_handshake: %ld full handshakes x %d rounds (fastest round), one thread\n", count, ROUNDS);
    printf("  suite %s, group %s, signatures %s, mutual authentication\n", dtls13_cipher_suite_name(suite),
           dtls13_group_name(group), dtls13_signature_scheme_name(scheme));
    printf("  handshake (both ends):        %9.1f us  = %8.0f handshakes/s\n", best_hs / 1000.0, 1e9 / best_hs);
    printf("  raw crypto (2 keygen, 2 ECDH, 2 sign, 2 verify): %9.1f us  = %8.0f /s\n", best_raw / 1000.0,
           1e9 / best_raw);
    printf("  ratio handshake / raw crypto: %.3f\n", best_hs / best_raw);
    bench_print_target("handshake / raw crypto", best_hs / best_raw, 1.25, "x");

    d13_cert_free(client_cert);
    d13_cert_free(server_cert);
    dtls13_config_free(client_cfg);
    dtls13_config_free(server_cfg);
    return 0;
}
