/* Client state machine (RFC 8446 A.1 as adapted by RFC 9147). */
#include <stdlib.h>
#include <string.h>

#include "dtls13/constants.h"
#include "handshake/engine12.h"
#include "wire/messages12.h"

int d13_client_send_hello(dtls13_conn *c)
{
    const dtls13_config *cfg = c->cfg;
    d13_client_hello *ch = calloc(1, sizeof(*ch));
    if (!ch) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    ch->legacy_version = DTLS13_VERSION_DTLS12;
    memcpy(ch->random, c->client_random, 32);
    bool v13 = d13_config_allows_dtls13(cfg), v12 = d13_config_allows_dtls12(cfg);
    if (v13) {
        for (size_t i = 0; i < cfg->num_suites; i++) ch->cipher_suites[ch->num_cipher_suites++] = cfg->suites[i];
    }
    if (v12) {
        for (size_t i = 0; i < cfg->num_suites12; i++) ch->cipher_suites[ch->num_cipher_suites++] = cfg->suites12[i];
        ch->legacy_cookie.p = c->v12.hvr_cookie;
        ch->legacy_cookie.len = c->v12.hvr_cookie_len;
    }
    static const uint8_t null_compression[1] = {0};
    ch->compression_methods.p = null_compression;
    ch->compression_methods.len = 1;
    d13_extensions *e = &ch->ext;
    e->present = D13_HAS_SUPPORTED_GROUPS | D13_HAS_SIGNATURE_ALGORITHMS;
    for (size_t i = 0; i < cfg->num_groups; i++) e->groups[i] = cfg->groups[i];
    e->num_groups = cfg->num_groups;
    if (v12) {
        e->num_sig_algs = d12_sig_schemes(c, e->sig_algs, D13_MAX_LIST);
        /* RFC 7627, RFC 5746 (an empty renegotiation_info), RFC 8422 5.1.2. */
        e->present |= D13_HAS_EXTENDED_MASTER_SECRET | D13_HAS_RENEGOTIATION_INFO | D13_HAS_EC_POINT_FORMATS;
        static const uint8_t uncompressed[1] = {0};
        e->ec_point_formats.p = uncompressed;
        e->ec_point_formats.len = 1;
    } else {
        for (size_t i = 0; i < cfg->num_sig_schemes; i++) e->sig_algs[i] = cfg->sig_schemes[i];
        e->num_sig_algs = cfg->num_sig_schemes;
    }
    uint8_t pub[D13_MAX_KEY_LEN * 3];
    size_t pub_len = 0;
    if (v13) {
        /* A client that allows only DTLS 1.2 sends neither (as RFC 5246 clients do). */
        e->present |= D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE;
        e->versions[e->num_versions++] = DTLS13_VERSION_DTLS13;
        if (cfg->accept_draft43) e->versions[e->num_versions++] = DTLS13_VERSION_DTLS13_DRAFT43;
        if (v12) e->versions[e->num_versions++] = DTLS13_VERSION_DTLS12;
        if (d13_kex_public(c->kex, pub, sizeof(pub), &pub_len)) {
            free(ch);
            return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key share export failed");
        }
        e->shares[0].group = d13_kex_group(c->kex);
        e->shares[0].key_exchange.p = pub;
        e->shares[0].key_exchange.len = pub_len;
        e->num_shares = 1;
    }
    if (cfg->num_srtp_profiles) {
        e->present |= D13_HAS_USE_SRTP;
        for (size_t i = 0; i < cfg->num_srtp_profiles; i++) e->srtp_profiles[i] = cfg->srtp_profiles[i];
        e->num_srtp_profiles = cfg->num_srtp_profiles;
        e->srtp_mki.p = cfg->mki;
        e->srtp_mki.len = cfg->mki_len;
    }
    if (c->hrr_cookie) {
        e->present |= D13_HAS_COOKIE;
        e->cookie.p = c->hrr_cookie;
        e->cookie.len = c->hrr_cookie_len;
    }
    int rc = d13_flight_begin(c, &c->flight);
    if (rc == 0) {
        d13_writer w = d13_flight_body_writer(&c->flight);
        if (!d13_client_hello_encode(&w, ch)) rc = DTLS13_ERR_BUFFER_TOO_SMALL;
        else rc = d13_flight_add(c, &c->flight, D13_HS_CLIENT_HELLO, d13_writer_len(&w), 0, true);
    }
    free(ch);
    if (rc) return d13_fail_internal(c, rc, "building ClientHello failed");
    c->hs = D13_HS_C_WAIT_SH;
    return d13_flight_send(c, &c->flight, false);
}

int d13_client_start(dtls13_conn *c)
{
    if (d13_random(c->client_random, 32)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "no randomness");
    c->kex = d13_kex_generate_with(c->cfg->algs, c->cfg->groups[0]);
    if (!c->kex) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key generation failed");
    c->offered_key_share_group = c->cfg->groups[0];
    return d13_client_send_hello(c);
}

/* Checks what ServerHello and HelloRetryRequest have in common. */
static int check_server_hello_common(dtls13_conn *c, const d13_server_hello *sh)
{
    if (sh->legacy_version != DTLS13_VERSION_DTLS12)
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION, "ServerHello legacy_version is not DTLS 1.2");
    if (!(sh->ext.present & D13_HAS_SUPPORTED_VERSIONS))
        return d13_fail(c, DTLS13_ALERT_PROTOCOL_VERSION, "server does not support DTLS 1.3");
    uint16_t v = sh->ext.selected_version;
    if (!d13_config_allows_dtls13(c->cfg) ||
        (v != DTLS13_VERSION_DTLS13 && !(c->cfg->accept_draft43 && v == DTLS13_VERSION_DTLS13_DRAFT43)))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server selected a version we did not offer");
    if (sh->legacy_session_id_echo.len != 0)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "legacy_session_id_echo is not empty (RFC 9147 5)");
    if (sh->legacy_compression_method != 0)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "non-null compression method");
    if (!d13_list_contains(c->cfg->suites, c->cfg->num_suites, sh->cipher_suite))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server selected a cipher suite we did not offer");
    if (c->hello_retry && sh->cipher_suite != c->suite)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "cipher suite differs from the HelloRetryRequest");
    c->version = v;
    c->suite = sh->cipher_suite;
    if (d13_transcript_choose(&c->transcript, d13_suite_hash(c->suite)))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript");
    return DTLS13_OK;
}

static int handle_hello_retry(dtls13_conn *c, const d13_server_hello *hrr, const uint8_t *body, size_t len)
{
    if (c->hello_retry) return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "second HelloRetryRequest");
    int rc = check_server_hello_common(c, hrr);
    if (rc) return rc;
    bool has_group = hrr->ext.present & D13_HAS_KEY_SHARE;
    bool has_cookie = hrr->ext.present & D13_HAS_COOKIE;
    if (!has_group && !has_cookie)
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "HelloRetryRequest would not change the ClientHello");
    c->hello_retry = true;
    d13_logf(c, DTLS13_LOG_INFO, "HelloRetryRequest: group %s%s", has_group ? dtls13_group_name(hrr->ext.hrr_selected_group) ? dtls13_group_name(hrr->ext.hrr_selected_group) : "unknown" : "unchanged",
             has_cookie ? ", with cookie" : "");
    if (has_group) {
        uint16_t g = hrr->ext.hrr_selected_group;
        if (!d13_list_contains(c->cfg->groups, c->cfg->num_groups, g) || g == c->offered_key_share_group)
            return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "HelloRetryRequest selected an unacceptable group");
        d13_kex_free(c->kex);
        c->kex = d13_kex_generate_with(c->cfg->algs, g);
        if (!c->kex) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "key generation failed");
        c->offered_key_share_group = g;
    }
    if (has_cookie) {
        c->hrr_cookie = malloc(hrr->ext.cookie.len);
        if (!c->hrr_cookie) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
        memcpy(c->hrr_cookie, hrr->ext.cookie.p, hrr->ext.cookie.len);
        c->hrr_cookie_len = hrr->ext.cookie.len;
    }
    if (d13_transcript_hrr_rewrite(&c->transcript) ||
        d13_transcript_add(&c->transcript, D13_HS_SERVER_HELLO, body, len))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript");
    return d13_client_send_hello(c);
}

static int handle_server_hello(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_server_hello *sh = calloc(1, sizeof(*sh));
    if (!sh) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    int rc;
    int alert = d13_server_hello_decode(body, len, sh);
    if (alert) {
        rc = d13_fail(c, (uint8_t)alert, "malformed ServerHello");
    } else if (sh->is_hrr) {
        rc = c->v12.hvr_count ? d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "HelloRetryRequest after a HelloVerifyRequest")
                              : handle_hello_retry(c, sh, body, len);
    } else if (!(sh->ext.present & D13_HAS_SUPPORTED_VERSIONS)) {
        rc = d12_client_on_server_hello(c, sh, body, len);
    } else if (c->v12.hvr_count) {
        rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "DTLS 1.3 ServerHello after a HelloVerifyRequest");
    } else if (sh->ext.present & ~(uint32_t)(D13_HAS_SUPPORTED_VERSIONS | D13_HAS_KEY_SHARE)) {
        /* pre_shared_key is allowed in a ServerHello, but we never offer a PSK. */
        rc = d13_fail(c, DTLS13_ALERT_UNSUPPORTED_EXTENSION, "ServerHello answers an extension we did not offer");
    } else {
        rc = check_server_hello_common(c, sh);
        if (rc == 0 && !(sh->ext.present & D13_HAS_KEY_SHARE))
            rc = d13_fail(c, DTLS13_ALERT_MISSING_EXTENSION, "ServerHello without key_share");
        if (rc == 0 && sh->ext.server_share.group != c->offered_key_share_group)
            rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server key share is for a group we did not send");
        uint8_t shared[D13_MAX_KEY_LEN * 3];
        size_t shared_len = 0;
        if (rc == 0 && d13_kex_derive(c->cfg->algs, c->kex, sh->ext.server_share.key_exchange.p,
                                      sh->ext.server_share.key_exchange.len, shared, sizeof(shared), &shared_len))
            rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "invalid server key share");
        if (rc == 0) {
            memcpy(c->server_random, sh->random, 32);
            c->group = c->offered_key_share_group;
            uint8_t th[D13_MAX_HASH_LEN];
            if (d13_transcript_add(&c->transcript, D13_HS_SERVER_HELLO, body, len) ||
                d13_transcript_hash(&c->transcript, th) ||
                d13_ks_init(&c->ks, c->cfg->algs, d13_suite_hash(c->suite), "dtls13") ||
                d13_ks_handshake(&c->ks, shared, shared_len, th) || d13_install_handshake_keys(c))
                rc = d13_fail_internal(c, DTLS13_ERR_CRYPTO, "handshake key derivation failed");
        }
        d13_cleanse(shared, sizeof(shared));
        if (rc == 0) {
            d13_logf(c, DTLS13_LOG_INFO, "ServerHello: version 0x%04x, %s, group %s%s", c->version,
                     dtls13_cipher_suite_name(c->suite), dtls13_group_name(c->group),
                     c->hello_retry ? " (after HelloRetryRequest)" : "");
            /* The ServerHello acknowledges our ClientHello. */
            d13_flight_implicit_ack(c, &c->flight);
            c->hs = D13_HS_C_WAIT_EE;
        }
    }
    free(sh);
    return rc;
}

int d13_client_accept_srtp(dtls13_conn *c, const d13_extensions *e)
{
    if (c->cfg->num_srtp_profiles == 0)
        return d13_fail(c, DTLS13_ALERT_UNSUPPORTED_EXTENSION, "use_srtp that we did not offer");
    if (e->num_srtp_profiles != 1 ||
        !d13_list_contains(c->cfg->srtp_profiles, c->cfg->num_srtp_profiles, e->srtp_profiles[0]))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server selected an SRTP profile we did not offer");
    if (e->srtp_mki.len != 0 &&
        (e->srtp_mki.len != c->cfg->mki_len || memcmp(e->srtp_mki.p, c->cfg->mki, c->cfg->mki_len) != 0))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "server SRTP MKI differs from ours");
    c->srtp_profile = e->srtp_profiles[0];
    memcpy(c->srtp_mki, e->srtp_mki.p, e->srtp_mki.len);
    c->srtp_mki_len = e->srtp_mki.len;
    return DTLS13_OK;
}

static int handle_encrypted_extensions(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_encrypted_extensions *ee = calloc(1, sizeof(*ee));
    if (!ee) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    int rc = DTLS13_OK;
    int alert = d13_encrypted_extensions_decode(body, len, ee);
    /* RFC 8446 4.2: a response to an extension we did not send is an
     * unsupported_extension (supported_groups is informational). */
    uint32_t offered = D13_HAS_SUPPORTED_GROUPS | (c->cfg->num_srtp_profiles ? D13_HAS_USE_SRTP : 0);
    if (alert) {
        rc = d13_fail(c, (uint8_t)alert, "malformed EncryptedExtensions");
    } else if (ee->ext.present & ~offered) {
        rc = d13_fail(c, DTLS13_ALERT_UNSUPPORTED_EXTENSION, "EncryptedExtensions answers an extension we did not offer");
    } else if (ee->ext.present & D13_HAS_USE_SRTP) {
        rc = d13_client_accept_srtp(c, &ee->ext);
    }
    if (rc == 0 && d13_transcript_add(&c->transcript, D13_HS_ENCRYPTED_EXTENSIONS, body, len))
        rc = d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript");
    free(ee);
    if (rc == 0) c->hs = D13_HS_C_WAIT_CERT_CR;
    return rc;
}

static int handle_certificate_request(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_certificate_request *cr = calloc(1, sizeof(*cr));
    if (!cr) return d13_fail_internal(c, DTLS13_ERR_NO_MEMORY, "out of memory");
    int rc = DTLS13_OK;
    int alert = d13_certificate_request_decode(body, len, cr);
    if (alert) {
        rc = d13_fail(c, (uint8_t)alert, "malformed CertificateRequest");
    } else if (cr->context.len != 0) {
        rc = d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "non-empty certificate_request_context");
    } else {
        c->own_sig_scheme = d13_auth_choose_scheme(c, cr->ext.sig_algs, cr->ext.num_sig_algs);
        if (!c->own_sig_scheme)
            rc = d13_fail(c, DTLS13_ALERT_HANDSHAKE_FAILURE, "no signature scheme fits our certificate and the server's list");
    }
    if (rc == 0 && d13_transcript_add(&c->transcript, D13_HS_CERTIFICATE_REQUEST, body, len))
        rc = d13_fail_internal(c, DTLS13_ERR_CRYPTO, "transcript");
    free(cr);
    if (rc == 0) {
        c->cert_requested = true;
        c->hs = D13_HS_C_WAIT_CERT;
    }
    return rc;
}

/* After the server's Finished: our final flight and the application keys. */
static int send_client_final_flight(dtls13_conn *c)
{
    uint8_t th[D13_MAX_HASH_LEN];
    if (d13_transcript_hash(&c->transcript, th) || d13_ks_master(&c->ks, th))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "application key derivation failed");
    int rc = d13_flight_begin(c, &c->flight);
    if (rc) return d13_fail_internal(c, rc, "out of memory");
    if (c->cert_requested) {
        rc = d13_auth_send_certificate(c, 2);
        if (rc == 0) rc = d13_auth_send_certificate_verify(c, 2);
        if (rc) return rc;
    }
    rc = d13_auth_send_finished(c, 2);
    if (rc) return rc;
    if (d13_install_application_keys(c)) return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "installing keys failed");
    rc = d13_flight_send(c, &c->flight, true);
    if (rc) return d13_fail_internal(c, rc, "sending the final flight failed");
    d13_handshake_complete(c);
    return DTLS13_OK;
}

int d13_client_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    if (c->dtls12) return d12_client_handle(c, type, body, len, epoch);
    bool empty = false;
    int rc;
    switch (c->hs) {
    case D13_HS_C_WAIT_SH:
        if (epoch != 0) break;
        if (type == D12_HS_HELLO_VERIFY_REQUEST) return d12_client_on_hello_verify_request(c, body, len);
        if (type != D13_HS_SERVER_HELLO) break;
        return handle_server_hello(c, body, len);
    case D13_HS_C_WAIT_EE:
        if (type != D13_HS_ENCRYPTED_EXTENSIONS || epoch != 2) break;
        return handle_encrypted_extensions(c, body, len);
    case D13_HS_C_WAIT_CERT_CR:
        if (epoch != 2) break;
        if (type == D13_HS_CERTIFICATE_REQUEST) return handle_certificate_request(c, body, len);
        /* fall through: the server did not ask for our certificate */
        /* FALLTHROUGH */
    case D13_HS_C_WAIT_CERT:
        if (type != D13_HS_CERTIFICATE || epoch != 2) break;
        rc = d13_auth_recv_certificate(c, body, len, &empty);
        if (rc) return rc;
        if (empty) return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "server sent no certificate");
        c->hs = D13_HS_C_WAIT_CV;
        return DTLS13_OK;
    case D13_HS_C_WAIT_CV:
        if (type != D13_HS_CERTIFICATE_VERIFY || epoch != 2) break;
        rc = d13_auth_recv_certificate_verify(c, body, len);
        if (rc == 0) c->hs = D13_HS_C_WAIT_FINISHED;
        return rc;
    case D13_HS_C_WAIT_FINISHED:
        if (type != D13_HS_FINISHED || epoch != 2) break;
        rc = d13_auth_recv_finished(c, body, len);
        if (rc) return rc;
        return send_client_final_flight(c);
    default:
        break;
    }
    return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected handshake message");
}
