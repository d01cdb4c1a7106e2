/* Helpers shared by the files of src/crypto/ only; may use OpenSSL types.
 * Not to be included outside src/crypto/. */
#ifndef D13_CRYPTO_INTERNAL_H
#define D13_CRYPTO_INTERNAL_H

#include <openssl/evp.h>

#include "crypto/crypto.h"

/** The EVP digest for a hash algorithm, or NULL when unknown. */
const EVP_MD *d13_evp_md(d13_hash_alg alg);

/** What a key can sign with, decided once when it is wrapped (asking
 *  libcrypto for the type and curve costs a provider query each time). */
typedef enum d13_pkey_kind {
    D13_PKEY_OTHER = 0,
    D13_PKEY_P256,   /* EC on P-256 */
    D13_PKEY_RSAE,   /* rsaEncryption, at least 2048 bits */
    D13_PKEY_ED25519,
} d13_pkey_kind;

/** A public or private key; the wrapper owns one reference to pkey. */
struct d13_pkey {
    EVP_PKEY *pkey;
    d13_pkey_kind kind;
    /** Private P-256 keys: an ECDSA-SHA256 signing context, initialized
     *  once and copied for each signature (initializing one fetches the
     *  signature and digest implementations by name). Only copied from,
     *  never used itself, so a key can sign on many threads. NULL for
     *  other keys, which initialize a context per signature. */
    EVP_MD_CTX *ecdsa_sign;
    /** P-256 keys made with a d13_algs: its SHA-256 (one reference), to
     *  hash what is verified before the ECDSA check, which saves looking
     *  the digest up by name per verification. NULL otherwise. */
    EVP_MD *sha256;
};

/** Fills key for pkey, taking ownership of that reference (also on
 *  failure, when it is freed). private_key: prepare signing. Returns 0 or
 *  DTLS13_ERR_NO_MEMORY / DTLS13_ERR_CRYPTO. */
int d13_pkey_init(d13_pkey *key, EVP_PKEY *pkey, bool private_key);
/** Releases what d13_pkey_init set up (not key itself). */
void d13_pkey_clear(d13_pkey *key);

/** Whether an EVP key is of a type this library signs with: EC on P-256,
 *  RSA (rsaEncryption) of at least 2048 bits, or Ed25519. */
bool d13_evp_key_usable(const EVP_PKEY *pkey);

/** The algorithms of a d13_algs, or (a NULL, or a fetch that failed) the
 *  implicitly fetched EVP_sha256()-style objects. */
const EVP_MD *d13_algs_md(const d13_algs *a, d13_hash_alg alg);
/** The AEAD cipher of alg (AES-GCM, ChaCha20-Poly1305). */
const EVP_CIPHER *d13_algs_aead_cipher(const d13_algs *a, d13_aead_alg alg);
/** The record number mask cipher of alg (AES-ECB, ChaCha20). */
const EVP_CIPHER *d13_algs_sn_mask_cipher(const d13_algs *a, d13_aead_alg alg);
/** A parameters-only P-256 key to copy into new public keys, or NULL. */
const EVP_PKEY *d13_algs_p256_params(const d13_algs *a);

/** An HMAC key (RFC 2104) absorbed into an inner and an outer digest
 *  context once, which are then copied for every message: for several
 *  MACs with one key (HKDF-Expand, the TLS 1.2 PRF). */
typedef struct d13_hmac_key {
    EVP_MD_CTX *inner;
    EVP_MD_CTX *outer;
    size_t hash_len;
} d13_hmac_key;
/** Absorbs key (hashed first when longer than the block, as RFC 2104
 *  says). Returns 0 or a dtls13_err; on failure k holds nothing. */
int d13_hmac_key_init(d13_hmac_key *k, const EVP_MD *md, const uint8_t *key, size_t key_len);
/** out (k->hash_len bytes) = HMAC(key, a || b || c); any part may be
 *  empty. tmp is a scratch context the caller owns. */
int d13_hmac_key_run(const d13_hmac_key *k, EVP_MD_CTX *tmp, const uint8_t *a, size_t a_len,
                     const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len, uint8_t *out);
/** Frees the contexts (k itself belongs to the caller). */
void d13_hmac_key_free(d13_hmac_key *k);

/** A new context (the caller frees it) with the key management of group
 *  (x25519; secp256r1 with the P-256 parameters) and no operation
 *  started, for EVP_PKEY_keygen_init or EVP_PKEY_fromdata_init without a
 *  lookup by name. NULL when algs is NULL or has none for group. */
EVP_PKEY_CTX *d13_algs_pkey_ctx(const d13_algs *a, uint16_t group);

/** A public key from its key-share encoding: 32 raw bytes for x25519, an
 *  uncompressed point (validated: on the curve, not infinity) for
 *  secp256r1. NULL when invalid. */
EVP_PKEY *d13_evp_public_from_share(const d13_algs *algs, uint16_t group, const uint8_t *peer,
                                    size_t peer_len);

#endif
