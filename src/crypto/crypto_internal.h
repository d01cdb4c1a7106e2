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

/** A public key from its key-share encoding: 32 raw bytes for x25519, an
 *  uncompressed point (validated: on the curve, not infinity) for
 *  secp256r1. NULL when invalid. */
EVP_PKEY *d13_evp_public_from_share(uint16_t group, const uint8_t *peer, size_t peer_len);

#endif
