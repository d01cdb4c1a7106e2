/* libdtls13 - demultiplexing of one UDP 5-tuple shared by STUN, ZRTP,
 * DTLS, TURN channels and SRTP/SRTCP (RFC 7983 as updated by RFC 9443).
 *
 * The first byte of a datagram decides its protocol:
 *
 *     0 -   3  STUN
 *     4 -  15  (reserved)                 dropped
 *    16 -  19  ZRTP
 *    20 -  63  DTLS (20-25 DTLSPlaintext content types, 32-63 the DTLS 1.3
 *              unified header, RFC 9147 4)
 *    64 -  79  TURN channel data (RFC 9443)
 *    80 - 127  (reserved)                 dropped
 *   128 - 191  RTP or RTCP (RTP version 2)
 *   192 - 255  (reserved)                 dropped
 *
 * Within 128-191, the second byte (marker bit + payload type) splits RTP
 * from RTCP when both share the port (rtcp-mux, RFC 5761 4): values
 * 192-223 are RTCP (the RTCP packet type range, e.g. SR 200, RR 201; RTP
 * payload types 64-95 are not used with rtcp-mux so that, marker bit set,
 * they cannot collide with it), everything else RTP. A datagram in that range shorter than two
 * bytes cannot be split and is dropped. An empty datagram is dropped.
 *
 * Classification looks at the first one or two bytes only; the protocol
 * handler that receives the datagram validates the rest. The functions are
 * pure (no state besides the caller's counters) and thread-safe. */
#ifndef DTLS13_DEMUX_H
#define DTLS13_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a datagram on the shared 5-tuple carries. */
typedef enum dtls13_demux_kind {
    DTLS13_DEMUX_DROP = 0,         /**< reserved first byte, empty or too short: drop it */
    DTLS13_DEMUX_STUN = 1,         /**< first byte 0-3 */
    DTLS13_DEMUX_ZRTP = 2,         /**< first byte 16-19 */
    DTLS13_DEMUX_DTLS = 3,         /**< first byte 20-63 */
    DTLS13_DEMUX_TURN_CHANNEL = 4, /**< first byte 64-79 */
    DTLS13_DEMUX_RTP = 5,          /**< first byte 128-191, second byte not 192-223 */
    DTLS13_DEMUX_RTCP = 6,         /**< first byte 128-191, second byte 192-223 */
} dtls13_demux_kind;

/** Number of dtls13_demux_kind values (for arrays indexed by kind). */
#define DTLS13_DEMUX_KIND_COUNT 7

/** Datagram counts per kind; zero-initialize it (or call
 *  dtls13_demux_counters_reset()) before the first use. Not synchronized:
 *  one set of counters per receiving thread. */
typedef struct dtls13_demux_counters {
    uint64_t stun;
    uint64_t zrtp;
    uint64_t dtls;
    uint64_t turn_channel;
    uint64_t rtp;
    uint64_t rtcp;
    uint64_t dropped; /**< reserved first byte, empty, or RTP range with < 2 bytes */
} dtls13_demux_counters;

/** Classifies one datagram of len bytes (packet may be NULL when len is 0).
 *  Never reads past packet[1]. */
dtls13_demux_kind dtls13_demux_classify(const uint8_t *packet, size_t len);

/** Classifies one datagram like dtls13_demux_classify() and increments the
 *  matching counter in *counters (which may be NULL: then it only classifies). */
dtls13_demux_kind dtls13_demux_classify_count(dtls13_demux_counters *counters, const uint8_t *packet,
                                              size_t len);

/** Sets every counter to zero. NULL is ignored. */
void dtls13_demux_counters_reset(dtls13_demux_counters *counters);

/** The count for one kind in *counters (DTLS13_DEMUX_DROP gives dropped);
 *  0 for NULL counters or an unknown kind. */
uint64_t dtls13_demux_counter(const dtls13_demux_counters *counters, dtls13_demux_kind kind);

/** Short lowercase name of a kind ("stun", "zrtp", "dtls", "turn-channel",
 *  "rtp", "rtcp", "drop"), or "unknown". Never NULL. */
const char *dtls13_demux_kind_name(dtls13_demux_kind kind);

#ifdef __cplusplus
}
#endif
#endif
