/* Server state machine (RFC 8446 A.2 as adapted by RFC 9147). */
#include <stdlib.h>
#include <string.h>

#include "dtls13/constants.h"
#include "handshake/engine12.h"

/* Negotiation result for one ClientHello. */
typedef struct server_choice {
    uint16_t version;
    uint16_t suite;
    uint16_t group;             /* group of the key share we use, or of the HRR */
    const d13_key_share_entry *share; /* NULL: HelloRetryRequest needed */
    uint16_t sig_scheme;
} server_choice;

static bool client_offers_version(const dtls13_conn *c, const d13_extensions *e, uint16_t *out)
{
    if (!d13_config_allows_dtls13(c->cfg)) return false;
    if (d13_list_contains(e->versions, e->num_versions, DTLS13_VERSION_DTLS13)) {
        *out = DTLS13_VERSION_DTLS13;
        return true;
    }
    if (c->cfg->accept_draft43 && d13_list_contains(e->versions, e->num_versions, DTLS13_VERSION_DTLS13_DRAFT43)) {
        *out = DTLS13_VERSION_DTLS13_DRAFT43;
        return true;
    }
    return false;
}

static int negotiate(dtls13_conn *c, const d13_client_hello *ch, server_choice *out)
{
    const dtls13_config *cfg = c->cfg;
    const d13_extensions *e = &ch->ext;
    memset(out, 0, sizeof(*out));
    if (ch->legacy_cookie.len != 0)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "ClientHello legacy_cookie is not empty");
    if (!(e->present & D13_HAS_SUPPORTED_VERSIONS) || !client_offers_version(c, e, &out->version))
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION,
                        d13_config_allows_dtls13(cfg) ? "client does not offer DTLS 1.3"
                        : d13_config_allows_dtls12(cfg) ? "client does not offer DTLS 1.2, the only version we allow"
                                                        : "no version in common");
    if (ch->compression_methods.len != 1 || ch->compression_methods.p[0] != 0)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "ClientHello compression methods must be exactly null");
    for (size_t i = 0; i < cfg->num_suites && !out->suite; i++) {
        if (d13_list_contains(ch->cipher_suites, ch->num_cipher_suites, cfg->suites[i])) out->suite = cfg->suites[i];
    }
    if (!out->suite) return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "no cipher suite in common");
    if (!(e->present & D13_HAS_SIGNATURE_ALGORITHMS))
        return d13_fail(c, DTLS13_ALERT_MISSING_EXTENSION, "ClientHello without signature_algorithms");
    out->sig_scheme = d13_auth_choose_scheme(c, e->sig_algs, e->num_sig_algs);
    if (!out->sig_scheme)
        return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "no signature scheme in common for our certificate");
    if (!(e->present & D13_HAS_SUPPORTED_GROUPS) || !(e->present & D13_HAS_KEY_SHARE))
        return d13_fail(c, DTLS13_ALERT_MISSING_EXTENSION, "ClientHello without supported_groups or key_share");
    /* Prefer a group the client already sent a share for (no extra round
     * trip), in our order; otherwise ask for our best group it supports. */
    for (size_t i = 0; i < cfg->num_groups && !out->share; i++) {
        for (size_t j = 0; j < e->num_shares; j++) {
            if (e->shares[j].group == cfg->groups[i]) {
                if (!d13_list_contains(e->groups, e->num_groups, cfg->groups[i]))
                    return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "key share for a group not in supported_groups");
                out->share = &e->shares[j];
                out->group = cfg->groups[i];
                break;
            }
        }
    }
    for (size_t i = 0; i < cfg->num_groups && !out->group; i++) {
        if (d13_list_contains(e->groups, e->num_groups, cfg->groups[i])) out->group = cfg->groups[i];
    }
    if (!out->group) return d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "no key exchange group in common");
    return DTLS13_OK;
}

void d13_server_choose_srtp(dtls13_conn *c, const d13_extensions *e)
{
    if (!(e->present & D13_HAS_USE_SRTP)) return;
    for (size_t i = 0; i < c->cfg->num_srtp_profiles; i++) {
        if (d13_list_contains(e->srtp_profiles, e->num_srtp_profiles, c->cfg->srtp_profiles[i])) {
            c->srtp_profile = c->cfg->srtp_profiles[i];
            /* Echo the client's MKI (RFC 5764 4.1.1). */
            memcpy(c->srtp_mki, e->srtp_mki.p, e->srtp_mki.len);
            c->srtp_mki_len = e->srtp_mki.len;
            return;
        }
    }
}

static int send_hello_retry_request(dtls13_conn *c, const server_choice *ch_choice)
{
    d13_server_hello *hrr = calloc(1, sizeof(*hrr));
    if (!hrr) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    hrr->legacy_version = DTLS13_VERSION_DTLS12;
    hrr->is_hrr = true;
    hrr->cipher_suite = ch_choice->suite;
    hrr->ext.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE | D13_HAS_COOKIE;
    hrr->ext.selected_version = ch_choice->version;
    hrr->ext.hrr_selected_group = ch_choice->group;
    /* A random cookie, echoed in the second ClientHello, proves that the
     * client receives at its address (RFC 9147 5.1): the anti-amplification
     * limit then ends. */
    if (d13_random(c->hrr_cookie_value, sizeof(c->hrr_cookie_value))) {
        free(hrr);
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "no randomness");
    }
    hrr->ext.cookie.p = c->hrr_cookie_value;
    hrr->ext.cookie.len = sizeof(c->hrr_cookie_value);
    int rc = d13_transcript_choose(&c->transcript, d13_suite_hash(ch_choice->suite));
    if (rc == 0) rc = d13_transcript_hrr_rewrite(&c->transcript);
    if (rc == 0) rc = d13_flight_begin(c, &c->flight);
    if (rc == 0) {
        d13_writer w = d13_flight_body_writer(&c->flight);
        if (!d13_server_hello_encode(&w, hrr)) rc = DTLS13_ERR_BUFFER_TOO_SMALL;
        else rc = d13_flight_add(c, &c->flight, D13_HS_SERVER_HELLO, d13_writer_len(&w), 0, true);
    }
    free(hrr);
    if (rc) return d13_fail_internal(c, rc, "building HelloRetryRequest failed");
    c->hello_retry = true;
    c->suite = ch_choice->suite;
    c->group = ch_choice->group;
    /* The HRR is answered by the client's second ClientHello; it is resent
     * when the client retransmits its first one, never on a timer. */
    int send_rc = d13_flight_send(c, &c->flight, false);
    c->flight.deadline = UINT64_MAX;
    return send_rc;
}

/* ServerHello .. Finished. */
static int send_server_flight(dtls13_conn *c, const d13_client_hello *ch, const server_choice *sc)
{
    uint8_t pub[D13_MAX_KEY_LEN * 3];
    size_t pub_len = 0;
    uint8_t shared[D13_MAX_KEY_LEN * 3];
    size_t shared_len = 0;
    c->kex = d13_kex_generate_with(c->cfg->algs, sc->group);
    if (!c->kex || d13_kex_public(c->kex, pub, sizeof(pub), &pub_len))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key generation failed");
    if (d13_kex_derive(c->cfg->algs, c->kex, sc->share->key_exchange.p, sc->share->key_exchange.len, shared, sizeof(shared),
                       &shared_len))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "invalid client key share");
    if (d13_random(c->server_random, 32)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "no randomness");
    c->version = sc->version;
    c->suite = sc->suite;
    c->group = sc->group;
    c->own_sig_scheme = sc->sig_scheme;
    memcpy(c->client_random, ch->random, 32);
    d13_server_choose_srtp(c, &ch->ext);

    d13_server_hello *sh = calloc(1, sizeof(*sh));
    if (!sh) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    sh->legacy_version = DTLS13_VERSION_DTLS12;
    memcpy(sh->random, c->server_random, 32);
    /* RFC 9147 5: DTLS servers MUST NOT echo legacy_session_id (no
     * middlebox compatibility mode): legacy_session_id_echo stays empty. */
    sh->cipher_suite = sc->suite;
    sh->ext.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE;
    sh->ext.selected_version = sc->version;
    sh->ext.server_share.group = sc->group;
    sh->ext.server_share.key_exchange.p = pub;
    sh->ext.server_share.key_exchange.len = pub_len;
    int rc = d13_transcript_choose(&c->transcript, d13_suite_hash(sc->suite));
    if (rc == 0) rc = d13_flight_begin(c, &c->flight);
    if (rc == 0) {
        d13_writer w = d13_flight_body_writer(&c->flight);
        if (!d13_server_hello_encode(&w, sh)) rc = DTLS13_ERR_BUFFER_TOO_SMALL;
        else rc = d13_flight_add(c, &c->flight, D13_HS_SERVER_HELLO, d13_writer_len(&w), 0, true);
    }
    free(sh);
    uint8_t th[D13_MAX_HASH_LEN];
    if (rc == 0 && (d13_transcript_hash(&c->transcript, th) ||
                    d13_ks_init(&c->ks, c->cfg->algs, d13_suite_hash(c->suite), "dtls13") ||
                    d13_ks_handshake(&c->ks, shared, shared_len, th) || d13_install_handshake_keys(c)))
        rc = DTLS13_ERR_CRYPTO;
    d13_cleanse(shared, sizeof(shared));
    if (rc) return d13_fail_internal(c, rc, "handshake key derivation failed");

    /* EncryptedExtensions */
    d13_encrypted_extensions ee;
    memset(&ee, 0, sizeof(ee));
    if (c->srtp_profile) {
        ee.ext.present = D13_HAS_USE_SRTP;
        ee.ext.srtp_profiles[0] = c->srtp_profile;
        ee.ext.num_srtp_profiles = 1;
        ee.ext.srtp_mki.p = c->srtp_mki;
        ee.ext.srtp_mki.len = c->srtp_mki_len;
    }
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d13_encrypted_extensions_encode(&w, &ee)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    rc = d13_flight_add(c, &c->flight, D13_HS_ENCRYPTED_EXTENSIONS, d13_writer_len(&w), 2, true);
    if (rc) return d13_fail_internal(c, rc, "flight full");

    if (c->cfg->require_client_auth) {
        d13_certificate_request cr;
        memset(&cr, 0, sizeof(cr));
        cr.ext.present = D13_HAS_SIGNATURE_ALGORITHMS;
        for (size_t i = 0; i < c->cfg->num_sig_schemes; i++) cr.ext.sig_algs[i] = c->cfg->sig_schemes[i];
        cr.ext.num_sig_algs = c->cfg->num_sig_schemes;
        w = d13_flight_body_writer(&c->flight);
        if (!d13_certificate_request_encode(&w, &cr)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
        rc = d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE_REQUEST, d13_writer_len(&w), 2, true);
        if (rc) return d13_fail_internal(c, rc, "flight full");
        c->cert_requested = true;
    }
    rc = d13_auth_send_certificate(c, 2);
    if (rc == 0) rc = d13_auth_send_certificate_verify(c, 2);
    if (rc == 0) rc = d13_auth_send_finished(c, 2);
    if (rc) return rc;
    /* Application secrets are derived from the transcript up to our Finished. */
    if (d13_transcript_hash(&c->transcript, th) || d13_ks_master(&c->ks, th) || d13_install_application_keys(c))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "application key derivation failed");
    c->hs = c->cert_requested ? D13_HS_S_WAIT_CERT : D13_HS_S_WAIT_FINISHED;
    c->num_rx_records = 0;
    return d13_flight_send(c, &c->flight, false);
}

static int handle_client_hello(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_client_hello *ch = calloc(1, sizeof(*ch));
    if (!ch) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    server_choice sc;
    int rc = DTLS13_OK;
    int alert = d13_client_hello_decode(body, len, ch);
    if (alert) rc = d13_fail(c, (uint8_t)alert, "malformed ClientHello");
    if (rc == 0 && !c->hello_retry && d12_server_takes(c, ch)) {
        rc = d12_server_on_client_hello(c, ch, body, len);
        free(ch);
        return rc;
    }
    if (rc == 0) rc = negotiate(c, ch, &sc);
    if (rc == 0 && c->hello_retry) {
        /* The second ClientHello must follow the HelloRetryRequest. */
        if (!sc.share || sc.group != c->group)
            rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "second ClientHello does not carry the requested key share");
        else if (sc.suite != c->suite)
            rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "second ClientHello changed the cipher suite");
        else if (!c->address_validated) {
            /* Our own stateful HelloRetryRequest: the cookie must come back. */
            if (!(ch->ext.present & D13_HAS_COOKIE) || ch->ext.cookie.len != sizeof(c->hrr_cookie_value) ||
                !d13_ct_equal(ch->ext.cookie.p, c->hrr_cookie_value, sizeof(c->hrr_cookie_value)))
                rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "second ClientHello does not echo our cookie");
            else
                c->address_validated = true;
        }
    }
    if (rc == 0 && d13_transcript_add(&c->transcript, D13_HS_CLIENT_HELLO, body, len))
        rc = d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript");
    if (rc == 0) {
        d13_logf(c, DTLS13_LOG_INFO, "ClientHello: chose version 0x%04x, %s, group %s, %s%s", sc.version,
                 dtls13_cipher_suite_name(sc.suite), dtls13_group_name(sc.group),
                 dtls13_signature_scheme_name(sc.sig_scheme), sc.share ? "" : "; sending HelloRetryRequest");
        if (!sc.share) rc = send_hello_retry_request(c, &sc);
        else rc = send_server_flight(c, ch, &sc);
    }
    free(ch);
    return rc;
}

int d13_server_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    if (c->dtls12) return d12_server_handle(c, type, body, len, epoch);
    bool empty = false;
    int rc;
    switch (c->hs) {
    case D13_HS_IDLE:
    case D13_HS_S_WAIT_CH:
        if (type != D13_HS_CLIENT_HELLO || epoch != 0) break;
        return handle_client_hello(c, body, len);
    case D13_HS_S_WAIT_CERT:
        if (type != D13_HS_CERTIFICATE || epoch != 2) break;
        d13_flight_implicit_ack(c, &c->flight); /* the client's flight acknowledges ours */
        rc = d13_auth_recv_certificate(c, body, len, &empty);
        if (rc) return rc;
        if (empty) {
            if (c->cfg->require_client_auth)
                return d13_fail(c, DTLS13_ALERT_CERTIFICATE_REQUIRED, "client sent no certificate");
            c->hs = D13_HS_S_WAIT_FINISHED;
        } else {
            c->hs = D13_HS_S_WAIT_CV;
        }
        return DTLS13_OK;
    case D13_HS_S_WAIT_CV:
        if (type != D13_HS_CERTIFICATE_VERIFY || epoch != 2) break;
        rc = d13_auth_recv_certificate_verify(c, body, len);
        if (rc == 0) c->hs = D13_HS_S_WAIT_FINISHED;
        return rc;
    case D13_HS_S_WAIT_FINISHED:
        if (type != D13_HS_FINISHED || epoch != 2) break;
        d13_flight_implicit_ack(c, &c->flight);
        rc = d13_auth_recv_finished(c, body, len);
        if (rc) return rc;
        d13_handshake_complete(c);
        return d13_send_ack(c);
    default:
        break;
    }
    return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected handshake message");
}

int d13_server_prime_after_hrr(dtls13_conn *c, uint16_t suite, uint16_t group, const uint8_t *ch1_hash,
                               size_t hash_len, const uint8_t *hrr_body, size_t hrr_len, uint64_t epoch0_seq)
{
    d13_hash_alg alg = d13_suite_hash(suite);
    if (c->role != DTLS13_ROLE_SERVER || c->hs != D13_HS_S_WAIT_CH || c->hello_retry || hash_len != d13_hash_len(alg))
        return DTLS13_ERR_BAD_STATE;
    /* Transcript: message_hash(ClientHello1) || HelloRetryRequest (RFC 8446 4.4.1). */
    int rc = d13_transcript_choose(&c->transcript, alg);
    if (rc == 0) rc = d13_transcript_add(&c->transcript, D13_HS_MESSAGE_HASH, ch1_hash, hash_len);
    if (rc == 0) rc = d13_transcript_add(&c->transcript, D13_HS_SERVER_HELLO, hrr_body, hrr_len);
    if (rc) return rc;
    c->hello_retry = true;
    c->suite = suite;
    c->group = group;
    c->next_recv_seq = 1; /* the second ClientHello */
    c->next_send_seq = 1; /* the HelloRetryRequest had message_seq 0 */
    c->epoch0_write_seq = epoch0_seq;
    c->address_validated = true;
    return DTLS13_OK;
}
