/* Helpers shared by the files of src/crypto/ only; may use OpenSSL types.
 * Not to be included outside src/crypto/. */
#ifndef D13_CRYPTO_INTERNAL_H
#define D13_CRYPTO_INTERNAL_H

#include <openssl/evp.h>

#include "crypto/crypto.h"

/** The EVP digest for a hash algorithm, or NULL when unknown. */
const EVP_MD *d13_evp_md(d13_hash_alg alg);

/** A public or private key; the wrapper owns one reference to pkey. */
struct d13_pkey {
    EVP_PKEY *pkey;
};

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

/** A public key from its key-share encoding: 32 raw bytes for x25519, an
 *  uncompressed point (validated: on the curve, not infinity) for
 *  secp256r1. NULL when invalid. */
EVP_PKEY *d13_evp_public_from_share(const d13_algs *algs, uint16_t group, const uint8_t *peer,
                                    size_t peer_len);

#endif
