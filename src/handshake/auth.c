/* Authentication messages: Certificate, CertificateVerify, Finished
 * (RFC 8446 4.4), peer fingerprint and verify callback checks. */
#include <stdlib.h>
#include <string.h>

#include "handshake/engine.h"

static const char cv_server_context[] = "TLS 1.3, server CertificateVerify";
static const char cv_client_context[] = "TLS 1.3, client CertificateVerify";

/* The signed content: 64 spaces, context string, 0, transcript hash. */
static size_t cv_content(const dtls13_conn *c, bool by_server, uint8_t *out)
{
    const char *ctx = by_server ? cv_server_context : cv_client_context;
    size_t ctx_len = strlen(ctx);
    memset(out, 0x20, 64);
    memcpy(out + 64, ctx, ctx_len);
    out[64 + ctx_len] = 0;
    size_t n = 64 + ctx_len + 1;
    if (d13_transcript_hash(&c->transcript, out + n)) return 0;
    return n + c->ks.hash_len;
}

uint16_t d13_auth_choose_scheme(const dtls13_conn *c, const uint16_t *peer, size_t n)
{
    const d13_pkey *key = d13_cert_key(c->cfg->cert);
    for (size_t i = 0; i < c->cfg->num_sig_schemes; i++) {
        uint16_t s = c->cfg->sig_schemes[i];
        if (d13_list_contains(peer, n, s) && d13_pkey_supports_scheme(key, s)) return s;
    }
    return 0;
}

int d13_auth_send_certificate(dtls13_conn *c, uint64_t epoch)
{
    d13_certificate m;
    memset(&m, 0, sizeof(m));
    m.certs[0].p = d13_cert_der(c->cfg->cert, &m.certs[0].len);
    m.num_certs = 1;
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d13_certificate_encode(&w, &m)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "certificate too large");
    return d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE, d13_writer_len(&w), epoch, true);
}

int d13_auth_send_certificate_verify(dtls13_conn *c, uint64_t epoch)
{
    uint8_t content[64 + 64 + D13_MAX_HASH_LEN];
    size_t n = cv_content(c, c->role == DTLS13_ROLE_SERVER, content);
    if (!n) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript hash failed");
    uint8_t sig[1024];
    size_t sig_len = 0;
    if (d13_sign(d13_cert_key(c->cfg->cert), c->own_sig_scheme, content, n, sig, sizeof(sig), &sig_len))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "signing CertificateVerify failed");
    d13_certificate_verify m = {c->own_sig_scheme, {sig, sig_len}};
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d13_certificate_verify_encode(&w, &m)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    return d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE_VERIFY, d13_writer_len(&w), epoch, true);
}

int d13_auth_send_finished(dtls13_conn *c, uint64_t epoch)
{
    uint8_t th[D13_MAX_HASH_LEN], vd[D13_MAX_HASH_LEN];
    const uint8_t *base = c->role == DTLS13_ROLE_CLIENT ? c->ks.client_handshake_traffic : c->ks.server_handshake_traffic;
    if (d13_transcript_hash(&c->transcript, th) || d13_ks_finished(&c->ks, base, th, vd))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "computing Finished failed");
    d13_finished m = {{vd, c->ks.hash_len}};
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d13_finished_encode(&w, &m)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    d13_cleanse(vd, sizeof(vd));
    return d13_flight_add(c, &c->flight, D13_HS_FINISHED, d13_writer_len(&w), epoch, true);
}

int d13_auth_recv_certificate(dtls13_conn *c, const uint8_t *body, size_t len, bool *empty)
{
    d13_certificate m;
    int alert = d13_certificate_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed Certificate");
    if (m.context.len != 0) return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "non-empty certificate_request_context");
    *empty = m.num_certs == 0;
    if (*empty) return d13_transcript_add(&c->transcript, D13_HS_CERTIFICATE, body, len);
    int rc = d13_auth_accept_peer_certificate(c, m.certs[0].p, m.certs[0].len);
    if (rc) return rc;
    return d13_transcript_add(&c->transcript, D13_HS_CERTIFICATE, body, len);
}

int d13_auth_accept_peer_certificate(dtls13_conn *c, const uint8_t *der, size_t len)
{
    if (c->has_expected_fp && !d13_fingerprint_matches(c->expected_fp_alg, c->expected_fp, c->expected_fp_len, der, len))
        return d13_fail(c, DTLS13_ALERT_BAD_CERTIFICATE, "peer certificate does not match the expected fingerprint");
    d13_bytes spki;
    if (d13_der_certificate_spki(der, len, &spki))
        return d13_fail(c, DTLS13_ALERT_BAD_CERTIFICATE, "cannot parse the peer certificate");
    d13_pkey_free(c->peer_key);
    c->peer_key = d13_pkey_from_spki(c->cfg->algs, spki.p, spki.len);
    if (!c->peer_key) return d13_fail(c, DTLS13_ALERT_UNSUPPORTED_CERTIFICATE, "unsupported peer public key");
    free(c->peer_cert);
    c->peer_cert = malloc(len);
    c->peer_cert_len = 0;
    if (!c->peer_cert) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    memcpy(c->peer_cert, der, len);
    c->peer_cert_len = len;
    return DTLS13_OK;
}

int d13_auth_run_verify_callback(dtls13_conn *c)
{
    if (c->cfg->verify && c->cfg->verify(c->cfg->verify_user, c->peer_cert, c->peer_cert_len) != 0)
        return d13_fail(c, DTLS13_ALERT_BAD_CERTIFICATE, "the verify callback rejected the peer certificate");
    return DTLS13_OK;
}

int d13_auth_recv_certificate_verify(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_certificate_verify m;
    int alert = d13_certificate_verify_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed CertificateVerify");
    if (!d13_list_contains(c->cfg->sig_schemes, c->cfg->num_sig_schemes, m.scheme) ||
        !d13_pkey_supports_scheme(c->peer_key, m.scheme))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "CertificateVerify uses a signature scheme we did not offer");
    uint8_t content[64 + 64 + D13_MAX_HASH_LEN];
    size_t n = cv_content(c, c->role == DTLS13_ROLE_CLIENT, content);
    if (!n) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript hash failed");
    if (d13_verify(c->peer_key, m.scheme, content, n, m.signature.p, m.signature.len))
        return d13_fail(c, DTLS13_ALERT_DECRYPT_ERROR, "CertificateVerify signature is invalid");
    c->peer_sig_scheme = m.scheme;
    int rc = d13_auth_run_verify_callback(c);
    if (rc) return rc;
    return d13_transcript_add(&c->transcript, D13_HS_CERTIFICATE_VERIFY, body, len);
}

int d13_auth_recv_finished(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_finished m;
    int alert = d13_finished_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed Finished");
    if (m.verify_data.len != c->ks.hash_len) return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "Finished has the wrong length");
    uint8_t th[D13_MAX_HASH_LEN], expected[D13_MAX_HASH_LEN];
    const uint8_t *base = c->role == DTLS13_ROLE_CLIENT ? c->ks.server_handshake_traffic : c->ks.client_handshake_traffic;
    if (d13_transcript_hash(&c->transcript, th) || d13_ks_finished(&c->ks, base, th, expected))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "computing Finished failed");
    bool ok = d13_ct_equal(expected, m.verify_data.p, c->ks.hash_len);
    d13_cleanse(expected, sizeof(expected));
    if (!ok) return d13_fail(c, DTLS13_ALERT_DECRYPT_ERROR, "peer Finished does not verify");
    return d13_transcript_add(&c->transcript, D13_HS_FINISHED, body, len);
}
