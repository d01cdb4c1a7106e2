#!/usr/bin/env python3
"""Writes the seeds of the SFU fuzz targets: corpus/sfu_forward/ (one
packet each) and corpus/sfu_room/ (a room and its operations, as
fuzz_sfu_room.c reads them). Packets are shaped like Chromium's: VP8 with
the abs-send-time and transport-wide-cc one-byte extensions, Opus with
the audio level, RTCP compounds of SR/RR and SDES with PLI, FIR, NACK and
REMB. Run from anywhere: python3 tests/fuzz/fuzz_sfu_corpus.py"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def rtp(pt, seq, ts, ssrc, payload, marker=False, csrcs=(), ext=None, padding=0):
    """An RTP packet (RFC 3550 5.1); ext is (profile, bytes) padded to words."""
    b0 = 0x80 | len(csrcs) | (0x10 if ext else 0) | (0x20 if padding else 0)
    out = struct.pack("!BBHII", b0, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    out += b"".join(struct.pack("!I", c) for c in csrcs)
    if ext:
        profile, body = ext
        body += b"\0" * (-len(body) % 4)
        out += struct.pack("!HH", profile, len(body) // 4) + body
    out += payload
    if padding:
        out += b"\0" * (padding - 1) + bytes([padding])
    return out


def rtcp(fmt_or_count, pt, body):
    """One RTCP packet: header and body (a multiple of 4 bytes)."""
    return struct.pack("!BBH", 0x80 | fmt_or_count, pt, len(body) // 4) + body


VIDEO_EXT = (0xBEDE, bytes([0x22, 0x12, 0x34, 0x56, 0x51, 0x00, 0x2a]))  # abs-send-time, transport-cc
AUDIO_EXT = (0xBEDE, bytes([0x10, 0xa5]))  # ssrc-audio-level
VP8_KEY = bytes([0x90, 0x80, 0x12, 0x34, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]) + b"\x11" * 40
VP8_DELTA = bytes([0x90, 0x80, 0x12, 0x35, 0x31, 0x05, 0x00]) + b"\x22" * 30
OPUS = bytes([0xfc, 0xff, 0xfe]) + b"\x33" * 20

SENDER = 0x1A2B3C4D
SR = rtcp(0, 200, struct.pack("!IIIIII", SENDER, 0xe6b1f1a0, 0x12345678, 90000, 120, 64000))
RR = rtcp(1, 201, struct.pack("!II", SENDER, 0x5F001100) + struct.pack("!IIIII", 0x00000002, 0x00001234, 20, 0, 0))
SDES = rtcp(1, 202, struct.pack("!I", SENDER) + bytes([1, 8]) + b"abcdefgh" + b"\0\0")
PLI = rtcp(1, 206, struct.pack("!II", SENDER, 0x5F001100))
FIR = rtcp(4, 206, struct.pack("!II", SENDER, 0) + struct.pack("!IBBH", 0x5F001100, 7, 0, 0))
NACK = rtcp(1, 205, struct.pack("!II", SENDER, 0x5F001100) + struct.pack("!HH", 0x1234, 0x0003))
REMB = rtcp(15, 206, struct.pack("!II", SENDER, 0) + b"REMB" + bytes([1, 0x0b, 0x4f, 0x20]) + struct.pack("!I", 0x5F001100))

FORWARD = {
    "vp8_key_ext": rtp(96, 1000, 90000, 0x1111, VP8_KEY, marker=True, ext=VIDEO_EXT),
    "vp8_delta_ext": rtp(96, 1001, 93000, 0x1111, VP8_DELTA, ext=VIDEO_EXT),
    "opus_audio_level": rtp(111, 7, 960, 0x2222, OPUS, marker=True, ext=AUDIO_EXT),
    "vp8_csrcs_padding": rtp(96, 1002, 96000, 0x1111, VP8_DELTA, csrcs=(5, 6), padding=4),
    "opus_padding_only": rtp(111, 8, 1920, 0x2222, b"", padding=3),
    "rtcp_sr_sdes": SR + SDES,
    "rtcp_rr_pli": RR + PLI,
    "rtcp_rr_fir": RR + FIR,
    "rtcp_rr_nack_remb": RR + NACK + REMB,
    "rtcp_pli": PLI,
}


def op(action, peer, step=0):
    """An operation byte: peer & 3, action in bits 2..4, clock step in 5..7."""
    return bytes([(step << 5) | (action << 2) | peer])


def media(action, peer, packet, step=0, mline=None, at=8):
    """An RTP (action 0) or RTCP (3, or 4 about m-line mline, whose SSRC
    the target writes at offset at) operation."""
    head = op(action, peer, step) + (bytes([(at - 8) // 4 << 4 | mline]) if mline is not None else b"")
    return head + struct.pack("!H", len(packet)) + packet


def room(room_byte, peers, *ops):
    """A room input: its byte, one config byte per peer, the operations."""
    return bytes([room_byte]) + bytes(peers) + b"".join(ops)


def video(n, seq, **kw):
    """A VP8 delta frame of peer n at that peer's payload type 96 + n."""
    return rtp(96 + n, seq, seq * 3000, 0x1000 + n, VP8_DELTA, ext=VIDEO_EXT, **kw)


ROOM = {
    # Two peers, both ready: VP8 and Opus both ways, a PLI about a slot.
    "two_peers": room(0, [0, 0],
                      media(0, 0, rtp(96, 1, 0, 0x1000, VP8_KEY, marker=True, ext=VIDEO_EXT)),
                      media(0, 1, rtp(111, 1, 0, 0x2001, OPUS, ext=AUDIO_EXT)),
                      media(0, 0, video(0, 2)),
                      media(4, 1, RR + PLI, step=1, mline=0, at=len(RR) + 8),
                      media(4, 1, PLI, step=5, mline=0)),
    # Three peers with two slots each and other payload types; a FIR.
    "three_peers_fir": room(1, [1, 3, 5],
                            media(0, 0, video(0, 1)),
                            media(0, 1, video(1, 1, csrcs=(9,))),
                            media(0, 2, rtp(112, 1, 0, 0x2002, OPUS, ext=AUDIO_EXT, padding=2)),
                            media(4, 0, RR + FIR, step=2, mline=0, at=len(RR) + 12),
                            media(3, 2, SR + SDES)),
    # Four peers, one not ready until later, one ends, one leaves and
    # another arrives; RTP after each.
    "four_peers_churn": room(2, [0, 1, 16, 0],
                             media(0, 0, video(0, 1)),
                             op(5, 2, 1),
                             media(0, 0, video(0, 2)),
                             op(6, 1, 1),
                             media(0, 1, video(1, 1)),
                             op(7, 3, 1) + bytes([1]),
                             media(0, 0, video(0, 3)),
                             media(4, 3, PLI, step=4, mline=0)),
    # Sending to peer 1 fails: counted, not fatal.
    "send_fails": room(0x21, [0, 0],
                       media(0, 0, video(0, 1)),
                       media(0, 1, video(0, 1)),
                       media(4, 0, PLI, step=5, mline=0)),
}


def write(name, seeds):
    """Writes each seed as corpus/<name>/<seed name>."""
    folder = os.path.join(HERE, "corpus", name)
    os.makedirs(folder, exist_ok=True)
    for seed_name, data in seeds.items():
        with open(os.path.join(folder, seed_name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("sfu_forward", FORWARD)
    write("sfu_room", ROOM)
