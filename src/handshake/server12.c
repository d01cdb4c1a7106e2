/* DTLS 1.2 server (RFC 6347 4.2, RFC 5246 7.3, RFC 8422 ECDHE, RFC 7627
 * extended master secret, RFC 5764 use_srtp): answers a ClientHello that
 * does not offer DTLS 1.3 with
 *   ServerHello, Certificate, ServerKeyExchange, [CertificateRequest],
 *   ServerHelloDone, then after the client's flight ChangeCipherSpec,
 *   Finished. No renegotiation, no session resumption, no compression, no
 *   CBC or RSA key exchange suites (RFC 9325). */
#include <stdlib.h>
#include <string.h>

#include "dtls13/constants.h"
#include "handshake/engine12.h"
#include "handshake/key_schedule12.h"
#include "handshake/stateless_hello.h"
#include "wire/messages12.h"

bool d12_server_takes(const dtls13_conn *c, const d13_client_hello *ch)
{
    return d13_stateless_takes_dtls12(c->cfg, ch);
}

/* What the server picked for a DTLS 1.2 ClientHello. */
typedef struct choice12 {
    uint16_t suite;
    uint16_t group;
    uint16_t sig_scheme;
} choice12;

static int negotiate12(dtls13_conn *c, const d13_client_hello *ch, choice12 *out)
{
    const dtls13_config *cfg = c->cfg;
    const d13_extensions *e = &ch->ext;
    memset(out, 0, sizeof(*out));
    if (memchr(ch->compression_methods.p, 0, ch->compression_methods.len) == NULL)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "ClientHello does not offer null compression");
    if ((e->present & D13_HAS_RENEGOTIATION_INFO) && e->renegotiation_info.len != 0)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "non-empty renegotiation_info in an initial handshake");
    c->v12.secure_reneg = (e->present & D13_HAS_RENEGOTIATION_INFO) || ch->scsv_renegotiation;
    /* RFC 7507: a client retrying with a lower version after a failure
     * says so; we would have spoken DTLS 1.3 with it. */
    if (ch->scsv_fallback && d13_config_allows_dtls13(cfg))
        return d13_fail(c, DTLS13_ALERT_INAPPROPRIATE_FALLBACK,
                        "ClientHello with TLS_FALLBACK_SCSV while we support DTLS 1.3 (RFC 7507)");
    c->v12.ems = (e->present & D13_HAS_EXTENDED_MASTER_SECRET) != 0;
    if (!c->v12.ems && cfg->require_ems)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE,
                        "client does not support extended_master_secret (RFC 7627), which we require");
    if ((e->present & D13_HAS_EC_POINT_FORMATS) && memchr(e->ec_point_formats.p, 0, e->ec_point_formats.len) == NULL)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "client does not accept uncompressed points");
    if (!(e->present & D13_HAS_SIGNATURE_ALGORITHMS))
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "ClientHello without signature_algorithms (SHA-1 only)");
    for (size_t i = 0; i < cfg->num_suites12 && !out->suite; i++) {
        uint16_t s = cfg->suites12[i];
        if (!d13_list_contains(ch->cipher_suites, ch->num_cipher_suites, s)) continue;
        uint16_t scheme = d12_choose_scheme(c, e->sig_algs, e->num_sig_algs, s);
        if (scheme) {
            out->suite = s;
            out->sig_scheme = scheme;
        }
    }
    if (!out->suite)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE,
                        "no DTLS 1.2 cipher suite and signature scheme in common for our certificate");
    if (e->present & D13_HAS_SUPPORTED_GROUPS) {
        for (size_t i = 0; i < cfg->num_groups && !out->group; i++) {
            if (d13_list_contains(e->groups, e->num_groups, cfg->groups[i])) out->group = cfg->groups[i];
        }
    } else {
        out->group = cfg->groups[0]; /* RFC 8422 4: any curve may then be used */
    }
    if (!out->group) return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "no key exchange group in common");
    return DTLS13_OK;
}

static int add_server_hello(dtls13_conn *c, const d13_client_hello *ch)
{
    d13_server_hello *sh = calloc(1, sizeof(*sh));
    if (!sh) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    sh->legacy_version = DTLS13_VERSION_DTLS12;
    memcpy(sh->random, c->server_random, 32);
    sh->cipher_suite = c->suite;
    d13_extensions *e = &sh->ext;
    if (c->v12.ems) e->present |= D13_HAS_EXTENDED_MASTER_SECRET;
    if (c->v12.secure_reneg) e->present |= D13_HAS_RENEGOTIATION_INFO; /* empty: initial handshake */
    static const uint8_t uncompressed[1] = {0};
    if (ch->ext.present & D13_HAS_EC_POINT_FORMATS) {
        e->present |= D13_HAS_EC_POINT_FORMATS;
        e->ec_point_formats.p = uncompressed;
        e->ec_point_formats.len = 1;
    }
    if (c->srtp_profile) {
        e->present |= D13_HAS_USE_SRTP;
        e->srtp_profiles[0] = c->srtp_profile;
        e->num_srtp_profiles = 1;
        e->srtp_mki.p = c->srtp_mki;
        e->srtp_mki.len = c->srtp_mki_len;
    }
    d13_writer w = d13_flight_body_writer(&c->flight);
    int rc = d13_server_hello_encode(&w, sh) ? d13_flight_add(c, &c->flight, D13_HS_SERVER_HELLO, d13_writer_len(&w), 0, true)
                                              : DTLS13_ERR_BUFFER_TOO_SMALL;
    free(sh);
    return rc ? d13_fail_internal(c, rc, "building ServerHello failed") : DTLS13_OK;
}

static int add_server_key_exchange(dtls13_conn *c)
{
    uint8_t pub[D13_MAX_KEY_LEN * 3];
    size_t pub_len = 0;
    c->kex = d13_kex_generate_with(c->cfg->algs, c->group);
    if (!c->kex || d13_kex_public(c->kex, pub, sizeof(pub), &pub_len))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key generation failed");
    d13_writer w = d13_flight_body_writer(&c->flight);
    uint8_t *params = c->flight.buf + c->flight.buf_len; /* where the writer starts */
    if (!d12_ecdh_params_encode(&w, c->group, pub, pub_len))
        return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    size_t params_len = d13_writer_len(&w);
    uint8_t content[64 + 4 + D13_MAX_KEY_LEN * 3];
    memcpy(content, c->client_random, 32);
    memcpy(content + 32, c->server_random, 32);
    memcpy(content + 64, params, params_len);
    uint8_t sig[1024];
    size_t sig_len = 0;
    if (d13_sign(d13_cert_key(c->cfg->cert), c->own_sig_scheme, content, 64 + params_len, sig, sizeof(sig), &sig_len))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "signing ServerKeyExchange failed");
    if (!d12_signed_params_encode(&w, c->own_sig_scheme, sig, sig_len))
        return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    int rc = d13_flight_add(c, &c->flight, D12_HS_SERVER_KEY_EXCHANGE, d13_writer_len(&w), 0, true);
    return rc ? d13_fail_internal(c, rc, "flight full") : DTLS13_OK;
}

static int add_certificate_request(dtls13_conn *c)
{
    static const uint8_t types[2] = {D12_CERT_TYPE_ECDSA_SIGN, D12_CERT_TYPE_RSA_SIGN};
    d12_certificate_request cr;
    memset(&cr, 0, sizeof(cr));
    cr.certificate_types.p = types;
    cr.certificate_types.len = sizeof(types);
    cr.num_sig_algs = d12_sig_schemes(c, cr.sig_algs, D13_MAX_LIST);
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d12_certificate_request_encode(&w, &cr)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    int rc = d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE_REQUEST, d13_writer_len(&w), 0, true);
    if (rc) return d13_fail_internal(c, rc, "flight full");
    c->cert_requested = true;
    return DTLS13_OK;
}

int d12_server_on_client_hello(dtls13_conn *c, const d13_client_hello *ch, const uint8_t *body, size_t len)
{
    choice12 sc;
    c->dtls12 = true;
    c->version = DTLS13_VERSION_DTLS12;
    int rc = negotiate12(c, ch, &sc);
    if (rc) return rc;
    c->suite = sc.suite;
    c->group = sc.group;
    c->own_sig_scheme = sc.sig_scheme;
    c->v12.prf_hash = d13_suite_hash(c->suite);
    memcpy(c->client_random, ch->random, 32);
    if (d13_random(c->server_random, 32)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "no randomness");
    /* RFC 8446 4.1.3: a server that could have spoken 1.3 tells the client. */
    if (d13_config_allows_dtls13(c->cfg)) memcpy(c->server_random + 24, d12_downgrade_sentinel, 8);
    d13_server_choose_srtp(c, &ch->ext);
    d13_transcript_free(&c->transcript);
    rc = d12_hslog_add(c, D13_HS_CLIENT_HELLO, (uint16_t)(c->next_recv_seq - 1), body, len);
    if (rc) return d13_fail_internal(c, rc, "handshake log");
    d13_logf(c, DTLS13_LOG_INFO, "ClientHello: chose DTLS 1.2, %s, group %s, %s%s", dtls13_cipher_suite_name(c->suite),
             dtls13_group_name(c->group), dtls13_signature_scheme_name(c->own_sig_scheme),
             c->v12.ems ? ", extended master secret" : "");
    rc = d13_flight_begin(c, &c->flight);
    if (rc) return d13_fail_internal(c, rc, "out of memory");
    if ((rc = add_server_hello(c, ch)) != 0 || (rc = d12_send_certificate(c)) != 0 ||
        (rc = add_server_key_exchange(c)) != 0)
        return rc;
    if (c->cfg->require_client_auth && (rc = add_certificate_request(c)) != 0) return rc;
    rc = d13_flight_add(c, &c->flight, D12_HS_SERVER_HELLO_DONE, 0, 0, true);
    if (rc) return d13_fail_internal(c, rc, "flight full");
    /* DTLS 1.2 validates addresses with HelloVerifyRequest, which the
     * stateless listener sends (dtls13_listen, cookie policy); a connection
     * fed the ClientHello directly sends its flight whole. */
    c->address_validated = true;
    c->hs = c->cert_requested ? D12_HS_S_WAIT_CERT : D12_HS_S_WAIT_CKE;
    return d13_flight_send(c, &c->flight, false);
}

static int handle_client_key_exchange(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d12_client_key_exchange cke;
    int alert = d12_client_key_exchange_decode(body, len, &cke);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed ClientKeyExchange");
    uint8_t pms[D13_MAX_KEY_LEN * 3];
    size_t pms_len = 0;
    if (d13_kex_derive(c->cfg->algs, c->kex, cke.public_key.p, cke.public_key.len, pms, sizeof(pms), &pms_len))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "invalid client ECDH public key");
    int rc = d12_hslog_add(c, D12_HS_CLIENT_KEY_EXCHANGE, (uint16_t)(c->next_recv_seq - 1), body, len);
    if (rc == 0) rc = d12_derive_keys(c, pms, pms_len);
    d13_cleanse(pms, sizeof(pms));
    if (rc) return d13_fail_internal(c, rc, "key derivation failed");
    c->hs = c->peer_key ? D12_HS_S_WAIT_CV : D12_HS_S_WAIT_CCS;
    return DTLS13_OK;
}

/* The client's Finished verified: our ChangeCipherSpec and Finished. The
 * flight is kept (without a timer) to answer a retransmission of the
 * client's flight, which means ours was lost (RFC 6347 4.2.4). */
static int send_final_flight(dtls13_conn *c)
{
    int rc = d13_flight_begin(c, &c->flight);
    if (rc) return d13_fail_internal(c, rc, "out of memory");
    rc = d12_send_ccs_finished(c);
    if (rc) return rc;
    rc = d13_flight_send(c, &c->flight, false);
    c->flight.deadline = UINT64_MAX;
    if (rc) return d13_fail_internal(c, rc, "sending our final flight failed");
    d12_handshake_complete(c);
    return DTLS13_OK;
}

int d12_server_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    bool empty = false;
    int rc;
    switch (c->hs) {
    case D12_HS_S_WAIT_CERT:
        if (type != D13_HS_CERTIFICATE || epoch != 0) break;
        d13_flight_implicit_ack(c, &c->flight); /* the client's flight acknowledges ours */
        rc = d12_recv_certificate(c, body, len, &empty);
        if (rc) return rc;
        if (empty && c->cfg->require_client_auth)
            return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "client sent no certificate");
        c->hs = D12_HS_S_WAIT_CKE;
        return DTLS13_OK;
    case D12_HS_S_WAIT_CKE:
        if (type != D12_HS_CLIENT_KEY_EXCHANGE || epoch != 0) break;
        d13_flight_implicit_ack(c, &c->flight);
        return handle_client_key_exchange(c, body, len);
    case D12_HS_S_WAIT_CV:
        if (type != D13_HS_CERTIFICATE_VERIFY || epoch != 0) break;
        rc = d12_recv_certificate_verify(c, body, len);
        if (rc == 0) c->hs = D12_HS_S_WAIT_CCS;
        return rc;
    case D12_HS_S_WAIT_CCS:
    case D12_HS_S_WAIT_FINISHED:
        if (type != D13_HS_FINISHED || epoch != 1) break;
        rc = d12_recv_finished(c, body, len);
        if (rc) return rc;
        return send_final_flight(c);
    default:
        break;
    }
    return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected handshake message");
}

int d12_server_prime_after_hvr(dtls13_conn *c, uint64_t epoch0_seq)
{
    if (c->role != DTLS13_ROLE_SERVER || c->hs != D13_HS_S_WAIT_CH || c->next_recv_seq != 0) return DTLS13_ERR_BAD_STATE;
    c->next_recv_seq = 1; /* the ClientHello with the cookie */
    c->next_send_seq = 1; /* the HelloVerifyRequest had message_seq 0 */
    c->epoch0_write_seq = epoch0_seq;
    c->address_validated = true;
    c->v12.hvr_count = 1; /* the listener sent it: used_hello_retry() says so */
    return DTLS13_OK;
}
