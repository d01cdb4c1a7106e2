/* Internal crypto layer: the only code that touches libcrypto.
 *
 * Nothing here includes OpenSSL headers; OpenSSL types stay behind opaque
 * structs. All functions return 0 on success and a negative dtls13_err on
 * failure unless documented otherwise. Secrets are zeroized on free. */
#ifndef D13_CRYPTO_H
#define D13_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/constants.h"
#include "dtls13/errors.h"

#define D13_MAX_HASH_LEN 64 /* SHA-512 */
#define D13_MAX_KEY_LEN 32
#define D13_AEAD_IV_LEN 12
#define D13_AEAD_TAG_LEN 16

/* ---- utilities ---- */

/** Fills buf with cryptographically secure random bytes. */
int d13_random(uint8_t *buf, size_t len);
/** Zeroizes memory (not optimized away). NULL is ignored. */
void d13_cleanse(void *p, size_t len);
/** Constant-time comparison; returns true when equal. */
bool d13_ct_equal(const uint8_t *a, const uint8_t *b, size_t len);

/* ---- algorithm implementations ---- */

/** The hash, AEAD and mask ciphers and the P-256 key template, fetched
 *  from libcrypto's provider once (OpenSSL 3 otherwise looks an
 *  implicitly named algorithm up on every use). Immutable after
 *  d13_algs_new and safe to share between threads; a configuration owns
 *  one. Every function below that takes a `const d13_algs *` also accepts
 *  NULL and then fetches implicitly (same results, slower). */
typedef struct d13_algs d13_algs;
/** Fetches the algorithms; NULL only when out of memory. */
d13_algs *d13_algs_new(void);
void d13_algs_free(d13_algs *algs);

/* ---- hashes ---- */

typedef enum d13_hash_alg {
    D13_HASH_SHA256 = 0,
    D13_HASH_SHA384 = 1,
    D13_HASH_SHA512 = 2,
} d13_hash_alg;

/** Output length in bytes (32, 48, 64). */
size_t d13_hash_len(d13_hash_alg alg);
/** Hash algorithm of a cipher suite: the TLS 1.3 transcript hash, or the
 *  DTLS 1.2 PRF hash (SHA-384 for 0x1302, 0xc02c and 0xc030, else SHA-256). */
d13_hash_alg d13_suite_hash(uint16_t suite);

/** Running hash, for the handshake transcript. */
typedef struct d13_hash_ctx d13_hash_ctx;
d13_hash_ctx *d13_hash_new(const d13_algs *algs, d13_hash_alg alg);
int d13_hash_update(d13_hash_ctx *ctx, const uint8_t *data, size_t len);
/** Writes the digest of everything hashed so far without finishing ctx. */
int d13_hash_peek(const d13_hash_ctx *ctx, uint8_t *out);
d13_hash_alg d13_hash_ctx_alg(const d13_hash_ctx *ctx);
void d13_hash_free(d13_hash_ctx *ctx);
/** One-shot digest. */
int d13_hash(const d13_algs *algs, d13_hash_alg alg, const uint8_t *data, size_t len, uint8_t *out);
/** One-shot HMAC. out receives d13_hash_len(alg) bytes. */
int d13_hmac(const d13_algs *algs, d13_hash_alg alg, const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
             uint8_t *out);

/* ---- HKDF (RFC 5869) and HKDF-Expand-Label (RFC 8446 7.1, RFC 9147 5.9) ---- */

/** PRK = HKDF-Extract(salt, ikm); out receives d13_hash_len(alg) bytes.
 *  salt may be NULL/0 (treated as HashLen zeros), ikm may be NULL/0 (also
 *  treated as HashLen zeros, the "0" of the TLS 1.3 key schedule). */
int d13_hkdf_extract(const d13_algs *algs, d13_hash_alg alg, const uint8_t *salt, size_t salt_len,
                     const uint8_t *ikm, size_t ikm_len, uint8_t *out);
/** OKM = HKDF-Expand(prk, info, out_len). */
int d13_hkdf_expand(const d13_algs *algs, d13_hash_alg alg, const uint8_t *prk, size_t prk_len,
                    const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);
/** HKDF-Expand-Label(secret, label, context, out_len) where the label on
 *  the wire is prefix || label. prefix is "dtls13" for DTLS 1.3 (RFC 9147
 *  5.9) or "tls13 " for TLS 1.3 (used by the RFC 8448 known-answer tests). */
int d13_hkdf_expand_label(const d13_algs *algs, d13_hash_alg alg, const char *prefix,
                          const uint8_t *secret, size_t secret_len, const char *label,
                          const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len);

/** One output of d13_hkdf_expand_labels. */
typedef struct d13_hkdf_label {
    const char *label;      /* without the prefix */
    const uint8_t *context; /* may be NULL when context_len is 0 */
    size_t context_len;
    uint8_t *out;
    size_t out_len;
} d13_hkdf_label;
/** Several HKDF-Expand-Label outputs from one secret (the same results as
 *  one d13_hkdf_expand_label call each), absorbing the secret into the
 *  HMAC only once. Fails as a whole: on error the outputs are unspecified. */
int d13_hkdf_expand_labels(const d13_algs *algs, d13_hash_alg alg, const char *prefix,
                           const uint8_t *secret, size_t secret_len, const d13_hkdf_label *labels,
                           size_t count);

/* ---- TLS 1.2 PRF (RFC 5246 5) ---- */

/** PRF(secret, label, seed) = P_<hash>(secret, label || seed), truncated
 *  to out_len bytes, with alg SHA-256 or SHA-384 (the cipher suite's PRF
 *  hash, d13_suite_hash). label is ASCII without a terminating NUL on the
 *  wire; seed may be NULL when seed_len is 0. HMAC comes from libcrypto
 *  (the fetched digest of algs when given). DTLS13_ERR_INVALID_ARG for
 *  another alg or out_len 0. */
int d13_tls12_prf(const d13_algs *algs, d13_hash_alg alg, const uint8_t *secret, size_t secret_len,
                  const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len);

/* ---- AEAD record protection ---- */

typedef enum d13_aead_alg {
    D13_AEAD_AES_128_GCM = 0,
    D13_AEAD_AES_256_GCM = 1,
    D13_AEAD_CHACHA20_POLY1305 = 2,
} d13_aead_alg;

/** AEAD of a TLS 1.3 or DTLS 1.2 (ECDHE AEAD) cipher suite; returns -1 for unknown suites. */
int d13_suite_aead(uint16_t suite, d13_aead_alg *out);
/** Key length (16 or 32). */
size_t d13_aead_key_len(d13_aead_alg alg);

/** A keyed AEAD with its static IV; the per-record nonce is
 *  iv XOR left-padded 64-bit sequence number (RFC 8446 5.3). */
typedef struct d13_aead d13_aead;
d13_aead *d13_aead_new(const d13_algs *algs, d13_aead_alg alg, const uint8_t *key,
                       const uint8_t iv[D13_AEAD_IV_LEN]);
void d13_aead_free(d13_aead *aead);
/** Encrypts len bytes of in into out (out may equal in) and appends the
 *  16-byte tag: out must hold len + 16 bytes. No allocation. */
int d13_aead_seal(d13_aead *aead, uint64_t seq, const uint8_t *aad, size_t aad_len,
                  const uint8_t *in, size_t len, uint8_t *out);
/** Like d13_aead_seal for a plaintext in two places: data_len bytes at
 *  data, followed by the total_len - data_len bytes already at
 *  out + data_len (encrypted in place). Writes total_len bytes of
 *  ciphertext and the tag to out (total_len + 16 bytes); data must not
 *  overlap out unless data == out. Saves copying data into out first. */
int d13_aead_seal_prefixed(d13_aead *aead, uint64_t seq, const uint8_t *aad, size_t aad_len,
                           const uint8_t *data, size_t data_len, uint8_t *out, size_t total_len);
/** Decrypts in (len bytes including the tag) into out (len - 16 bytes; out
 *  may equal in). Returns DTLS13_ERR_DECODE when len < 16 and
 *  DTLS13_ERR_CRYPTO when authentication fails. No allocation. */
int d13_aead_open(d13_aead *aead, uint64_t seq, const uint8_t *aad, size_t aad_len,
                  const uint8_t *in, size_t len, uint8_t *out);

/** Record number encryption mask (RFC 9147 4.2.3): AES-ECB of the 16-byte
 *  sample for the AES suites; ChaCha20 keystream with counter = first 4
 *  sample bytes (little endian) and nonce = last 12 for ChaCha20. */
typedef struct d13_sn_mask d13_sn_mask;
d13_sn_mask *d13_sn_mask_new(const d13_algs *algs, d13_aead_alg alg, const uint8_t *sn_key);
void d13_sn_mask_free(d13_sn_mask *m);
/** mask receives 16 bytes computed from the 16-byte ciphertext sample. */
int d13_sn_mask_compute(d13_sn_mask *m, const uint8_t sample[16], uint8_t mask[16]);

/* ---- ECDHE ---- */

/** An ephemeral key pair for x25519 or secp256r1. */
typedef struct d13_kex d13_kex;
/** Whether the group is implemented (x25519, secp256r1). */
bool d13_kex_group_supported(uint16_t group);
/** Public key length on the wire: 32 for x25519, 65 (uncompressed) for P-256, 0 if unknown. */
size_t d13_kex_public_len(uint16_t group);
/** d13_kex_generate_with(NULL, group). */
d13_kex *d13_kex_generate(uint16_t group);
/** A new ephemeral key pair for group; with algs, generated from its
 *  prepared key management (no lookup by name). NULL for an unsupported
 *  group or on failure. */
d13_kex *d13_kex_generate_with(const d13_algs *algs, uint16_t group);
/** (Added for known-answer tests.) An x25519 key pair from a given 32-byte
 *  private key (RFC 7748 scalar, clamped by libcrypto); NULL for any other
 *  group or length. */
d13_kex *d13_kex_from_private(uint16_t group, const uint8_t *priv, size_t len);
uint16_t d13_kex_group(const d13_kex *kex);
/** Writes the public key (d13_kex_public_len bytes). */
int d13_kex_public(const d13_kex *kex, uint8_t *out, size_t cap, size_t *out_len);
/** Computes the shared secret with the peer's public key, validating it
 *  (length, point on curve, non-zero x25519 result). Returns
 *  DTLS13_ERR_DECODE for an invalid peer key. */
int d13_kex_derive(const d13_algs *algs, const d13_kex *kex, const uint8_t *peer, size_t peer_len,
                   uint8_t *secret, size_t cap, size_t *secret_len);
void d13_kex_free(d13_kex *kex);

/* ---- signatures ---- */

typedef struct d13_pkey d13_pkey;
/** Public key from DER SubjectPublicKeyInfo. */
d13_pkey *d13_pkey_from_spki(const d13_algs *algs, const uint8_t *spki, size_t len);
void d13_pkey_free(d13_pkey *key);
/** Whether key can make/verify signatures with scheme (key type and curve
 *  match; RSA keys must be rsaEncryption keys of at least 2048 bits). */
bool d13_pkey_supports_scheme(const d13_pkey *key, uint16_t scheme);
/** Signs msg with scheme (ECDSA signature DER-encoded as TLS wants;
 *  RSA-PSS with salt length = hash length; Ed25519 pure). Returns
 *  DTLS13_ERR_INVALID_ARG when key does not support scheme and
 *  DTLS13_ERR_BUFFER_TOO_SMALL when the signature does not fit in cap. */
int d13_sign(const d13_pkey *key, uint16_t scheme, const uint8_t *msg, size_t msg_len, uint8_t *sig,
             size_t cap, size_t *sig_len);
/** Verifies; returns 0 when valid, DTLS13_ERR_CRYPTO when not
 *  (DTLS13_ERR_INVALID_ARG when key does not support scheme: check
 *  d13_pkey_supports_scheme first to pick the right alert). */
int d13_verify(const d13_pkey *key, uint16_t scheme, const uint8_t *msg, size_t msg_len,
               const uint8_t *sig, size_t sig_len);

/* ---- certificates ---- */

/** A local certificate (DER) with its private key. */
typedef struct d13_cert d13_cert;
/** Self-signed ECDSA P-256 certificate, WebRTC style: random 64-bit serial,
 *  subject = issuer = CN=common_name, notBefore now - 1 day, notAfter now + 30 days,
 *  signed with ecdsa-with-SHA256 (X.509 v3, no extensions). common_name must
 *  be 1 to 64 bytes of UTF-8; NULL on failure. */
d13_cert *d13_cert_generate_self_signed(const char *common_name);
/** Loads a PEM certificate and matching PEM private key. Returns NULL and
 *  sets *err (DTLS13_ERR_IO or DTLS13_ERR_CERTIFICATE) on failure; err may
 *  be NULL. The key must be usable by d13_sign (P-256, RSA >= 2048 bits or
 *  Ed25519) and match the certificate, else DTLS13_ERR_CERTIFICATE.
 *  Encrypted keys are refused (no passphrase prompt). */
d13_cert *d13_cert_load_pem(const char *cert_path, const char *key_path, int *err);
/** The same from memory: cert_len bytes of PEM text at cert_pem holding
 *  the certificate and key_len bytes at key_pem holding its private key
 *  (not NUL-terminated; the two may be the same text holding both, in
 *  either order: other PEM blocks are skipped). Same checks and errors as
 *  d13_cert_load_pem, but never DTLS13_ERR_IO: DTLS13_ERR_INVALID_ARG for
 *  a NULL text or one longer than INT_MAX, DTLS13_ERR_CERTIFICATE for an
 *  empty text, a NUL byte within it, or one that does not parse. */
d13_cert *d13_cert_load_pem_mem(const char *cert_pem, size_t cert_len, const char *key_pem,
                                size_t key_len, int *err);
/** A second handle on the same certificate and private key (the DER is
 *  copied, the key shared by reference); NULL on allocation failure. */
d13_cert *d13_cert_dup(const d13_cert *cert);
void d13_cert_free(d13_cert *cert);
const uint8_t *d13_cert_der(const d13_cert *cert, size_t *len);
const d13_pkey *d13_cert_key(const d13_cert *cert);

/** SDP fingerprint of a DER certificate: "sha-256 AB:CD:..." (upper-case
 *  hex, colon separated; "sha-384", "sha-512" likewise), NUL-terminated.
 *  out_len must be at least 104 (sha-256), 152 (sha-384) or 200 (sha-512),
 *  else DTLS13_ERR_BUFFER_TOO_SMALL. */
int d13_fingerprint_format(d13_hash_alg alg, const uint8_t *der, size_t der_len, char *out,
                           size_t out_len);
/** Parses an SDP fingerprint ("sha-256 ab:cd:..", case-insensitive, also
 *  "sha-1") into *alg_out (0 sha-256, 1 sha-384, 2 sha-512, 3 sha-1) and
 *  the digest bytes. Whitespace is allowed around the text and between the
 *  name and the hex; every byte is exactly two hex digits, ':' separated,
 *  and the count must match the hash. Returns DTLS13_ERR_INVALID_ARG when
 *  malformed, DTLS13_ERR_BUFFER_TOO_SMALL when cap is below the digest length. */
int d13_fingerprint_parse(const char *text, int *alg_out, uint8_t *digest, size_t cap,
                          size_t *digest_len);
/** Whether der matches a parsed fingerprint (constant-time compare); false
 *  for an unknown alg or a digest_len that is not that hash's length. */
bool d13_fingerprint_matches(int alg, const uint8_t *digest, size_t digest_len, const uint8_t *der,
                             size_t der_len);

#endif
