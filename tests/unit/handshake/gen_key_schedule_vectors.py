#!/usr/bin/env python3
"""Independent derivation of the key schedule vectors used by
test_key_schedule.c and the record layer key test (standard library only).

It first reproduces RFC 8448 section 3 with the "tls13 " prefix (asserting
the values the RFC prints, so the script itself is checked), then derives
the same steps with the DTLS 1.3 "dtls13" prefix (RFC 9147 5.9) for
SHA-256 and SHA-384 and prints them as C initializers.

Run: python3 tests/unit/handshake/gen_key_schedule_vectors.py
"""
import hashlib
import hmac

HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


def h(text):
    return bytes.fromhex(text.replace(" ", "").replace("\n", ""))


def hkdf_extract(hash_name, salt, ikm):
    return hmac.new(salt, ikm, HASHES[hash_name]).digest()


def hkdf_expand(hash_name, prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), HASHES[hash_name]).digest()
        out += block
        counter += 1
    return out[:length]


def expand_label(hash_name, prefix, secret, label, context, length):
    full = (prefix + label).encode()
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context
    return hkdf_expand(hash_name, secret, info, length)


def schedule(hash_name, prefix, shared, th_hello, th_before_sfin, th_server_fin,
             exporter_label, exporter_context, exporter_len):
    hf = HASHES[hash_name]
    n = hf().digest_size
    zeros = bytes(n)
    empty = hf(b"").digest()
    v = {}
    v["early"] = hkdf_extract(hash_name, zeros, zeros)
    salt = expand_label(hash_name, prefix, v["early"], "derived", empty, n)
    v["handshake"] = hkdf_extract(hash_name, salt, shared)
    v["c_hs"] = expand_label(hash_name, prefix, v["handshake"], "c hs traffic", th_hello, n)
    v["s_hs"] = expand_label(hash_name, prefix, v["handshake"], "s hs traffic", th_hello, n)
    salt = expand_label(hash_name, prefix, v["handshake"], "derived", empty, n)
    v["master"] = hkdf_extract(hash_name, salt, zeros)
    v["c_ap"] = expand_label(hash_name, prefix, v["master"], "c ap traffic", th_server_fin, n)
    v["s_ap"] = expand_label(hash_name, prefix, v["master"], "s ap traffic", th_server_fin, n)
    v["exp"] = expand_label(hash_name, prefix, v["master"], "exp master", th_server_fin, n)
    fin_key = expand_label(hash_name, prefix, v["s_hs"], "finished", b"", n)
    v["s_finished"] = hmac.new(fin_key, th_before_sfin, hf).digest()
    v["c_ap_1"] = expand_label(hash_name, prefix, v["c_ap"], "traffic upd", b"", n)
    tmp = expand_label(hash_name, prefix, v["exp"], exporter_label, empty, n)
    v["export"] = expand_label(hash_name, prefix, tmp, "exporter", hf(exporter_context).digest(),
                               exporter_len)
    return v


# RFC 8448 section 3 inputs: x25519 shared secret and transcript hashes.
SHARED = h("8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d")
TH_HELLO = h("86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8")
TH_CV = h("ed b7 72 5f a7 a3 47 3b 03 1e c8 ef 65 a2 48 54 93 90 01 38 a2 b9 12 91 40 7d 79 51 a0 61 10 ed")
TH_SFIN = h("96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13")

RFC8448 = {
    "early": "33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a",
    "handshake": "1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac",
    "c_hs": "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21",
    "s_hs": "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38",
    "master": "18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19",
    "c_ap": "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5",
    "s_ap": "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43",
    "exp": "fe 22 f8 81 17 6e da 18 eb 8f 44 52 9e 67 92 c5 0c 9a 3f 89 45 2f 68 d8 ae 31 1b 43 09 d3 cf 50",
    "s_finished": "9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18",
}

EXPORTER_LABEL = "EXTRACTOR-dtls_srtp"
EXPORTER_LEN = 60  # SRTP_AES128_CM_HMAC_SHA1_80: 2 * (16 + 14)

# Inputs for SHA-384: the same shared secret, transcript hashes of fixed strings.
TH384_HELLO = hashlib.sha384(b"ClientHello..ServerHello").digest()
TH384_CV = hashlib.sha384(b"ClientHello..CertificateVerify").digest()
TH384_SFIN = hashlib.sha384(b"ClientHello..server Finished").digest()

# Record layer: key, iv and sn_key for one traffic secret per suite.
RECORD_SUITES = [
    ("0x1301", "sha256", 16),
    ("0x1302", "sha384", 32),
    ("0x1303", "sha256", 32),
]


def record_secret(hash_name):
    n = HASHES[hash_name]().digest_size
    return bytes(range(1, n + 1))


def c_bytes(name, data):
    hexes = ", ".join("0x%02x" % b for b in data)
    lines, line = [], ""
    for item in hexes.split(", "):
        if len(line) + len(item) + 2 > 92:
            lines.append(line.rstrip())
            line = ""
        line += item + ", "
    lines.append(line.rstrip().rstrip(","))
    return "static const uint8_t %s[%d] = {\n    %s};" % (name, len(data), "\n    ".join(lines))


def main():
    tls = schedule("sha256", "tls13 ", SHARED, TH_HELLO, TH_CV, TH_SFIN, EXPORTER_LABEL, b"",
                   EXPORTER_LEN)
    for key, value in RFC8448.items():
        assert tls[key] == h(value), "the script disagrees with RFC 8448 on " + key

    print("/* Generated by gen_key_schedule_vectors.py; do not edit by hand. */")
    print("/* TLS 1.3 (\"tls13 \"), RFC 8448 section 3 inputs: values not printed by the RFC. */")
    for key in ("c_ap_1", "export"):
        print(c_bytes("tls13_sha256_" + key, tls[key]))
    dtls = schedule("sha256", "dtls13", SHARED, TH_HELLO, TH_CV, TH_SFIN, EXPORTER_LABEL, b"",
                    EXPORTER_LEN)
    print("/* DTLS 1.3 (\"dtls13\"), SHA-256, RFC 8448 section 3 inputs. */")
    for key, value in dtls.items():
        print(c_bytes("dtls13_sha256_" + key, value))
    d384 = schedule("sha384", "dtls13", SHARED, TH384_HELLO, TH384_CV, TH384_SFIN, EXPORTER_LABEL,
                    b"context", EXPORTER_LEN)
    print("/* DTLS 1.3 (\"dtls13\"), SHA-384; transcript hashes are SHA-384 of the strings")
    print(" * \"ClientHello..ServerHello\", \"ClientHello..CertificateVerify\",")
    print(" * \"ClientHello..server Finished\"; exporter context \"context\". */")
    for key, value in d384.items():
        print(c_bytes("dtls13_sha384_" + key, value))
    print("/* Record keys: traffic secret = 01 02 03 .. Hash.length, \"dtls13\" prefix. */")
    for suite, hash_name, key_len in RECORD_SUITES:
        secret = record_secret(hash_name)
        tag = "suite_" + suite[2:]
        print(c_bytes(tag + "_key", expand_label(hash_name, "dtls13", secret, "key", b"", key_len)))
        print(c_bytes(tag + "_iv", expand_label(hash_name, "dtls13", secret, "iv", b"", 12)))
        print(c_bytes(tag + "_sn", expand_label(hash_name, "dtls13", secret, "sn", b"", key_len)))


if __name__ == "__main__":
    main()
