/* Synthetic RTP and RTCP: written with the bounds-checked writer, parsed
 * with the bounds-checked reader. */
#include "rtp_synth.h"

#include "wire/reader.h"
#include "wire/writer.h"

/* The payload byte at index i of the packet with sequence number seq. */
static uint8_t payload_byte(uint16_t seq, size_t i)
{
    return (uint8_t)((seq * 31u + i * 7u + (i >> 8)) & 0xffu);
}

void rtp_synth_stream_init(rtp_synth_stream *s, uint32_t ssrc, uint16_t first_seq, uint32_t first_timestamp,
                           unsigned packets_per_second)
{
    s->ssrc = ssrc;
    s->next_seq = first_seq;
    s->next_timestamp = first_timestamp;
    s->timestamp_step = RTP_SYNTH_CLOCK_RATE / (packets_per_second ? packets_per_second : 50u);
    s->packets = 0;
    s->payload_octets = 0;
}

size_t rtp_synth_next_packet(rtp_synth_stream *s, size_t payload_len, uint8_t *buf, size_t cap)
{
    d13_writer w;
    d13_writer_init(&w, buf, cap);
    d13_write_u8(&w, 0x80);                   /* V=2, no padding, no extension, no CSRC */
    d13_write_u8(&w, RTP_SYNTH_PAYLOAD_TYPE); /* marker clear */
    d13_write_u16(&w, s->next_seq);
    d13_write_u32(&w, s->next_timestamp);
    d13_write_u32(&w, s->ssrc);
    for (size_t i = 0; i < payload_len; i++) d13_write_u8(&w, payload_byte(s->next_seq, i));
    if (d13_writer_failed(&w)) return 0;
    s->next_seq++;
    s->next_timestamp += s->timestamp_step;
    s->packets++;
    s->payload_octets += (uint32_t)payload_len;
    return d13_writer_len(&w);
}

size_t rtp_synth_sender_report(const rtp_synth_stream *s, uint64_t ntp_time, uint8_t *buf, size_t cap)
{
    d13_writer w;
    d13_writer_init(&w, buf, cap);
    d13_write_u8(&w, 0x80);                           /* V=2, no padding, RC=0 */
    d13_write_u8(&w, 200);                            /* SR */
    d13_write_u16(&w, RTP_SYNTH_SR_LEN / 4u - 1u);    /* length in 32-bit words minus one */
    d13_write_u32(&w, s->ssrc);
    d13_write_u64(&w, ntp_time);
    d13_write_u32(&w, s->next_timestamp);
    d13_write_u32(&w, s->packets);
    d13_write_u32(&w, s->payload_octets);
    if (d13_writer_failed(&w)) return 0;
    return d13_writer_len(&w);
}

bool rtp_synth_check_packet(const uint8_t *packet, size_t len, uint32_t expected_ssrc, size_t payload_len,
                            rtp_synth_packet_info *info)
{
    d13_reader r;
    d13_reader_init(&r, packet, len);
    uint8_t first = 0, second = 0;
    uint16_t seq = 0;
    uint32_t timestamp = 0, ssrc = 0;
    d13_read_u8(&r, &first);
    d13_read_u8(&r, &second);
    d13_read_u16(&r, &seq);
    d13_read_u32(&r, &timestamp);
    d13_read_u32(&r, &ssrc);
    if (d13_reader_failed(&r)) return false;
    if (info) {
        info->seq = seq;
        info->timestamp = timestamp;
        info->ssrc = ssrc;
        info->payload_len = d13_reader_remaining(&r);
    }
    if (first != 0x80 || (second & 0x7f) != RTP_SYNTH_PAYLOAD_TYPE || ssrc != expected_ssrc) return false;
    if (d13_reader_remaining(&r) != payload_len) return false;
    for (size_t i = 0; i < payload_len; i++) {
        uint8_t b = 0;
        if (!d13_read_u8(&r, &b) || b != payload_byte(seq, i)) return false;
    }
    return d13_reader_done(&r);
}

bool rtp_synth_check_sender_report(const uint8_t *packet, size_t len, uint32_t expected_ssrc)
{
    d13_reader r;
    d13_reader_init(&r, packet, len);
    uint8_t first = 0, type = 0;
    uint16_t words = 0;
    uint32_t ssrc = 0;
    d13_read_u8(&r, &first);
    d13_read_u8(&r, &type);
    d13_read_u16(&r, &words);
    d13_read_u32(&r, &ssrc);
    if (d13_reader_failed(&r)) return false;
    return (first & 0xc0) == 0x80 && type == 200 && words == RTP_SYNTH_SR_LEN / 4u - 1u && ssrc == expected_ssrc &&
           len == RTP_SYNTH_SR_LEN;
}
