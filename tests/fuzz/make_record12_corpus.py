#!/usr/bin/env python3
"""Writes the seeds of fuzz_record12 (tests/fuzz/corpus/record12/):
datagrams of DTLS 1.2 records sealed with the target's fixed keys (key
byte i = 0xb0 + i, IV/salt byte i = 0xd0 + i) at epoch 1, built from
RFC 5246 6.2.3.3, RFC 5288 3 and RFC 7905 2 independently of our C code.
Needs the Python 'cryptography' package.
Run from anywhere: python3 tests/fuzz/make_record12_corpus.py"""
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = bytes(0xB0 + i for i in range(32))
IV = bytes(0xD0 + i for i in range(12))
SUITES = [("gcm", 16), ("gcm", 32), ("chacha", 32)]  # selector % 3


def record(suite, epoch, seq, ctype, pt):
    alg, key_len = SUITES[suite]
    key = KEY[:key_len]
    aad = epoch.to_bytes(2, "big") + seq.to_bytes(6, "big") + bytes([ctype, 0xFE, 0xFD]) + len(pt).to_bytes(2, "big")
    number = (epoch << 48) | seq
    if alg == "chacha":
        nonce = bytes(a ^ b for a, b in zip(IV, number.to_bytes(12, "big")))
        fragment = ChaCha20Poly1305(key).encrypt(nonce, pt, aad)
    else:
        explicit = number.to_bytes(8, "big")
        fragment = explicit + AESGCM(key).encrypt(IV[:4] + explicit, pt, aad)
    return (bytes([ctype, 0xFE, 0xFD]) + epoch.to_bytes(2, "big") + seq.to_bytes(6, "big")
            + len(fragment).to_bytes(2, "big") + fragment)


def plaintext(seq, ctype, pt):
    return bytes([ctype, 0xFE, 0xFD, 0, 0]) + seq.to_bytes(6, "big") + len(pt).to_bytes(2, "big") + pt


FINISHED = bytes.fromhex("14 00000c 0002 000000 00000c") + bytes(range(12))


def main():
    seeds = [
        b"\x00" + record(0, 1, 0, 22, FINISHED) + record(0, 1, 1, 23, b"hello over DTLS 1.2"),
        b"\x01" + record(1, 1, 5, 23, b"\x80" + bytes(40)),
        b"\x02" + record(2, 1, 0, 22, FINISHED) + record(2, 1, 2, 21, b"\x01\x00") + record(2, 1, 1, 23, b"x"),
        b"\x80" + b"round trip of these bytes",
        b"\x92" + plaintext(3, 20, b"\x01") + record(2, 1, 0, 22, FINISHED),
    ]
    d = os.path.join(HERE, "corpus", "record12")
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
