/* Published known-answer tests of the SRTP cipher and auth types, in
 * libsrtp2's test-case form, for the test_data of our types
 * (srtp_crypto.c) and the unit tests. */
#ifndef D13_SRTP_CRYPTO_KAT_H
#define D13_SRTP_CRYPTO_KAT_H

#include <srtp2/auth.h>
#include <srtp2/cipher.h>

/** AES-128-CM: RFC 3711 B.2 (keystream) and B.3 (session encryption key
 *  and salt derived from the master key). */
extern const srtp_cipher_test_case_t d13_kat_icm_128;
/** AES-256-CM: RFC 6188 7.1 (keystream). */
extern const srtp_cipher_test_case_t d13_kat_icm_256;
/** AES-128-GCM: test case 4 of McGrew and Viega, "The Galois/Counter
 *  Mode of Operation", with 16- and 8-byte tags. */
extern const srtp_cipher_test_case_t d13_kat_gcm_128;
/** AES-256-GCM: test case 16 of the same, 16- and 8-byte tags. */
extern const srtp_cipher_test_case_t d13_kat_gcm_256;
/** HMAC-SHA1: RFC 2202 section 3, test cases 1 to 7 (case 5 also
 *  truncated to 96 bits). */
extern const srtp_auth_test_case_t d13_kat_hmac_sha1;

#endif
