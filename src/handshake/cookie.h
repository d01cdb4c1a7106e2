/* Stateless HelloRetryRequest cookies (RFC 9147 5.1, RFC 8446 4.2.2).
 *
 * A cookie is
 *   format (1) || flags (1) || timestamp ms (8) || cipher suite (2) ||
 *   group (2) || Hash(ClientHello1) (suite hash length) ||
 *   HMAC-SHA256(secret, all of the above || peer address) (32)
 * where Hash(ClientHello1) is the hash of the first ClientHello in its
 * transcript form (msg_type, uint24 length, body), which is all a server
 * needs to rebuild the message_hash transcript entry. The secret rotates
 * every lifetime: the secret of the current period and of the previous one
 * are kept, chosen by the period the (authenticated) timestamp falls in, so
 * verification needs no per-client state. A cookie is valid for lifetime
 * ms after its timestamp. */
#ifndef D13_COOKIE_H
#define D13_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define D13_COOKIE_SECRET_LEN 32
#define D13_COOKIE_MAC_LEN 32
/** Bytes before the ClientHello hash. */
#define D13_COOKIE_FIXED_LEN 14
/** Longest cookie (SHA-384 suite). */
#define D13_COOKIE_MAX_LEN (D13_COOKIE_FIXED_LEN + 48 + D13_COOKIE_MAC_LEN)
/** Current cookie format byte. */
#define D13_COOKIE_FORMAT 1
/** How far a cookie's timestamp may lie in the future of now_ms. */
#define D13_COOKIE_CLOCK_SKEW_MS 1000u

/** Bits of d13_cookie_params.flags. */
enum {
    D13_COOKIE_FLAG_KEY_SHARE = 1u << 0, /* the HelloRetryRequest carried key_share */
    D13_COOKIE_FLAG_DRAFT43 = 1u << 1,   /* the HRR selected version 0x7f2b (else 0xfefc) */
};

/** What a cookie carries. */
typedef struct d13_cookie_params {
    uint8_t flags;
    uint64_t timestamp_ms;
    uint16_t suite;
    uint16_t group;
    uint8_t ch1_hash[D13_MAX_HASH_LEN];
    size_t hash_len; /* d13_hash_len(d13_suite_hash(suite)) */
} d13_cookie_params;

/** The rotating secrets: a fixed-size struct, no allocation. */
typedef struct d13_cookie_secrets {
    uint8_t current[D13_COOKIE_SECRET_LEN];
    uint8_t previous[D13_COOKIE_SECRET_LEN];
    uint64_t period;  /* now_ms / lifetime_ms of current */
    bool anchored;    /* period was set from a clock reading */
    uint32_t lifetime_ms;
} d13_cookie_secrets;

/** Why a cookie was refused. */
typedef enum d13_cookie_status {
    D13_COOKIE_OK = 0,
    D13_COOKIE_MALFORMED = 1,  /* wrong length, format or suite */
    D13_COOKIE_BAD_MAC = 2,    /* forged, altered or for another address */
    D13_COOKIE_EXPIRED = 3,    /* older than the lifetime, or its secret was rotated away */
    D13_COOKIE_FUTURE = 4,     /* timestamp beyond now_ms + D13_COOKIE_CLOCK_SKEW_MS */
} d13_cookie_status;

/** Generates fresh random secrets for lifetime_ms (> 0); the period is
 *  anchored at the next d13_cookie_secrets_update. */
int d13_cookie_secrets_init(d13_cookie_secrets *s, uint32_t lifetime_ms);
/** Rotates when now_ms entered a later period: the current secret becomes
 *  the previous one (or both are replaced when more than one period
 *  passed). A clock going backwards changes nothing. */
int d13_cookie_secrets_update(d13_cookie_secrets *s, uint64_t now_ms);
/** Zeroizes the secrets. */
void d13_cookie_secrets_clear(d13_cookie_secrets *s);

/** Hash of a handshake message in transcript form (msg_type, uint24
 *  length, body) with alg. scratch must hold 4 + len bytes (it receives
 *  the transcript form). out receives d13_hash_len(alg) bytes. */
int d13_cookie_hash_message(d13_hash_alg alg, uint8_t msg_type, const uint8_t *body, size_t len,
                            uint8_t *scratch, size_t scratch_cap, uint8_t *out);

/** Writes a cookie for p (timestamp_ms is the issuing time and must lie in
 *  the current period of s) bound to the peer address. *out_len gets the
 *  cookie length. Returns 0, DTLS13_ERR_INVALID_ARG or
 *  DTLS13_ERR_BUFFER_TOO_SMALL. */
int d13_cookie_encode(const d13_cookie_secrets *s, const d13_cookie_params *p, const void *addr,
                      size_t addr_len, uint8_t *out, size_t cap, size_t *out_len);

/** Checks a cookie received from addr at now_ms (s must already be
 *  updated to now_ms) and on D13_COOKIE_OK fills *p. The MAC is compared
 *  in constant time. */
d13_cookie_status d13_cookie_verify(const d13_cookie_secrets *s, const uint8_t *cookie, size_t len,
                                    const void *addr, size_t addr_len, uint64_t now_ms, d13_cookie_params *p);

/* HelloVerifyRequest cookies (DTLS 1.2, RFC 6347 4.2.1) are a format of
 * their own, and short: 1.2 needs nothing from the first ClientHello (it
 * is not in the handshake hash), and GnuTLS, like every DTLS 1.0 peer,
 * refuses a cookie longer than 32 bytes (RFC 6347 raised the limit to 255,
 * but 32 is what deployed stacks accept). A cookie is
 *   format (1, D13_COOKIE12_FORMAT) || timestamp ms (8) ||
 *   HMAC-SHA256(secret, format || timestamp || client_random || peer
 *   address) truncated to D13_COOKIE12_MAC_LEN
 * with the same rotating secrets as the 1.3 cookies: bound to the address
 * and, as RFC 6347 4.2.1 suggests, to the client's parameters (its random,
 * which the second ClientHello repeats). */
#define D13_COOKIE12_FORMAT 2
#define D13_COOKIE12_LEN 32
#define D13_COOKIE12_MAC_LEN (D13_COOKIE12_LEN - 9)

/** Writes a HelloVerifyRequest cookie issued at now_ms (in the current
 *  period of s) into out (D13_COOKIE12_LEN bytes). Returns 0 or
 *  DTLS13_ERR_INVALID_ARG. */
int d13_cookie12_encode(const d13_cookie_secrets *s, uint64_t now_ms, const uint8_t client_random[32],
                        const void *addr, size_t addr_len, uint8_t out[D13_COOKIE12_LEN]);

/** Checks a HelloVerifyRequest cookie echoed at now_ms by the ClientHello
 *  with client_random from addr (s updated to now_ms). The MAC is compared
 *  in constant time. */
d13_cookie_status d13_cookie12_verify(const d13_cookie_secrets *s, const uint8_t *cookie, size_t len,
                                      const uint8_t client_random[32], const void *addr, size_t addr_len,
                                      uint64_t now_ms);

#endif
