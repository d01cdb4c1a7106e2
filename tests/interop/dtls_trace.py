#!/usr/bin/env python3
"""Summarize the DTLS 1.3 records in a pcap/pcapng capture (loopback UDP).

    dtls_trace.py CAPTURE [--server-port N]

Wireshark 4.0 (Debian 12) does not dissect the DTLS 1.3 unified header, so
this prints, one line per datagram, each record it holds:
  plaintext records:  type, record version, epoch, sequence, length, and for
                      handshake records the message type, message_seq,
                      fragment and, for ClientHello/ServerHello/HRR, the
                      supported_versions, key_share groups, cookie length,
                      cipher suite(s) and extension list
  unified headers:    the header byte decoded (C/S/L bits, low epoch bits),
                      the (encrypted) sequence number and the length
Only the Python standard library is used.
"""
import argparse
import struct
import sys

HS_TYPES = {1: 'ClientHello', 2: 'ServerHello', 4: 'NewSessionTicket',
            8: 'EncryptedExtensions', 11: 'Certificate', 13: 'CertificateRequest',
            15: 'CertificateVerify', 20: 'Finished', 24: 'KeyUpdate'}
CT = {20: 'ccs', 21: 'alert', 22: 'handshake', 23: 'app', 25: 'tls12_cid', 26: 'ack'}
EXT = {0: 'server_name', 10: 'supported_groups', 13: 'signature_algorithms',
       14: 'use_srtp', 16: 'alpn', 23: 'extended_master_secret', 28: 'record_size_limit',
       41: 'pre_shared_key', 42: 'early_data', 43: 'supported_versions', 44: 'cookie',
       45: 'psk_key_exchange_modes', 51: 'key_share', 0xff01: 'renegotiation_info',
       11: 'ec_point_formats', 35: 'session_ticket', 5: 'status_request'}
HRR_RANDOM = bytes.fromhex('CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C')


def idb_ticks_per_second(data, pos, blen, endian):
    """Timestamp units of a pcapng interface (option if_tsresol, default 10^6)."""
    opt = pos + 16
    while opt + 4 <= pos + blen - 4:
        code, olen = struct.unpack_from(endian + 'HH', data, opt)
        if code == 0:
            break
        if code == 9 and olen >= 1:
            v = data[opt + 4]
            return 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
        opt += 4 + ((olen + 3) & ~3)
    return 10 ** 6


def read_packets(path):
    """Yields (timestamp, frame bytes, linktype) from pcap or pcapng."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] == b'\x0a\x0d\x0d\x0a':  # pcapng
        pos, linktypes, endian = 0, [], '<'
        while pos + 12 <= len(data):
            btype, blen = struct.unpack_from(endian + 'II', data, pos)
            if btype == 0x0A0D0D0A:
                endian = '<' if data[pos + 8:pos + 12] == b'\x4d\x3c\x2b\x1a' else '>'
                btype, blen = struct.unpack_from(endian + 'II', data, pos)
                linktypes = []
            elif btype == 1:
                linktype = struct.unpack_from(endian + 'H', data, pos + 8)[0]
                linktypes.append((linktype, idb_ticks_per_second(data, pos, blen, endian)))
            elif btype == 6:
                iface, hi, lo, caplen = struct.unpack_from(endian + 'IIII', data, pos + 8)
                linktype, ticks = linktypes[iface]
                yield ((hi << 32) | lo) / ticks, data[pos + 28:pos + 28 + caplen], linktype
            pos += blen
    else:  # classic pcap
        endian = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
        linktype = struct.unpack_from(endian + 'I', data, 20)[0]
        pos = 24
        while pos + 16 <= len(data):
            sec, usec, caplen, _ = struct.unpack_from(endian + 'IIII', data, pos)
            yield sec + usec / 1e6, data[pos + 16:pos + 16 + caplen], linktype
            pos += 16 + caplen


def udp_payload(frame, linktype):
    """(sport, dport, payload) of an IPv4/IPv6 UDP frame, else None."""
    if linktype == 1:        # Ethernet
        ether = struct.unpack_from('>H', frame, 12)[0]
        ip = frame[14:]
    elif linktype == 113:    # Linux cooked
        ether = struct.unpack_from('>H', frame, 14)[0]
        ip = frame[16:]
    elif linktype in (0, 108):  # BSD loopback
        ip, ether = frame[4:], None
    else:
        return None
    if ip and ip[0] >> 4 == 4 and ether in (0x0800, None):
        if ip[9] != 17:
            return None
        udp = ip[(ip[0] & 15) * 4:]
    elif ip and ip[0] >> 4 == 6:
        if ip[6] != 17:
            return None
        udp = ip[40:]
    else:
        return None
    sport, dport, ulen = struct.unpack_from('>HHH', udp, 0)
    return sport, dport, udp[8:ulen]


def hello_summary(body, msg_type):
    """Key fields of a ClientHello / ServerHello body."""
    out = []
    try:
        pos = 2 + 32
        random = body[2:34]
        sid_len = body[pos]
        pos += 1 + sid_len
        if msg_type == 1:
            cookie_len = body[pos]
            pos += 1 + cookie_len
            out.append('legacy_cookie=%d' % cookie_len)
            cs_len = struct.unpack_from('>H', body, pos)[0]
            suites = [struct.unpack_from('>H', body, pos + 2 + i)[0] for i in range(0, cs_len, 2)]
            out.append('suites=' + ','.join('%04x' % s for s in suites))
            pos += 2 + cs_len
            pos += 1 + body[pos]
        else:
            if random == HRR_RANDOM:
                out.insert(0, 'HelloRetryRequest')
            out.append('suite=%04x' % struct.unpack_from('>H', body, pos)[0])
            pos += 3
        out.insert(0, 'legacy_version=%04x sid=%d' % (struct.unpack_from('>H', body, 0)[0], sid_len))
        ext_len = struct.unpack_from('>H', body, pos)[0]
        pos += 2
        end = pos + ext_len
        names = []
        while pos + 4 <= end:
            etype, elen = struct.unpack_from('>HH', body, pos)
            ext = body[pos + 4:pos + 4 + elen]
            names.append(EXT.get(etype, '%04x' % etype))
            if etype == 43:
                vers = ext[1:] if msg_type == 1 else ext
                out.append('versions=' + ','.join('%04x' % struct.unpack_from('>H', vers, i)[0]
                                                  for i in range(0, len(vers) - 1, 2)))
            elif etype == 51:
                if msg_type == 1:
                    groups, p = [], 2
                    while p + 4 <= len(ext):
                        g, kl = struct.unpack_from('>HH', ext, p)
                        groups.append('%04x' % g)
                        p += 4 + kl
                    out.append('key_share=' + ','.join(groups))
                else:
                    out.append('key_share=%04x' % struct.unpack_from('>H', ext, 0)[0])
            elif etype == 10:
                out.append('groups=' + ','.join('%04x' % struct.unpack_from('>H', ext, 2 + i)[0]
                                                for i in range(0, len(ext) - 2, 2)))
            elif etype == 44:
                out.append('cookie_ext=%d' % (len(ext) - 2))
            elif etype == 14:
                n = struct.unpack_from('>H', ext, 0)[0]
                out.append('srtp=' + ','.join('%04x' % struct.unpack_from('>H', ext, 2 + i)[0]
                                              for i in range(0, n, 2)))
            pos += 4 + elen
        out.append('ext=[' + ' '.join(names) + ']')
    except (IndexError, struct.error):
        out.append('(truncated)')
    return ' '.join(out)


def records(payload):
    """Describes each record of one datagram."""
    pos, out = 0, []
    while pos < len(payload):
        first = payload[pos]
        if first & 0xE0 == 0x20:  # unified header 001CSLEE
            c, s, l, ee = first & 0x10, first & 0x08, first & 0x04, first & 3
            hdr = 1 + (2 if s else 1)
            if c:
                out.append('unified(C set: connection id, cannot parse further)')
                break
            seq = payload[pos + 1:pos + hdr].hex()
            if l:
                length = struct.unpack_from('>H', payload, pos + hdr)[0]
                hdr += 2
            else:
                length = len(payload) - pos - hdr
            out.append('[unified 0x%02x epoch&3=%d seq%d=%s len=%d%s]' % (
                first, ee, 16 if s else 8, seq, length, '' if l else ' (no length)'))
            pos += hdr + length
            continue
        if pos + 13 > len(payload):
            out.append('(trailing %d bytes)' % (len(payload) - pos))
            break
        ctype, ver, epoch = struct.unpack_from('>BHH', payload, pos)
        seq = int.from_bytes(payload[pos + 5:pos + 11], 'big')
        length = struct.unpack_from('>H', payload, pos + 11)[0]
        body = payload[pos + 13:pos + 13 + length]
        desc = '[%s ver=%04x epoch=%d seq=%d len=%d' % (CT.get(ctype, ctype), ver, epoch, seq, length)
        if ctype == 22 and epoch == 0 and len(body) >= 12:
            mtype = body[0]
            mlen = int.from_bytes(body[1:4], 'big')
            mseq = struct.unpack_from('>H', body, 4)[0]
            foff = int.from_bytes(body[6:9], 'big')
            flen = int.from_bytes(body[9:12], 'big')
            desc += ' %s(len=%d msg_seq=%d frag=%d+%d)' % (HS_TYPES.get(mtype, mtype), mlen, mseq,
                                                          foff, flen)
            if mtype in (1, 2) and foff == 0 and flen == mlen:
                desc += ' ' + hello_summary(body[12:12 + flen], mtype)
        elif ctype == 21 and epoch == 0 and len(body) >= 2:
            desc += ' alert level=%d desc=%d' % (body[0], body[1])
        out.append(desc + ']')
        pos += 13 + length
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('capture')
    ap.add_argument('--server-port', type=int, help='label this port "S" (else first receiver)')
    args = ap.parse_args()
    t0 = None
    server = args.server_port
    for n, (ts, frame, linktype) in enumerate(read_packets(args.capture), 1):
        udp = udp_payload(frame, linktype)
        if udp is None:
            continue
        sport, dport, payload = udp
        if t0 is None:
            t0 = ts
            server = server or dport
        arrow = 'C->S' if dport == server else 'S->C' if sport == server else '%d->%d' % (sport, dport)
        print('%3d %8.3f ms %s %4d B %s' % (n, (ts - t0) * 1000, arrow, len(payload),
                                            ' '.join(records(payload))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
