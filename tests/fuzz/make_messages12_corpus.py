#!/usr/bin/env python3
"""Writes the seeds of fuzz_messages12 (tests/fuzz/corpus/messages12/): the
DTLS 1.2 handshake bodies captured from OpenSSL that
tests/unit/wire/test_messages12.c holds (its openssl_*_hex vectors), plus
a few small hand-made ones. Run from anywhere:
python3 tests/fuzz/make_messages12_corpus.py"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, '..', 'unit', 'wire', 'test_messages12.c')


def load_vectors():
    text = open(TEST).read()
    out = {}
    for name, body in re.findall(r'static const char (openssl_\w+)_hex\[\] =\s*((?:\s*"[0-9a-f]*")+);', text):
        out[name] = bytes.fromhex(''.join(re.findall(r'"([0-9a-f]*)"', body)))
    return out


def main():
    v = load_vectors()
    seeds = [v[n] for n in ('openssl_hvr', 'openssl_ske_p256', 'openssl_ske_x25519', 'openssl_cke',
                            'openssl_cr', 'openssl_cr_ca', 'openssl_cert')]
    seeds += [bytes.fromhex(h) for h in (
        'fefd 00',                      # HelloVerifyRequest, empty cookie
        '03 001d 01 09 0807 0001 aa',   # minimal ServerKeyExchange
        '01 40 0002 0403 0000',         # minimal CertificateRequest
        '000000',                       # empty Certificate
    )]
    d = os.path.join(HERE, 'corpus', 'messages12')
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(seeds):
        with open(os.path.join(d, 'seed-%02d' % i), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
