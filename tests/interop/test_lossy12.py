#!/usr/bin/env python3
"""DTLS 1.2 against OpenSSL 3.0 through the seeded lossy relay.

Both roles (our client -> relay -> openssl s_server -dtls1_2, and
openssl s_client -dtls1_2 -> relay -> our server) at 0, 10 and 30 % loss,
with 10 % reordering and 10 % duplication in both directions, several
seeds each (udp_relay.py draws every fault from its seed, so a failing run
is reproduced with the same seed). Every run must complete the handshake
with mutual authentication and use_srtp, agree on the exported SRTP keys
(EXTRACTOR-dtls_srtp, OpenSSL's -keymatexport against ours) and get
application data through; data is not retransmitted, so it is sent
repeatedly and one copy must arrive.

This exercises both stacks' flight retransmission (RFC 6347 4.2.4), the
handling of the peer's retransmitted final flight after the handshake,
reassembly of reordered and duplicated fragments, and the replay window.

Usage: test_lossy12.py DTLS13_TOOL [--seeds N]
The summary line is "N passed, N failed".
"""
import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from peer_util import Proc, check, first, free_port, keying_material, make_cert, summary

HERE = os.path.dirname(os.path.abspath(__file__))
RELAY = os.path.join(HERE, "udp_relay.py")
SRTP = "SRTP_AES128_CM_SHA1_80"
OSSL_COMMON = ["-dtls1_2", "-use_srtp", SRTP, "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60"]
LOSSES = [0, 10, 30]
# A handshake at 30 % loss can need several doublings of OpenSSL's 1 s timer.
HANDSHAKE_WAIT = 60
DATA_COPIES = 20


def relay(server_port, seed, loss):
    r = Proc([sys.executable, RELAY, "--server", "127.0.0.1:%d" % server_port, "--seed", str(seed), "--drop",
              str(loss), "--reorder", "10", "--duplicate", "10", "--idle-timeout", str(HANDSHAKE_WAIT + 10)])
    m = r.wait_for(r'"port": ?(\d+)', 10)
    return r, (int(m.group(1)) if m else None)


def stop(*procs):
    for p in procs:
        if p.proc.poll() is None:
            p.proc.terminate()
    for p in procs:
        p.finish(5)


def send_copies(proc, line, until):
    """Writes line DATA_COPIES times, 50 ms apart, until until() holds."""
    for _ in range(DATA_COPIES):
        if until():
            return
        proc.write(line)
        time.sleep(0.05)


def our_client_run(tool, certs, loss, seed):
    """Returns a list of (ok, description)."""
    ours_cert, ours_key, _ = certs["ours"]
    cert, key, fp = certs["ossl"]
    what = "our client -> s_server, %d%% loss, seed %d" % (loss, seed)
    port = free_port()
    server = Proc(["openssl", "s_server", "-nbio", "-accept", "127.0.0.1:%d" % port, "-naccept", "1", "-cert", cert,
                   "-key", key, "-Verify", "1"] + OSSL_COMMON)
    if server.wait_for(r"^ACCEPT", 10) is None:
        stop(server)
        return [(False, what + ": s_server is up")]
    rel, rport = relay(port, seed, loss)
    if rport is None:
        stop(server, rel)
        return [(False, what + ": relay is up")]
    client = Proc([tool, "client", "--connect", "127.0.0.1:%d" % rport, "--json", "--cert", ours_cert, "--key",
                   ours_key, "--peer-fingerprint", fp, "--send", "ping\n", "--timeout-ms",
                   str(HANDSHAKE_WAIT * 1000)])
    up = server.wait_for(r"Keying material:", HANDSHAKE_WAIT) is not None
    if up:
        send_copies(server, "pong from openssl\n", lambda: client.proc.poll() is not None)
    client.finish(HANDSHAKE_WAIT)
    stop(server, rel)
    ev = client.events()
    hs = first(ev, "handshake") or {}
    data = first(ev, "data") or {}
    theirs = keying_material(server.lines)
    return [
        (up and hs.get("version") == "DTLS1.2" and hs.get("srtp_profile") == SRTP,
         what + ": DTLS 1.2 handshake with use_srtp completes (events %r)" % [e.get("event") for e in ev]),
        (theirs is not None and hs.get("exported") == theirs, what + ": exported SRTP keys equal"),
        (data.get("text", "").startswith("pong from openssl"),
         what + ": data arrives (got %r, s_server saw ping %r, client events %r)"
         % (data.get("text"), any("ping" in l for l in server.lines), [e.get("event") for e in ev])),
    ]


def s_client_run(tool, certs, loss, seed):
    ours_cert, ours_key, _ = certs["ours"]
    cert, key, fp = certs["ossl"]
    what = "s_client -> our server, %d%% loss, seed %d" % (loss, seed)
    server = Proc([tool, "server", "--listen", "127.0.0.1:0", "--json", "--once", "--echo", "--cert", ours_cert,
                   "--key", ours_key, "--peer-fingerprint", fp, "--timeout-ms", str(HANDSHAKE_WAIT * 1000)])
    m = server.wait_for(r'"event":"listening".*"port":(\d+)', 10)
    if m is None:
        stop(server)
        return [(False, what + ": our server is listening")]
    rel, rport = relay(int(m.group(1)), seed, loss)
    if rport is None:
        stop(server, rel)
        return [(False, what + ": relay is up")]
    # -nbio: a blocking s_client that reads a datagram of discarded records
    # (a duplicated final flight) blocks in recvfrom and never reads stdin
    # (s_server too).
    client = Proc(["openssl", "s_client", "-nbio", "-connect", "127.0.0.1:%d" % rport, "-cert", cert, "-key", key]
                  + OSSL_COMMON)
    up = client.wait_for(r"Keying material:", HANDSHAKE_WAIT) is not None
    echoed = False
    if up:
        def seen():
            return any(l.startswith("hello from openssl") for l in client.lines)
        send_copies(client, "hello from openssl\n", seen)
        echoed = client.wait_for(r"^hello from openssl", 2) is not None
    stop(client, server, rel)
    ev = server.events()
    hs = first(ev, "handshake") or {}
    theirs = keying_material(client.lines)
    return [
        (up and hs.get("version") == "DTLS1.2" and hs.get("srtp_profile") == SRTP,
         what + ": DTLS 1.2 handshake with use_srtp completes (events %r)" % [e.get("event") for e in ev]),
        (theirs is not None and hs.get("exported") == theirs, what + ": exported SRTP keys equal"),
        (echoed, what + ": data echoed"),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tool")
    ap.add_argument("--seeds", type=int, default=6, help="seeds per loss rate and role (default 6)")
    args = ap.parse_args()
    tool = os.path.abspath(args.tool)
    with tempfile.TemporaryDirectory() as tmp:
        certs = {"ours": make_cert(tmp, "ours", "ec"), "ossl": make_cert(tmp, "ossl", "ec")}
        jobs = []
        for loss in LOSSES:
            for seed in range(1, args.seeds + 1):
                jobs.append((our_client_run, loss, seed))
                jobs.append((s_client_run, loss, seed))
        # Runs are independent (own ports, own relay), so a few go at once.
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(fn, tool, certs, loss, seed) for fn, loss, seed in jobs]
            for f in futures:
                for ok, what in f.result():
                    check(ok, what)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
