#!/usr/bin/env python3
"""Writes the seed corpus tests/fuzz/corpus/<target>/ from the RFC 8448
vectors in tests/unit/wire/rfc8448_vectors.h plus a few DTLS-specific
messages, and pem_mem's from the unit tests' certificate and key files
(tests/unit/crypto/data). Run from anywhere: python3 tests/fuzz/make_corpus.py"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, '..', 'unit', 'wire', 'rfc8448_vectors.h')
CRYPTO_DATA = os.path.join(HERE, '..', 'unit', 'crypto', 'data')


def load_vectors():
    text = open(VECTORS).read()
    out = {}
    for name, body in re.findall(r'static const char (\w+)_hex\[\] =\s*((?:\s*"[0-9a-f]*")+);', text):
        out[name.replace('rfc8448_', '')] = bytes.fromhex(''.join(re.findall(r'"([0-9a-f]*)"', body)))
    return out


def h(s):
    return bytes.fromhex(s.replace(' ', ''))


def dtls_client_hello(tls):
    sid_end = 2 + 32 + 1 + tls[34]
    return tls[:sid_end] + b'\x00' + tls[sid_end:]


BROWSER_EXTENSIONS = h(
    '0017 0000 ff01 0001 00 000b 0002 0100 0000 000e 000c 00 0009 6c6f63616c686f7374'
    '0023 0000 000e 0009 0006 0007 0008 0001 00 000a 0006 0004 001d 0017'
    '000d 0006 0004 0403 0804 002b 0003 02 fefc'
    '0033 0026 0024 001d 0020' + '11' * 32 + '001c 0002 4001 002d 0002 0101 0015 0004 00000000')
EE_DTLS = h('000e 0005 0002 0007 00 000a 0004 0002 001d 001c 0002 4001')
CR_BLOCK = h('000d 0006 0004 0403 0804 002f 0005 0003 0001 aa')


def vec16(b):
    return len(b).to_bytes(2, 'big') + b


def pem_mem_seeds():
    """fuzz_pem_mem's inputs: one text holding certificate and key (both
    orders), 0x01 + a 16-bit certificate length + certificate + key, a
    mismatched pair, a truncated text and garbage."""
    def f(name):
        with open(os.path.join(CRYPTO_DATA, name), 'rb') as fh:
            return fh.read()

    def split(cert, key):
        return b'\x01' + len(cert).to_bytes(2, 'big') + cert + key

    ec, ec_key = f('ecdsa_cert.pem'), f('ecdsa_key.pem')
    rsa, rsa_key = f('rsa_cert.pem'), f('rsa_key.pem')
    return [ec + ec_key, rsa + rsa_key, f('ed25519_cert.pem') + f('ed25519_key.pem'), ec_key + ec,
            split(ec, ec_key), split(rsa, rsa_key), ec + f('other_ecdsa_key.pem'),
            f('p384_cert.pem') + f('p384_key.pem'), (ec + ec_key)[:788], f('garbage.pem')]


def main():
    v = load_vectors()
    browser_ch = (h('fefd') + bytes(range(32)) + h('00 00 0006 1301 1302 1303 01 00')
                  + vec16(BROWSER_EXTENSIONS))
    dtls_sh = (h('fefd') + b'\x5a' * 32 + h('00 1301 00')
               + vec16(h('002b 0002 fefc 0033 0024 001d 0020') + b'\x22' * 32))
    seeds = {
        'client_hello': [dtls_client_hello(v['ch']), dtls_client_hello(v['ch2']), browser_ch],
        'server_hello': [v['sh'], v['hrr'], dtls_sh],
        'extensions': [b'\x00' + v['ch'][2 + 32 + 1 + 2 + 6 + 2 + 2:], b'\x00' + BROWSER_EXTENSIONS,
                       b'\x01' + v['sh'][40:], b'\x02' + v['hrr'][40:], b'\x03' + v['ee'][2:],
                       b'\x03' + EE_DTLS, b'\x04' + CR_BLOCK, b'\x05', b'\x06' + h('002a 0004 00000400')],
        'certificate': [v['cert']],
        'der_spki': [v['der']],
        'messages': [b'\x00' + h('01 000004 0000 000000 000002 aabb 0b 000000 0001 000000 000000'),
                     b'\x01' + v['ee'], b'\x02' + h('02 abcd') + vec16(CR_BLOCK), b'\x03' + v['cv'],
                     b'\x04' + v['fin'], b'\x05\x01', b'\x06' + v['nst'], b'\x07\x02\x28',
                     b'\x08' + h('0020 0000000000000002 0000000000000005 0000000000000003 0000000000000007')],
        'pem_mem': pem_mem_seeds(),
    }
    for target, items in seeds.items():
        d = os.path.join(HERE, 'corpus', target)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(items):
            with open(os.path.join(d, 'seed-%02d' % i), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
