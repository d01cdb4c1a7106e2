/* libdtls13 - shared configuration.
 *
 * A dtls13_config holds everything that is the same for many connections:
 * the local certificate and key, the algorithms offered and accepted, the
 * SRTP profiles, the MTU and timers, and the callbacks. It is reference
 * counted: every dtls13_conn created from it holds a reference, so the
 * creator may call dtls13_config_free() at any time. Once a connection has
 * been created from it, treat it as immutable (setters then fail with
 * DTLS13_ERR_BAD_STATE). A config may be shared by connections running on
 * different threads. */
#ifndef DTLS13_CONFIG_H
#define DTLS13_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/constants.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtls13_config dtls13_config;

/** Default initial retransmission timeout (RFC 9147 5.8.2, DTLS-SRTP). */
#define DTLS13_DEFAULT_INITIAL_TIMEOUT_MS 400u
/** Default path MTU: bytes of UDP payload per datagram. */
#define DTLS13_DEFAULT_MTU 1200u

/** Key log callback: one NSS key log line without the trailing newline,
 *  e.g. "CLIENT_HANDSHAKE_TRAFFIC_SECRET <client_random hex> <secret hex>".
 *  Wireshark reads these lines to decrypt DTLS 1.3 captures. */
typedef void (*dtls13_keylog_fn)(void *user, const char *line);

/** Log levels for the diagnostic log callback. */
typedef enum dtls13_log_level {
    DTLS13_LOG_ERROR = 0,
    DTLS13_LOG_WARN = 1,
    DTLS13_LOG_INFO = 2,
    DTLS13_LOG_DEBUG = 3,
} dtls13_log_level;

/** Diagnostic log callback; never receives secrets. */
typedef void (*dtls13_log_fn)(void *user, dtls13_log_level level, const char *message);

/** Certificate verification callback, called with the peer's end-entity
 *  certificate (DER) once its CertificateVerify signature has been checked.
 *  Return 0 to accept; any other value fails the handshake with
 *  bad_certificate. When a connection has an expected fingerprint
 *  (dtls13_conn_set_peer_fingerprint) the fingerprint is checked first. */
typedef int (*dtls13_verify_fn)(void *user, const uint8_t *cert_der, size_t cert_len);

/** Creates a config with the defaults: all three cipher suites
 *  (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305), groups x25519 then
 *  secp256r1, signature schemes ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256,
 *  ed25519, SRTP profiles AEAD_AES_128_GCM, AES128_CM_SHA1_80,
 *  AEAD_AES_256_GCM, AES128_CM_SHA1_32, MTU 1200, initial timeout 400 ms,
 *  client authentication required, no certificate (set one before use).
 *  Returns NULL when out of memory. */
dtls13_config *dtls13_config_new(void);

/** Drops the caller's reference; the config is freed when the last
 *  connection using it is freed. NULL is ignored. */
void dtls13_config_free(dtls13_config *cfg);

/** Generates a WebRTC-style self-signed ECDSA P-256 certificate and key
 *  (random serial, common name cn or "WebRTC" when NULL, valid from one day
 *  ago for 30 days) and makes it the local certificate. */
int dtls13_config_generate_certificate(dtls13_config *cfg, const char *common_name);

/** Loads the local certificate and private key from PEM files
 *  (ECDSA P-256, RSA or Ed25519 keys). Fails with DTLS13_ERR_IO when a file
 *  cannot be read and DTLS13_ERR_CERTIFICATE when it cannot be parsed or the
 *  key does not match the certificate. */
int dtls13_config_load_pem(dtls13_config *cfg, const char *cert_path, const char *key_path);
/** Loads the local certificate and private key from PEM text in memory,
 *  as dtls13_config_load_pem does from files: cert_len bytes at cert_pem
 *  hold the certificate, key_len bytes at key_pem its private key. The
 *  texts need no NUL terminator; pass the same text twice when it holds
 *  both (gst-plugins-bad's `pem` property; the order of the blocks does
 *  not matter). The first certificate and the first private key are
 *  used; encrypted keys are refused. DTLS13_ERR_INVALID_ARG when cfg or a
 *  text is NULL or longer than INT_MAX bytes, DTLS13_ERR_CERTIFICATE when
 *  a text is empty, contains a NUL byte or cannot be parsed, or the key is
 *  not ECDSA P-256, RSA (2048 bits or more) or Ed25519 or does not match
 *  the certificate, DTLS13_ERR_BAD_STATE when cfg is in use. On error the
 *  certificate cfg had stays. */
int dtls13_config_load_pem_mem(dtls13_config *cfg, const char *cert_pem, size_t cert_len,
                               const char *key_pem, size_t key_len);

/** Gives cfg the certificate and private key of src (generated or loaded
 *  there), replacing cfg's: several configurations, e.g. one per restart
 *  of an association, then present the same certificate and fingerprint.
 *  src may be in use by connections. DTLS13_ERR_INVALID_ARG when src has
 *  no certificate, DTLS13_ERR_BAD_STATE when cfg is in use. */
int dtls13_config_copy_certificate(dtls13_config *cfg, const dtls13_config *src);
/** The local certificate (generated, loaded or copied into cfg) in DER,
 *  e.g. to show it as PEM or to hand it to an application that asks for
 *  its own certificate. *der_len receives its length. Returns NULL (and 0
 *  in *der_len, when der_len is not NULL) when cfg or der_len is NULL or
 *  cfg has no certificate yet. The bytes belong to cfg: valid until its
 *  certificate is replaced or cfg is freed. The private key is never
 *  handed out. */
const uint8_t *dtls13_config_certificate_der(const dtls13_config *cfg, size_t *der_len);
/** Writes the SDP fingerprint of the local certificate, e.g.
 *  "sha-256 AB:CD:...", NUL-terminated, into out. 128 bytes suffice for
 *  sha-256, 200 for sha-512. */
int dtls13_config_fingerprint(const dtls13_config *cfg, dtls13_hash hash, char *out, size_t out_len);

/** Sets the cipher suites, in preference order: 1 to 16 entries, at most
 *  8 DTLS 1.3 suites (TLS_AES_*, TLS_CHACHA20_*) and at most 8 DTLS 1.2
 *  ones (TLS_ECDHE_ECDSA_WITH_* and TLS_ECDHE_RSA_WITH_* AEAD suites; no
 *  CBC, RSA key exchange or other legacy suites, RFC 9325). A version
 *  left without suites is not negotiated. Default: the three DTLS 1.3
 *  suites, then the six DTLS 1.2 ones (ECDSA first, AES-128-GCM first). */
int dtls13_config_set_cipher_suites(dtls13_config *cfg, const uint16_t *suites, size_t count);
/** Sets the key exchange groups, in preference order (1 to 8). The client
 *  sends a key share for the first one. */
int dtls13_config_set_groups(dtls13_config *cfg, const uint16_t *groups, size_t count);
/** Sets the signature schemes offered and accepted, in preference order. */
int dtls13_config_set_signature_schemes(dtls13_config *cfg, const uint16_t *schemes, size_t count);
/** Sets the DTLS-SRTP profiles (use_srtp), in preference order; count 0
 *  disables use_srtp. mki may be NULL (mki_len 0) or up to 255 bytes. */
int dtls13_config_set_srtp_profiles(dtls13_config *cfg, const uint16_t *profiles, size_t count,
                                    const uint8_t *mki, size_t mki_len);
/** Sets the path MTU in bytes of UDP payload (256 to 65507). */
int dtls13_config_set_mtu(dtls13_config *cfg, size_t mtu);
/** Sets the initial retransmission timeout (10 ms to 60 s). */
int dtls13_config_set_initial_timeout_ms(dtls13_config *cfg, uint32_t timeout_ms);
/** Server only: whether to request and require a client certificate
 *  (default true, as WebRTC requires). */
int dtls13_config_set_require_client_auth(dtls13_config *cfg, bool require);
/** Restricts the protocol versions the connection may negotiate to
 *  [min_version, max_version] (DTLS13_VERSION_DTLS12 / DTLS13_VERSION_DTLS13,
 *  so min_version >= max_version numerically: DTLS counts down).
 *  The default is DTLS 1.2..DTLS 1.3, what a WebRTC endpoint needs: a
 *  client offers both in one ClientHello and continues as the server
 *  chooses; a server picks DTLS 1.3 when offered, else DTLS 1.2 (RFC 6347).
 *  DTLS 1.3 only is (DTLS13_VERSION_DTLS13, DTLS13_VERSION_DTLS13). With
 *  1.3 allowed, the RFC 8446 4.1.3 downgrade protection applies: a 1.2
 *  ServerHello carrying the DOWNGRD sentinel is refused, and our server
 *  sets it when it picks 1.2. An unknown version or an empty range returns
 *  DTLS13_ERR_INVALID_ARG. The config is unchanged on error. */
int dtls13_config_set_version_range(dtls13_config *cfg, uint16_t min_version, uint16_t max_version);
/** Writes the configured range's oldest and newest versions to
 *  *min_version and *max_version (either may be NULL). */
void dtls13_config_get_version_range(const dtls13_config *cfg, uint16_t *min_version,
                                     uint16_t *max_version);
/** DTLS 1.2: whether a peer that does not negotiate extended_master_secret
 *  (RFC 7627) is refused with handshake_failure (default true; false only
 *  for old peers, whose master secret is then not bound to the handshake). */
int dtls13_config_set_require_extended_master_secret(dtls13_config *cfg, bool require);
/** Treats the draft-ietf-tls-dtls13-43 code point 0x7f2b as DTLS 1.3 in
 *  supported_versions (offered by a client, accepted by a server). Off by
 *  default; for NSS 3.87 interop only. */
int dtls13_config_set_accept_draft43(dtls13_config *cfg, bool enable);

/** Number of records sent under one key after which a KeyUpdate is
 *  started automatically; 0 (the default) uses the AEAD usage limit of
 *  RFC 8446 5.5 / RFC 9147 4.5.3 (2^24 records for AES-GCM, 2^40 for
 *  ChaCha20-Poly1305). Small values exist for testing. */
int dtls13_config_set_key_update_interval(dtls13_config *cfg, uint64_t records);

/** Installs the key log callback (NULL disables it). */
int dtls13_config_set_keylog_callback(dtls13_config *cfg, dtls13_keylog_fn fn, void *user);
/** Installs the diagnostic log callback (NULL disables it). */
int dtls13_config_set_log_callback(dtls13_config *cfg, dtls13_log_fn fn, void *user);
/** Installs the certificate verification callback (NULL disables it). */
int dtls13_config_set_verify_callback(dtls13_config *cfg, dtls13_verify_fn fn, void *user);

#ifdef __cplusplus
}
#endif
#endif
