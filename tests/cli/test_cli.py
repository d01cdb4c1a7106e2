#!/usr/bin/env python3
"""Runs the dtls13 command-line tool as server and client over 127.0.0.1.

Usage: test_cli.py PATH_TO_DTLS13

Checks: the handshake event on both sides with equal exported keying
material and the requested cipher/group/SRTP profile, data echoed, a clean
close and exit status 0; mutual authentication with PEM certificates; a
fingerprint mismatch that fails on both sides with an error event and a
non-zero exit; the key log; the server's --cookie always (one
HelloRetryRequest with a cookie, also when it selects another group) and
never (none); --min-version/--max-version (bad values exit 2, DTLS 1.3 only,
a 1.2-only server with a default client negotiates DTLS 1.2, a 1.2-only
client against a 1.3-only server fails with protocol_version); a client
whose address has nothing listening warns at the first ICMP port
unreachable and fails at --timeout-ms saying so; bad arguments exit 2 with
the usage text.
Every process runs under a timeout, so the test never hangs.
"""
import hashlib
import json
import os
import queue
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

PROC_TIMEOUT = 30  # seconds for any one process
failures = []


def check(cond, what):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        failures.append(what)


class Server:
    """A dtls13 server whose stdout lines are collected by a thread."""

    def __init__(self, exe, args, env=None, once=True):
        self.proc = subprocess.Popen([exe, "server", "--listen", "127.0.0.1:0", "--json"] + (["--once"] if once else [])
                                     + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines = queue.Queue()
        self.events = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.fingerprint = None
        self.port = None
        deadline = time.monotonic() + PROC_TIMEOUT
        while self.port is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("server did not start listening")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("server exited early: " + self.proc.stderr.read())
            ev = json.loads(line)
            self.events.append(ev)
            if ev.get("event") == "fingerprint":
                self.fingerprint = ev["fingerprint"]
            elif ev.get("event") == "listening":
                self.port = ev["port"]

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def finish(self):
        """Waits for exit (killing it after the timeout); returns (status, events, stderr)."""
        try:
            self.proc.wait(timeout=PROC_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(timeout=5)
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.events.append(json.loads(line))
        return self.proc.returncode, self.events, self.proc.stderr.read()


def run_client(exe, port, args, env=None):
    """Runs a client to completion; returns (status, events, stderr)."""
    try:
        res = subprocess.run([exe, "client", "--connect", "127.0.0.1:%d" % port, "--json"] + args,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PROC_TIMEOUT, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, [json.loads(l) for l in out.splitlines() if l.strip()], "timeout"
    events = []
    for line in res.stdout.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            events.append({"event": "unparseable", "line": line})
    return res.returncode, events, res.stderr


def first(events, name):
    for ev in events:
        if ev.get("event") == name:
            return ev
    return None


def test_loopback_echo(exe, tmp):
    print("# loopback: requested algorithms, echo, close, key log")
    algs = ["--ciphers", "TLS_AES_256_GCM_SHA384", "--groups", "secp256r1",
            "--srtp", "SRTP_AEAD_AES_128_GCM", "--export", "EXTRACTOR-dtls_srtp:56"]
    server = Server(exe, ["--echo"] + algs)
    keylog = os.path.join(tmp, "keylog.txt")
    env = dict(os.environ, SSLKEYLOGFILE=keylog)
    text = 'hello \u2713 "quoted" \\ back'
    c_rc, c_ev, c_err = run_client(exe, server.port, algs + ["--peer-fingerprint", server.fingerprint, "--send", text],
                                   env=env)
    s_rc, s_ev, s_err = server.finish()
    check(c_rc == 0, "client exits 0 (got %r; stderr %r)" % (c_rc, c_err[-500:]))
    check(s_rc == 0, "server exits 0 (got %r; stderr %r)" % (s_rc, s_err[-500:]))
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(ch is not None and sh is not None, "handshake event on both sides")
    if ch is None or sh is None:
        print("client events:", c_ev, "\nserver events:", s_ev)
        return
    for side, h in (("client", ch), ("server", sh)):
        check(h.get("version") == "DTLS1.3", side + " version DTLS1.3")
        check(h.get("cipher") == "TLS_AES_256_GCM_SHA384", side + " cipher as requested")
        check(h.get("group") == "secp256r1", side + " group as requested")
        check(h.get("srtp_profile") == "SRTP_AEAD_AES_128_GCM", side + " srtp profile as requested")
        check(isinstance(h.get("handshake_ms"), int), side + " handshake_ms")
    check(ch.get("exported") and ch.get("exported") == sh.get("exported"), "exported keying material equal")
    check(len(ch.get("exported") or "") == 112, "exported 56 bytes")
    check(ch.get("peer_fingerprint") == server.fingerprint, "client saw the server's fingerprint")
    c_fp = first(c_ev, "fingerprint")
    check(c_fp is not None and sh.get("peer_fingerprint") == c_fp.get("fingerprint"),
          "server saw the client's fingerprint (client authentication)")
    sd, cd = first(s_ev, "data"), first(c_ev, "data")
    check(sd is not None and sd.get("text") == text, "server received the text")
    check(cd is not None and cd.get("text") == text, "client received the echo")
    check(first(s_ev, "closed") is not None, "server reports the close")
    check(first(c_ev, "error") is None and first(s_ev, "error") is None, "no error events")
    try:
        with open(keylog, encoding="ascii") as f:
            log = f.read()
    except OSError:
        log = ""
    for label in ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                  "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"):
        check(any(l.startswith(label + " ") and len(l.split()) == 3 for l in log.splitlines()),
              "SSLKEYLOGFILE has " + label)


def make_cert(tmp, name):
    """Self-signed ECDSA P-256 certificate via the openssl tool; returns (cert, key, fingerprint)."""
    cert, key = os.path.join(tmp, name + ".crt"), os.path.join(tmp, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-subj", "/CN=" + name, "-days", "2", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=PROC_TIMEOUT)
    with open(cert, encoding="ascii") as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    digest = hashlib.sha256(der).hexdigest().upper()
    fp = "sha-256 " + ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
    return cert, key, fp


def test_pem_mutual_auth(exe, tmp):
    print("# PEM certificates, both sides check the peer fingerprint")
    if shutil.which("openssl") is None:
        print("skip: no openssl tool")
        return
    s_cert, s_key, s_fp = make_cert(tmp, "server")
    c_cert, c_key, c_fp = make_cert(tmp, "client")
    server = Server(exe, ["--echo", "--cert", s_cert, "--key", s_key, "--peer-fingerprint", c_fp])
    check(server.fingerprint == s_fp, "server prints the fingerprint of its PEM certificate")
    c_rc, c_ev, c_err = run_client(exe, server.port, ["--cert", c_cert, "--key", c_key, "--peer-fingerprint", s_fp,
                                                      "--send", "pem"])
    s_rc, s_ev, s_err = server.finish()
    check(c_rc == 0 and s_rc == 0, "both exit 0 (client %r %r, server %r %r)" % (c_rc, c_err[-300:], s_rc, s_err[-300:]))
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(ch is not None and sh is not None and ch.get("exported") == sh.get("exported")
          and ch.get("exported"), "handshake with equal default (DTLS-SRTP) export")
    cd = first(c_ev, "data")
    check(cd is not None and cd.get("text") == "pem", "echo over the PEM association")


def test_fingerprint_mismatch(exe, tmp):
    print("# fingerprint mismatch fails cleanly on both sides")
    server = Server(exe, ["--echo", "--timeout-ms", "8000"])
    wrong = "sha-256 " + ":".join(["00"] * 32)
    c_rc, c_ev, c_err = run_client(exe, server.port, ["--peer-fingerprint", wrong, "--send", "x",
                                                      "--timeout-ms", "8000"])
    s_rc, s_ev, s_err = server.finish()
    check(c_rc not in (0, None), "client exits non-zero (got %r)" % c_rc)
    check(s_rc not in (0, None), "server exits non-zero (got %r)" % s_rc)
    ce, se = first(c_ev, "error"), first(s_ev, "error")
    check(ce is not None and ce.get("alert") == "bad_certificate",
          "client error event with bad_certificate (got %r)" % ce)
    check(ce is not None and isinstance(ce.get("reason"), str) and ce.get("reason"), "client error has a reason")
    check(se is not None, "server error event (got %r)" % se)
    check(first(c_ev, "handshake") is None, "client reports no handshake")
    check(first(c_ev, "data") is None and first(s_ev, "data") is None, "no data exchanged")


def test_silent_peer_is_replaced(exe):
    print("# server without --once: a second client is served while a silent one is dropped after --timeout-ms")
    server = Server(exe, ["--echo", "--timeout-ms", "1000"], once=False)
    silent = subprocess.Popen([exe, "client", "--connect", "127.0.0.1:%d" % server.port, "--json"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = ""
        deadline = time.monotonic() + PROC_TIMEOUT
        while '"handshake"' not in line and time.monotonic() < deadline and silent.poll() is None:
            line = silent.stdout.readline()
        check('"handshake"' in line, "first client completes its handshake and stays silent")
        time.sleep(1.2)
        c_rc, c_ev, c_err = run_client(exe, server.port, ["--send", "second", "--timeout-ms", "8000"])
        check(c_rc == 0, "second client is served (exit %r, stderr %r)" % (c_rc, c_err[-300:]))
        cd = first(c_ev, "data")
        check(cd is not None and cd.get("text") == "second", "second client gets its echo")
    finally:
        silent.kill()
        silent.wait()
        server.proc.terminate()
    s_rc, s_ev, _ = server.finish()
    check(any(e.get("event") == "error" and "silent" in (e.get("reason") or "") for e in s_ev),
          "server reports abandoning the silent peer")
    check(len([e for e in s_ev if e.get("event") == "handshake"]) == 2, "server completed two handshakes")


def cookie_case(exe, server_args, client_args):
    """Server and client with --send; returns (server events, client events) after checking both exit 0."""
    server = Server(exe, ["--echo", "-v"] + server_args)
    c_rc, c_ev, c_err = run_client(exe, server.port, client_args + ["--peer-fingerprint", server.fingerprint,
                                                                    "--send", "cookie"])
    s_rc, s_ev, s_err = server.finish()
    check(c_rc == 0 and s_rc == 0, "both exit 0 (client %r %r, server %r %r)"
          % (c_rc, c_err[-300:], s_rc, s_err[-300:]))
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(ch is not None and sh is not None and ch.get("exported") and ch.get("exported") == sh.get("exported"),
          "handshake on both sides with equal exported keys")
    cd = first(c_ev, "data")
    check(cd is not None and cd.get("text") == "cookie", "echo over the association")
    return s_ev, c_ev


def listener_logs(events):
    return [e.get("message", "") for e in events if e.get("event") == "log"
            and e.get("message", "").startswith("listener: ")]


def test_cookie(exe):
    print("# server --cookie always: one HelloRetryRequest with a cookie, then the association")
    s_ev, c_ev = cookie_case(exe, ["--cookie", "always"], [])
    hrrs = [e for e in s_ev if e.get("event") == "hello_retry"]
    check(len(hrrs) == 1, "server sent exactly one HelloRetryRequest (got %r)" % hrrs)
    if hrrs:
        check(hrrs[0].get("reason") == "cookie" and hrrs[0].get("hrr_sent") == 1
              and hrrs[0].get("cookies_invalid") == 0 and isinstance(hrrs[0].get("bytes"), int),
              "hello_retry event: reason cookie, listener counters (got %r)" % hrrs[0])
    order = [e.get("event") for e in s_ev if e.get("event") in ("hello_retry", "association", "handshake")]
    check(order == ["hello_retry", "association", "handshake"],
          "the association starts only after the cookie round trip (got %r)" % order)
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(sh is not None and sh.get("cookie") == "verified", "server handshake event: cookie verified")
    check(sh is not None and sh.get("hello_retry") is True, "server: the HelloRetryRequest is in the transcript")
    check(ch is not None and ch.get("hello_retry") is True, "client saw a HelloRetryRequest")
    check(ch is not None and ch.get("group") == "x25519", "no group change needed: x25519 (got %r)"
          % (ch or {}).get("group"))
    logs = listener_logs(s_ev)
    check(any("HelloRetryRequest" in m for m in logs) and any("accepted" in m for m in logs),
          "-v logs both listener decisions (got %r)" % logs)

    print("# server --cookie always --groups secp256r1, client x25519 first: one HRR selects P-256 and carries the cookie")
    s_ev, c_ev = cookie_case(exe, ["--cookie", "always", "--groups", "secp256r1"], ["--groups", "x25519,secp256r1"])
    hrrs = [e for e in s_ev if e.get("event") == "hello_retry"]
    check(len(hrrs) == 1 and hrrs[0].get("reason") == "cookie", "exactly one HelloRetryRequest (got %r)" % hrrs)
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    for side, h in (("client", ch), ("server", sh)):
        check(h is not None and h.get("group") == "secp256r1" and h.get("hello_retry") is True,
              side + " negotiated secp256r1 after the HelloRetryRequest (got %r)" % (h or {}).get("group"))
    check(sh is not None and sh.get("cookie") == "verified", "server handshake event: cookie verified")

    print("# server --cookie never: no HelloRetryRequest")
    s_ev, c_ev = cookie_case(exe, ["--cookie", "never"], [])
    check(first(s_ev, "hello_retry") is None, "no hello_retry event")
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(ch is not None and ch.get("hello_retry") is False and sh is not None and sh.get("hello_retry") is False,
          "neither side saw a HelloRetryRequest")
    check(sh is not None and "cookie" not in sh, "no cookie field without --cookie always")
    check(listener_logs(s_ev) == [], "no listener decisions logged")


def test_nothing_listening(exe):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    start = time.monotonic()
    rc, events, _ = run_client(exe, port, ["--send", "x", "--timeout-ms", "1500"])
    took = time.monotonic() - start
    warn = [e for e in events if e.get("event") == "log" and e.get("level") == "warn" and
            "refused the datagram" in e.get("message", "")]
    err = first(events, "error")
    check(rc == 1, "nothing listening: client exits 1 (got %r)" % rc)
    check(len(warn) == 1, "nothing listening: one warning at the first ICMP port unreachable (%r)" % warn)
    check(err is not None and "nothing listens at 127.0.0.1:%d" % port in err.get("reason", ""),
          "nothing listening: the error says so (%r)" % err)
    check(took < 10, "nothing listening: it gives up at --timeout-ms (%.1f s)" % took)


def test_bad_arguments(exe):
    print("# bad arguments exit 2 with usage")
    cases = [[], ["bogus"], ["server"], ["server", "--listen", "127.0.0.1:0", "--frobnicate"],
             ["client", "--connect", "127.0.0.1:1", "--ciphers", "TLS_NOT_A_SUITE"],
             ["client", "--connect", "127.0.0.1:1", "--export", "nolength"],
             ["client", "--connect", "localhost"], ["server", "--listen", "127.0.0.1:0", "--mtu", "-5"],
             ["server", "--listen", "127.0.0.1:0", "--cookie", "maybe"],
             ["client", "--connect", "127.0.0.1:1", "--cookie", "always"]]
    for args in cases:
        try:
            res = subprocess.run([exe] + args, capture_output=True, text=True, timeout=PROC_TIMEOUT,
                                 stdin=subprocess.DEVNULL)
            rc, err = res.returncode, res.stderr
        except subprocess.TimeoutExpired:
            rc, err = None, ""
        check(rc == 2 and "usage" in err, "exit 2 with usage for %r (got %r)" % (args, rc))
    res = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=PROC_TIMEOUT)
    check(res.returncode == 0 and "usage" in res.stdout, "--help exits 0 with usage")


def run_tool(exe, args):
    """Runs the tool with args to completion; returns (status, stdout, stderr)."""
    try:
        res = subprocess.run([exe] + args, capture_output=True, text=True, timeout=PROC_TIMEOUT,
                             stdin=subprocess.DEVNULL)
        return res.returncode, res.stdout, res.stderr
    except subprocess.TimeoutExpired:
        return None, "", ""


def test_version_options(exe):
    print("# --min-version / --max-version: parsing, DTLS 1.3 only, and a range with DTLS 1.2")
    bad = [(["--min-version", "1.1"], "--min-version wants 1.2 or 1.3, got '1.1'"),
           (["--max-version", "1.0"], "--max-version wants 1.2 or 1.3, got '1.0'"),
           (["--max-version", "tls1.3"], "--max-version wants 1.2 or 1.3, got 'tls1.3'"),
           (["--min-version="], "--min-version wants 1.2 or 1.3, got ''"),
           (["--min-version"], "option '--min-version' needs a value"),
           (["--min-version", "1.3", "--max-version", "1.2"],
            "--min-version 1.3 is newer than --max-version 1.2: no version left")]
    for args, message in bad:
        for mode in (["client", "--connect", "127.0.0.1:1"], ["server", "--listen", "127.0.0.1:0"]):
            rc, _, err = run_tool(exe, mode + args)
            check(rc == 2 and ("dtls13: " + message) in err and "usage" in err,
                  "%s %r: exit 2 with %r and the usage (got %r, %r)" % (mode[0], args, message, rc, err[:120]))
    rc, out, _ = run_tool(exe, ["--help"])
    check(rc == 0 and "--min-version 1.2|1.3" in out and "--max-version 1.2|1.3" in out,
          "--help describes --min-version and --max-version")

    # DTLS 1.3 only on both sides: the same handshake as without the options.
    only13 = ["--min-version", "1.3", "--max-version", "1.3"]
    server = Server(exe, ["--echo"] + only13)
    c_rc, c_ev, c_err = run_client(exe, server.port, only13 + ["--peer-fingerprint", server.fingerprint,
                                                               "--send", "v13"])
    s_rc, s_ev, s_err = server.finish()
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(c_rc == 0 and s_rc == 0, "1.3 only: both exit 0 (client %r %r, server %r %r)"
          % (c_rc, c_err[-300:], s_rc, s_err[-300:]))
    check(ch is not None and sh is not None and ch.get("version") == "DTLS1.3" and sh.get("version") == "DTLS1.3",
          "1.3 only: both sides report DTLS1.3")

    # DTLS 1.2: a 1.2-only server and a default client (which offers 1.2
    # and 1.3) settle on 1.2.
    rc, out, err = run_tool(exe, ["server", "--listen", "127.0.0.1:0", "--once", "--max-version", "1.2",
                                  "--timeout-ms", "1", "--json", "--no-client-auth", "--cookie", "bogus"])
    check(rc == 2, "argument errors are reported before the library sees the range (got %r)" % rc)
    server = Server(exe, ["--echo", "--max-version", "1.2"])
    c_rc, c_ev, c_err = run_client(exe, server.port, ["--peer-fingerprint", server.fingerprint, "--send", "v12"])
    s_rc, s_ev, s_err = server.finish()
    ch, sh = first(c_ev, "handshake"), first(s_ev, "handshake")
    check(c_rc == 0 and s_rc == 0, "1.2 server, default client: both exit 0 (client %r %r, server %r %r)"
          % (c_rc, c_err[-300:], s_rc, s_err[-300:]))
    check(ch is not None and sh is not None and ch.get("version") == "DTLS1.2" and sh.get("version") == "DTLS1.2",
          "1.2 server, default client: both sides report DTLS1.2 (got %r, %r)"
          % ((ch or {}).get("version"), (sh or {}).get("version")))
    cd = first(c_ev, "data")
    check(cd is not None and cd.get("text") == "v12", "echo over the DTLS 1.2 association")

    # A 1.2-only client against a 1.3-only server: a clean failure on both
    # sides, named protocol_version, and no hang.
    server = Server(exe, ["--min-version", "1.3"])
    c_rc, c_ev, c_err = run_client(exe, server.port, ["--max-version", "1.2", "--peer-fingerprint",
                                                      server.fingerprint, "--send", "x"])
    s_rc, s_ev, s_err = server.finish()
    cerr = first(c_ev, "error")
    check(c_rc not in (0, None) and cerr is not None and "protocol_version" in json.dumps(cerr),
          "1.2-only client vs 1.3-only server: client fails naming protocol_version (got %r, %r)" % (c_rc, cerr))
    check(first(s_ev, "handshake") is None, "1.3-only server completes no handshake with a 1.2-only client")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        for test in (lambda: test_loopback_echo(exe, tmp), lambda: test_pem_mutual_auth(exe, tmp),
                     lambda: test_fingerprint_mismatch(exe, tmp), lambda: test_silent_peer_is_replaced(exe),
                     lambda: test_cookie(exe), lambda: test_version_options(exe),
                     lambda: test_nothing_listening(exe),
                     lambda: test_bad_arguments(exe)):
            try:
                test()
            except Exception as e:  # a crash in one scenario must not hide the others
                check(False, "scenario raised %s: %s" % (type(e).__name__, e))
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
