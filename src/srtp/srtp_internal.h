/* Internal parts of the DTLS-SRTP module shared by its files: the
 * session structure, the profile table and the RFC 5764 4.2 key layout. */
#ifndef D13_SRTP_INTERNAL_H
#define D13_SRTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <srtp2/srtp.h>

#include "dtls13/srtp.h"

/** One direction's master key followed by its master salt, the form
 *  libsrtp2 takes them in. */
typedef struct d13_srtp_key_salt {
    uint8_t bytes[DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN];
    size_t len;
} d13_srtp_key_salt;

struct dtls13_srtp {
    srtp_t outbound;          /**< our keys, ssrc_any_outbound */
    srtp_t inbound;           /**< the peer's keys, ssrc_any_inbound */
    uint16_t profile;
    dtls13_role role;
    unsigned use_mki;         /**< 1 when an MKI is carried in every packet */
    uint32_t rtp_overhead;    /**< bytes srtp_protect adds to RTP */
    uint32_t rtcp_overhead;   /**< bytes srtp_protect_rtcp adds to RTCP */
    dtls13_srtp_stats stats;
};

/** Initializes libsrtp2 (dtls13_srtp_library_init) and returns the
 *  D13_SRTP_CRYPTO_ bits (srtp_crypto.h) of the libsrtp2 cipher and auth
 *  types that were replaced by ours then; 0 when initialization failed. */
unsigned d13_srtp_crypto_installed(void);

/** The libsrtp2 profile for a DTLS-SRTP profile; false when unsupported. */
bool d13_srtp_libsrtp_profile(uint16_t profile, srtp_profile_t *out);

/** Splits keying material in the RFC 5764 4.2 layout
 *  (client key | server key | client salt | server salt) into our
 *  outgoing (local) and the peer's (remote) key+salt for role. Returns 0
 *  or DTLS13_ERR_INVALID_ARG / DTLS13_ERR_UNSUPPORTED. */
int d13_srtp_split_material(uint16_t profile, dtls13_role role, const uint8_t *material,
                            size_t material_len, d13_srtp_key_salt *local, d13_srtp_key_salt *remote);

#endif
