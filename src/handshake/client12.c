/* DTLS 1.2 client (RFC 6347 4.2, RFC 5246 7.3, RFC 8422 ECDHE, RFC 7627
 * extended master secret, RFC 5764 use_srtp), after a ServerHello that
 * chose DTLS 1.2 or a HelloVerifyRequest:
 *   ServerHello, Certificate, ServerKeyExchange, [CertificateRequest],
 *   ServerHelloDone  ->  [Certificate], ClientKeyExchange,
 *   [CertificateVerify], ChangeCipherSpec, Finished  ->  ChangeCipherSpec,
 *   Finished. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/constants.h"
#include "handshake/engine12.h"
#include "handshake/key_schedule12.h"
#include "wire/messages12.h"

/* At most this many HelloVerifyRequests per handshake (a server that keeps
 * refusing our cookie is not worth waiting for). */
#define D12_MAX_HELLO_VERIFY 3

int d12_client_on_hello_verify_request(dtls13_conn *c, const uint8_t *body, size_t len)
{
    /* Only a server that is negotiating DTLS 1.2 (or older) sends one: for a
     * 1.3-only client that is a version mismatch, as OpenSSL's DTLS server
     * shows (it answers every ClientHello with one when cookies are on). */
    if (!d13_config_allows_dtls12(c->cfg))
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION,
                        "HelloVerifyRequest: the server negotiates DTLS 1.2, we allow only DTLS 1.3");
    if (c->hello_retry) return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "HelloVerifyRequest after a HelloRetryRequest");
    d12_hello_verify_request hvr;
    int alert = d12_hello_verify_request_decode(body, len, &hvr);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed HelloVerifyRequest");
    /* RFC 6347 4.2.1: DTLS 1.0 (0xfeff) or 1.2 in server_version. */
    if (hvr.server_version != DTLS13_VERSION_DTLS12 && hvr.server_version != 0xfeffu)
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION, "HelloVerifyRequest for a version we do not speak");
    if (hvr.cookie.len == 0) return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "HelloVerifyRequest with an empty cookie");
    if (++c->v12.hvr_count > D12_MAX_HELLO_VERIFY)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "the server keeps refusing our cookie");
    memcpy(c->v12.hvr_cookie, hvr.cookie.p, hvr.cookie.len);
    c->v12.hvr_cookie_len = hvr.cookie.len;
    d13_logf(c, DTLS13_LOG_INFO, "HelloVerifyRequest: cookie of %zu bytes, sending ClientHello again", hvr.cookie.len);
    /* Neither ClientHello nor HelloVerifyRequest enter the handshake hash
     * (RFC 6347 4.2.6): only the ClientHello that carries the cookie. */
    d13_transcript_free(&c->transcript);
    if (d13_transcript_init(&c->transcript, c->cfg->algs)) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "transcript");
    d13_flight_implicit_ack(c, &c->flight);
    return d13_client_send_hello(c);
}

/* The ServerHello's extensions in DTLS 1.2. */
static int check_extensions12(dtls13_conn *c, const d13_extensions *e)
{
    d12_state *v = &c->v12;
    uint32_t offered = D13_HAS_EXTENDED_MASTER_SECRET | D13_HAS_RENEGOTIATION_INFO | D13_HAS_EC_POINT_FORMATS |
                       (c->cfg->num_srtp_profiles ? D13_HAS_USE_SRTP : 0);
    if (e->present & ~offered)
        return d13_fail(c, DTLS13_ALERT_UNSUPPORTED_EXTENSION, "ServerHello answers an extension we did not offer");
    v->ems = (e->present & D13_HAS_EXTENDED_MASTER_SECRET) != 0;
    if (!v->ems && c->cfg->require_ems)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE,
                        "server does not support extended_master_secret (RFC 7627), which we require");
    if (e->present & D13_HAS_RENEGOTIATION_INFO) {
        if (e->renegotiation_info.len != 0)
            return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "non-empty renegotiation_info in an initial handshake");
        v->secure_reneg = true;
    }
    if ((e->present & D13_HAS_EC_POINT_FORMATS) && memchr(e->ec_point_formats.p, 0, e->ec_point_formats.len) == NULL)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server does not accept uncompressed points");
    if (e->present & D13_HAS_USE_SRTP) return d13_client_accept_srtp(c, e);
    return DTLS13_OK;
}

int d12_client_on_server_hello(dtls13_conn *c, const d13_server_hello *sh, const uint8_t *body, size_t len)
{
    const dtls13_config *cfg = c->cfg;
    if (!d13_config_allows_dtls12(cfg))
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION, "server does not support DTLS 1.3");
    if (c->hello_retry) return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION, "DTLS 1.2 ServerHello after a HelloRetryRequest");
    if (sh->legacy_version != DTLS13_VERSION_DTLS12)
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION, "server chose a version older than DTLS 1.2");
    /* RFC 8446 4.1.3: a server that supports 1.3 and negotiates 1.2 with a
     * client offering 1.3 says so in its random; seeing it means an
     * attacker removed 1.3 from our ClientHello. */
    if (d13_config_allows_dtls13(cfg) && memcmp(sh->random + 24, d12_downgrade_sentinel, 8) == 0)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "downgrade to DTLS 1.2 detected (RFC 8446 4.1.3 sentinel)");
    if (sh->legacy_compression_method != 0)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "non-null compression method");
    if (!d13_list_contains(cfg->suites12, cfg->num_suites12, sh->cipher_suite))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server selected a cipher suite we did not offer");
    c->dtls12 = true;
    c->version = DTLS13_VERSION_DTLS12;
    c->suite = sh->cipher_suite;
    c->v12.prf_hash = d13_suite_hash(c->suite);
    int rc = check_extensions12(c, &sh->ext);
    if (rc) return rc;
    memcpy(c->server_random, sh->random, 32);
    /* The handshake log: our ClientHello (the one this ServerHello answers), then the ServerHello. */
    const d13_out_msg *m = &c->flight.msgs[0];
    if (!c->flight.buf || c->flight.num_msgs < 1 || m->msg_type != D13_HS_CLIENT_HELLO)
        return d13_fail_internal(c, DTLS13_ERR_BAD_STATE, "ClientHello not kept");
    rc = d12_hslog_add(c, D13_HS_CLIENT_HELLO, m->message_seq, c->flight.buf + m->body_off, m->body_len);
    if (rc == 0) rc = d12_hslog_add(c, D13_HS_SERVER_HELLO, (uint16_t)(c->next_recv_seq - 1), body, len);
    if (rc) return d13_fail_internal(c, rc, "handshake log");
    d13_transcript_free(&c->transcript);
    d13_logf(c, DTLS13_LOG_INFO, "ServerHello: DTLS 1.2, %s%s%s", dtls13_cipher_suite_name(c->suite),
             c->v12.ems ? ", extended master secret" : "", c->v12.hvr_count ? " (after HelloVerifyRequest)" : "");
    d13_flight_implicit_ack(c, &c->flight);
    c->hs = D12_HS_C_WAIT_CERT;
    return DTLS13_OK;
}

static int handle_server_key_exchange(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d12_server_key_exchange ske;
    int alert = d12_server_key_exchange_decode(body, len, &ske);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed ServerKeyExchange");
    if (!d13_list_contains(c->cfg->groups, c->cfg->num_groups, ske.group))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "ServerKeyExchange uses a group we did not offer");
    uint16_t ours[D13_MAX_ALGS + 1];
    size_t n = d12_sig_schemes(c, ours, D13_MAX_ALGS + 1);
    if (!d13_list_contains(ours, n, ske.sig_scheme) || !d12_scheme_fits_suite(c->suite, ske.sig_scheme) ||
        !d13_pkey_supports_scheme(c->peer_key, ske.sig_scheme))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "ServerKeyExchange signed with a scheme we did not offer");
    /* signed content: client_random || server_random || ServerECDHParams */
    size_t signed_len = 64 + ske.params.len;
    uint8_t *content = malloc(signed_len);
    if (!content) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    memcpy(content, c->client_random, 32);
    memcpy(content + 32, c->server_random, 32);
    memcpy(content + 64, ske.params.p, ske.params.len);
    int bad = d13_verify(c->peer_key, ske.sig_scheme, content, signed_len, ske.signature.p, ske.signature.len);
    free(content);
    if (bad) return d13_fail(c, DTLS13_ALERT_DECRYPT_ERROR, "ServerKeyExchange signature is invalid");
    c->peer_sig_scheme = ske.sig_scheme;
    /* The signature proves the server holds the certificate's key. */
    int rc = d13_auth_run_verify_callback(c);
    if (rc) return rc;
    if (!c->kex || d13_kex_group(c->kex) != ske.group) {
        d13_kex_free(c->kex);
        c->kex = d13_kex_generate_with(c->cfg->algs, ske.group);
        if (!c->kex) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key generation failed");
    }
    c->group = ske.group;
    if (d13_kex_derive(c->cfg->algs, c->kex, ske.public_key.p, ske.public_key.len, c->v12.pms, sizeof(c->v12.pms),
                       &c->v12.pms_len))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "invalid server ECDH public key");
    rc = d12_hslog_add(c, D12_HS_SERVER_KEY_EXCHANGE, (uint16_t)(c->next_recv_seq - 1), body, len);
    if (rc) return d13_fail_internal(c, rc, "handshake log full");
    c->hs = D12_HS_C_WAIT_CR_SHD;
    return DTLS13_OK;
}

static int handle_certificate_request(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d12_certificate_request cr;
    int alert = d12_certificate_request_decode(body, len, &cr);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed CertificateRequest");
    c->cert_requested = true;
    /* Without a matching scheme we answer with an empty Certificate and let
     * the server decide (RFC 5246 7.4.6). */
    c->own_sig_scheme = c->cfg->cert ? d12_choose_scheme(c, cr.sig_algs, cr.num_sig_algs, 0) : 0;
    if (!c->own_sig_scheme)
        d13_logf(c, DTLS13_LOG_WARN, "CertificateRequest: no signature scheme fits our key; sending no certificate");
    int rc = d12_hslog_add(c, D13_HS_CERTIFICATE_REQUEST, (uint16_t)(c->next_recv_seq - 1), body, len);
    if (rc) return d13_fail_internal(c, rc, "handshake log full");
    c->hs = D12_HS_C_WAIT_SHD;
    return DTLS13_OK;
}

/* After ServerHelloDone: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished. */
static int send_client_flight(dtls13_conn *c, const uint8_t *body, size_t len)
{
    int alert = d12_empty_message_decode(body, len);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed ServerHelloDone");
    int rc = d12_hslog_add(c, D12_HS_SERVER_HELLO_DONE, (uint16_t)(c->next_recv_seq - 1), body, len);
    if (rc) return d13_fail_internal(c, rc, "handshake log full");
    rc = d13_flight_begin(c, &c->flight);
    if (rc) return d13_fail_internal(c, rc, "out of memory");
    bool send_cert = c->cert_requested && c->own_sig_scheme != 0;
    if (c->cert_requested) {
        if (!send_cert) {
            /* An empty Certificate: no certificate that fits the request. */
            d12_certificate none;
            memset(&none, 0, sizeof(none));
            d13_writer w = d13_flight_body_writer(&c->flight);
            if (!d12_certificate_encode(&w, &none)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
            rc = d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE, d13_writer_len(&w), 0, true);
            if (rc) return d13_fail_internal(c, rc, "flight full");
        } else if ((rc = d12_send_certificate(c)) != 0) {
            return rc;
        }
    }
    uint8_t pub[D13_MAX_KEY_LEN * 3];
    size_t pub_len = 0;
    if (d13_kex_public(c->kex, pub, sizeof(pub), &pub_len)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key export failed");
    d12_client_key_exchange cke = {{pub, pub_len}};
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d12_client_key_exchange_encode(&w, &cke)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    rc = d13_flight_add(c, &c->flight, D12_HS_CLIENT_KEY_EXCHANGE, d13_writer_len(&w), 0, true);
    if (rc) return d13_fail_internal(c, rc, "flight full");
    rc = d12_derive_keys(c, c->v12.pms, c->v12.pms_len);
    d13_cleanse(c->v12.pms, sizeof(c->v12.pms));
    if (rc) return d13_fail_internal(c, rc, "key derivation failed");
    if (send_cert && (rc = d12_send_certificate_verify(c)) != 0) return rc;
    rc = d12_send_ccs_finished(c);
    if (rc) return rc;
    c->hs = D12_HS_C_WAIT_CCS;
    rc = d13_flight_send(c, &c->flight, false);
    return rc ? d13_fail_internal(c, rc, "sending our flight failed") : DTLS13_OK;
}

int d12_client_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    bool empty = false;
    int rc;
    switch (c->hs) {
    case D12_HS_C_WAIT_CERT:
        if (type != D13_HS_CERTIFICATE || epoch != 0) break;
        rc = d12_recv_certificate(c, body, len, &empty);
        if (rc) return rc;
        if (empty) return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "server sent no certificate");
        c->hs = D12_HS_C_WAIT_SKE;
        return DTLS13_OK;
    case D12_HS_C_WAIT_SKE:
        if (type != D12_HS_SERVER_KEY_EXCHANGE || epoch != 0) break;
        return handle_server_key_exchange(c, body, len);
    case D12_HS_C_WAIT_CR_SHD:
        if (epoch != 0) break;
        if (type == D13_HS_CERTIFICATE_REQUEST) return handle_certificate_request(c, body, len);
        /* FALLTHROUGH */
    case D12_HS_C_WAIT_SHD:
        if (type != D12_HS_SERVER_HELLO_DONE || epoch != 0) break;
        return send_client_flight(c, body, len);
    case D12_HS_C_WAIT_CCS:
    case D12_HS_C_WAIT_FINISHED:
        /* A Finished in epoch 1 implies the ChangeCipherSpec before it. */
        if (type != D13_HS_FINISHED || epoch != 1) break;
        rc = d12_recv_finished(c, body, len);
        if (rc) return rc;
        d13_flight_implicit_ack(c, &c->flight);
        d12_handshake_complete(c);
        return DTLS13_OK;
    default:
        break;
    }
    return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected handshake message");
}
