/* IANA names of protocol code points (include/dtls13/constants.h). */
#include <stddef.h>
#include <stdint.h>

#include "dtls13/constants.h"

/* One code point and its name. */
typedef struct name_entry {
    uint16_t code;
    const char *name;
} name_entry;

#define TABLE_LEN(t) (sizeof(t) / sizeof((t)[0]))

static const name_entry cipher_suites[] = {
    {DTLS13_TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256"},
    {DTLS13_TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384"},
    {DTLS13_TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304u, "TLS_AES_128_CCM_SHA256"},
    {0x1305u, "TLS_AES_128_CCM_8_SHA256"},
    {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    /* OpenSSL's names, as aliases (the first entry for a code is canonical). */
    {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256"},
    {DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384"},
    {DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305"},
};

/* First entry for a code is its canonical name; later ones are aliases. */
static const name_entry groups[] = {
    {DTLS13_GROUP_SECP256R1, "secp256r1"},
    {DTLS13_GROUP_X25519, "x25519"},
    {0x0018u, "secp384r1"},
    {0x0019u, "secp521r1"},
    {0x001eu, "x448"},
    {0x0100u, "ffdhe2048"},
    {0x0101u, "ffdhe3072"},
    {0x0102u, "ffdhe4096"},
    {0x0103u, "ffdhe6144"},
    {0x0104u, "ffdhe8192"},
    {DTLS13_GROUP_SECP256R1, "P-256"},
    {DTLS13_GROUP_SECP256R1, "prime256v1"},
    {0x0018u, "P-384"},
    {0x0019u, "P-521"},
};

static const name_entry signature_schemes[] = {
    {DTLS13_SIG_ECDSA_SECP256R1_SHA256, "ecdsa_secp256r1_sha256"},
    {DTLS13_SIG_RSA_PSS_RSAE_SHA256, "rsa_pss_rsae_sha256"},
    {DTLS13_SIG_ED25519, "ed25519"},
    {0x0401u, "rsa_pkcs1_sha256"},
    {0x0501u, "rsa_pkcs1_sha384"},
    {0x0601u, "rsa_pkcs1_sha512"},
    {0x0503u, "ecdsa_secp384r1_sha384"},
    {0x0603u, "ecdsa_secp521r1_sha512"},
    {0x0805u, "rsa_pss_rsae_sha384"},
    {0x0806u, "rsa_pss_rsae_sha512"},
    {0x0808u, "ed448"},
    {0x0809u, "rsa_pss_pss_sha256"},
    {0x080au, "rsa_pss_pss_sha384"},
    {0x080bu, "rsa_pss_pss_sha512"},
    {0x0201u, "rsa_pkcs1_sha1"},
    {0x0203u, "ecdsa_sha1"},
};

static const name_entry srtp_profiles[] = {
    {DTLS13_SRTP_AES128_CM_SHA1_80, "SRTP_AES128_CM_SHA1_80"},
    {DTLS13_SRTP_AES128_CM_SHA1_32, "SRTP_AES128_CM_SHA1_32"},
    {DTLS13_SRTP_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM"},
    {DTLS13_SRTP_AEAD_AES_256_GCM, "SRTP_AEAD_AES_256_GCM"},
    {DTLS13_SRTP_AES128_CM_SHA1_80, "SRTP_AES128_CM_HMAC_SHA1_80"},
    {DTLS13_SRTP_AES128_CM_SHA1_32, "SRTP_AES128_CM_HMAC_SHA1_32"},
};

static const name_entry versions[] = {
    {DTLS13_VERSION_DTLS13, "DTLS1.3"},
    {DTLS13_VERSION_DTLS12, "DTLS1.2"},
    {DTLS13_VERSION_DTLS13_DRAFT43, "DTLS1.3-draft43"},
};

static const name_entry alerts[] = {
    {DTLS13_ALERT_CLOSE_NOTIFY, "close_notify"},
    {DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected_message"},
    {DTLS13_ALERT_BAD_RECORD_MAC, "bad_record_mac"},
    {DTLS13_ALERT_RECORD_OVERFLOW, "record_overflow"},
    {DTLS13_ALERT_HANDSHAKE_FAILURE, "handshake_failure"},
    {DTLS13_ALERT_BAD_CERTIFICATE, "bad_certificate"},
    {DTLS13_ALERT_UNSUPPORTED_CERTIFICATE, "unsupported_certificate"},
    {DTLS13_ALERT_CERTIFICATE_REVOKED, "certificate_revoked"},
    {DTLS13_ALERT_CERTIFICATE_EXPIRED, "certificate_expired"},
    {DTLS13_ALERT_CERTIFICATE_UNKNOWN, "certificate_unknown"},
    {DTLS13_ALERT_ILLEGAL_PARAMETER, "illegal_parameter"},
    {DTLS13_ALERT_UNKNOWN_CA, "unknown_ca"},
    {DTLS13_ALERT_ACCESS_DENIED, "access_denied"},
    {DTLS13_ALERT_DECODE_ERROR, "decode_error"},
    {DTLS13_ALERT_DECRYPT_ERROR, "decrypt_error"},
    {DTLS13_ALERT_PROTOCOL_VERSION, "protocol_version"},
    {DTLS13_ALERT_INSUFFICIENT_SECURITY, "insufficient_security"},
    {DTLS13_ALERT_INTERNAL_ERROR, "internal_error"},
    {DTLS13_ALERT_INAPPROPRIATE_FALLBACK, "inappropriate_fallback"},
    {DTLS13_ALERT_USER_CANCELED, "user_canceled"},
    {DTLS13_ALERT_NO_RENEGOTIATION, "no_renegotiation"},
    {DTLS13_ALERT_MISSING_EXTENSION, "missing_extension"},
    {DTLS13_ALERT_UNSUPPORTED_EXTENSION, "unsupported_extension"},
    {DTLS13_ALERT_UNRECOGNIZED_NAME, "unrecognized_name"},
    {DTLS13_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE, "bad_certificate_status_response"},
    {DTLS13_ALERT_UNKNOWN_PSK_IDENTITY, "unknown_psk_identity"},
    {DTLS13_ALERT_CERTIFICATE_REQUIRED, "certificate_required"},
    {DTLS13_ALERT_NO_APPLICATION_PROTOCOL, "no_application_protocol"},
};

/* ASCII case-insensitive equality (locale independent). */
static int ascii_equal_nocase(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z') ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z') cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb) return 0;
        if (ca == '\0') return 1;
    }
}

/* Canonical name of code in table, or NULL. */
static const char *lookup_name(const name_entry *table, size_t count, uint16_t code)
{
    for (size_t i = 0; i < count; i++)
        if (table[i].code == code) return table[i].name;
    return NULL;
}

/* Code of name in table (case-insensitive), or 0. */
static uint16_t lookup_code(const name_entry *table, size_t count, const char *name)
{
    if (name == NULL) return 0;
    for (size_t i = 0; i < count; i++)
        if (ascii_equal_nocase(table[i].name, name)) return table[i].code;
    return 0;
}

const char *dtls13_cipher_suite_name(uint16_t suite)
{
    return lookup_name(cipher_suites, TABLE_LEN(cipher_suites), suite);
}

uint16_t dtls13_cipher_suite_from_name(const char *name)
{
    return lookup_code(cipher_suites, TABLE_LEN(cipher_suites), name);
}

const char *dtls13_group_name(uint16_t group)
{
    return lookup_name(groups, TABLE_LEN(groups), group);
}

uint16_t dtls13_group_from_name(const char *name)
{
    return lookup_code(groups, TABLE_LEN(groups), name);
}

const char *dtls13_signature_scheme_name(uint16_t scheme)
{
    return lookup_name(signature_schemes, TABLE_LEN(signature_schemes), scheme);
}

uint16_t dtls13_signature_scheme_from_name(const char *name)
{
    return lookup_code(signature_schemes, TABLE_LEN(signature_schemes), name);
}

const char *dtls13_srtp_profile_name(uint16_t profile)
{
    return lookup_name(srtp_profiles, TABLE_LEN(srtp_profiles), profile);
}

uint16_t dtls13_srtp_profile_from_name(const char *name)
{
    return lookup_code(srtp_profiles, TABLE_LEN(srtp_profiles), name);
}

const char *dtls13_version_name(uint16_t version)
{
    return lookup_name(versions, TABLE_LEN(versions), version);
}

const char *dtls13_alert_name(uint8_t description)
{
    return lookup_name(alerts, TABLE_LEN(alerts), description);
}
