/* Helpers for the DTLS-SRTP tests: handshakes with a given SRTP profile
 * and synthetic RTP/RTCP packets. */
#ifndef D13_SRTP_TEST_UTIL_H
#define D13_SRTP_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "conn_pair.h"

/** Two connected engines and the configs they use. */
typedef struct srtp_pair {
    conn_pair *link;
    dtls13_conn *client; /* link->client */
    dtls13_conn *server; /* link->server */
    dtls13_config *client_cfg, *server_cfg;
} srtp_pair;

/** A connected pair that negotiated profile (the client offering mki,
 *  which may be NULL), or NULL. Free with srtp_pair_free(). */
srtp_pair *srtp_pair_new(uint16_t profile, const uint8_t *mki, size_t mki_len);
/** Frees the pair and its two configs. NULL is ignored. */
void srtp_pair_free(srtp_pair *p);

/** Writes an RTP packet (version 2, payload type 96) with payload_len
 *  bytes of a pattern derived from seq into buf; returns its length. */
size_t make_rtp(uint8_t *buf, size_t cap, uint32_t ssrc, uint16_t seq, uint32_t ts, size_t payload_len);
/** Writes a 28-byte RTCP sender report from ssrc; returns its length. */
size_t make_rtcp_sr(uint8_t *buf, size_t cap, uint32_t ssrc, uint32_t packet_count);

#endif
