/* Helpers shared by the files of src/crypto/ only; may use OpenSSL types.
 * Not to be included outside src/crypto/. */
#ifndef D13_CRYPTO_INTERNAL_H
#define D13_CRYPTO_INTERNAL_H

#include <openssl/evp.h>

#include "crypto/crypto.h"

/** The EVP digest for a hash algorithm, or NULL when unknown. */
const EVP_MD *d13_evp_md(d13_hash_alg alg);

#endif
