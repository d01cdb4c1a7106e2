/* See sfu_room.h. */
#include "sfu_room.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "sfu_forward.h"
#include "whip_echo.h"

/** Source kinds: one stream of each per sender. */
enum { KIND_AUDIO = 0, KIND_VIDEO = 1, KIND_COUNT = 2 };
/** Most key-frame requests read from one RTCP packet. */
#define MAX_REQUESTS 8u

typedef struct sfu_source {
    bool active;       /* a packet of this kind was seen */
    uint32_t ssrc;     /* the sender's SSRC */
    size_t mline;      /* the sender's m-line its payload type belongs to */
    bool pli_ever;
    uint64_t last_pli_ms;
    uint64_t rtp_in, rtp_forwarded;
} sfu_source;

/* One receive slot of a peer: an m-line of its answer we send on. */
typedef struct sfu_slot {
    sfu_peer *from; /* the sender whose source fills it, or NULL */
    int kind;
    uint64_t rtp_out;
} sfu_slot;

typedef struct sfu_address {
    struct sockaddr_storage addr;
    size_t len;
    bool nominated;
    uint64_t order; /* when it was last confirmed (for replacement and selection) */
} sfu_address;

struct sfu_peer {
    char id[SFU_PEER_ID_LEN + 1];
    sfu_ice_credentials creds;
    dtls13_sdp_offer *offer;
    dtls13_sdp_answer *answer;
    bool ready, ended;
    uint64_t created_ms, ended_ms;
    void *link;
    sfu_address addresses[SFU_PEER_MAX_ADDRESSES];
    size_t address_count;
    uint64_t address_clock;
    sfu_source sources[KIND_COUNT];
    sfu_slot slots[DTLS13_SDP_MAX_MEDIA];
    uint64_t rtp_forwarded_from, rtp_forwarded_to, keyframe_requests, pli_received;
};

struct sfu_room {
    sfu_room_callbacks cb;
    sfu_peer *peers[SFU_ROOM_MAX_PEERS];
    size_t count;
    sfu_room_totals totals;
    uint8_t buf[SFU_ROOM_MAX_PACKET];
};

static int kind_index(const char *kind)
{
    if (strcmp(kind, "audio") == 0) return KIND_AUDIO;
    if (strcmp(kind, "video") == 0) return KIND_VIDEO;
    return -1;
}

static const char *kind_name(int kind)
{
    return kind == KIND_AUDIO ? "audio" : "video";
}

sfu_room *sfu_room_new(const sfu_room_callbacks *cb)
{
    if (!cb || !cb->send_media) return NULL;
    sfu_room *room = calloc(1, sizeof(*room));
    if (room) room->cb = *cb;
    return room;
}

static void peer_free(sfu_peer *p)
{
    dtls13_sdp_answer_free(p->answer);
    dtls13_sdp_offer_free(p->offer);
    free(p);
}

void sfu_room_free(sfu_room *room)
{
    if (!room) return;
    for (size_t i = 0; i < room->count; i++) peer_free(room->peers[i]);
    free(room);
}

size_t sfu_room_peer_count(const sfu_room *room)
{
    return room->count;
}

sfu_peer *sfu_room_peer_at(const sfu_room *room, size_t i)
{
    return i < room->count ? room->peers[i] : NULL;
}

sfu_peer *sfu_room_find(const sfu_room *room, const char *id)
{
    for (size_t i = 0; i < room->count; i++)
        if (strcmp(room->peers[i]->id, id) == 0) return room->peers[i];
    return NULL;
}

/* Writes the answer with our parameters; the setup follows the offer:
 * passive (we are the DTLS server, the endpoint's listener takes the
 * browser's ClientHello) unless the offer is passive itself. */
static int answer_peer(sfu_peer *p, const sfu_answer_params *params, uint32_t ssrc_base, char *error, size_t cap)
{
    const char *candidates[1] = {params->candidate};
    dtls13_sdp_answer_options ao;
    dtls13_sdp_answer_options_init(&ao);
    ao.ice_ufrag = p->creds.ufrag;
    ao.ice_pwd = p->creds.pwd;
    ao.candidates = candidates;
    ao.candidate_count = 1;
    ao.fingerprint = params->fingerprint;
    ao.setup = DTLS13_SDP_SETUP_PASSIVE;
    ao.ice_lite = true;
    ao.ssrc_base = ssrc_base;
    ao.stream_id = "sfu";
    ao.cname = "sfu";
    ao.session_id = params->session_id;
    return dtls13_sdp_answer_offer(p->offer, &ao, &p->answer, error, cap);
}

sfu_peer *sfu_room_add_peer(sfu_room *room, const char *text, size_t len, const sfu_answer_params *params,
                            uint64_t now_ms, char *error, size_t error_cap, bool *server_fault)
{
    *server_fault = false;
    if (room->count >= SFU_ROOM_MAX_PEERS) {
        *server_fault = true;
        snprintf(error, error_cap, "the room is full (%u peers)", SFU_ROOM_MAX_PEERS);
        return NULL;
    }
    sfu_peer *p = calloc(1, sizeof(*p));
    if (!p || !sfu_ice_credentials_generate(&p->creds)) {
        *server_fault = true;
        snprintf(error, error_cap, "%s", p ? "no randomness for the ICE credentials" : "out of memory");
        free(p);
        return NULL;
    }
    do {
        snprintf(p->id, sizeof(p->id), "%08x%08x", g_random_int(), g_random_int());
    } while (sfu_room_find(room, p->id));
    p->created_ms = now_ms;
    char message[256];
    if (dtls13_sdp_parse_offer(text, len, &p->offer, message, sizeof(message)) < 0) {
        snprintf(error, error_cap, "bad offer: %s", message);
        peer_free(p);
        return NULL;
    }
    /* Distinct SSRCs per peer make captures and logs readable; each
     * peer's SRTP session is its own either way. */
    uint32_t ssrc_base = 0x5f000000u | ((g_random_int() & 0xffffu) << 8);
    int rc = answer_peer(p, params, ssrc_base, message, sizeof(message));
    if (rc < 0) {
        *server_fault = rc == DTLS13_ERR_NO_MEMORY || rc == DTLS13_ERR_INVALID_ARG;
        snprintf(error, error_cap, "offer cannot be answered: %s", message);
        peer_free(p);
        return NULL;
    }
    for (size_t i = 0; i < DTLS13_SDP_MAX_MEDIA; i++) p->slots[i].kind = -1;
    for (size_t i = 0; i < p->answer->media_count; i++) {
        const dtls13_sdp_answer_media *am = &p->answer->media[i];
        if (am->accepted && am->ssrc) p->slots[i].kind = kind_index(am->kind);
    }
    room->peers[room->count++] = p;
    room->totals.peers_added++;
    return p;
}

/* Takes sender's sources out of every receiver's slots. */
static void release_slots(sfu_room *room, const sfu_peer *sender)
{
    for (size_t i = 0; i < room->count; i++) {
        sfu_peer *r = room->peers[i];
        for (size_t k = 0; k < DTLS13_SDP_MAX_MEDIA; k++)
            if (r->slots[k].from == sender) r->slots[k].from = NULL;
    }
}

void sfu_room_remove_peer(sfu_room *room, sfu_peer *peer)
{
    for (size_t i = 0; i < room->count; i++) {
        if (room->peers[i] != peer) continue;
        release_slots(room, peer);
        memmove(&room->peers[i], &room->peers[i + 1], (room->count - i - 1) * sizeof(room->peers[0]));
        room->count--;
        room->totals.peers_removed++;
        peer_free(peer);
        return;
    }
}

void *sfu_room_ice_lookup(void *user, const char *ufrag, size_t len, const sfu_ice_credentials **creds)
{
    sfu_room *room = user;
    for (size_t i = 0; i < room->count; i++) {
        sfu_peer *p = room->peers[i];
        if (p->ended || strlen(p->creds.ufrag) != len || memcmp(p->creds.ufrag, ufrag, len) != 0) continue;
        *creds = &p->creds;
        return p;
    }
    return NULL;
}

static int find_address(const sfu_peer *p, const void *addr, size_t len)
{
    for (size_t i = 0; i < p->address_count; i++)
        if (p->addresses[i].len == len && memcmp(&p->addresses[i].addr, addr, len) == 0) return (int)i;
    return -1;
}

sfu_peer *sfu_room_peer_by_address(const sfu_room *room, const void *addr, size_t addr_len)
{
    for (size_t i = 0; i < room->count; i++)
        if (!room->peers[i]->ended && find_address(room->peers[i], addr, addr_len) >= 0) return room->peers[i];
    return NULL;
}

bool sfu_peer_add_address(sfu_peer *p, const void *addr, size_t addr_len, bool nominated)
{
    if (addr_len == 0 || addr_len > sizeof(struct sockaddr_storage)) return false;
    int i = find_address(p, addr, addr_len);
    bool fresh = i < 0;
    if (fresh) {
        if (p->address_count < SFU_PEER_MAX_ADDRESSES) {
            i = (int)p->address_count++;
        } else { /* replace the oldest address that was never nominated, else the oldest */
            i = 0;
            for (size_t j = 1; j < p->address_count; j++) {
                const sfu_address *a = &p->addresses[j], *best = &p->addresses[i];
                if ((best->nominated && !a->nominated) || (best->nominated == a->nominated && a->order < best->order))
                    i = (int)j;
            }
        }
        memset(&p->addresses[i], 0, sizeof(p->addresses[i]));
        memcpy(&p->addresses[i].addr, addr, addr_len);
        p->addresses[i].len = addr_len;
    }
    if (nominated) p->addresses[i].nominated = true;
    p->addresses[i].order = ++p->address_clock;
    return fresh;
}

const void *sfu_peer_selected_address(const sfu_peer *p, size_t *len)
{
    const sfu_address *best = NULL;
    for (size_t i = 0; i < p->address_count; i++) {
        const sfu_address *a = &p->addresses[i];
        if (!best || (a->nominated && !best->nominated) || (a->nominated == best->nominated && a->order > best->order))
            best = a;
    }
    if (!best) return NULL;
    *len = best->len;
    return &best->addr;
}

/* ---- key frames ----------------------------------------------------------- */

/* A PLI to sender about its source of kind. forced ignores the interval. */
static void request_key_frame(sfu_room *room, sfu_peer *sender, int kind, bool forced, uint64_t now_ms)
{
    sfu_source *s = &sender->sources[kind];
    if (!sender->ready || !s->active) return;
    if (!forced && s->pli_ever && now_ms - s->last_pli_ms < SFU_ROOM_PLI_INTERVAL_MS) return;
    uint32_t ours = sender->answer->media[s->mline].ssrc ? sender->answer->media[s->mline].ssrc : 1;
    uint8_t pli[SFU_RTCP_PLI_LEN];
    sfu_rtcp_write_pli(pli, ours, s->ssrc);
    memcpy(room->buf, pli, sizeof(pli));
    if (room->cb.send_media(room->cb.user, sender, room->buf, sizeof(pli), true) == 0) {
        room->totals.pli_sent++;
        sender->pli_received++;
        s->pli_ever = true;
        s->last_pli_ms = now_ms;
    }
}

void sfu_room_peer_ready(sfu_room *room, sfu_peer *peer, uint64_t now_ms)
{
    if (peer->ended || peer->ready) return;
    peer->ready = true;
    for (size_t i = 0; i < room->count; i++)
        if (room->peers[i] != peer) request_key_frame(room, room->peers[i], KIND_VIDEO, true, now_ms);
}

void sfu_room_peer_ended(sfu_room *room, sfu_peer *peer, uint64_t now_ms)
{
    if (peer->ended) return;
    peer->ended = true;
    peer->ready = false;
    peer->ended_ms = now_ms;
    peer->link = NULL;
    release_slots(room, peer);
    for (size_t k = 0; k < DTLS13_SDP_MAX_MEDIA; k++) peer->slots[k].from = NULL;
}

/* ---- forwarding ------------------------------------------------------------ */

/* The receiver's slot for sender's source of kind; a free one is taken
 * (*fresh set) when it has none yet. -1 when none is free. */
static int slot_for(sfu_room *room, sfu_peer *r, sfu_peer *sender, int kind, bool *fresh)
{
    *fresh = false;
    int free_slot = -1;
    for (size_t k = 0; k < r->answer->media_count; k++) {
        sfu_slot *slot = &r->slots[k];
        if (slot->kind != kind) continue;
        if (slot->from == sender) return (int)k;
        if (!slot->from && free_slot < 0) free_slot = (int)k;
    }
    if (free_slot < 0) {
        room->totals.no_free_slot++;
        return -1;
    }
    r->slots[free_slot].from = sender;
    *fresh = true;
    return free_slot;
}

static const dtls13_sdp_codec *offered_codec(const dtls13_sdp_media *m, uint8_t pt)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (m->codecs[i].payload_type == pt) return &m->codecs[i];
    return NULL;
}

/* The receiver's accepted payload type on m-line k for codec c, or -1. */
static int receiver_payload_type(const sfu_peer *r, size_t k, const dtls13_sdp_codec *c)
{
    const dtls13_sdp_answer_media *am = &r->answer->media[k];
    for (size_t j = 0; j < am->payload_type_count; j++) {
        const dtls13_sdp_codec *rc = offered_codec(r->offer->media[k], am->payload_types[j]);
        if (rc && strcasecmp(rc->name, c->name) == 0 && rc->clock_rate == c->clock_rate) return am->payload_types[j];
    }
    return -1;
}

static void forward_to(sfu_room *room, sfu_peer *sender, sfu_peer *r, int kind, const dtls13_sdp_codec *codec,
                       const sfu_rtp_info *info, const uint8_t *packet, size_t len, uint64_t now_ms)
{
    bool fresh;
    int k = slot_for(room, r, sender, kind, &fresh);
    if (k < 0) return;
    int pt = receiver_payload_type(r, (size_t)k, codec);
    if (pt < 0) {
        room->totals.no_codec++;
        return;
    }
    memcpy(room->buf, packet, len);
    sfu_rtp_set_ssrc(room->buf, len, r->answer->media[k].ssrc);
    sfu_rtp_set_payload_type(room->buf, len, info->marker, (uint8_t)pt);
    if (room->cb.send_media(room->cb.user, r, room->buf, len, false) != 0) {
        room->totals.forward_failures++;
        return;
    }
    room->totals.rtp_forwarded++;
    r->slots[k].rtp_out++;
    r->rtp_forwarded_to++;
    sender->rtp_forwarded_from++;
    sender->sources[kind].rtp_forwarded++;
    /* A receiver that just got this source starts on a key frame. */
    if (fresh && kind == KIND_VIDEO) request_key_frame(room, sender, kind, true, now_ms);
}

void sfu_room_handle_rtp(sfu_room *room, sfu_peer *sender, const uint8_t *packet, size_t len, uint64_t now_ms)
{
    room->totals.rtp_in++;
    sfu_rtp_info info;
    int m = -1;
    if (len <= SFU_ROOM_MAX_PACKET && sfu_rtp_parse(packet, len, &info))
        m = dtls13_sdp_answer_media_for_payload_type(sender->answer, info.payload_type);
    const dtls13_sdp_codec *codec = m >= 0 ? offered_codec(sender->offer->media[m], info.payload_type) : NULL;
    int kind = m >= 0 ? kind_index(sender->answer->media[m].kind) : -1;
    if (!codec || kind < 0 || sender->ended) {
        room->totals.rtp_unroutable++;
        return;
    }
    sfu_source *s = &sender->sources[kind];
    if (!s->active || s->ssrc != info.ssrc) {
        s->active = true;
        s->ssrc = info.ssrc;
        s->mline = (size_t)m;
    }
    s->rtp_in++;
    for (size_t i = 0; i < room->count; i++) {
        sfu_peer *r = room->peers[i];
        if (r != sender && r->ready) forward_to(room, sender, r, kind, codec, &info, packet, len, now_ms);
    }
}

void sfu_room_handle_rtcp(sfu_room *room, sfu_peer *peer, const uint8_t *packet, size_t len, uint64_t now_ms)
{
    room->totals.rtcp_in++;
    uint32_t requested[MAX_REQUESTS];
    size_t n = whip_echo_keyframe_requests(packet, len, requested, MAX_REQUESTS);
    for (size_t q = 0; q < n; q++) {
        for (size_t k = 0; k < peer->answer->media_count; k++) {
            const sfu_slot *slot = &peer->slots[k];
            if (!slot->from || peer->answer->media[k].ssrc != requested[q]) continue;
            room->totals.keyframe_requests++;
            peer->keyframe_requests++;
            request_key_frame(room, slot->from, slot->kind, false, now_ms);
        }
    }
}

void sfu_room_get_totals(const sfu_room *room, sfu_room_totals *out)
{
    *out = room->totals;
}

/* ---- accessors and JSON ------------------------------------------------------ */

const char *sfu_peer_id(const sfu_peer *peer)
{
    return peer->id;
}

const dtls13_sdp_answer *sfu_peer_answer(const sfu_peer *peer)
{
    return peer->answer;
}

const sfu_ice_credentials *sfu_peer_credentials(const sfu_peer *peer)
{
    return &peer->creds;
}

void sfu_peer_set_link(sfu_peer *peer, void *link)
{
    peer->link = link;
}

void *sfu_peer_link(const sfu_peer *peer)
{
    return peer->link;
}

bool sfu_peer_is_ready(const sfu_peer *peer)
{
    return peer->ready && !peer->ended;
}

bool sfu_peer_has_ended(const sfu_peer *peer, uint64_t *since_ms)
{
    if (since_ms) *since_ms = peer->ended_ms;
    return peer->ended;
}

uint64_t sfu_peer_created_ms(const sfu_peer *peer)
{
    return peer->created_ms;
}

uint64_t sfu_peer_rtp_forwarded_from(const sfu_peer *peer)
{
    return peer->rtp_forwarded_from;
}

uint64_t sfu_peer_rtp_forwarded_to(const sfu_peer *peer)
{
    return peer->rtp_forwarded_to;
}

/* A JSON string of text (mids come from the offer). */
static void append_json_text(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const char *c = text; *c; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch == '"' || ch == '\\')
            g_string_append_printf(s, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            g_string_append_printf(s, "\\u%04x", ch);
        else
            g_string_append_c(s, (char)ch);
    }
    g_string_append_c(s, '"');
}

void sfu_peer_append_json(const sfu_peer *p, void *gstring)
{
    GString *s = gstring;
    g_string_append_printf(s, "\"id\": \"%s\", \"ready\": %s, \"ended\": %s, \"addresses\": %zu, ", p->id,
                           p->ready ? "true" : "false", p->ended ? "true" : "false", p->address_count);
    g_string_append_printf(s, "\"rtp_forwarded_from\": %llu, \"rtp_forwarded_to\": %llu, ",
                           (unsigned long long)p->rtp_forwarded_from, (unsigned long long)p->rtp_forwarded_to);
    g_string_append_printf(s, "\"keyframe_requests\": %llu, \"pli_received\": %llu, ",
                           (unsigned long long)p->keyframe_requests, (unsigned long long)p->pli_received);
    g_string_append(s, "\"sources\": [");
    bool first = true;
    for (int kind = 0; kind < KIND_COUNT; kind++) {
        const sfu_source *src = &p->sources[kind];
        if (!src->active) continue;
        g_string_append_printf(s, "%s{\"kind\": \"%s\", \"ssrc\": %u, \"mid\": ", first ? "" : ", ",
                               kind_name(kind), (unsigned)src->ssrc);
        append_json_text(s, p->answer->media[src->mline].mid);
        g_string_append_printf(s, ", \"rtp_in\": %llu, \"rtp_forwarded\": %llu}", (unsigned long long)src->rtp_in,
                               (unsigned long long)src->rtp_forwarded);
        first = false;
    }
    g_string_append(s, "], \"slots\": [");
    first = true;
    for (size_t k = 0; k < p->answer->media_count; k++) {
        const sfu_slot *slot = &p->slots[k];
        if (slot->kind < 0) continue;
        g_string_append(s, first ? "{\"mid\": " : ", {\"mid\": ");
        append_json_text(s, p->answer->media[k].mid);
        g_string_append_printf(s, ", \"kind\": \"%s\", \"ssrc\": %u, \"from\": \"%s\", \"rtp_out\": %llu}",
                               kind_name(slot->kind), (unsigned)p->answer->media[k].ssrc,
                               slot->from ? slot->from->id : "", (unsigned long long)slot->rtp_out);
        first = false;
    }
    g_string_append(s, "], ");
}
