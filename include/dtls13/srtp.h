/* libdtls13 - SRTP keyed by a DTLS 1.3 handshake (DTLS-SRTP, RFC 5764),
 * on top of libsrtp2.
 *
 * A dtls13_srtp session is built from a connected dtls13_conn that
 * negotiated use_srtp: the profile comes from dtls13_conn_srtp_profile(),
 * the keys from the exporter with the label "EXTRACTOR-dtls_srtp" and no
 * context, laid out as RFC 5764 4.2 says:
 *
 *     client_write_SRTP_master_key | server_write_SRTP_master_key |
 *     client_write_SRTP_master_salt | server_write_SRTP_master_salt
 *
 * with key/salt lengths per profile: SRTP_AES128_CM_SHA1_80 and _32 16/14,
 * SRTP_AEAD_AES_128_GCM 16/12, SRTP_AEAD_AES_256_GCM 32/12 (RFC 7714).
 * Outgoing packets use our role's key and salt, incoming ones the peer's.
 * Any SSRC is accepted in both directions (libsrtp2 ssrc_any_outbound /
 * ssrc_any_inbound), so new streams need no set-up. RTP and RTCP share
 * the session (rtcp-mux); dtls13_demux_classify() tells them apart.
 *
 * Packets are protected and unprotected in place in the caller's buffer;
 * no allocation happens per packet (libsrtp2 allocates once per new SSRC).
 * Authentication failures and replays are counted and reported, never
 * fatal: the session stays usable.
 *
 * libsrtp2 keeps process-global state (its crypto kernel) that
 * srtp_init() sets up. This module calls srtp_init() exactly once per
 * process, thread-safely (pthread_once), the first time a session is
 * created or dtls13_srtp_library_init() is called, and never calls
 * srtp_shutdown(). Code that uses libsrtp2 directly in the same process
 * may call srtp_init() itself too; libsrtp2 tolerates repeated calls.
 *
 * A session is not synchronized: calls on one session must not run
 * concurrently. Different sessions are independent. */
#ifndef DTLS13_SRTP_H
#define DTLS13_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/conn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtls13_srtp dtls13_srtp;

/** Largest MKI this module accepts (libsrtp2's SRTP_MAX_MKI_LEN). */
#define DTLS13_SRTP_MAX_MKI_LEN 128
/** Largest master key / salt of the supported profiles. */
#define DTLS13_SRTP_MAX_KEY_LEN 32
#define DTLS13_SRTP_MAX_SALT_LEN 14
/** Bytes protection may add to any packet: a 16-byte tag, the 4-byte SRTCP
 *  index and the MKI. dtls13_srtp_overhead() gives the exact value. */
#define DTLS13_SRTP_MAX_OVERHEAD (16 + 4 + DTLS13_SRTP_MAX_MKI_LEN)

/* Results of the protect/unprotect functions besides 0 and the negative
 * dtls13_err codes (they lie outside that range). */
/** The packet failed authentication (wrong key, corrupted, forged). */
#define DTLS13_SRTP_ERR_AUTH (-64)
/** The packet was already received, or is older than the replay window
 *  (or, when protecting, that sequence number was already sent). */
#define DTLS13_SRTP_ERR_REPLAY (-65)
/** libsrtp2 rejected the packet for another reason: too short, a bad
 *  header, an unknown MKI. */
#define DTLS13_SRTP_ERR_PACKET (-66)

/** Counters of one session; they survive dtls13_srtp_rekey(). Byte counts
 *  are of the clear RTP/RTCP packets (header included, before protection
 *  or after unprotection). */
typedef struct dtls13_srtp_stats {
    uint64_t rtp_protected;      /**< RTP packets protected */
    uint64_t rtcp_protected;     /**< RTCP packets protected */
    uint64_t bytes_protected;    /**< clear bytes of the packets protected */
    uint64_t rtp_unprotected;    /**< RTP packets authenticated and decrypted */
    uint64_t rtcp_unprotected;   /**< RTCP packets authenticated and decrypted */
    uint64_t bytes_unprotected;  /**< clear bytes of the packets unprotected */
    uint64_t auth_failures;      /**< incoming packets that failed authentication */
    uint64_t replays;            /**< incoming packets replayed or too old */
    uint64_t bad_packets;        /**< incoming packets rejected otherwise (DTLS13_SRTP_ERR_PACKET) */
    uint64_t protect_failures;   /**< outgoing packets libsrtp2 refused to protect */
    uint64_t rekeys;             /**< successful dtls13_srtp_rekey() calls */
} dtls13_srtp_stats;

/** Initializes libsrtp2 once per process (pthread_once); safe to call
 *  from several threads and any number of times. dtls13_srtp_new() calls
 *  it. Returns 0, or DTLS13_ERR_CRYPTO when srtp_init() failed (the
 *  failure is remembered: later calls return it too). */
int dtls13_srtp_library_init(void);

/** Master key length in bytes of a DTLS-SRTP profile (DTLS13_SRTP_...),
 *  or 0 when the profile is not supported. */
size_t dtls13_srtp_key_length(uint16_t profile);

/** Master salt length in bytes of a DTLS-SRTP profile, or 0 when the
 *  profile is not supported. */
size_t dtls13_srtp_salt_length(uint16_t profile);

/** Bytes of keying material a profile needs: 2 x (key + salt), or 0. */
size_t dtls13_srtp_material_length(uint16_t profile);

/** Creates a session from a connected conn that negotiated use_srtp, with
 *  the role, profile, MKI and exported keys of that conn. On success *out
 *  receives the session and 0 is returned; otherwise *out is NULL and the
 *  result is DTLS13_ERR_INVALID_ARG (NULL argument, MKI longer than
 *  DTLS13_SRTP_MAX_MKI_LEN), DTLS13_ERR_BAD_STATE (handshake not complete),
 *  DTLS13_ERR_UNSUPPORTED (no or an unsupported profile negotiated),
 *  DTLS13_ERR_NO_MEMORY or DTLS13_ERR_CRYPTO (libsrtp2 failed). The conn
 *  is only read; it may be freed right after. */
int dtls13_srtp_new(const dtls13_conn *conn, dtls13_srtp **out);

/** Creates a session from explicit keying material in the RFC 5764 4.2
 *  layout (material_len must be dtls13_srtp_material_length(profile)),
 *  for role (which picks the outgoing half) and an optional MKI (mki may
 *  be NULL when mki_len is 0). For callers that export the keys
 *  themselves, tests and benchmarks. Results as dtls13_srtp_new(). The
 *  material is copied into libsrtp2 and not kept by this module. */
int dtls13_srtp_new_from_material(uint16_t profile, dtls13_role role, const uint8_t *material,
                                  size_t material_len, const uint8_t *mki, size_t mki_len,
                                  dtls13_srtp **out);

/** Frees the session; its keys are zeroized (libsrtp2 wipes its own
 *  copies in srtp_dealloc()). NULL is ignored. */
void dtls13_srtp_free(dtls13_srtp *srtp);

/** Replaces the keys with those of a new handshake on the same path (a
 *  new connected conn; its profile, role and MKI may differ from the old
 *  one). Counters are kept and rekeys is incremented; replay windows and
 *  per-SSRC state start afresh. Packets under the old keys fail
 *  authentication afterwards. On failure (same results as
 *  dtls13_srtp_new()) the old keys stay in place. */
int dtls13_srtp_rekey(dtls13_srtp *srtp, const dtls13_conn *conn);

/** As dtls13_srtp_rekey(), from explicit keying material (see
 *  dtls13_srtp_new_from_material()). */
int dtls13_srtp_rekey_from_material(dtls13_srtp *srtp, uint16_t profile, dtls13_role role,
                                    const uint8_t *material, size_t material_len, const uint8_t *mki,
                                    size_t mki_len);

/** The session's SRTP profile (DTLS13_SRTP_...); 0 for NULL. */
uint16_t dtls13_srtp_profile(const dtls13_srtp *srtp);

/** The session's DTLS role (which half of the keys it sends with);
 *  DTLS13_ROLE_CLIENT for NULL. */
dtls13_role dtls13_srtp_role(const dtls13_srtp *srtp);

/** Exact number of bytes protecting one RTP (rtcp false) or RTCP (rtcp
 *  true) packet adds with the current keys: the authentication tag, the
 *  MKI and, for RTCP, the 4-byte SRTCP index. At most
 *  DTLS13_SRTP_MAX_OVERHEAD, which is also the value for NULL. */
size_t dtls13_srtp_overhead(const dtls13_srtp *srtp, bool rtcp);

/** Protects the RTP packet packet[0..len) in place. cap is the size of the
 *  buffer, which must be at least len + dtls13_srtp_overhead(srtp, false).
 *  On success returns 0 and *out_len receives the SRTP packet length.
 *  Errors: DTLS13_ERR_INVALID_ARG (NULL, len > INT_MAX),
 *  DTLS13_ERR_BUFFER_TOO_SMALL, DTLS13_SRTP_ERR_REPLAY (this SSRC and
 *  sequence number were already protected), DTLS13_SRTP_ERR_PACKET (not
 *  an RTP packet libsrtp2 accepts). The buffer is unspecified after an
 *  error. */
int dtls13_srtp_protect_rtp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t cap, size_t *out_len);

/** Protects the RTCP packet packet[0..len) in place; as
 *  dtls13_srtp_protect_rtp() with dtls13_srtp_overhead(srtp, true). */
int dtls13_srtp_protect_rtcp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t cap, size_t *out_len);

/** Authenticates and decrypts the SRTP packet packet[0..len) in place. On
 *  success returns 0 and *out_len receives the RTP packet length (shorter
 *  than len). Otherwise the packet must be dropped; the result is
 *  DTLS13_SRTP_ERR_AUTH (counted in auth_failures),
 *  DTLS13_SRTP_ERR_REPLAY (counted in replays), DTLS13_SRTP_ERR_PACKET
 *  (counted in bad_packets) or DTLS13_ERR_INVALID_ARG. None of these
 *  affects later packets. The buffer is unspecified after an error. */
int dtls13_srtp_unprotect_rtp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t *out_len);

/** Authenticates and decrypts the SRTCP packet packet[0..len) in place;
 *  as dtls13_srtp_unprotect_rtp(). */
int dtls13_srtp_unprotect_rtcp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t *out_len);

/** Copies the counters (all zero for a NULL session; NULL out is ignored). */
void dtls13_srtp_get_stats(const dtls13_srtp *srtp, dtls13_srtp_stats *out);

/** Description of a result of this module: the DTLS13_SRTP_ERR_ codes,
 *  else dtls13_strerror(err). Never NULL. */
const char *dtls13_srtp_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
