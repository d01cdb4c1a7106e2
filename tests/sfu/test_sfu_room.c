/* The SFU example's room (examples/sfu_room.c) without sockets or DTLS:
 * offers are answered with a=ice-lite, our fingerprint and candidate and
 * the a=setup the offer allows; ICE ufrags and check addresses find their
 * peers; RTP from one peer reaches every other ready peer (and never the
 * sender or a peer not ready) with the SSRC that receiver's answer
 * announced on the slot its sender got and the receiver's own payload
 * type for the codec, the payload untouched; a new receiver makes every
 * video sender get a PLI; a receiver's PLI about a slot becomes a
 * rate-limited PLI to that slot's sender; full slots, unknown payload
 * types, send failures and ended peers are counted, and removing a peer
 * frees its slots for the next sender. Seeded garbage, truncations and
 * bit flips are survived with every forwarded packet still well-formed. */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "sfu_forward.h"
#include "sfu_room.h"
#include "sfu_test_peers.h"
#include "test.h"

/* What the room sent. */
typedef struct sent {
    sfu_peer *to;
    bool rtcp;
    size_t len;
    uint8_t data[256];
} sent;

typedef struct recorder {
    sent items[64];
    size_t count;
    bool fail;
} recorder;

static int record_send(void *user, sfu_peer *to, const uint8_t *packet, size_t len, bool rtcp)
{
    recorder *r = user;
    if (r->fail) return -1;
    if (r->count < 64 && len <= sizeof(r->items[0].data)) {
        sent *s = &r->items[r->count++];
        s->to = to;
        s->rtcp = rtcp;
        s->len = len;
        memcpy(s->data, packet, len);
    }
    return 0;
}

static sfu_peer *add(d13_test_state *t, sfu_room *room, const char *setup, int video_pt, int audio_pt, int slots)
{
    char *offer = sfu_test_offer(setup, video_pt, audio_pt, slots);
    sfu_answer_params params = {SFU_TEST_FINGERPRINT, SFU_TEST_CANDIDATE, 7};
    char error[256] = "";
    bool fault = true;
    sfu_peer *p = sfu_room_add_peer(room, offer, strlen(offer), &params, 1000, error, sizeof(error), &fault);
    if (!p) fprintf(stderr, "add_peer: %s\n", error);
    CHECK(p != NULL);
    CHECK(!fault);
    g_free(offer);
    return p;
}

static size_t write_rtp(uint8_t *out, uint8_t pt, uint32_t ssrc, uint16_t seq)
{
    static const uint8_t payload[] = {0x90, 0x80, 0x12, 'f', 'r', 'a', 'm', 'e'};
    out[0] = 0x80;
    out[1] = pt;
    out[2] = (uint8_t)(seq >> 8);
    out[3] = (uint8_t)seq;
    memset(out + 4, 0, 4);
    out[8] = (uint8_t)(ssrc >> 24);
    out[9] = (uint8_t)(ssrc >> 16);
    out[10] = (uint8_t)(ssrc >> 8);
    out[11] = (uint8_t)ssrc;
    memcpy(out + 12, payload, sizeof(payload));
    return 12 + sizeof(payload);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t slot_ssrc(const sfu_peer *p, size_t mline)
{
    return sfu_peer_answer(p)->media[mline].ssrc;
}

/* The packets of one kind sent to `to` since index `from`. */
static size_t count_to(const recorder *r, size_t from, const sfu_peer *to, bool rtcp)
{
    size_t n = 0;
    for (size_t i = from; i < r->count; i++) n += r->items[i].to == to && r->items[i].rtcp == rtcp;
    return n;
}

static const sent *find_to(const recorder *r, size_t from, const sfu_peer *to, bool rtcp)
{
    for (size_t i = from; i < r->count; i++)
        if (r->items[i].to == to && r->items[i].rtcp == rtcp) return &r->items[i];
    return NULL;
}

static void test_answers(d13_test_state *t)
{
    recorder rec = {0};
    sfu_room_callbacks cb = {record_send, &rec};
    sfu_room *room = sfu_room_new(&cb);
    CHECK(room != NULL);
    sfu_room_callbacks none = {NULL, NULL};
    CHECK(sfu_room_new(&none) == NULL);

    sfu_peer *a = add(t, room, "actpass", 96, 111, 2);
    sfu_peer *b = add(t, room, "passive", 96, 111, 2);
    CHECK(a && b);
    if (!a || !b) {
        sfu_room_free(room);
        return;
    }
    const dtls13_sdp_answer *ans = sfu_peer_answer(a);
    CHECK(strstr(ans->text, "a=ice-lite\r\n") != NULL);
    CHECK(strstr(ans->text, "a=fingerprint:" SFU_TEST_FINGERPRINT) != NULL);
    CHECK(strstr(ans->text, "a=" SFU_TEST_CANDIDATE) != NULL);
    CHECK(strstr(ans->text, "a=setup:passive") != NULL);
    CHECK(strstr(ans->text, sfu_peer_credentials(a)->ufrag) != NULL);
    CHECK_EQ(ans->dtls_role, DTLS13_ROLE_SERVER);
    CHECK_EQ(ans->media_count, 4);
    for (size_t i = 0; i < 4; i++) CHECK_EQ(ans->media[i].direction, DTLS13_SDP_SENDRECV);
    CHECK(strstr(sfu_peer_answer(b)->text, "a=setup:active") != NULL);
    CHECK_EQ(sfu_peer_answer(b)->dtls_role, DTLS13_ROLE_CLIENT);
    CHECK(strcmp(sfu_peer_id(a), sfu_peer_id(b)) != 0);
    CHECK_EQ(strlen(sfu_peer_id(a)), SFU_PEER_ID_LEN);
    CHECK(sfu_room_find(room, sfu_peer_id(b)) == b);
    CHECK(sfu_room_find(room, "nobody") == NULL);

    /* A bad offer and an unanswerable one are the browser's fault. */
    sfu_answer_params params = {SFU_TEST_FINGERPRINT, SFU_TEST_CANDIDATE, 7};
    char error[256] = "";
    bool fault = true;
    CHECK(sfu_room_add_peer(room, "v=1\r\n", 5, &params, 0, error, sizeof(error), &fault) == NULL);
    CHECK(!fault && strncmp(error, "bad offer", 9) == 0);
    char *holdconn = sfu_test_offer("holdconn", 96, 111, 1);
    fault = true;
    CHECK(sfu_room_add_peer(room, holdconn, strlen(holdconn), &params, 0, error, sizeof(error), &fault) == NULL);
    CHECK(!fault && strstr(error, "holdconn") != NULL);
    g_free(holdconn);
    CHECK_EQ(sfu_room_peer_count(room), 2);

    /* ICE: the local ufrag names the peer; check addresses find it. */
    const sfu_ice_credentials *creds = NULL;
    const char *ufrag = sfu_peer_credentials(b)->ufrag;
    CHECK(sfu_room_ice_lookup(room, ufrag, strlen(ufrag), &creds) == b);
    CHECK(creds == sfu_peer_credentials(b));
    CHECK(sfu_room_ice_lookup(room, ufrag, strlen(ufrag) - 1, &creds) == NULL);
    struct sockaddr_storage addr[SFU_PEER_MAX_ADDRESSES + 2];
    memset(addr, 0, sizeof(addr));
    for (size_t i = 0; i < SFU_PEER_MAX_ADDRESSES + 2; i++) ((uint8_t *)&addr[i])[4] = (uint8_t)(i + 1);
    size_t len = 0;
    CHECK(sfu_peer_selected_address(b, &len) == NULL);
    CHECK(sfu_peer_add_address(b, &addr[0], 16, false));
    CHECK(sfu_peer_add_address(b, &addr[1], 16, true));
    CHECK(!sfu_peer_add_address(b, &addr[0], 16, false)); /* known */
    CHECK(sfu_room_peer_by_address(room, &addr[0], 16) == b);
    CHECK(sfu_room_peer_by_address(room, &addr[0], 15) == NULL);
    CHECK(sfu_room_peer_by_address(room, &addr[5], 16) == NULL);
    const void *sel = sfu_peer_selected_address(b, &len);
    CHECK(sel != NULL && len == 16 && memcmp(sel, &addr[1], 16) == 0); /* the nominated one */
    /* A full address list keeps the nominated address. */
    for (size_t i = 2; i < SFU_PEER_MAX_ADDRESSES + 2; i++) CHECK(sfu_peer_add_address(b, &addr[i], 16, false));
    CHECK(sfu_room_peer_by_address(room, &addr[1], 16) == b);
    CHECK(sfu_room_peer_by_address(room, &addr[SFU_PEER_MAX_ADDRESSES + 1], 16) == b);
    /* An ended peer is found by neither. */
    sfu_room_peer_ended(room, b, 2000);
    CHECK(sfu_room_ice_lookup(room, ufrag, strlen(ufrag), &creds) == NULL);
    CHECK(sfu_room_peer_by_address(room, &addr[1], 16) == NULL);
    uint64_t since = 0;
    CHECK(sfu_peer_has_ended(b, &since) && since == 2000);
    CHECK_EQ(rec.count, 0);

    /* The room holds at most SFU_ROOM_MAX_PEERS: then it is the server's fault. */
    while (sfu_room_peer_count(room) < SFU_ROOM_MAX_PEERS) add(t, room, "actpass", 96, 111, 1);
    char *offer = sfu_test_offer("actpass", 96, 111, 1);
    fault = false;
    CHECK(sfu_room_add_peer(room, offer, strlen(offer), &params, 0, error, sizeof(error), &fault) == NULL);
    CHECK(fault);
    g_free(offer);
    sfu_room_free(room);
}

static void test_forwarding(d13_test_state *t)
{
    recorder rec = {0};
    sfu_room_callbacks cb = {record_send, &rec};
    sfu_room *room = sfu_room_new(&cb);
    sfu_peer *a = add(t, room, "actpass", 96, 111, 2);
    sfu_peer *b = add(t, room, "actpass", 96, 111, 2);
    sfu_peer *c = add(t, room, "actpass", 98, 109, 2); /* other payload type numbers */
    if (!a || !b || !c) {
        sfu_room_free(room);
        return;
    }
    uint8_t pkt[64];
    size_t n;
    sfu_room_peer_ready(room, a, 1000);
    sfu_room_peer_ready(room, b, 1000);
    CHECK_EQ(rec.count, 0); /* nobody sends yet: no PLI */

    /* A's video reaches B (not A, not C who is not ready) on B's first
     * video slot; B's fresh slot asks A for a key frame. */
    n = write_rtp(pkt, 96, 0x1111u, 1);
    sfu_room_handle_rtp(room, a, pkt, n, 1000);
    CHECK_EQ(count_to(&rec, 0, b, false), 1);
    CHECK_EQ(count_to(&rec, 0, a, false), 0);
    CHECK_EQ(count_to(&rec, 0, c, false), 0);
    const sent *s = find_to(&rec, 0, b, false);
    CHECK(s && s->len == n && get32(s->data + 8) == slot_ssrc(b, 0) && s->data[1] == 96);
    CHECK(s && memcmp(s->data + 12, pkt + 12, n - 12) == 0 && memcmp(s->data, pkt, 4) == 0);
    const sent *pli = find_to(&rec, 0, a, true);
    CHECK(pli && pli->len == SFU_RTCP_PLI_LEN && sfu_rtcp_wants_key_frame(pli->data, pli->len));
    CHECK(pli && get32(pli->data + 4) == slot_ssrc(a, 0) && get32(pli->data + 8) == 0x1111u);

    /* C joins: A (the only video sender) gets a PLI at once; A's next
     * packet reaches C with C's payload type 98, the marker bit kept. */
    size_t mark = rec.count;
    sfu_room_peer_ready(room, c, 1010);
    CHECK_EQ(count_to(&rec, mark, a, true), 1);
    CHECK_EQ(rec.count - mark, 1);
    mark = rec.count;
    n = write_rtp(pkt, 0x80 | 96, 0x1111u, 2);
    sfu_room_handle_rtp(room, a, pkt, n, 1020);
    s = find_to(&rec, mark, c, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(c, 0) && s->data[1] == (0x80 | 98));
    s = find_to(&rec, mark, b, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(b, 0) && s->data[1] == (0x80 | 96));

    /* B's video: A's first video slot, C's second (A holds C's first). */
    mark = rec.count;
    n = write_rtp(pkt, 96, 0x2222u, 1);
    sfu_room_handle_rtp(room, b, pkt, n, 1030);
    s = find_to(&rec, mark, a, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(a, 0));
    s = find_to(&rec, mark, c, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(c, 1));
    CHECK(slot_ssrc(c, 0) != slot_ssrc(c, 1));

    /* Audio goes to the audio slots (m-lines 2 and 3), opus 111 -> 109 at C. */
    mark = rec.count;
    n = write_rtp(pkt, 111, 0x3333u, 1);
    sfu_room_handle_rtp(room, a, pkt, n, 1040);
    s = find_to(&rec, mark, b, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(b, 2) && s->data[1] == 111);
    s = find_to(&rec, mark, c, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(c, 2) && s->data[1] == 109);
    CHECK_EQ(count_to(&rec, mark, a, true), 0); /* no PLI for audio */

    /* C's PLI about its second slot (B's video) becomes a PLI to B about
     * B's own SSRC (not within 200 ms of the last PLI B got); a second
     * one within 200 ms does not, a later one does;
     * a PLI about an SSRC that is no slot of C's asks nobody. */
    uint8_t req[SFU_RTCP_PLI_LEN];
    sfu_rtcp_write_pli(req, 0xC0C0u, slot_ssrc(c, 1));
    mark = rec.count;
    sfu_room_handle_rtcp(room, c, req, sizeof(req), 1030 + SFU_ROOM_PLI_INTERVAL_MS - 1);
    CHECK_EQ(rec.count, mark); /* B was asked at 1030, when its slots were fresh */
    sfu_room_handle_rtcp(room, c, req, sizeof(req), 1300);
    pli = find_to(&rec, mark, b, true);
    CHECK(pli && get32(pli->data + 8) == 0x2222u);
    CHECK_EQ(rec.count - mark, 1);
    sfu_room_handle_rtcp(room, c, req, sizeof(req), 1300 + SFU_ROOM_PLI_INTERVAL_MS - 1);
    CHECK_EQ(rec.count - mark, 1);
    sfu_room_handle_rtcp(room, c, req, sizeof(req), 1300 + SFU_ROOM_PLI_INTERVAL_MS);
    CHECK_EQ(rec.count - mark, 2);
    sfu_rtcp_write_pli(req, 0xC0C0u, 0x12345678u);
    sfu_room_handle_rtcp(room, c, req, sizeof(req), 5000);
    CHECK_EQ(rec.count - mark, 2);

    sfu_room_totals tot;
    sfu_room_get_totals(room, &tot);
    CHECK_EQ(tot.rtp_in, 4);
    CHECK_EQ(tot.rtp_forwarded, 7);
    CHECK_EQ(tot.keyframe_requests, 4); /* the rate-limited one is counted too */
    CHECK_EQ(tot.rtcp_in, 5);
    CHECK_EQ(sfu_peer_rtp_forwarded_from(a), 5);
    CHECK_EQ(sfu_peer_rtp_forwarded_to(c), 3);

    /* D: C's two video slots are taken (A, B), so D's video is counted
     * and not sent there; once B leaves, D gets B's slot. */
    sfu_peer *d = add(t, room, "actpass", 96, 111, 2);
    if (!d) {
        sfu_room_free(room);
        return;
    }
    sfu_room_peer_ready(room, d, 2000);
    mark = rec.count;
    n = write_rtp(pkt, 96, 0x4444u, 1);
    sfu_room_handle_rtp(room, d, pkt, n, 2010);
    CHECK_EQ(count_to(&rec, mark, c, false), 0);
    CHECK_EQ(count_to(&rec, mark, a, false), 1);
    CHECK_EQ(count_to(&rec, mark, b, false), 1);
    sfu_room_get_totals(room, &tot);
    CHECK_EQ(tot.no_free_slot, 1);
    sfu_room_remove_peer(room, b);
    CHECK_EQ(sfu_room_peer_count(room), 3);
    mark = rec.count;
    sfu_room_handle_rtp(room, d, pkt, n, 2020);
    s = find_to(&rec, mark, c, false);
    CHECK(s && get32(s->data + 8) == slot_ssrc(c, 1));

    /* An ended peer gets nothing and its packets go nowhere. */
    sfu_room_peer_ended(room, a, 3000);
    CHECK(!sfu_peer_is_ready(a));
    mark = rec.count;
    sfu_room_handle_rtp(room, d, pkt, n, 3010);
    CHECK_EQ(count_to(&rec, mark, a, false), 0);
    CHECK_EQ(count_to(&rec, mark, c, false), 1);
    mark = rec.count;
    n = write_rtp(pkt, 96, 0x1111u, 9);
    sfu_room_handle_rtp(room, a, pkt, n, 3020);
    CHECK_EQ(rec.count, mark);

    /* Not RTP, an unknown payload type: unroutable. A refused send: counted. */
    sfu_room_get_totals(room, &tot);
    uint64_t unroutable = tot.rtp_unroutable;
    n = write_rtp(pkt, 100, 0x4444u, 2);
    sfu_room_handle_rtp(room, d, pkt, n, 3030);
    pkt[0] = 0x40;
    sfu_room_handle_rtp(room, d, pkt, n, 3030);
    sfu_room_handle_rtp(room, d, pkt, 5, 3030);
    sfu_room_get_totals(room, &tot);
    CHECK_EQ(tot.rtp_unroutable, unroutable + 3);
    rec.fail = true;
    n = write_rtp(pkt, 96, 0x4444u, 3);
    sfu_room_handle_rtp(room, d, pkt, n, 3040);
    sfu_room_get_totals(room, &tot);
    CHECK_EQ(tot.forward_failures, 1);
    rec.fail = false;

    /* The statistics name the slot's sender. */
    GString *json = g_string_new("{");
    sfu_peer_append_json(c, json);
    char want[96];
    snprintf(want, sizeof(want), "\"from\": \"%s\"", sfu_peer_id(d));
    CHECK(strstr(json->str, want) != NULL);
    CHECK(strstr(json->str, "\"ready\": true") != NULL);
    g_string_free(json, TRUE);
    sfu_room_free(room);
}

static uint32_t xorshift(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Mutated, truncated and random packets (a seeded loop, like a fuzz
 * target's corpus run): nothing crashes or reads out of bounds (ASan
 * builds), every forwarded packet keeps its length and carries one of its
 * receiver's announced SSRCs, every RTCP sent is a 12-byte PLI. */
static void test_garbage(d13_test_state *t)
{
    recorder rec = {0};
    sfu_room_callbacks cb = {record_send, &rec};
    sfu_room *room = sfu_room_new(&cb);
    sfu_peer *peers[3];
    for (int i = 0; i < 3; i++) {
        peers[i] = add(t, room, "actpass", 96 + i, 111, 2);
        if (!peers[i]) {
            sfu_room_free(room);
            return;
        }
        sfu_room_peer_ready(room, peers[i], 0);
    }
    uint32_t seed = 0x5eed1234u;
    uint8_t pkt[300];
    size_t rtp_calls = 0, bad = 0, forwarded = 0;
    for (int iter = 0; iter < 20000; iter++) {
        int from = (int)(xorshift(&seed) % 3);
        bool rtcp = xorshift(&seed) % 3 == 0;
        size_t n;
        if (rtcp) {
            sfu_rtcp_write_pli(pkt, 1, slot_ssrc(peers[from], xorshift(&seed) % 4));
            n = SFU_RTCP_PLI_LEN;
        } else {
            n = write_rtp(pkt, (uint8_t)(xorshift(&seed) % 2 ? 96 + from : 111), 0x1000u + (uint32_t)from, (uint16_t)iter);
        }
        uint32_t action = xorshift(&seed) % 4;
        if (action == 0) { /* flip bytes */
            for (int k = 0; k < 3; k++) pkt[xorshift(&seed) % n] ^= (uint8_t)xorshift(&seed);
        } else if (action == 1) { /* truncate */
            n = xorshift(&seed) % (n + 1);
        } else if (action == 2) { /* random bytes of random length */
            n = xorshift(&seed) % sizeof(pkt);
            for (size_t k = 0; k < n; k++) pkt[k] = (uint8_t)xorshift(&seed);
        }
        size_t mark = rec.count;
        if (rtcp) {
            sfu_room_handle_rtcp(room, peers[from], pkt, n, (uint64_t)iter * 10u);
        } else {
            sfu_room_handle_rtp(room, peers[from], pkt, n, (uint64_t)iter * 10u);
            rtp_calls++;
        }
        for (size_t i = mark; i < rec.count; i++) {
            const sent *s = &rec.items[i];
            if (s->rtcp)
                bad += !(s->len == SFU_RTCP_PLI_LEN && sfu_rtcp_wants_key_frame(s->data, s->len));
            else {
                forwarded++;
                bad += !(s->len == n && s->to != peers[from] && sfu_test_is_slot_ssrc(s->to, get32(s->data + 8)));
            }
        }
        rec.count = 0;
    }
    CHECK_EQ(bad, 0);
    CHECK(forwarded > 1000); /* the unmutated quarter does get through */
    sfu_room_totals tot;
    sfu_room_get_totals(room, &tot);
    CHECK_EQ(tot.rtp_in, rtp_calls);
    CHECK(tot.rtp_unroutable > 0 && tot.keyframe_requests > 0);
    sfu_room_free(room);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_answers);
    RUN_TEST(&st, test_forwarding);
    RUN_TEST(&st, test_garbage);
    TEST_MAIN_END(&st);
}
