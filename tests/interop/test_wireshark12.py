#!/usr/bin/env python3
"""Wireshark decrypts our DTLS 1.2 with our key log: Debian's tshark 4.0 (an
independent implementation of the TLS 1.2 PRF, key block and record
decryption) reads a capture of `dtls13 server`/`dtls13 client` over
127.0.0.1 and, given the CLIENT_RANDOM line one of them wrote to
SSLKEYLOGFILE, shows both Finished messages, the application data both
ways and the closing alert in clear; without the key log it shows none of
them (so what it shows comes from our key log line). Cases: AES-128-GCM
with the client's key log; the server's key log after a HelloVerifyRequest
(two ClientHellos, one client random); an RSA certificate
(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) with the client's. Wireshark 4.0
does not decrypt DTLS 1.2 ChaCha20-Poly1305 (OpenSSL's s_client/s_server
with their own key log neither), nor dissect the DTLS 1.3 unified header
(dtls_trace.py summarises 1.3 captures).

Needs tshark and the right to capture on lo (root, or dumpcap's
capabilities); exits 77 (skipped) without them.
Usage: test_wireshark12.py PATH_TO_DTLS13
The summary line is "N passed, N failed".
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_util import RESULTS, check, free_port, make_cert, start_tshark, stop_tshark  # noqa: E402

TIMEOUT = 30
TEXT = "hello wireshark"


def tshark_fields(capture, port, keylog, display_filter, field):
    cmd = ["tshark", "-r", capture, "-d", "udp.port==%d,dtls" % port, "-Y", display_filter, "-T", "fields",
           "-e", field]
    if keylog:
        cmd[1:1] = ["-o", "tls.keylog_file:" + keylog]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    return [l for l in p.stdout.splitlines() if l.strip()]


def run_case(exe, tmp, what, keylog_side, extra_server=(), extra_client=()):
    port = free_port()
    capture = os.path.join(tmp, "%d.pcapng" % port)
    keylog = os.path.join(tmp, "%d.keys" % port)
    cap = start_tshark([port], capture, os.path.join(tmp, "%d.tshark.err" % port))
    if not check(cap is not None, "%s: tshark captures on lo" % what):
        return
    env_s, env_c = dict(os.environ), dict(os.environ)
    env_s.pop("SSLKEYLOGFILE", None)
    env_c.pop("SSLKEYLOGFILE", None)
    (env_s if keylog_side == "server" else env_c)["SSLKEYLOGFILE"] = keylog
    server = subprocess.Popen([exe, "server", "--listen", "127.0.0.1:%d" % port, "--once", "--echo",
                               "--max-version", "1.2"] + list(extra_server), env=env_s,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.3)
    try:
        client = subprocess.run([exe, "client", "--connect", "127.0.0.1:%d" % port, "--send", TEXT,
                                 "--max-version", "1.2"] + list(extra_client), env=env_c,
                                capture_output=True, text=True, timeout=TIMEOUT)
        s_out, _ = server.communicate(timeout=TIMEOUT)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        stop_tshark(cap)
    check(client.returncode == 0 and TEXT in client.stdout and server.returncode == 0,
          "%s: the call completes (client %s, server %s)" % (what, client.returncode, server.returncode))
    lines = open(keylog).read().splitlines() if os.path.exists(keylog) else []
    check(len(lines) == 1 and lines[0].startswith("CLIENT_RANDOM "),
          "%s: the %s wrote one CLIENT_RANDOM line (%d lines)" % (what, keylog_side, len(lines)))
    want = TEXT.encode().hex()
    hellos = tshark_fields(capture, port, None, "dtls.handshake.type == 1", "frame.number")
    check(len(hellos) >= 1, "%s: tshark dissects the capture as DTLS (%d ClientHellos)" % (what, len(hellos)))
    plain_fin = tshark_fields(capture, port, None, "dtls.handshake.type == 20", "frame.number")
    plain_data = tshark_fields(capture, port, None, "data", "data.data")
    check(not plain_fin and want not in plain_data, "%s: without the key log nothing is decrypted" % what)
    fins = tshark_fields(capture, port, keylog, "dtls.handshake.type == 20", "frame.number")
    data = tshark_fields(capture, port, keylog, "data", "data.data")
    alerts = tshark_fields(capture, port, keylog, "dtls.alert_message", "dtls.alert_message.desc")
    check(len(set(fins)) >= 2, "%s: with it, tshark decrypts both Finished messages (frames %s)" % (what, fins))
    check(data.count(want) >= 2, "%s: and the application data both ways (%s)" % (what, data))
    check("0" in alerts, "%s: and the close_notify alert (%s)" % (what, alerts))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    with tempfile.TemporaryDirectory(prefix="dtls13-wireshark-") as tmp:
        probe_port = free_port()
        probe = start_tshark([probe_port], os.path.join(tmp, "probe.pcapng"), os.path.join(tmp, "probe.err"))
        if probe is None:
            print("SKIP: tshark cannot capture on lo here (needs root or dumpcap's capabilities)")
            return 77
        stop_tshark(probe)
        run_case(exe, tmp, "AES-128-GCM, client's key log", "client")
        run_case(exe, tmp, "HelloVerifyRequest first, server's key log", "server", extra_server=["--cookie", "always"])
        cert, key, _ = make_cert(tmp, "rsa_server", "rsa")
        run_case(exe, tmp, "RSA server certificate, AES-256-GCM, client's key log", "client",
                 extra_server=["--cert", cert, "--key", key],
                 extra_client=["--ciphers", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
