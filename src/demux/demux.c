/* RFC 7983 / RFC 9443 demultiplexing by the first byte (and, in the RTP
 * range, the second byte for rtcp-mux, RFC 5761 4). */
#include "dtls13/demux.h"

#include "wire/reader.h"

/* Inclusive first-byte ranges of RFC 7983 section 7 as updated by RFC 9443. */
#define DEMUX_STUN_LAST 3u
#define DEMUX_ZRTP_FIRST 16u
#define DEMUX_ZRTP_LAST 19u
#define DEMUX_DTLS_FIRST 20u
#define DEMUX_DTLS_LAST 63u
#define DEMUX_TURN_FIRST 64u
#define DEMUX_TURN_LAST 79u
#define DEMUX_RTP_FIRST 128u
#define DEMUX_RTP_LAST 191u
/* Second byte (marker bit + payload type) of RTCP packets: the RTCP
 * packet types 192-223 (RFC 5761 4). */
#define DEMUX_RTCP_TYPE_FIRST 192u
#define DEMUX_RTCP_TYPE_LAST 223u

static dtls13_demux_kind classify_rtp_range(d13_reader *r)
{
    uint8_t second;
    if (!d13_read_u8(r, &second)) return DTLS13_DEMUX_DROP;
    if (second >= DEMUX_RTCP_TYPE_FIRST && second <= DEMUX_RTCP_TYPE_LAST) return DTLS13_DEMUX_RTCP;
    return DTLS13_DEMUX_RTP;
}

dtls13_demux_kind dtls13_demux_classify(const uint8_t *packet, size_t len)
{
    if (!packet || len == 0) return DTLS13_DEMUX_DROP;
    d13_reader r;
    d13_reader_init(&r, packet, len);
    uint8_t first;
    if (!d13_read_u8(&r, &first)) return DTLS13_DEMUX_DROP;
    if (first <= DEMUX_STUN_LAST) return DTLS13_DEMUX_STUN;
    if (first >= DEMUX_ZRTP_FIRST && first <= DEMUX_ZRTP_LAST) return DTLS13_DEMUX_ZRTP;
    if (first >= DEMUX_DTLS_FIRST && first <= DEMUX_DTLS_LAST) return DTLS13_DEMUX_DTLS;
    if (first >= DEMUX_TURN_FIRST && first <= DEMUX_TURN_LAST) return DTLS13_DEMUX_TURN_CHANNEL;
    if (first >= DEMUX_RTP_FIRST && first <= DEMUX_RTP_LAST) return classify_rtp_range(&r);
    return DTLS13_DEMUX_DROP;
}

static uint64_t *counter_slot(dtls13_demux_counters *c, dtls13_demux_kind kind)
{
    switch (kind) {
    case DTLS13_DEMUX_STUN: return &c->stun;
    case DTLS13_DEMUX_ZRTP: return &c->zrtp;
    case DTLS13_DEMUX_DTLS: return &c->dtls;
    case DTLS13_DEMUX_TURN_CHANNEL: return &c->turn_channel;
    case DTLS13_DEMUX_RTP: return &c->rtp;
    case DTLS13_DEMUX_RTCP: return &c->rtcp;
    case DTLS13_DEMUX_DROP: return &c->dropped;
    }
    return NULL;
}

dtls13_demux_kind dtls13_demux_classify_count(dtls13_demux_counters *counters, const uint8_t *packet,
                                              size_t len)
{
    dtls13_demux_kind kind = dtls13_demux_classify(packet, len);
    if (counters) {
        uint64_t *slot = counter_slot(counters, kind);
        if (slot) (*slot)++;
    }
    return kind;
}

void dtls13_demux_counters_reset(dtls13_demux_counters *counters)
{
    if (!counters) return;
    *counters = (dtls13_demux_counters){0};
}

uint64_t dtls13_demux_counter(const dtls13_demux_counters *counters, dtls13_demux_kind kind)
{
    if (!counters) return 0;
    switch (kind) {
    case DTLS13_DEMUX_STUN: return counters->stun;
    case DTLS13_DEMUX_ZRTP: return counters->zrtp;
    case DTLS13_DEMUX_DTLS: return counters->dtls;
    case DTLS13_DEMUX_TURN_CHANNEL: return counters->turn_channel;
    case DTLS13_DEMUX_RTP: return counters->rtp;
    case DTLS13_DEMUX_RTCP: return counters->rtcp;
    case DTLS13_DEMUX_DROP: return counters->dropped;
    }
    return 0;
}

const char *dtls13_demux_kind_name(dtls13_demux_kind kind)
{
    switch (kind) {
    case DTLS13_DEMUX_DROP: return "drop";
    case DTLS13_DEMUX_STUN: return "stun";
    case DTLS13_DEMUX_ZRTP: return "zrtp";
    case DTLS13_DEMUX_DTLS: return "dtls";
    case DTLS13_DEMUX_TURN_CHANNEL: return "turn-channel";
    case DTLS13_DEMUX_RTP: return "rtp";
    case DTLS13_DEMUX_RTCP: return "rtcp";
    }
    return "unknown";
}
