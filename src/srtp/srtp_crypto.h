/* libsrtp2 cipher and auth types backed by libcrypto (src/crypto/srtp_prims.h),
 * installed in place of libsrtp2's own AES-ICM, AES-GCM and HMAC-SHA1.
 *
 * Debian's libsrtp2 is built against NSS, which sets up a PKCS#11 context
 * per packet and runs AES-CTR one block at a time and SHA-1 without the
 * SHA extensions (docs/SRTP.md has the profile). These types keep one
 * libcrypto context per libsrtp2 cipher/auth object, keyed when libsrtp2
 * derives the session keys, and only restart it per packet. Everything
 * else (key derivation, replay windows, packet formats, MKI, RTCP) stays
 * libsrtp2's. */
#ifndef D13_SRTP_CRYPTO_H
#define D13_SRTP_CRYPTO_H

#include <srtp2/auth.h>
#include <srtp2/cipher.h>

/* Bits of d13_srtp_crypto_install()'s result, one per replaced type. */
#define D13_SRTP_CRYPTO_AES_ICM_128 0x01u
#define D13_SRTP_CRYPTO_AES_ICM_256 0x02u
#define D13_SRTP_CRYPTO_AES_GCM_128 0x04u
#define D13_SRTP_CRYPTO_AES_GCM_256 0x08u
#define D13_SRTP_CRYPTO_HMAC_SHA1 0x10u
#define D13_SRTP_CRYPTO_ALL 0x1fu

/** Our cipher type for a libsrtp2 cipher id (SRTP_AES_ICM_128,
 *  SRTP_AES_ICM_256, SRTP_AES_GCM_128, SRTP_AES_GCM_256), or NULL. */
const srtp_cipher_type_t *d13_srtp_cipher_type(srtp_cipher_type_id_t id);

/** Our HMAC-SHA1 auth type (id SRTP_HMAC_SHA1). */
const srtp_auth_type_t *d13_srtp_auth_type(void);

/** Replaces libsrtp2's implementations of the five types with ours
 *  through srtp_replace_cipher_type / srtp_replace_auth_type. libsrtp2
 *  accepts a replacement only after it passed its own known-answer tests
 *  (the test_data of our type: RFC 3711 B.2/B.3, RFC 6188, the GCM spec
 *  cases, RFC 2202) and the test_data of the type it replaces (libsrtp2's
 *  vectors); a type that fails stays libsrtp2's. Returns the
 *  D13_SRTP_CRYPTO_ bits of the types replaced.
 *
 *  libsrtp2's crypto kernel is process-global and not locked: call this
 *  once per process, after srtp_init(), while no other thread creates
 *  libsrtp2 sessions (srtp_session.c does, under its pthread_once). */
unsigned d13_srtp_crypto_install(void);

#endif
