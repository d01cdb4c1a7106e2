/* The baseline of issue 11: OpenSSL 3.0 libssl doing the same DTLS 1.2
 * handshake as bench_handshake --version 1.2 (ECDHE_ECDSA with x25519,
 * AES-128-GCM, ECDSA P-256 self-signed certificates on both sides,
 * client certificate required, use_srtp SRTP_AES128_CM_SHA1_80, no
 * cookies), both ends in one process over a BIO pair.
 *
 * This is the only file outside src/crypto/ that includes OpenSSL headers;
 * it exposes plain C only (baseline_libssl12.h). Like our engine it sends
 * no session ticket, keeps no session cache and uses a 1200-byte MTU. */
#include "baseline_libssl12.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "bench_util.h"

#define BASELINE_MTU 1200
/** Rounds of SSL_do_handshake on each side before giving up. */
#define MAX_ROUNDS 64

/* Accepts any peer certificate: the peers are checked by fingerprint in
 * WebRTC, as our engine's verify callback would. */
static int accept_any(int preverify_ok, X509_STORE_CTX *ctx)
{
    (void)preverify_ok;
    (void)ctx;
    return 1;
}

/* A WebRTC-style self-signed ECDSA P-256 certificate for key. */
static X509 *self_signed(EVP_PKEY *key, const char *cn)
{
    X509 *x = X509_new();
    if (x == NULL) return NULL;
    X509_NAME *name = X509_get_subject_name(x);
    bool ok = X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
              X509_gmtime_adj(X509_getm_notBefore(x), -86400) &&
              X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400) && X509_set_pubkey(x, key) &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) &&
              X509_set_issuer_name(x, name) && X509_sign(x, key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* A context of one side with its own certificate and key. */
static SSL_CTX *make_ctx(bool server, const char *cn)
{
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = key != NULL ? self_signed(key, cn) : NULL;
    bool ok = ctx != NULL && cert != NULL && SSL_CTX_use_certificate(ctx, cert) == 1 &&
              SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1 &&
              SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
              SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
              SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256") == 1 &&
              /* P-256 listed second: in TLS 1.2 OpenSSL uses an ECDSA
               * certificate only on a curve in supported_groups; the key
               * exchange still picks x25519 (checked per handshake). */
              SSL_CTX_set1_groups_list(ctx, "X25519:P-256") == 1 &&
              SSL_CTX_set1_sigalgs_list(ctx, "ecdsa_secp256r1_sha256") == 1 &&
              SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80") == 0; /* 0 is success */
    EVP_PKEY_free(key);
    X509_free(cert);
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_DTLSv1 | SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), accept_any);
    return ctx;
}

/* Advances one side; false on a fatal error. */
static bool step(SSL *ssl)
{
    if (SSL_is_init_finished(ssl)) return true;
    int rc = SSL_do_handshake(ssl);
    if (rc == 1) return true;
    int err = SSL_get_error(ssl, rc);
    return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE;
}

/* One full handshake between fresh SSL objects. */
static bool one_handshake(SSL_CTX *client_ctx, SSL_CTX *server_ctx)
{
    SSL *c = SSL_new(client_ctx), *s = SSL_new(server_ctx);
    BIO *bc = NULL, *bs = NULL;
    bool ok = false;
    if (c == NULL || s == NULL || BIO_new_bio_pair(&bc, 0, &bs, 0) != 1) goto done;
    SSL_set_bio(c, bc, bc);
    SSL_set_bio(s, bs, bs);
    SSL_set_mtu(c, BASELINE_MTU);
    SSL_set_mtu(s, BASELINE_MTU);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    for (int round = 0; round < MAX_ROUNDS; round++) {
        if (!step(c) || !step(s)) goto done;
        if (SSL_is_init_finished(c) && SSL_is_init_finished(s)) {
            SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(c);
            ok = p != NULL && p->id == SRTP_AES128_CM_SHA1_80 && SSL_version(c) == DTLS1_2_VERSION &&
                 SSL_get_negotiated_group(c) == NID_X25519 &&
                 SSL_get0_peer_certificate(s) != NULL && SSL_get0_peer_certificate(c) != NULL;
            break;
        }
    }
done:
    SSL_free(c); /* frees its BIO */
    SSL_free(s);
    return ok;
}

double libssl12_handshakes_per_second(int n)
{
    if (n <= 0) return -1;
    SSL_CTX *client_ctx = make_ctx(false, "baseline-client");
    SSL_CTX *server_ctx = make_ctx(true, "baseline-server");
    double rate = -1;
    if (client_ctx != NULL && server_ctx != NULL && one_handshake(client_ctx, server_ctx)) {
        uint64_t t0 = bench_now_ns();
        int i = 0;
        while (i < n && one_handshake(client_ctx, server_ctx)) i++;
        uint64_t t1 = bench_now_ns();
        if (i == n) rate = (double)n * 1e9 / (double)(t1 - t0);
    }
    if (rate < 0) ERR_print_errors_fp(stderr);
    SSL_CTX_free(client_ctx);
    SSL_CTX_free(server_ctx);
    return rate;
}

const char *libssl12_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}
