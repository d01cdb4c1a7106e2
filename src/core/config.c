/* Public configuration API (include/dtls13/config.h). */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/config.h"
#include "dtls13/errors.h"
#include "handshake/config_internal.h"

static const uint16_t default_suites[] = {DTLS13_TLS_AES_128_GCM_SHA256, DTLS13_TLS_AES_256_GCM_SHA384,
                                          DTLS13_TLS_CHACHA20_POLY1305_SHA256};
static const uint16_t default_suites12[] = {
    DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256};
static const uint16_t default_groups[] = {DTLS13_GROUP_X25519, DTLS13_GROUP_SECP256R1};
static const uint16_t default_sigs[] = {DTLS13_SIG_ECDSA_SECP256R1_SHA256, DTLS13_SIG_RSA_PSS_RSAE_SHA256,
                                        DTLS13_SIG_ED25519};
static const uint16_t default_srtp[] = {DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_SRTP_AES128_CM_SHA1_80,
                                        DTLS13_SRTP_AEAD_AES_256_GCM, DTLS13_SRTP_AES128_CM_SHA1_32};

bool d13_list_contains(const uint16_t *list, size_t n, uint16_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] == v) return true;
    }
    return false;
}

dtls13_config *dtls13_config_new(void)
{
    dtls13_config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg) return NULL;
    cfg->algs = d13_algs_new();
    if (!cfg->algs) {
        free(cfg);
        return NULL;
    }
    atomic_init(&cfg->refs, 1);
    atomic_init(&cfg->in_use, false);
    memcpy(cfg->suites, default_suites, sizeof(default_suites));
    cfg->num_suites = sizeof(default_suites) / sizeof(default_suites[0]);
    memcpy(cfg->suites12, default_suites12, sizeof(default_suites12));
    cfg->num_suites12 = sizeof(default_suites12) / sizeof(default_suites12[0]);
    cfg->min_version = DTLS13_VERSION_DTLS12;
    cfg->max_version = DTLS13_VERSION_DTLS13;
    cfg->require_ems = true;
    memcpy(cfg->groups, default_groups, sizeof(default_groups));
    cfg->num_groups = sizeof(default_groups) / sizeof(default_groups[0]);
    memcpy(cfg->sig_schemes, default_sigs, sizeof(default_sigs));
    cfg->num_sig_schemes = sizeof(default_sigs) / sizeof(default_sigs[0]);
    memcpy(cfg->srtp_profiles, default_srtp, sizeof(default_srtp));
    cfg->num_srtp_profiles = sizeof(default_srtp) / sizeof(default_srtp[0]);
    cfg->mtu = DTLS13_DEFAULT_MTU;
    cfg->initial_timeout_ms = DTLS13_DEFAULT_INITIAL_TIMEOUT_MS;
    cfg->require_client_auth = true;
    return cfg;
}

void d13_config_retain(dtls13_config *cfg)
{
    atomic_fetch_add(&cfg->refs, 1);
    atomic_store(&cfg->in_use, true);
}

void d13_config_release(dtls13_config *cfg)
{
    if (!cfg) return;
    if (atomic_fetch_sub(&cfg->refs, 1) != 1) return;
    d13_cert_free(cfg->cert);
    d13_algs_free(cfg->algs);
    d13_cleanse(cfg, sizeof(*cfg));
    free(cfg);
}

void dtls13_config_free(dtls13_config *cfg)
{
    d13_config_release(cfg);
}

/* Setters refuse once a connection uses the config. */
static int check_mutable(const dtls13_config *cfg)
{
    if (!cfg) return DTLS13_ERR_INVALID_ARG;
    if (atomic_load(&((dtls13_config *)cfg)->in_use)) return DTLS13_ERR_BAD_STATE;
    return DTLS13_OK;
}

int dtls13_config_generate_certificate(dtls13_config *cfg, const char *common_name)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    d13_cert *cert = d13_cert_generate_self_signed(common_name ? common_name : "WebRTC");
    if (!cert) return DTLS13_ERR_CERTIFICATE;
    d13_cert_free(cfg->cert);
    cfg->cert = cert;
    return DTLS13_OK;
}

int dtls13_config_copy_certificate(dtls13_config *cfg, const dtls13_config *src)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (!src || !src->cert) return DTLS13_ERR_INVALID_ARG;
    d13_cert *cert = d13_cert_dup(src->cert);
    if (!cert) return DTLS13_ERR_NO_MEMORY;
    d13_cert_free(cfg->cert);
    cfg->cert = cert;
    return DTLS13_OK;
}

int dtls13_config_load_pem(dtls13_config *cfg, const char *cert_path, const char *key_path)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (!cert_path || !key_path) return DTLS13_ERR_INVALID_ARG;
    int err = DTLS13_ERR_CERTIFICATE;
    d13_cert *cert = d13_cert_load_pem(cert_path, key_path, &err);
    if (!cert) return err;
    d13_cert_free(cfg->cert);
    cfg->cert = cert;
    return DTLS13_OK;
}

int dtls13_config_load_pem_mem(dtls13_config *cfg, const char *cert_pem, size_t cert_len,
                               const char *key_pem, size_t key_len)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    int err = DTLS13_ERR_CERTIFICATE;
    d13_cert *cert = d13_cert_load_pem_mem(cert_pem, cert_len, key_pem, key_len, &err);
    if (!cert) return err;
    d13_cert_free(cfg->cert);
    cfg->cert = cert;
    return DTLS13_OK;
}

const uint8_t *dtls13_config_certificate_der(const dtls13_config *cfg, size_t *der_len)
{
    if (der_len) *der_len = 0;
    if (!cfg || !der_len || !cfg->cert) return NULL;
    return d13_cert_der(cfg->cert, der_len);
}

int dtls13_config_fingerprint(const dtls13_config *cfg, dtls13_hash hash, char *out, size_t out_len)
{
    if (!cfg || !out || hash > DTLS13_HASH_SHA512) return DTLS13_ERR_INVALID_ARG;
    if (!cfg->cert) return DTLS13_ERR_BAD_STATE;
    size_t der_len = 0;
    const uint8_t *der = d13_cert_der(cfg->cert, &der_len);
    return d13_fingerprint_format((d13_hash_alg)hash, der, der_len, out, out_len);
}

/* Copies a code point list after checking each entry with known(). */
static int set_list(dtls13_config *cfg, uint16_t *dst, size_t *dst_n, const uint16_t *src, size_t n,
                    size_t min, bool (*known)(uint16_t))
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (n < min || n > D13_MAX_ALGS || (n && !src)) return DTLS13_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        if (!known(src[i])) return DTLS13_ERR_UNSUPPORTED;
        for (size_t j = 0; j < i; j++) {
            if (src[j] == src[i]) return DTLS13_ERR_INVALID_ARG;
        }
    }
    if (n) memcpy(dst, src, n * sizeof(*src));
    *dst_n = n;
    return DTLS13_OK;
}

static bool suite_known(uint16_t v)
{
    d13_aead_alg alg;
    return d13_suite_aead(v, &alg) == 0;
}

static bool sig_known(uint16_t v)
{
    return v == DTLS13_SIG_ECDSA_SECP256R1_SHA256 || v == DTLS13_SIG_RSA_PSS_RSAE_SHA256 ||
           v == DTLS13_SIG_ED25519;
}

static bool srtp_known(uint16_t v)
{
    return v == DTLS13_SRTP_AES128_CM_SHA1_80 || v == DTLS13_SRTP_AES128_CM_SHA1_32 ||
           v == DTLS13_SRTP_AEAD_AES_128_GCM || v == DTLS13_SRTP_AEAD_AES_256_GCM;
}

static bool is_dtls13_suite(uint16_t v)
{
    return (v >> 8) == 0x13;
}

int dtls13_config_set_cipher_suites(dtls13_config *cfg, const uint16_t *suites, size_t count)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (count < 1 || count > 2 * D13_MAX_ALGS || !suites) return DTLS13_ERR_INVALID_ARG;
    uint16_t v13[2 * D13_MAX_ALGS], v12[2 * D13_MAX_ALGS];
    size_t n13 = 0, n12 = 0;
    for (size_t i = 0; i < count; i++) {
        if (!suite_known(suites[i])) return DTLS13_ERR_UNSUPPORTED;
        for (size_t j = 0; j < i; j++) {
            if (suites[j] == suites[i]) return DTLS13_ERR_INVALID_ARG;
        }
        if (is_dtls13_suite(suites[i])) v13[n13++] = suites[i];
        else v12[n12++] = suites[i];
    }
    if (n13 > D13_MAX_ALGS || n12 > D13_MAX_ALGS) return DTLS13_ERR_INVALID_ARG;
    memcpy(cfg->suites, v13, n13 * sizeof(v13[0]));
    cfg->num_suites = n13;
    memcpy(cfg->suites12, v12, n12 * sizeof(v12[0]));
    cfg->num_suites12 = n12;
    return DTLS13_OK;
}

int dtls13_config_set_groups(dtls13_config *cfg, const uint16_t *groups, size_t count)
{
    return set_list(cfg, cfg ? cfg->groups : NULL, cfg ? &cfg->num_groups : NULL, groups, count, 1,
                    d13_kex_group_supported);
}

int dtls13_config_set_signature_schemes(dtls13_config *cfg, const uint16_t *schemes, size_t count)
{
    return set_list(cfg, cfg ? cfg->sig_schemes : NULL, cfg ? &cfg->num_sig_schemes : NULL, schemes,
                    count, 1, sig_known);
}

int dtls13_config_set_srtp_profiles(dtls13_config *cfg, const uint16_t *profiles, size_t count,
                                    const uint8_t *mki, size_t mki_len)
{
    if (cfg && (mki_len > D13_MAX_MKI || (mki_len && !mki))) return DTLS13_ERR_INVALID_ARG;
    int rc = set_list(cfg, cfg ? cfg->srtp_profiles : NULL, cfg ? &cfg->num_srtp_profiles : NULL,
                      profiles, count, 0, srtp_known);
    if (rc) return rc;
    if (mki_len) memcpy(cfg->mki, mki, mki_len);
    cfg->mki_len = mki_len;
    return DTLS13_OK;
}

int dtls13_config_set_mtu(dtls13_config *cfg, size_t mtu)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (mtu < 256 || mtu > 65507) return DTLS13_ERR_INVALID_ARG;
    cfg->mtu = mtu;
    return DTLS13_OK;
}

int dtls13_config_set_initial_timeout_ms(dtls13_config *cfg, uint32_t timeout_ms)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (timeout_ms < 10 || timeout_ms > 60000) return DTLS13_ERR_INVALID_ARG;
    cfg->initial_timeout_ms = timeout_ms;
    return DTLS13_OK;
}

int dtls13_config_set_require_client_auth(dtls13_config *cfg, bool require)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->require_client_auth = require;
    return DTLS13_OK;
}

/* Whether v is a DTLS version code point this API knows. */
static bool is_known_version(uint16_t v)
{
    return v == DTLS13_VERSION_DTLS12 || v == DTLS13_VERSION_DTLS13;
}

int dtls13_config_set_version_range(dtls13_config *cfg, uint16_t min_version, uint16_t max_version)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    if (!is_known_version(min_version) || !is_known_version(max_version)) return DTLS13_ERR_INVALID_ARG;
    /* DTLS version numbers count down: 1.3 (0xfefc) < 1.2 (0xfefd). */
    if (min_version < max_version) return DTLS13_ERR_INVALID_ARG;
    cfg->min_version = min_version;
    cfg->max_version = max_version;
    return DTLS13_OK;
}

void dtls13_config_get_version_range(const dtls13_config *cfg, uint16_t *min_version,
                                     uint16_t *max_version)
{
    if (min_version) *min_version = cfg ? cfg->min_version : DTLS13_VERSION_DTLS12;
    if (max_version) *max_version = cfg ? cfg->max_version : DTLS13_VERSION_DTLS13;
}

bool d13_config_allows_dtls13(const dtls13_config *cfg)
{
    return cfg->max_version == DTLS13_VERSION_DTLS13 && cfg->num_suites > 0;
}

bool d13_config_allows_dtls12(const dtls13_config *cfg)
{
    return cfg->min_version == DTLS13_VERSION_DTLS12 && cfg->num_suites12 > 0;
}

int dtls13_config_set_require_extended_master_secret(dtls13_config *cfg, bool require)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->require_ems = require;
    return DTLS13_OK;
}

int dtls13_config_set_accept_draft43(dtls13_config *cfg, bool enable)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->accept_draft43 = enable;
    return DTLS13_OK;
}

int dtls13_config_set_key_update_interval(dtls13_config *cfg, uint64_t records)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->key_update_interval = records;
    return DTLS13_OK;
}

int dtls13_config_set_keylog_callback(dtls13_config *cfg, dtls13_keylog_fn fn, void *user)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->keylog = fn;
    cfg->keylog_user = user;
    return DTLS13_OK;
}

int dtls13_config_set_log_callback(dtls13_config *cfg, dtls13_log_fn fn, void *user)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->log = fn;
    cfg->log_user = user;
    return DTLS13_OK;
}

int dtls13_config_set_verify_callback(dtls13_config *cfg, dtls13_verify_fn fn, void *user)
{
    int rc = check_mutable(cfg);
    if (rc) return rc;
    cfg->verify = fn;
    cfg->verify_user = user;
    return DTLS13_OK;
}
