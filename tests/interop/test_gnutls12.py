#!/usr/bin/env python3
"""DTLS 1.2 interop with GnuTLS 3.7 (gnutls-serv / gnutls-cli --udp).

GnuTLS is a third DTLS 1.2 stack on this machine (Debian's gnutls-bin),
independent of OpenSSL and of us. Every case is a full handshake with
mutual certificate authentication, use_srtp (RFC 5764) and application data
both ways.

Cases:
  our client (default range 1.2..1.3) against gnutls-serv --udp --echo,
    which always answers the first ClientHello with a HelloVerifyRequest
    (GnuTLS's own cookie scheme) and requires and verifies our certificate:
    the ECDHE-ECDSA suites with x25519 and P-256, and ECDHE-RSA with an RSA
    certificate;
  gnutls-cli --udp against our server, the same suites and groups, with
    --keymatexport EXTRACTOR-dtls_srtp: the 60 bytes GnuTLS prints must equal
    ours; once more with our --cookie always (our HelloVerifyRequest);
  gnutls-cli --rehandshake against our server: the renegotiation is
    refused with a warning no_renegotiation and the association stays up;
  our client with --min-version 1.3 against gnutls-serv: protocol_version.

Usage: test_gnutls12.py DTLS13_TOOL
Every process runs under a timeout; the summary line is "N passed, N failed".
"""
import os
import re
import subprocess
import sys
import tempfile

from peer_util import TIMEOUT, Proc, check, first, free_port, make_cert, summary

SRTP = "SRTP_AES128_CM_SHA1_80"
GNUTLS_SRTP = "SRTP_AES128_CM_HMAC_SHA1_80"
BASE_PRIORITY = "NORMAL:-VERS-ALL:+VERS-DTLS1.2"

# (IANA name, GnuTLS priority additions, GnuTLS description fragments, certificate kind)
SUITES = [
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+ECDHE-ECDSA", "AES-128-GCM", "ec"),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "-CIPHER-ALL:+AES-256-GCM:-KX-ALL:+ECDHE-ECDSA", "AES-256-GCM", "ec"),
    ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "-CIPHER-ALL:+CHACHA20-POLY1305:-KX-ALL:+ECDHE-ECDSA",
     "CHACHA20-POLY1305", "ec"),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+ECDHE-RSA", "AES-128-GCM", "rsa"),
]
# (our name, GnuTLS priority group, GnuTLS description)
GROUPS = [("x25519", "+GROUP-X25519", "ECDHE-X25519"), ("secp256r1", "+GROUP-SECP256R1", "ECDHE-SECP256R1")]


def priority(suite, group=None):
    text = BASE_PRIORITY + ":" + suite[1]
    if group is not None:
        # P-256 stays allowed: our ECDSA certificate is on that curve, and a
        # 1.2 peer checks it against the group list (RFC 8422 5.1).
        text += ":-GROUP-ALL:" + group[1] + (":+GROUP-SECP256R1" if group[0] != "secp256r1" else "")
    return text


def our_groups(group):
    return "x25519,secp256r1" if group[0] == "x25519" else "secp256r1,x25519"


def key_material(lines):
    for line in lines:
        m = re.search(r"^- Key material: ([0-9a-f]+)", line)
        if m:
            return m.group(1)
    return None


def our_client_vs_serv(tool, certs, suite, group):
    iana, _, desc, kind = suite
    ours_cert, ours_key, _ = certs["ours_ec"]
    cert, key, fp = certs["gnutls_" + kind]
    port = free_port()
    what = "our client -> gnutls-serv %s %s" % (iana, group[0])
    server = Proc(["gnutls-serv", "--udp", "--port", str(port), "--echo", "--x509certfile", cert, "--x509keyfile",
                   key, "--require-client-cert", "--x509cafile", ours_cert, "--priority", priority(suite, group),
                   "--srtp-profiles", GNUTLS_SRTP])
    if not check(server.wait_for(r"listening on IPv4", 10) is not None, what + ": gnutls-serv is up"):
        server.finish(2)
        return
    client = Proc([tool, "client", "--connect", "127.0.0.1:%d" % port, "--json", "--cert", ours_cert, "--key",
                   ours_key, "--peer-fingerprint", fp, "--groups", our_groups(group), "--send",
                   "ping from libdtls13\n", "--timeout-ms", "10000"])
    c_rc, _ = client.finish()
    server.proc.terminate()
    _, s_lines = server.finish(5)
    ev = client.events()
    hs = first(ev, "handshake") or {}
    data = first(ev, "data") or {}
    check(c_rc == 0 and hs, what + ": handshake completes, client exits 0 (rc %r, events %r)"
          % (c_rc, [e.get("event") for e in ev]))
    check(hs.get("version") == "DTLS1.2" and hs.get("cipher") == iana and hs.get("group") == group[0],
          what + ": DTLS1.2, %s, %s (got %r %r %r)" % (iana, group[0], hs.get("version"), hs.get("cipher"),
                                                       hs.get("group")))
    check(hs.get("srtp_profile") == SRTP, what + ": use_srtp %s (got %r)" % (SRTP, hs.get("srtp_profile")))
    check(hs.get("hello_retry") is True, what + ": answered gnutls-serv's HelloVerifyRequest")
    check(data.get("text", "").startswith("ping from libdtls13"),
          what + ": gnutls-serv echoed our data (got %r)" % data.get("text"))
    # Its first flight after the cookie exchange is not repeated to it: the
    # 1.2 timer does not follow the quick HelloVerifyRequest round trip.
    check(hs.get("retransmissions") == 0, what + ": no retransmission on loopback (got %r)"
          % hs.get("retransmissions"))
    errors = [l for l in s_lines if "rror" in l]
    check(not errors, what + ": gnutls-serv logged no error (got %r)" % errors[:3])


def cli_vs_our_server(tool, certs, suite, group, cookie=False, label=""):
    iana, _, desc, kind = suite
    ours_cert, ours_key, _ = certs["ours_" + kind]
    cert, key, fp = certs["gnutls_ec"]
    what = "gnutls-cli -> our server %s %s%s" % (iana, group[0], label)
    server = Proc([tool, "server", "--listen", "127.0.0.1:0", "--json", "--once", "--echo", "--cert", ours_cert,
                   "--key", ours_key, "--peer-fingerprint", fp, "--groups", group[0], "--timeout-ms", "10000"]
                  + (["--cookie", "always"] if cookie else []))
    m = server.wait_for(r'"event":"listening".*"port":(\d+)', 10)
    if not check(m is not None, what + ": our server is listening"):
        server.finish(2)
        return
    client = Proc(["gnutls-cli", "--udp", "--port", m.group(1), "127.0.0.1", "--insecure", "--x509certfile", cert,
                   "--x509keyfile", key, "--priority", priority(suite), "--srtp-profiles", GNUTLS_SRTP,
                   "--keymatexport", "EXTRACTOR-dtls_srtp", "--keymatexportsize", "60"])
    up = client.wait_for(r"^- Handshake was completed", TIMEOUT) is not None
    client.write("hello from gnutls\n")
    echoed = client.wait_for(r"^hello from gnutls", TIMEOUT) is not None
    _, c_lines = client.finish(10)
    s_rc, _ = server.finish()
    ev = server.events()
    hs = first(ev, "handshake") or {}
    data = first(ev, "data") or {}
    check(up and s_rc == 0, what + ": handshake completes, server exits 0 (rc %r, events %r)"
          % (s_rc, [e.get("event") for e in ev]))
    check(hs.get("version") == "DTLS1.2" and hs.get("cipher") == iana and hs.get("group") == group[0],
          what + ": DTLS1.2, %s, %s (got %r %r %r)" % (iana, group[0], hs.get("version"), hs.get("cipher"),
                                                       hs.get("group")))
    description = next((l for l in c_lines if l.startswith("- Description:")), "")
    check("(DTLS1.2-X.509)" in description and group[2] in description and desc in description,
          what + ": GnuTLS agrees (%r)" % description)
    options = next((l for l in c_lines if l.startswith("- Options:")), "")
    check("extended master secret" in options, what + ": extended_master_secret negotiated (%r)" % options)
    check(any(l.startswith("- SRTP profile: " + GNUTLS_SRTP) for l in c_lines), what + ": use_srtp " + SRTP)
    theirs = key_material(c_lines)
    check(theirs is not None and hs.get("exported") == theirs,
          what + ": EXTRACTOR-dtls_srtp equal on both sides (ours %r, gnutls %r)" % (hs.get("exported"), theirs))
    check(data.get("text", "").startswith("hello from gnutls") and echoed,
          what + ": data both ways (server got %r, echo seen %r)" % (data.get("text"), echoed))
    check(hs.get("peer_fingerprint") == fp, what + ": our server pinned gnutls-cli's certificate")
    if cookie:
        check(hs.get("cookie") == "verified", what + ": gnutls-cli echoed our cookie (got %r)" % hs.get("cookie"))


def rehandshake_refused(tool, certs):
    ours_cert, ours_key, _ = certs["ours_ec"]
    cert, key, _ = certs["gnutls_ec"]
    what = "gnutls-cli --rehandshake -> our server"
    server = Proc([tool, "server", "--listen", "127.0.0.1:0", "--json", "--once", "--echo", "--verbose", "--cert",
                   ours_cert, "--key", ours_key, "--timeout-ms", "10000"])
    m = server.wait_for(r'"event":"listening".*"port":(\d+)', 10)
    if not check(m is not None, what + ": our server is listening"):
        server.finish(2)
        return
    # gnutls-cli keeps retrying a refused rehandshake, so it is stopped once
    # it has seen the warning.
    client = Proc(["gnutls-cli", "--udp", "--rehandshake", "--port", m.group(1), "127.0.0.1", "--insecure",
                   "--x509certfile", cert, "--x509keyfile", key, "--priority", BASE_PRIORITY])
    warned = client.wait_for(r"warning alert has been received", TIMEOUT) is not None
    refused = server.wait_for(r"refused a renegotiation \(ClientHello\)", 5) is not None
    client.proc.terminate()
    client.finish(5)
    server.proc.terminate()
    server.finish(5)
    ev = server.events()
    check(first(ev, "handshake") is not None, what + ": the first handshake completes")
    check(refused and warned, what + ": refused with a warning no_renegotiation (ours %r, gnutls saw it %r)"
          % (refused, warned))
    check(first(ev, "error") is None, what + ": the association survives (got %r)" % first(ev, "error"))


def version_floor(tool, certs):
    cert, key, _ = certs["gnutls_ec"]
    port = free_port()
    what = "our client --min-version 1.3 -> gnutls-serv (DTLS 1.2)"
    server = Proc(["gnutls-serv", "--udp", "--port", str(port), "--echo", "--x509certfile", cert, "--x509keyfile",
                   key, "--priority", BASE_PRIORITY])
    if not check(server.wait_for(r"listening on IPv4", 10) is not None, what + ": gnutls-serv is up"):
        server.finish(2)
        return
    client = Proc([tool, "client", "--connect", "127.0.0.1:%d" % port, "--json", "--min-version", "1.3",
                   "--send", "x", "--timeout-ms", "5000"])
    c_rc, _ = client.finish()
    server.proc.terminate()
    server.finish(5)
    err = first(client.events(), "error") or {}
    check(c_rc == 1 and err.get("alert") == "protocol_version" and "DTLS 1.2" in (err.get("reason") or ""),
          what + ": protocol_version, naming the version (rc %r, %r)" % (c_rc, err))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    tool = os.path.abspath(sys.argv[1])
    version = subprocess.run(["gnutls-cli", "--version"], capture_output=True, text=True).stdout.splitlines()
    print("# peer: " + (version[0] if version else "gnutls-cli"))
    with tempfile.TemporaryDirectory() as tmp:
        certs = {
            "gnutls_ec": make_cert(tmp, "gnutls_ec", "ec"),
            "gnutls_rsa": make_cert(tmp, "gnutls_rsa", "rsa"),
            "ours_ec": make_cert(tmp, "ours_ec", "ec"),
            "ours_rsa": make_cert(tmp, "ours_rsa", "rsa"),
        }
        for suite in SUITES:
            for group in GROUPS:
                our_client_vs_serv(tool, certs, suite, group)
        for suite in SUITES:
            for group in GROUPS:
                cli_vs_our_server(tool, certs, suite, group)
        cli_vs_our_server(tool, certs, SUITES[0], GROUPS[0], cookie=True, label=" --cookie always")
        rehandshake_refused(tool, certs)
        version_floor(tool, certs)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
