/* Fuzz target for the SFU example's room handlers (examples/sfu_room.c):
 * RTP and RTCP from several peers at once, peers becoming ready, ending,
 * leaving and arriving in between.
 *
 * Input (read with the bounds-checked reader):
 *   u8 room: peer count 2 + room % 3; bits 4..7 make sending to the
 *      peers in slots 0..3 of the target's list fail
 *   u8 per peer: see add_peer()
 *   then operations until the input ends, each an u8 op: peer op & 3
 *   (modulo the count), the clock advances by (op >> 5) * 50 ms, and
 *   (op >> 2) & 7 is
 *     0..2 RTP:  u16 length, the packet
 *     3    RTCP: u16 length, the packet
 *     4    RTCP about a slot: u8 aim, u16 length, the packet with the
 *          4 bytes at 8 + 4 * (aim >> 4) (8: a PLI's media SSRC, 12: a
 *          FIR's first entry) set to the SSRC the peer's answer announced
 *          on m-line aim & 15, which the input cannot know
 *     5    the peer is ready    6 it ended
 *     7    it leaves and another arrives: u8 as for a peer
 * Every packet is handed over in a heap buffer of exactly its length.
 *
 * Invariants: the room only sends to its peers, and only to ready ones;
 * forwarded RTP goes to others than the sender, keeps its length, still
 * parses and carries one of its receiver's announced SSRCs; all RTCP it
 * sends is a 12-byte PLI; the totals count every call and every send.
 * Nothing crashes or leaks.
 *
 * Seeds in corpus/sfu_room/: VP8 and Opus RTP between 2 to 4 peers (with
 * a header extension, CSRCs, padding), RTCP compounds with PLI and FIR
 * about a slot, arrivals and departures. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fuzz/fuzz_target.h"
#include "sfu/sfu_test_peers.h"
#include "sfu_forward.h"
#include "sfu_room.h"
#include "wire/reader.h"
#include "wire/writer.h"

#define MAX_FUZZ_PEERS 4u

/* The room under test and what it was seen doing. */
typedef struct fuzz_room {
    sfu_room *room;
    sfu_peer *peers[MAX_FUZZ_PEERS];
    size_t count;
    unsigned fail_mask;   /* sending to peers[i] fails when bit i is set */
    sfu_peer *sender;     /* of the RTP being handled, else NULL */
    size_t rtp_len;       /* its length */
    uint64_t rtp_sent, rtp_refused, rtcp_sent;
} fuzz_room;

/* Index of p in f->peers; aborts when it is not there. */
static size_t peer_index(const fuzz_room *f, const sfu_peer *p)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->peers[i] == p) return i;
    FUZZ_CHECK(!"the room sent to a peer it does not hold");
    return 0;
}

/* The room's send_media: checks what is sent, and refuses it for the
 * peers of fail_mask. */
static int check_send(void *user, sfu_peer *to, const uint8_t *packet, size_t len, bool rtcp)
{
    fuzz_room *f = user;
    size_t i = peer_index(f, to);
    FUZZ_CHECK(sfu_peer_is_ready(to));
    bool refuse = (f->fail_mask & (1u << i)) != 0;
    if (rtcp) {
        FUZZ_CHECK(len == SFU_RTCP_PLI_LEN && sfu_rtcp_wants_key_frame(packet, len));
        f->rtcp_sent += !refuse;
    } else {
        sfu_rtp_info info;
        FUZZ_CHECK(f->sender != NULL && to != f->sender && len == f->rtp_len);
        FUZZ_CHECK(sfu_rtp_parse(packet, len, &info) && sfu_test_is_slot_ssrc(to, info.ssrc));
        f->rtp_refused += refuse;
        f->rtp_sent += !refuse;
    }
    return refuse ? -1 : 0;
}

/* A peer for the config byte c: 1 + (c & 1) slots of each kind, VP8 at
 * 96 + ((c >> 1) & 1), Opus at 111 + ((c >> 2) & 1), a=setup:passive
 * when bit 3 is set (else actpass), ready at once unless bit 4 is set. */
static sfu_peer *add_peer(fuzz_room *f, uint8_t c, uint64_t now_ms)
{
    char *offer = sfu_test_offer((c & 8u) ? "passive" : "actpass", 96 + ((c >> 1) & 1), 111 + ((c >> 2) & 1),
                                 1 + (c & 1));
    sfu_answer_params params = {SFU_TEST_FINGERPRINT, SFU_TEST_CANDIDATE, 7};
    char error[256];
    bool fault;
    sfu_peer *p = sfu_room_add_peer(f->room, offer, strlen(offer), &params, now_ms, error, sizeof(error), &fault);
    g_free(offer);
    FUZZ_CHECK(p != NULL);
    if (!(c & 16u)) sfu_room_peer_ready(f->room, p, now_ms);
    return p;
}

/* Reads a u16 length and that many bytes into a heap buffer of exactly
 * that size (*out; free it). False when the input ends first. */
static bool read_packet(d13_reader *r, uint8_t **out, size_t *len)
{
    uint16_t n;
    const uint8_t *bytes;
    if (!d13_read_u16(r, &n) || !d13_read_bytes(r, n, &bytes)) return false;
    *out = malloc(n ? n : 1);
    FUZZ_CHECK(*out != NULL);
    memcpy(*out, bytes, n);
    *len = n;
    return true;
}

/* Sets the 4 bytes at 8 + 4 * (aim >> 4) of packet (when it has them) to
 * the SSRC announced on m-line aim & 15 (modulo the m-line count) of p's
 * answer. */
static void aim_at_slot(const sfu_peer *p, uint8_t aim, uint8_t *packet, size_t len)
{
    const dtls13_sdp_answer *a = sfu_peer_answer(p);
    d13_writer w;
    d13_writer_init(&w, packet, len);
    (void)d13_write_reserve(&w, 8 + 4u * (aim >> 4));
    (void)d13_write_u32(&w, a->media[(aim & 15u) % a->media_count].ssrc);
}

/* Runs one operation on peer i; false when the input ended. */
static bool run_op(fuzz_room *f, d13_reader *r, unsigned action, size_t i, uint64_t now_ms, uint64_t *rtp_calls,
                   uint64_t *rtcp_calls)
{
    sfu_peer *p = f->peers[i];
    uint8_t *packet = NULL, aim = 0, c;
    size_t len = 0;
    if (action <= 4) {
        if ((action == 4 && !d13_read_u8(r, &aim)) || !read_packet(r, &packet, &len)) return false;
        if (action == 4) aim_at_slot(p, aim, packet, len);
        if (action <= 2) {
            f->sender = p;
            f->rtp_len = len;
            sfu_room_handle_rtp(f->room, p, packet, len, now_ms);
            f->sender = NULL;
            (*rtp_calls)++;
        } else {
            sfu_room_handle_rtcp(f->room, p, packet, len, now_ms);
            (*rtcp_calls)++;
        }
        free(packet);
    } else if (action == 5) {
        sfu_room_peer_ready(f->room, p, now_ms);
    } else if (action == 6) {
        sfu_room_peer_ended(f->room, p, now_ms);
    } else {
        if (!d13_read_u8(r, &c)) return false;
        sfu_room_remove_peer(f->room, p);
        f->peers[i] = add_peer(f, c, now_ms);
        /* The room keeps peers in order of arrival: the newcomer is last. */
        FUZZ_CHECK(sfu_room_peer_at(f->room, f->count - 1) == f->peers[i]);
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    d13_reader r;
    d13_reader_init(&r, data, size);
    uint8_t room_byte, c, op;
    if (!d13_read_u8(&r, &room_byte)) return 0;
    fuzz_room f = {0};
    sfu_room_callbacks cb = {check_send, &f};
    f.room = sfu_room_new(&cb);
    FUZZ_CHECK(f.room != NULL);
    f.fail_mask = room_byte >> 4;
    size_t want = 2 + room_byte % 3u;
    uint64_t now_ms = 1000, rtp_calls = 0, rtcp_calls = 0;
    while (f.count < want && d13_read_u8(&r, &c)) f.peers[f.count++] = add_peer(&f, c, now_ms);
    while (f.count == want && d13_read_u8(&r, &op)) {
        now_ms += (uint64_t)(op >> 5) * 50u;
        if (!run_op(&f, &r, (op >> 2) & 7u, (op & 3u) % f.count, now_ms, &rtp_calls, &rtcp_calls)) break;
    }
    FUZZ_CHECK(sfu_room_peer_count(f.room) == f.count);
    sfu_room_totals t;
    sfu_room_get_totals(f.room, &t);
    FUZZ_CHECK(t.rtp_in == rtp_calls && t.rtcp_in == rtcp_calls);
    FUZZ_CHECK(t.rtp_forwarded == f.rtp_sent && t.forward_failures == f.rtp_refused);
    FUZZ_CHECK(t.pli_sent == f.rtcp_sent);
    FUZZ_CHECK(t.peers_added == t.peers_removed + f.count);
    sfu_room_free(f.room);
    return 0;
}
