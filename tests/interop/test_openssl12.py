#!/usr/bin/env python3
"""DTLS 1.2 interop with OpenSSL 3.0 (openssl s_server / s_client -dtls1_2).

OpenSSL is an independent DTLS 1.2 stack on this machine (Debian's
openssl package). Every case is a full handshake with mutual certificate
authentication (each side pins the other's certificate where the tool can),
use_srtp (RFC 5764) and the RFC 5705 exporter "EXTRACTOR-dtls_srtp": the 60
bytes OpenSSL prints (-keymatexport) must equal the ones our dtls13 tool
prints, which proves the PRF, the extended master secret and the whole
transcript. Application data crosses in both directions.

Cases:
  our client (default range 1.2..1.3, so downgrade protection is in play)
    against s_server -dtls1_2: every ECDHE suite OpenSSL offers, x25519 and
    P-256, ECDSA and RSA certificates (RSA-PSS and, forced with -sigalgs,
    rsa_pkcs1_sha256 ServerKeyExchange signatures), and s_server -listen
    (DTLSv1_listen: our client answers its HelloVerifyRequest);
  s_client -dtls1_2 against our server: the same suites and groups, our
    RSA certificate, and --cookie always (our listener's HelloVerifyRequest,
    which s_client echoes);
  our client with --min-version 1.3 against s_server -dtls1_2: a clean
    protocol_version failure;
  renegotiation both ways (s_client's R, s_server's r): refused with a
    warning no_renegotiation.

Usage: test_openssl12.py DTLS13_TOOL
Every process runs under a timeout; the summary line is "N passed, N failed".
"""
import os
import subprocess
import sys
import tempfile

from peer_util import TIMEOUT, Proc, check, first, free_port, keying_material, make_cert, summary

SRTP = "SRTP_AES128_CM_SHA1_80"
OSSL_COMMON = ["-dtls1_2", "-use_srtp", SRTP, "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60"]

# (IANA name, OpenSSL name, certificate kind)
SUITES = [
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", "ec"),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "ec"),
    ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "ec"),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "rsa"),
    ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "rsa"),
    ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", "rsa"),
]
GROUPS = [("x25519", "X25519"), ("secp256r1", "P-256")]
# OpenSSL 1.2 accepts an ECDSA certificate only on a curve in its own group
# list (RFC 8422 5.1), so it always lists both; our side picks the group
# under test with --groups.
BOTH_GROUPS = "X25519:P-256"


def client_groups(group):
    """Our client's list: the group under test first (OpenSSL's server follows
    the client's order), P-256 always in it, since our ECDSA certificate is
    on that curve and a 1.2 server checks it against the client's list."""
    return "x25519,secp256r1" if group[0] == "x25519" else "secp256r1,x25519"


def our_client_vs_s_server(tool, certs, suite, group, sigalgs=None, listen=False, label=""):
    iana, ossl, kind = suite
    ours_cert, ours_key, ours_fp = certs["ours_ec"]
    cert, key, fp = certs["ossl_" + kind]
    port = free_port()
    argv = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-naccept", "1", "-cert", cert, "-key", key,
            "-Verify", "1", "-cipher", ossl, "-groups", BOTH_GROUPS] + OSSL_COMMON
    if sigalgs:
        # -sigalgs restricts what s_server signs with; -client_sigalgs keeps
        # our ECDSA client certificate acceptable.
        argv += ["-sigalgs", sigalgs, "-client_sigalgs", "ECDSA+SHA256"]
    if listen:
        argv += ["-listen"]
    what = "our client -> s_server %s %s%s" % (iana, group[0], label)
    server = Proc(argv)
    if not check(server.wait_for(r"^ACCEPT", 10) is not None, what + ": s_server is up"):
        server.finish(2)
        return
    client = Proc([tool, "client", "--connect", "127.0.0.1:%d" % port, "--json", "--cert", ours_cert, "--key",
                   ours_key, "--peer-fingerprint", fp, "--groups", client_groups(group), "--send", "ping from libdtls13\n",
                   "--timeout-ms", "10000"])
    # s_server prints the keying material once the handshake is done; then
    # it sends one line back, which ends our client's --send wait.
    got_keys = server.wait_for(r"Keying material:", TIMEOUT) is not None
    got_ping = got_keys and server.wait_for(r"ping from libdtls13", TIMEOUT) is not None
    server.write("pong from openssl\n")
    c_rc, _ = client.finish()
    s_rc, s_lines = server.finish(10)
    ev = client.events()
    hs = first(ev, "handshake") or {}
    data = first(ev, "data") or {}
    check(c_rc == 0 and got_keys, what + ": handshake completes, client exits 0 (rc %r, events %r)"
          % (c_rc, [e.get("event") for e in ev]))
    check(hs.get("version") == "DTLS1.2" and hs.get("cipher") == iana and hs.get("group") == group[0],
          what + ": DTLS1.2, %s, %s (got %r %r %r)" % (iana, group[0], hs.get("version"), hs.get("cipher"),
                                                       hs.get("group")))
    check(hs.get("srtp_profile") == SRTP, what + ": use_srtp %s" % SRTP)
    theirs = keying_material(s_lines)
    check(theirs is not None and hs.get("exported") == theirs,
          what + ": EXTRACTOR-dtls_srtp equal on both sides (ours %r, openssl %r)" % (hs.get("exported"), theirs))
    if sigalgs:
        want = {"RSA+SHA256": "rsa_pkcs1_sha256", "RSA-PSS+SHA256": "rsa_pss_rsae_sha256"}[sigalgs]
        check(hs.get("peer_signature_scheme") == want,
              what + ": ServerKeyExchange signed with %s (got %r)" % (want, hs.get("peer_signature_scheme")))
    check(got_ping and data.get("text", "").startswith("pong from openssl"),
          what + ": data both ways (server saw ping %r, client got %r)" % (got_ping, data.get("text")))
    peer_ok = any("depth=0 CN = ours_ec" in l for l in s_lines)
    check(peer_ok, what + ": s_server received and checked our client certificate")


def keylog_lines(path):
    try:
        with open(path) as f:
            return sorted(l.strip() for l in f if l.startswith("CLIENT_RANDOM "))
    except OSError:
        return []


def s_client_vs_our_server(tool, certs, suite, group, cookie=False, label="", keylog_dir=None):
    iana, ossl, kind = suite
    ours_cert, ours_key, ours_fp = certs["ours_" + kind]
    cert, key, fp = certs["ossl_ec"]
    what = "s_client -> our server %s %s%s" % (iana, group[0], label)
    server = Proc([tool, "server", "--listen", "127.0.0.1:0", "--json", "--once", "--echo", "--cert", ours_cert,
                   "--key", ours_key, "--peer-fingerprint", fp, "--groups", group[0], "--timeout-ms", "10000"]
                  + (["--cookie", "always", "--verbose"] if cookie else [])
                  + (["--keylog", os.path.join(keylog_dir, "ours.keys")] if keylog_dir else []))
    m = server.wait_for(r'"event":"listening".*"port":(\d+)|"event":"listening".*:(\d+)"', 10)
    if not check(m is not None, what + ": our server is listening"):
        server.finish(2)
        return
    port = int(m.group(1) or m.group(2))
    client = Proc(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-cert", cert, "-key", key,
                   "-cipher", ossl, "-groups", BOTH_GROUPS] + OSSL_COMMON
                  + (["-keylogfile", os.path.join(keylog_dir, "openssl.keys")] if keylog_dir else []))
    got_keys = client.wait_for(r"Keying material:", TIMEOUT) is not None
    client.write("hello from openssl\n")
    got_echo = client.wait_for(r"^hello from openssl", TIMEOUT) is not None
    c_rc, c_lines = client.finish(10)
    s_rc, _ = server.finish()
    ev = server.events()
    hs = first(ev, "handshake") or {}
    data = first(ev, "data") or {}
    check(got_keys and s_rc == 0, what + ": handshake completes, server exits 0 (rc %r, events %r)"
          % (s_rc, [e.get("event") for e in ev]))
    check(hs.get("version") == "DTLS1.2" and hs.get("cipher") == iana and hs.get("group") == group[0],
          what + ": DTLS1.2, %s, %s (got %r %r %r)" % (iana, group[0], hs.get("version"), hs.get("cipher"),
                                                       hs.get("group")))
    check(any("Extended master secret: yes" in l for l in c_lines), what + ": extended_master_secret negotiated")
    check(any("SRTP Extension negotiated, profile=" + SRTP in l for l in c_lines), what + ": use_srtp " + SRTP)
    theirs = keying_material(c_lines)
    check(theirs is not None and hs.get("exported") == theirs,
          what + ": EXTRACTOR-dtls_srtp equal on both sides (ours %r, openssl %r)" % (hs.get("exported"), theirs))
    check(data.get("text", "").startswith("hello from openssl") and got_echo,
          what + ": data both ways (server got %r, echo seen %r)" % (data.get("text"), got_echo))
    check(hs.get("peer_fingerprint") == fp, what + ": our server pinned s_client's certificate")
    if keylog_dir:
        ours_log = keylog_lines(os.path.join(keylog_dir, "ours.keys"))
        theirs_log = keylog_lines(os.path.join(keylog_dir, "openssl.keys"))
        check(len(ours_log) == 1 and ours_log == theirs_log,
              what + ": SSLKEYLOGFILE: our CLIENT_RANDOM line equals s_client's -keylogfile (%r, %r)"
              % (ours_log, theirs_log))
    if cookie:
        hvr = [e for e in ev if e.get("event") == "hello_retry"]
        check(len(hvr) == 1 and hvr[0].get("message") == "HelloVerifyRequest" and hvr[0].get("reason") == "cookie",
              what + ": exactly one HelloVerifyRequest with a cookie (got %r)" % hvr)
        check(hs.get("cookie") == "verified", what + ": the echoed cookie verified (got %r)" % hs.get("cookie"))


def version_floor(tool, certs):
    cert, key, fp = certs["ossl_ec"]
    port = free_port()
    what = "our client --min-version 1.3 -> s_server -dtls1_2"
    server = Proc(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-naccept", "1", "-cert", cert,
                   "-key", key] + OSSL_COMMON)
    if not check(server.wait_for(r"^ACCEPT", 10) is not None, what + ": s_server is up"):
        server.finish(2)
        return
    client = Proc([tool, "client", "--connect", "127.0.0.1:%d" % port, "--json", "--min-version", "1.3",
                   "--send", "x", "--timeout-ms", "5000"])
    c_rc, _ = client.finish()
    s_rc, s_lines = server.finish(5)
    ev = client.events()
    err = first(ev, "error") or {}
    check(c_rc == 1 and first(ev, "handshake") is None, what + ": the client fails (rc %r)" % c_rc)
    check(err.get("alert") == "protocol_version" and "DTLS 1.2" in (err.get("reason") or ""),
          what + ": the error names the version (got %r)" % err)
    check(any("alert protocol version" in l.lower() for l in s_lines),
          what + ": s_server saw a version failure (got %r)" % [l for l in s_lines if "error" in l.lower()][:2])


def renegotiation_refused(tool, certs):
    """No renegotiation (RFC 9325 4): s_client's "R" (a new ClientHello) and
    s_server's "r" (HelloRequest) get a warning no_renegotiation from our
    side, which OpenSSL reports as "no renegotiation"."""
    cert, key, fp = certs["ossl_ec"]
    ours_cert, ours_key, _ = certs["ours_ec"]
    what = "s_client R -> our server"
    server = Proc([tool, "server", "--listen", "127.0.0.1:0", "--json", "--once", "--echo", "--verbose", "--cert",
                   ours_cert, "--key", ours_key, "--timeout-ms", "10000"])
    m = server.wait_for(r'"event":"listening".*"port":(\d+)', 10)
    if check(m is not None, what + ": our server is listening"):
        client = Proc(["openssl", "s_client", "-connect", "127.0.0.1:%s" % m.group(1), "-cert", cert, "-key", key]
                      + OSSL_COMMON)
        up = client.wait_for(r"Keying material:", TIMEOUT) is not None
        client.write("R\n")
        refused = client.wait_for(r"no renegotiation", TIMEOUT) is not None
        client.finish(5)
        server.finish(10)
        check(up and refused, what + ": s_client reports 'no renegotiation' (handshake %r)" % up)
        check(server.wait_for(r"refused a renegotiation \(ClientHello\)", 1) is not None,
              what + ": our server refused the ClientHello with a warning")
    else:
        server.finish(2)
    what = "s_server r -> our client"
    port = free_port()
    server = Proc(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-naccept", "1", "-cert", cert, "-key",
                   key] + OSSL_COMMON)
    if not check(server.wait_for(r"^ACCEPT", 10) is not None, what + ": s_server is up"):
        server.finish(2)
        return
    client = Proc([tool, "client", "--connect", "127.0.0.1:%d" % port, "--json", "--verbose", "--cert", ours_cert,
                   "--key", ours_key, "--timeout-ms", "10000"])
    up = server.wait_for(r"Keying material:", TIMEOUT) is not None
    server.write("r\n")
    refused = server.wait_for(r"no renegotiation", TIMEOUT) is not None
    server.finish(5)
    client.finish(10)
    check(up and refused, what + ": s_server reports 'no renegotiation' (handshake %r)" % up)
    check(client.wait_for(r"refused a renegotiation \(HelloRequest\)", 1) is not None,
          what + ": our client refused the HelloRequest with a warning")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    tool = os.path.abspath(sys.argv[1])
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    print("# peer: " + version)
    with tempfile.TemporaryDirectory() as tmp:
        certs = {
            "ossl_ec": make_cert(tmp, "ossl_ec", "ec"),
            "ossl_rsa": make_cert(tmp, "ossl_rsa", "rsa"),
            "ours_ec": make_cert(tmp, "ours_ec", "ec"),
            "ours_rsa": make_cert(tmp, "ours_rsa", "rsa"),
        }
        for suite in SUITES:
            for group in GROUPS:
                our_client_vs_s_server(tool, certs, suite, group)
        our_client_vs_s_server(tool, certs, SUITES[3], GROUPS[0], sigalgs="RSA+SHA256", label=" rsa_pkcs1")
        our_client_vs_s_server(tool, certs, SUITES[3], GROUPS[0], sigalgs="RSA-PSS+SHA256", label=" rsa_pss")
        our_client_vs_s_server(tool, certs, SUITES[0], GROUPS[0], listen=True, label=" -listen (HelloVerifyRequest)")
        for suite in SUITES:
            for group in GROUPS:
                s_client_vs_our_server(tool, certs, suite, group)
        s_client_vs_our_server(tool, certs, SUITES[0], GROUPS[0], cookie=True, label=" --cookie always")
        s_client_vs_our_server(tool, certs, SUITES[1], GROUPS[0], label=" --keylog", keylog_dir=tmp)
        version_floor(tool, certs)
        renegotiation_refused(tool, certs)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
