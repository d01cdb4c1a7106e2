#!/usr/bin/env python3
"""Independent construction of the DTLS 1.2 records used as known answers
by test_record12.c (needs the Python 'cryptography' package).

The record format is written here from the RFCs, not from our C code:
  header  = type || 0xfefd || epoch (2) || seq (6) || fragment length (2)
  AAD     = epoch (2) || seq (6) || type || 0xfefd || plaintext length (2)
            (RFC 5246 6.2.3.3, RFC 6347 4.1.2.1)
  AES-GCM = explicit nonce (8) || ciphertext || tag, nonce = salt || explicit,
            explicit = epoch << 48 | seq (RFC 5288 3)
  ChaCha20-Poly1305 = ciphertext || tag, nonce = iv XOR (epoch << 48 | seq)
            left-padded to 12 bytes (RFC 7905 2)

The script first checks its AEAD calls against McGrew-Viega GCM test case 4
and RFC 8439 2.8.2 (with their own AADs), then builds one record per AEAD;
the AES-128-GCM and ChaCha20 records are chosen so that their nonces are
exactly those of the two published vectors (so their ciphertext, which does
not depend on the AAD, is the published one). Prints C initializers.

Run: python3 tests/unit/record/gen_record12_vectors.py
"""
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305


def h(text):
    return bytes.fromhex("".join(text.split()))


MV_KEY = h("feffe9928665731c6d6a8f9467308308")
MV_IV = h("cafebabefacedbaddecaf888")
MV_AAD = h("feedfacedeadbeeffeedfacedeadbeefabaddad2")
MV_PT = h("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6"
          "b525b16aedf5aa0de657ba637b39")
MV_CT = h("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84"
          "aa051ba30b396a0aac973d58e091")
MV_TAG = h("5bc94fbc3221a5db94fae95ae7121a47")

CC_KEY = h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
CC_NONCE = h("070000004041424344454647")
CC_AAD = h("50515253c0c1c2c3c4c5c6c7")
CC_PT = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
         b"sunscreen would be it.")
CC_CT = h("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92"
          "728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b"
          "4831d7bc3ff4def08e4b7a9de576d26586cec64b6116")
CC_TAG = h("1ae10b594f09e26a7e902ecbd0600691")


def record(alg, key, fixed_iv, epoch, seq, ctype, pt):
    aad = epoch.to_bytes(2, "big") + seq.to_bytes(6, "big") + bytes([ctype]) + h("fefd") + len(pt).to_bytes(2, "big")
    number = (epoch << 48) | seq
    if alg == "chacha":
        nonce = bytes(a ^ b for a, b in zip(fixed_iv, number.to_bytes(12, "big")))
        fragment = ChaCha20Poly1305(key).encrypt(nonce, pt, aad)
    else:
        explicit = number.to_bytes(8, "big")
        fragment = explicit + AESGCM(key).encrypt(fixed_iv + explicit, pt, aad)
    header = bytes([ctype]) + h("fefd") + epoch.to_bytes(2, "big") + seq.to_bytes(6, "big") + len(fragment).to_bytes(2, "big")
    return header + fragment


def c_array(name, data):
    lines = ["    " + ", ".join("0x%02x" % b for b in data[i:i + 15]) for i in range(0, len(data), 15)]
    return "static const uint8_t %s[%d] = {\n%s};" % (name, len(data), ",\n".join(lines))


def main():
    assert AESGCM(MV_KEY).encrypt(MV_IV, MV_PT, MV_AAD) == MV_CT + MV_TAG
    assert ChaCha20Poly1305(CC_KEY).encrypt(CC_NONCE, CC_PT, CC_AAD) == CC_CT + CC_TAG

    # AES-128-GCM: salt cafebabe, epoch 0xface, seq 0xdbaddecaf888, so the
    # explicit nonce is facedbaddecaf888 and the nonce is MV_IV.
    gcm128 = record("gcm", MV_KEY, MV_IV[:4], 0xFACE, 0xDBADDECAF888, 23, MV_PT)
    assert gcm128[13:21] == MV_IV[4:] and gcm128[21:21 + len(MV_CT)] == MV_CT
    # AES-256-GCM: arbitrary values, a handshake record at epoch 1, seq 0.
    key256 = bytes(range(32))
    gcm256 = record("gcm", key256, h("a0a1a2a3"), 1, 0, 22, b"DTLS 1.2 Finished...")
    # ChaCha20-Poly1305: epoch 2, seq 7, iv = CC_NONCE XOR (2 << 48 | 7),
    # so the record's nonce is CC_NONCE.
    number = ((2 << 48) | 7).to_bytes(12, "big")
    cc_iv = bytes(a ^ b for a, b in zip(CC_NONCE, number))
    chacha = record("chacha", CC_KEY, cc_iv, 2, 7, 23, CC_PT)
    assert chacha[13:13 + len(CC_CT)] == CC_CT

    print("/* ---- begin output of tests/unit/record/gen_record12_vectors.py ---- */")
    print(c_array("kat_gcm128_record", gcm128))
    print(c_array("kat_gcm256_key", key256))
    print(c_array("kat_gcm256_record", gcm256))
    print(c_array("kat_chacha_iv", cc_iv))
    print(c_array("kat_chacha_record", chacha))
    print("/* ---- end of generated values ---- */")


if __name__ == "__main__":
    main()
