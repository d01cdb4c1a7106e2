/* Full handshakes per second, both ends in one process on one thread,
 * next to the raw cost of the public-key operations one handshake needs
 * (2 key generations, 2 ECDH, 2 signatures, 2 verifications) measured in
 * the same run with the crypto layer. Prints the ratio; target <= 1.25
 * for DTLS 1.3 (issue 2).
 *
 * --version 1.2: the DTLS 1.2 ECDHE_ECDSA mutual-auth handshake (x25519,
 * ECDSA P-256, use_srtp; the same public-key operations: server
 * ServerKeyExchange and client CertificateVerify signatures), target
 * <= 1.3, and OpenSSL's libssl doing the same handshake in the same run
 * (baseline_libssl12.c), target: ours at least 2.5x its handshakes/s
 * (issue 11).
 *
 * --ours-only: only our handshakes, no raw crypto and no libssl baseline
 * (for profiling our side with perf; prints no ratios).
 *
 * Usage: bench_handshake [--ours-only] [--version 1.2|1.3] [HANDSHAKES]   (default 300) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "crypto/crypto.h"
#ifdef BENCH_HAVE_LIBSSL12
#include "baseline_libssl12.h"
#endif

/** Rounds of each measurement; the fastest round counts. */
#define ROUNDS 3
/** Bytes of a TLS 1.3 CertificateVerify input: 64 spaces, context string
 *  (33 bytes with its NUL) and a SHA-256 transcript hash. */
#define SIGNED_CONTENT_LEN (64 + 34 + 32)

/* The raw operations of one handshake, on the group and signature scheme
 * the handshake uses. Returns false when one fails. */
static bool raw_handshake_crypto(const d13_algs *algs, uint16_t group, uint16_t scheme,
                                 const d13_pkey *client_key, const d13_pkey *server_key)
{
    uint8_t pub_c[80], pub_s[80], secret[80], sig[160];
    uint8_t content[SIGNED_CONTENT_LEN];
    size_t pub_c_len = 0, pub_s_len = 0, secret_len = 0, sig_len = 0;
    bool ok = false;
    memset(content, 0x20, sizeof content);

    d13_kex *c = d13_kex_generate_with(algs, group);
    d13_kex *s = d13_kex_generate_with(algs, group);
    if (c == NULL || s == NULL) goto done;
    if (d13_kex_public(c, pub_c, sizeof pub_c, &pub_c_len) != 0) goto done;
    if (d13_kex_public(s, pub_s, sizeof pub_s, &pub_s_len) != 0) goto done;
    if (d13_kex_derive(algs, s, pub_c, pub_c_len, secret, sizeof secret, &secret_len) != 0) goto done;
    if (d13_kex_derive(algs, c, pub_s, pub_s_len, secret, sizeof secret, &secret_len) != 0) goto done;
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

/* Fastest per-round costs in nanoseconds (libssl: 0 when not measured). */
typedef struct hs_times {
    double hs, raw, libssl;
} hs_times;

static bool measure(long count, dtls13_config *client_cfg, dtls13_config *server_cfg, uint16_t version,
                    uint16_t group, uint16_t scheme, bool ours_only, hs_times *best)
{
    /* Keys for the raw operations: the same kind (ECDSA P-256) as the
     * generated WebRTC certificates. */
    d13_cert *client_cert = d13_cert_generate_self_signed("bench-client");
    d13_cert *server_cert = d13_cert_generate_self_signed("bench-server");
    /* The prepared algorithms a configuration holds, so that the raw
     * operations take the crypto layer's fastest path too. */
    d13_algs *algs = d13_algs_new();
    bool ok = client_cert != NULL && server_cert != NULL && algs != NULL;
    if (!ok) fprintf(stderr, "bench_handshake: cannot generate keys\n");
    memset(best, 0, sizeof *best);
    for (int round = 0; round < ROUNDS && ok; round++) {
        uint64_t t0 = bench_now_ns();
        for (long i = 0; i < count && ok && !ours_only; i++) {
            ok = raw_handshake_crypto(algs, group, scheme, d13_cert_key(client_cert), d13_cert_key(server_cert));
            if (!ok) fprintf(stderr, "bench_handshake: raw crypto failed\n");
        }
        uint64_t t1 = bench_now_ns();
        for (long i = 0; i < count && ok; i++) {
            bench_pair p;
            ok = bench_pair_handshake(&p, client_cfg, server_cfg);
            if (!ok) fprintf(stderr, "bench_handshake: handshake %ld failed\n", i);
            bench_pair_free(&p);
        }
        uint64_t t2 = bench_now_ns();
        double raw = (double)(t1 - t0) / (double)count, hs = (double)(t2 - t1) / (double)count;
        if (round == 0 || raw < best->raw) best->raw = raw;
        if (round == 0 || hs < best->hs) best->hs = hs;
#ifdef BENCH_HAVE_LIBSSL12
        if (ok && version == DTLS13_VERSION_DTLS12 && !ours_only) {
            double rate = libssl12_handshakes_per_second((int)count);
            ok = rate > 0;
            if (!ok) fprintf(stderr, "bench_handshake: the libssl baseline failed\n");
            else if (round == 0 || 1e9 / rate < best->libssl) best->libssl = 1e9 / rate;
        }
#else
        (void)version;
#endif
    }
    d13_cert_free(client_cert);
    d13_cert_free(server_cert);
    d13_algs_free(algs);
    return ok;
}

int main(int argc, char **argv)
{
    long count = 300;
    uint16_t version;
    bool ours_only = argc > 1 && strcmp(argv[1], "--ours-only") == 0;
    if (ours_only) {
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    if (!bench_parse_args(argc, argv, &version, &count, 1000000)) return 2;
    dtls13_config *client_cfg = bench_config_new_version(version);
    dtls13_config *server_cfg = bench_config_new_version(version);

    /* One handshake to learn the negotiated group and scheme. */
    bench_pair p;
    if (!bench_pair_handshake(&p, client_cfg, server_cfg) || dtls13_conn_version(p.client) != version) {
        fprintf(stderr, "bench_handshake: the %s handshake failed\n", dtls13_version_name(version));
        return 1;
    }
    uint16_t group = dtls13_conn_group(p.client);
    uint16_t scheme = dtls13_conn_peer_signature_scheme(p.client);
    uint16_t suite = dtls13_conn_cipher_suite(p.client);
    uint16_t profile = dtls13_conn_srtp_profile(p.client);
    bench_pair_free(&p);

    hs_times best;
    if (!measure(count, client_cfg, server_cfg, version, group, scheme, ours_only, &best)) return 1;
    bool v12 = version == DTLS13_VERSION_DTLS12;
    printf("bench_handshake: %ld full %s handshakes x %d rounds (fastest round), one thread\n", count,
           dtls13_version_name(version), ROUNDS);
    printf("  suite %s, group %s, signatures %s, SRTP %s, mutual authentication\n",
           dtls13_cipher_suite_name(suite), dtls13_group_name(group), dtls13_signature_scheme_name(scheme),
           profile != 0 ? dtls13_srtp_profile_name(profile) : "none");
    printf("  handshake (both ends):        %9.1f us  = %8.0f handshakes/s\n", best.hs / 1000.0, 1e9 / best.hs);
    if (ours_only) {
        dtls13_config_free(client_cfg);
        dtls13_config_free(server_cfg);
        return 0;
    }
    printf("  raw crypto (2 keygen, 2 ECDH, 2 sign, 2 verify): %9.1f us  = %8.0f /s\n", best.raw / 1000.0,
           1e9 / best.raw);
    printf("  ratio handshake / raw crypto: %.3f\n", best.hs / best.raw);
    bench_print_target("handshake / raw crypto", best.hs / best.raw, v12 ? 1.3 : 1.25, "x");
    if (v12 && best.libssl > 0) {
#ifdef BENCH_HAVE_LIBSSL12
        printf("  %s libssl, same handshake:\n", libssl12_version());
#endif
        printf("  OpenSSL handshake (both ends): %8.1f us  = %8.0f handshakes/s\n", best.libssl / 1000.0,
               1e9 / best.libssl);
        printf("  ours / OpenSSL handshakes/s: %.2fx (%.2fx if ours cost only the raw crypto)\n",
               best.libssl / best.hs, best.libssl / best.raw);
        printf("  target: ours / OpenSSL >= 2.50x (measured %.2fx): %s\n", best.libssl / best.hs,
               best.libssl / best.hs >= 2.5 ? "met" : "NOT met");
    } else if (v12) {
        printf("  OpenSSL baseline not built (no libssl development files)\n");
    }
    dtls13_config_free(client_cfg);
    dtls13_config_free(server_cfg);
    return 0;
}
