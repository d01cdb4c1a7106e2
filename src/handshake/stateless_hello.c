/* Stateless ClientHello negotiation and HelloRetryRequest encoding. */
#include "handshake/stateless_hello.h"

#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/constants.h"
#include "handshake/engine12.h"
#include "wire/messages12.h"

static bool choose_version(const dtls13_config *cfg, const d13_extensions *e, uint16_t *out)
{
    if (d13_list_contains(e->versions, e->num_versions, DTLS13_VERSION_DTLS13)) {
        *out = DTLS13_VERSION_DTLS13;
        return true;
    }
    if (cfg->accept_draft43 && d13_list_contains(e->versions, e->num_versions, DTLS13_VERSION_DTLS13_DRAFT43)) {
        *out = DTLS13_VERSION_DTLS13_DRAFT43;
        return true;
    }
    return false;
}

static bool have_signature_scheme(const dtls13_config *cfg, const d13_extensions *e)
{
    const d13_pkey *key = d13_cert_key(cfg->cert);
    for (size_t i = 0; i < cfg->num_sig_schemes; i++) {
        uint16_t s = cfg->sig_schemes[i];
        if (d13_list_contains(e->sig_algs, e->num_sig_algs, s) && d13_pkey_supports_scheme(key, s)) return true;
    }
    return false;
}

static bool offers_dtls13(const dtls13_config *cfg, const d13_extensions *e)
{
    uint16_t v = 0;
    return (e->present & D13_HAS_SUPPORTED_VERSIONS) && choose_version(cfg, e, &v);
}

bool d13_stateless_takes_dtls12(const dtls13_config *cfg, const d13_client_hello *ch)
{
    if (!d13_config_allows_dtls12(cfg)) return false;
    bool offers12 = (ch->ext.present & D13_HAS_SUPPORTED_VERSIONS)
                        ? d13_list_contains(ch->ext.versions, ch->ext.num_versions, DTLS13_VERSION_DTLS12)
                        : ch->legacy_version == DTLS13_VERSION_DTLS12;
    return offers12 && !(d13_config_allows_dtls13(cfg) && offers_dtls13(cfg, &ch->ext));
}

bool d13_stateless_hvr_encode(d13_writer *w, const uint8_t *cookie, size_t cookie_len)
{
    if (cookie_len > D12_MAX_COOKIE) return false;
    d12_hello_verify_request m = {0xfeffu, {cookie, cookie_len}};
    return d12_hello_verify_request_encode(w, &m);
}

/* A DTLS 1.2 ClientHello the server would take: a suite whose
 * authentication fits our key, with a signature scheme in common, and a
 * group (RFC 8422: any of ours when the client names none). The engine
 * makes the same choices (handshake/server12.c). */
static bool negotiate12(const dtls13_config *cfg, const d13_client_hello *ch, d13_stateless_choice *out)
{
    const d13_extensions *e = &ch->ext;
    const d13_pkey *key = d13_cert_key(cfg->cert);
    bool rsa_key = d13_pkey_supports_scheme(key, DTLS13_SIG_RSA_PSS_RSAE_SHA256);
    if (!(e->present & D13_HAS_SIGNATURE_ALGORITHMS) || memchr(ch->compression_methods.p, 0, ch->compression_methods.len) == NULL)
        return false;
    if (!have_signature_scheme(cfg, e) &&
        !(rsa_key && d13_list_contains(e->sig_algs, e->num_sig_algs, DTLS13_SIG_RSA_PKCS1_SHA256)))
        return false;
    if (cfg->require_ems && !(e->present & D13_HAS_EXTENDED_MASTER_SECRET)) return false;
    for (size_t i = 0; i < cfg->num_suites12 && !out->suite; i++) {
        uint16_t s = cfg->suites12[i];
        if (d12_suite_uses_rsa(s) == rsa_key && d13_list_contains(ch->cipher_suites, ch->num_cipher_suites, s)) out->suite = s;
    }
    if (!out->suite) return false;
    out->version = DTLS13_VERSION_DTLS12;
    if (!(e->present & D13_HAS_SUPPORTED_GROUPS)) {
        out->group = cfg->groups[0];
        return true;
    }
    for (size_t i = 0; i < cfg->num_groups && !out->group; i++) {
        if (d13_list_contains(e->groups, e->num_groups, cfg->groups[i])) out->group = cfg->groups[i];
    }
    return out->group != 0;
}

bool d13_stateless_negotiate(const dtls13_config *cfg, const d13_client_hello *ch, d13_stateless_choice *out)
{
    const d13_extensions *e = &ch->ext;
    memset(out, 0, sizeof(*out));
    if (!cfg->cert) return false;
    if (d13_stateless_takes_dtls12(cfg, ch)) return negotiate12(cfg, ch, out);
    if (ch->legacy_cookie.len != 0 || !d13_config_allows_dtls13(cfg)) return false;
    if (!(e->present & D13_HAS_SUPPORTED_VERSIONS) || !choose_version(cfg, e, &out->version)) return false;
    if (ch->compression_methods.len != 1) return false;
    d13_reader r;
    uint8_t method = 1;
    d13_reader_init(&r, ch->compression_methods.p, ch->compression_methods.len);
    if (!d13_read_u8(&r, &method) || method != 0) return false;
    for (size_t i = 0; i < cfg->num_suites && !out->suite; i++) {
        if (d13_list_contains(ch->cipher_suites, ch->num_cipher_suites, cfg->suites[i])) out->suite = cfg->suites[i];
    }
    if (!out->suite) return false;
    if (!(e->present & D13_HAS_SIGNATURE_ALGORITHMS) || !have_signature_scheme(cfg, e)) return false;
    if (!(e->present & D13_HAS_SUPPORTED_GROUPS) || !(e->present & D13_HAS_KEY_SHARE)) return false;
    /* A share the client already sent, in our preference order... */
    for (size_t i = 0; i < cfg->num_groups && !out->has_share; i++) {
        for (size_t j = 0; j < e->num_shares; j++) {
            if (e->shares[j].group != cfg->groups[i]) continue;
            if (!d13_list_contains(e->groups, e->num_groups, cfg->groups[i])) return false;
            out->has_share = true;
            out->group = cfg->groups[i];
            break;
        }
    }
    /* ... else our best group it supports (HelloRetryRequest). */
    for (size_t i = 0; i < cfg->num_groups && !out->group; i++) {
        if (d13_list_contains(e->groups, e->num_groups, cfg->groups[i])) out->group = cfg->groups[i];
    }
    return out->group != 0;
}

bool d13_stateless_hrr_encode(d13_writer *w, uint16_t version, uint16_t suite, uint16_t selected_group,
                              const uint8_t *cookie, size_t cookie_len)
{
    d13_server_hello hrr;
    memset(&hrr, 0, sizeof(hrr));
    hrr.legacy_version = DTLS13_VERSION_DTLS12;
    hrr.is_hrr = true;
    hrr.cipher_suite = suite;
    hrr.ext.present = D13_HAS_SUPPORTED_VERSIONS | D13_HAS_COOKIE;
    hrr.ext.selected_version = version;
    if (selected_group) {
        hrr.ext.present |= D13_HAS_KEY_SHARE;
        hrr.ext.hrr_selected_group = selected_group;
    }
    hrr.ext.cookie.p = cookie;
    hrr.ext.cookie.len = cookie_len;
    return d13_server_hello_encode(w, &hrr);
}
