/* Handshake transcript hash (RFC 8446 4.4.1, RFC 9147 5.2: TLS-style 4-byte
 * headers, without message_seq and fragment fields). Until the cipher suite
 * is known both SHA-256 and SHA-384 run; choosing one frees the other. */
#ifndef D13_TRANSCRIPT_H
#define D13_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

typedef struct d13_transcript {
    const d13_algs *algs;
    d13_hash_ctx *sha256;
    d13_hash_ctx *sha384;
    bool chosen;
    d13_hash_alg alg;
} d13_transcript;

/** Starts both running hashes (algs: the configuration's, or NULL). */
int d13_transcript_init(d13_transcript *t, const d13_algs *algs);
/** Adds one handshake message: msg_type, uint24 length, body. */
int d13_transcript_add(d13_transcript *t, uint8_t msg_type, const uint8_t *body, size_t len);
/** Keeps only the hash of alg (the suite's hash). Idempotent for the same alg. */
int d13_transcript_choose(d13_transcript *t, d13_hash_alg alg);
/** Current transcript hash (only once chosen); out gets the hash length. */
int d13_transcript_hash(const d13_transcript *t, uint8_t *out);
/** Replaces the transcript so far (ClientHello1) by the synthetic
 *  message_hash message of RFC 8446 4.4.1, for a HelloRetryRequest. */
int d13_transcript_hrr_rewrite(d13_transcript *t);
/** Frees the hashes. */
void d13_transcript_free(d13_transcript *t);

#endif
