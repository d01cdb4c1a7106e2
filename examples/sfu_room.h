/* The SFU example's room: its peers (one per browser: the offer, our
 * answer, ICE credentials, the addresses its connectivity checks came
 * from) and the forwarding between them. No sockets, no DTLS: the caller
 * says when a peer's SRTP keys are ready or gone, hands in each decrypted
 * RTP/RTCP packet, and gets packets to protect and send through a
 * callback.
 *
 * Forwarding. A peer's answer announces, per accepted m-line we send on,
 * one SSRC (dtls13_sdp_answer_media.ssrc). Those m-lines are the peer's
 * receive slots. Each other peer's stream (one audio, one video: its
 * source, keyed by peer and kind) is given one slot of the same kind in
 * every receiver the first time one of its packets is forwarded there;
 * the packet goes out with the SSRC of that slot and the receiver's
 * payload type for the same codec (by name and clock rate). A browser
 * that offers N video m-lines therefore sees up to N other cameras
 * without any renegotiation. When a peer's keys become ready it is a new
 * receiver: every video source in the room gets a PLI (RFC 4585 6.3.1)
 * so that the first forwarded frame is a key frame; a PLI or FIR a
 * receiver sends about one of its slots is relayed as a PLI to that
 * slot's sender, at most once per SFU_ROOM_PLI_INTERVAL_MS per source.
 * Other RTCP is consumed, not forwarded. All functions run on one
 * thread. */
#ifndef D13_EXAMPLES_SFU_ROOM_H
#define D13_EXAMPLES_SFU_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dtls13/sdp.h"
#include "sfu_ice_lite.h"

/** Most peers in a room. */
#define SFU_ROOM_MAX_PEERS 16u
/** Transport addresses remembered per peer (one per candidate pair it checked). */
#define SFU_PEER_MAX_ADDRESSES 8u
/** Relayed key-frame requests per source at most this often. */
#define SFU_ROOM_PLI_INTERVAL_MS 200u
/** Longest RTP/RTCP packet forwarded (clear text). */
#define SFU_ROOM_MAX_PACKET 4096u
/** Length of a peer identifier, without its NUL. */
#define SFU_PEER_ID_LEN 16u

typedef struct sfu_room sfu_room;
typedef struct sfu_peer sfu_peer;

/** The application's side of a room. */
typedef struct sfu_room_callbacks {
    /** Protects and sends packet[0..len) (RTP, or RTCP when rtcp) to peer
     *  to; the buffer is the room's and is reused after the call. Returns
     *  0, or negative when it could not be sent (counted). Required. */
    int (*send_media)(void *user, sfu_peer *to, const uint8_t *packet, size_t len, bool rtcp);
    void *user;
} sfu_room_callbacks;

/** What every answer says about us. */
typedef struct sfu_answer_params {
    const char *fingerprint; /**< our certificate, "sha-256 AB:..." */
    const char *candidate;   /**< our one host candidate, "candidate:1 1 udp ... typ host" */
    uint64_t session_id;     /**< o= sess-id */
} sfu_answer_params;

/** Totals of a room (sfu_room_get_totals), over every peer it held. */
typedef struct sfu_room_totals {
    uint64_t peers_added, peers_removed;
    uint64_t rtp_in;            /**< RTP packets handed to sfu_room_handle_rtp() */
    uint64_t rtcp_in;           /**< RTCP packets handed to sfu_room_handle_rtcp() */
    uint64_t rtp_forwarded;     /**< RTP packets sent to receivers (one per receiver) */
    uint64_t forward_failures;  /**< send_media refused a forwarded packet */
    uint64_t rtp_unroutable;    /**< not RTP, or a payload type of no accepted m-line */
    uint64_t no_free_slot;      /**< a receiver had no free slot of the kind left */
    uint64_t no_codec;          /**< a receiver's slot has no payload type for the codec */
    uint64_t keyframe_requests; /**< PLI/FIR from receivers about one of their slots */
    uint64_t pli_sent;          /**< PLIs sent to senders */
} sfu_room_totals;

/** Creates an empty room; NULL when out of memory or without send_media. */
sfu_room *sfu_room_new(const sfu_room_callbacks *cb);

/** Frees the room and every peer in it. NULL is ignored. */
void sfu_room_free(sfu_room *room);

/** Adds a peer for the offer text[0..len): parses it, makes new ICE
 *  credentials and answers it with a=ice-lite, our fingerprint and
 *  candidate, a=setup:passive unless the offer needs us active (offer
 *  a=setup:passive), sendrecv for sendrecv m-lines, Opus and VP8. Returns
 *  the peer, or NULL with the reason in error (a bad or unanswerable
 *  offer; *server_fault set when the room is full or out of memory). */
sfu_peer *sfu_room_add_peer(sfu_room *room, const char *text, size_t len, const sfu_answer_params *params,
                            uint64_t now_ms, char *error, size_t error_cap, bool *server_fault);

/** Removes the peer: its sources leave every receiver's slots, and the
 *  pointer is invalid afterwards. */
void sfu_room_remove_peer(sfu_room *room, sfu_peer *peer);

/** Number of peers. */
size_t sfu_room_peer_count(const sfu_room *room);

/** The i-th peer (0 <= i < sfu_room_peer_count()), in order of arrival. */
sfu_peer *sfu_room_peer_at(const sfu_room *room, size_t i);

/** The peer with identifier id, or NULL. */
sfu_peer *sfu_room_find(const sfu_room *room, const char *id);

/** An sfu_ice_lookup_fn over the room (user is the room): the peer whose
 *  local ufrag is ufrag[0..len), and its credentials. */
void *sfu_room_ice_lookup(void *user, const char *ufrag, size_t len, const sfu_ice_credentials **creds);

/** The peer one of whose authenticated connectivity checks came from
 *  addr (sfu_peer_add_address), or NULL. */
sfu_peer *sfu_room_peer_by_address(const sfu_room *room, const void *addr, size_t addr_len);

/** The peer's keys are ready (DTLS-SRTP handshake done): it receives from
 *  now on, and every video source in the room is asked for a key frame.
 *  now_ms is the caller's monotonic clock. */
void sfu_room_peer_ready(sfu_room *room, sfu_peer *peer, uint64_t now_ms);

/** The peer's association ended (closed, failed, freed): nothing is sent
 *  to it or forwarded from it, and its sources leave the others' slots. */
void sfu_room_peer_ended(sfu_room *room, sfu_peer *peer, uint64_t now_ms);

/** A decrypted RTP packet from sender: forwarded to every ready receiver. */
void sfu_room_handle_rtp(sfu_room *room, sfu_peer *sender, const uint8_t *packet, size_t len, uint64_t now_ms);

/** A decrypted RTCP compound packet from peer: key-frame requests about its
 *  slots are relayed to their senders; the rest is consumed. */
void sfu_room_handle_rtcp(sfu_room *room, sfu_peer *peer, const uint8_t *packet, size_t len, uint64_t now_ms);

/** Copies the room's totals. */
void sfu_room_get_totals(const sfu_room *room, sfu_room_totals *out);

/** Appends to s the peer's part of the stats JSON (fields without
 *  braces, each followed by ", "): id, ready, ended, addresses, sources
 *  and slots. s is a GString (declared void to keep glib out of this
 *  header). */
void sfu_peer_append_json(const sfu_peer *peer, void *gstring);

/** The peer's identifier (SFU_PEER_ID_LEN hex characters). */
const char *sfu_peer_id(const sfu_peer *peer);

/** The answer to the peer's offer. */
const dtls13_sdp_answer *sfu_peer_answer(const sfu_peer *peer);

/** The local ICE credentials of the peer (in its answer). */
const sfu_ice_credentials *sfu_peer_credentials(const sfu_peer *peer);

/** Records that an authenticated check of the peer came from addr
 *  (nominated: it carried USE-CANDIDATE). Returns true when addr is new
 *  for the peer. At most SFU_PEER_MAX_ADDRESSES are kept (the oldest
 *  unnominated one is replaced). */
bool sfu_peer_add_address(sfu_peer *peer, const void *addr, size_t addr_len, bool nominated);

/** The address of the peer's latest nominating check (or, without one, of
 *  its latest check), or NULL when none. */
const void *sfu_peer_selected_address(const sfu_peer *peer, size_t *len);

/** Application data attached to the peer (e.g. its DTLS association). */
void sfu_peer_set_link(sfu_peer *peer, void *link);
/** The pointer given to sfu_peer_set_link(), NULL initially. */
void *sfu_peer_link(const sfu_peer *peer);

/** Whether the peer is ready (sfu_room_peer_ready) and not ended. */
bool sfu_peer_is_ready(const sfu_peer *peer);
/** Whether sfu_room_peer_ended() was called; *since_ms receives when. */
bool sfu_peer_has_ended(const sfu_peer *peer, uint64_t *since_ms);
/** When the peer was added (the now_ms given to sfu_room_add_peer()). */
uint64_t sfu_peer_created_ms(const sfu_peer *peer);
/** RTP packets from the peer forwarded to others (all receivers). */
uint64_t sfu_peer_rtp_forwarded_from(const sfu_peer *peer);
/** RTP packets forwarded to the peer. */
uint64_t sfu_peer_rtp_forwarded_to(const sfu_peer *peer);

#endif
