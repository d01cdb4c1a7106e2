/* libdtls13 - protocol code points and their IANA names. */
#ifndef DTLS13_CONSTANTS_H
#define DTLS13_CONSTANTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Protocol versions (wire values). */
#define DTLS13_VERSION_DTLS12 0xfefdu
#define DTLS13_VERSION_DTLS13 0xfefcu
/** draft-ietf-tls-dtls13-43 code point that NSS 3.87 still sends. */
#define DTLS13_VERSION_DTLS13_DRAFT43 0x7f2bu

/* Cipher suites (RFC 8446 B.4). */
#define DTLS13_TLS_AES_128_GCM_SHA256 0x1301u
#define DTLS13_TLS_AES_256_GCM_SHA384 0x1302u
#define DTLS13_TLS_CHACHA20_POLY1305_SHA256 0x1303u

/* DTLS 1.2 cipher suites (RFC 5289, RFC 7905): ECDHE with AEAD only. */
#define DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 0xc02bu
#define DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 0xc02cu
#define DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 0xc02fu
#define DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 0xc030u
#define DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 0xcca8u
#define DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 0xcca9u

/* Named groups (RFC 8446 4.2.7). */
#define DTLS13_GROUP_SECP256R1 0x0017u
#define DTLS13_GROUP_X25519 0x001du

/* Signature schemes (RFC 8446 4.2.3). */
#define DTLS13_SIG_ECDSA_SECP256R1_SHA256 0x0403u
#define DTLS13_SIG_RSA_PSS_RSAE_SHA256 0x0804u
#define DTLS13_SIG_ED25519 0x0807u
/** RSASSA-PKCS1-v1_5 with SHA-256: DTLS 1.2 only (RFC 8446 forbids it in
 *  a TLS 1.3 CertificateVerify). */
#define DTLS13_SIG_RSA_PKCS1_SHA256 0x0401u

/* DTLS-SRTP protection profiles (RFC 5764, RFC 7714). */
#define DTLS13_SRTP_AES128_CM_SHA1_80 0x0001u
#define DTLS13_SRTP_AES128_CM_SHA1_32 0x0002u
#define DTLS13_SRTP_AEAD_AES_128_GCM 0x0007u
#define DTLS13_SRTP_AEAD_AES_256_GCM 0x0008u

/** Hash algorithms for certificate fingerprints. */
typedef enum dtls13_hash {
    DTLS13_HASH_SHA256 = 0,
    DTLS13_HASH_SHA384 = 1,
    DTLS13_HASH_SHA512 = 2,
} dtls13_hash;

/** IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256"), or NULL if unknown. */
const char *dtls13_cipher_suite_name(uint16_t suite);
/** Code point of a cipher suite name (case-insensitive), or 0 if unknown. */
uint16_t dtls13_cipher_suite_from_name(const char *name);

/** IANA name of a named group ("x25519", "secp256r1"), or NULL if unknown. */
const char *dtls13_group_name(uint16_t group);
/** Code point of a group name (case-insensitive; "P-256" accepted), or 0. */
uint16_t dtls13_group_from_name(const char *name);

/** IANA name of a signature scheme ("ecdsa_secp256r1_sha256"), or NULL. */
const char *dtls13_signature_scheme_name(uint16_t scheme);
/** Code point of a signature scheme name (case-insensitive), or 0. */
uint16_t dtls13_signature_scheme_from_name(const char *name);

/** Name of an SRTP protection profile ("SRTP_AES128_CM_SHA1_80"), or NULL. */
const char *dtls13_srtp_profile_name(uint16_t profile);
/** Code point of an SRTP profile name, or 0. Accepts both the RFC 5764
 *  spelling (SRTP_AES128_CM_HMAC_SHA1_80) and the short one (SRTP_AES128_CM_SHA1_80). */
uint16_t dtls13_srtp_profile_from_name(const char *name);

/** Name of a protocol version ("DTLS1.3", "DTLS1.2"), or NULL. */
const char *dtls13_version_name(uint16_t version);

/** Name of a TLS alert description ("bad_certificate"), or NULL if unknown. */
const char *dtls13_alert_name(uint8_t description);

/* Alert descriptions (RFC 8446 6). */
#define DTLS13_ALERT_CLOSE_NOTIFY 0
#define DTLS13_ALERT_UNEXPECTED_MESSAGE 10
#define DTLS13_ALERT_BAD_RECORD_MAC 20
#define DTLS13_ALERT_RECORD_OVERFLOW 22
#define DTLS13_ALERT_HANDSHAKE_FAILURE 40
#define DTLS13_ALERT_BAD_CERTIFICATE 42
#define DTLS13_ALERT_UNSUPPORTED_CERTIFICATE 43
#define DTLS13_ALERT_CERTIFICATE_REVOKED 44
#define DTLS13_ALERT_CERTIFICATE_EXPIRED 45
#define DTLS13_ALERT_CERTIFICATE_UNKNOWN 46
#define DTLS13_ALERT_ILLEGAL_PARAMETER 47
#define DTLS13_ALERT_UNKNOWN_CA 48
#define DTLS13_ALERT_ACCESS_DENIED 49
#define DTLS13_ALERT_DECODE_ERROR 50
#define DTLS13_ALERT_DECRYPT_ERROR 51
#define DTLS13_ALERT_PROTOCOL_VERSION 70
#define DTLS13_ALERT_INSUFFICIENT_SECURITY 71
#define DTLS13_ALERT_INTERNAL_ERROR 80
#define DTLS13_ALERT_INAPPROPRIATE_FALLBACK 86
#define DTLS13_ALERT_USER_CANCELED 90
#define DTLS13_ALERT_NO_RENEGOTIATION 100 /* DTLS 1.2 (RFC 5246 7.2.2), a warning */
#define DTLS13_ALERT_MISSING_EXTENSION 109
#define DTLS13_ALERT_UNSUPPORTED_EXTENSION 110
#define DTLS13_ALERT_UNRECOGNIZED_NAME 112
#define DTLS13_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE 113
#define DTLS13_ALERT_UNKNOWN_PSK_IDENTITY 115
#define DTLS13_ALERT_CERTIFICATE_REQUIRED 116
#define DTLS13_ALERT_NO_APPLICATION_PROTOCOL 120

#ifdef __cplusplus
}
#endif
#endif
