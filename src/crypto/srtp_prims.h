/* SRTP's primitives from libcrypto, keyed once and restarted per packet.
 *
 * The SRTP module (src/srtp/) plugs these into libsrtp2 as its AES-CM,
 * AES-GCM and HMAC-SHA1 implementations (see src/srtp/srtp_crypto.c); this
 * header keeps OpenSSL's types out of that module. Each context expands
 * its key once (d13_srtp_cipher_set_key, d13_srtp_hmac_set_key); a packet
 * only restarts it with a new IV (or, for HMAC, from the keyed state), so
 * no cipher or MAC is set up through the provider layer per packet.
 *
 * Functions return 0 or a negative dtls13_err. A context is not
 * synchronized; different contexts are independent. Keys are wiped on
 * free (OpenSSL clears its key schedules when a context is freed). */
#ifndef D13_SRTP_PRIMS_H
#define D13_SRTP_PRIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The ciphers SRTP uses: AES in counter mode (RFC 3711 4.1.1, RFC 6188)
 *  and AES-GCM (RFC 7714). */
typedef enum d13_srtp_cipher_alg {
    D13_SRTP_AES_128_CTR = 0,
    D13_SRTP_AES_256_CTR = 1,
    D13_SRTP_AES_128_GCM = 2,
    D13_SRTP_AES_256_GCM = 3,
} d13_srtp_cipher_alg;

/** Length of the IV d13_srtp_cipher_start takes: the whole 16-byte
 *  initial counter block for CTR, the 12-byte nonce for GCM. */
#define D13_SRTP_CTR_IV_LEN 16
#define D13_SRTP_GCM_IV_LEN 12
/** Largest AES-GCM tag. */
#define D13_SRTP_GCM_TAG_MAX 16
/** HMAC-SHA1 output length. */
#define D13_SRTP_SHA1_LEN 20

/** A cipher context of one algorithm, without a key yet. */
typedef struct d13_srtp_cipher d13_srtp_cipher;

/** A context for alg; NULL when out of memory or alg is unknown. */
d13_srtp_cipher *d13_srtp_cipher_new(d13_srtp_cipher_alg alg);
/** Frees c (NULL is ignored). */
void d13_srtp_cipher_free(d13_srtp_cipher *c);
/** Key length alg needs (16 or 32). */
size_t d13_srtp_cipher_key_len(d13_srtp_cipher_alg alg);
/** Whether alg is one of the AES-GCM algorithms. */
bool d13_srtp_cipher_is_aead(d13_srtp_cipher_alg alg);
/** Sets (or replaces) the key: key_len must be d13_srtp_cipher_key_len.
 *  The key schedule is computed here, once. DTLS13_ERR_INVALID_ARG for a
 *  wrong length, DTLS13_ERR_CRYPTO when libcrypto fails. */
int d13_srtp_cipher_set_key(d13_srtp_cipher *c, const uint8_t *key, size_t key_len);
/** Starts a packet: iv is D13_SRTP_CTR_IV_LEN bytes (the first counter
 *  block, big endian, incremented per 16-byte block) for CTR and
 *  D13_SRTP_GCM_IV_LEN bytes for GCM; encrypt selects the GCM direction
 *  (ignored for CTR, whose two directions are the same). Needs a key. */
int d13_srtp_cipher_start(d13_srtp_cipher *c, const uint8_t *iv, bool encrypt);
/** Adds associated data (GCM only, after start and before any update;
 *  may be called several times). DTLS13_ERR_INVALID_ARG for CTR. */
int d13_srtp_cipher_aad(d13_srtp_cipher *c, const uint8_t *aad, size_t len);
/** Encrypts or decrypts len bytes of buf in place, continuing the
 *  keystream of this packet. */
int d13_srtp_cipher_update(d13_srtp_cipher *c, uint8_t *buf, size_t len);
/** GCM encryption: finishes the packet and writes the first tag_len
 *  (1..16) bytes of the tag. */
int d13_srtp_cipher_get_tag(d13_srtp_cipher *c, uint8_t *tag, size_t tag_len);
/** GCM decryption: finishes the packet and checks the tag_len-byte tag.
 *  Returns DTLS13_ERR_CRYPTO when it does not match (the decrypted bytes
 *  must then be discarded). */
int d13_srtp_cipher_check_tag(d13_srtp_cipher *c, const uint8_t *tag, size_t tag_len);

/** HMAC-SHA1 (RFC 2104) with the key absorbed once. */
typedef struct d13_srtp_hmac d13_srtp_hmac;

/** An HMAC-SHA1 context without a key; NULL when out of memory. */
d13_srtp_hmac *d13_srtp_hmac_new(void);
/** Frees h (NULL is ignored). */
void d13_srtp_hmac_free(d13_srtp_hmac *h);
/** Sets (or replaces) the key (any length; key may be NULL when key_len
 *  is 0). */
int d13_srtp_hmac_set_key(d13_srtp_hmac *h, const uint8_t *key, size_t key_len);
/** Starts a new message under the key set last. */
int d13_srtp_hmac_start(d13_srtp_hmac *h);
/** Adds len bytes to the message. */
int d13_srtp_hmac_update(d13_srtp_hmac *h, const uint8_t *data, size_t len);
/** Finishes the message: out receives D13_SRTP_SHA1_LEN bytes. */
int d13_srtp_hmac_final(d13_srtp_hmac *h, uint8_t out[D13_SRTP_SHA1_LEN]);

#endif
