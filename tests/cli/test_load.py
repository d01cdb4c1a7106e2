#!/usr/bin/env python3
"""Runs dtls13-load against `dtls13 server --echo` over 127.0.0.1.

Usage: test_load.py PATH_TO_DTLS13 PATH_TO_DTLS13_LOAD

Checks: associations one after another, DTLS 1.3 and 1.2, with data echoed
(the JSON summary counts them established and closed, latencies ordered
p50 <= p95 <= p99 <= max, exit 0); 300 associations held open at once on
the one server process, 1.3 and 1.2, cookies under load (the server's
stats event adds up); associations spread over loopback source
addresses; a server address where nothing listens (every association fails
with the reason named, exit 1); a small ClientHello flood from distinct
loopback addresses at a server with --cookie always (every reply a
HelloRetryRequest or, for a 1.2-only flood, a HelloVerifyRequest, none above
3x the ClientHello's bytes, and a real client's handshake succeeds before
and during it); bad arguments exit 2 with a message.
Every process runs under a timeout, so the test never hangs.
"""
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_cli import Server, check, failures  # noqa: E402

PROC_TIMEOUT = 60


def run_load(load, args):
    """Runs dtls13-load with --json; returns (status, [json objects], stderr)."""
    try:
        res = subprocess.run([load, "--json", "--quiet"] + args, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=PROC_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, [], "timeout"
    objs = []
    for line in res.stdout.splitlines():
        try:
            objs.append(json.loads(line))
        except json.JSONDecodeError:
            objs.append({"event": "unparseable", "line": line})
    return res.returncode, objs, res.stderr


def summary(objs, event):
    for o in objs:
        if o.get("event") == event:
            return o
    return {}


def check_load_run(what, status, objs, count):
    s = summary(objs, "load")
    check(status == 0, "%s: exit 0 (got %s)" % (what, status))
    check(s.get("established") == count and s.get("closed") == count and s.get("failed") == 0,
          "%s: %d established and closed, none failed (%s)" % (what, count, s))
    check(0 < s.get("p50_us", 0) <= s.get("p95_us", 0) <= s.get("p99_us", 0) <= s.get("max_us", 0),
          "%s: latency percentiles ordered" % what)
    check(s.get("handshakes_per_s", 0) > 0, "%s: handshakes/s reported" % what)


def test_sequential(exe, load):
    srv = Server(exe, ["--echo"], once=False)
    try:
        addr = "127.0.0.1:%d" % srv.port
        status, objs, _ = run_load(load, ["--connect", addr, "--count", "6", "--concurrency", "1", "--data", "2500"])
        check_load_run("1.3 with 2500 bytes echoed", status, objs, 6)
        status, objs, _ = run_load(load, ["--connect", addr, "--count", "4", "--concurrency", "1",
                                          "--max-version", "1.2", "--data", "100"])
        check_load_run("1.2 with data echoed", status, objs, 4)
        status, objs, _ = run_load(load, ["--connect", addr, "--count", "4", "--concurrency", "1",
                                          "--sources", "4"])
        check_load_run("over 4 loopback source addresses", status, objs, 4)
    finally:
        srv.proc.terminate()
        srv.finish()


def server_stats(events):
    return summary(events, "stats")


def test_concurrent(exe, load):
    """Many associations held open at once on one server process (the
    endpoint), DTLS 1.3 and 1.2 together, with the cookie policy under-load:
    everything completes, the server's counters add up."""
    srv = Server(exe, ["--echo", "--cookie", "under-load"], once=False)
    try:
        addr = "127.0.0.1:%d" % srv.port
        status, objs, _ = run_load(load, ["--connect", addr, "--count", "200", "--concurrency", "200", "--hold",
                                          "--data", "100", "--sources", "8"])
        check_load_run("200 concurrent 1.3 associations held open", status, objs, 200)
        status, objs, _ = run_load(load, ["--connect", addr, "--count", "100", "--concurrency", "100", "--hold",
                                          "--max-version", "1.2", "--data", "100"])
        check_load_run("100 concurrent 1.2 associations held open", status, objs, 100)
    finally:
        srv.proc.terminate()
        _, events, _ = srv.finish()
    st = server_stats(events)
    check(st.get("handshakes_completed") == 300 and st.get("handshakes_dtls12") == 100 and
          st.get("handshakes_failed") == 0, "server: 300 handshakes, 100 of them DTLS 1.2, none failed (%s)" % st)
    check(st.get("associations_peak", 0) >= 100, "server: at least 100 associations at once (%s)" % st)
    check(st.get("cookies_sent", 0) > 0 and st.get("cookies_verified") == st.get("cookies_sent"),
          "server: under load some clients got a cookie, and all came back (%s)" % st)
    check(st.get("closed_ok") == 300, "server: every association closed cleanly (%s)" % st)
    check(len([e for e in events if e.get("event") == "handshake"]) == 300, "server: 300 handshake events")


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_nothing_listening(load):
    status, objs, _ = run_load(load, ["--connect", "127.0.0.1:%d" % free_udp_port(), "--count", "3",
                                      "--concurrency", "3", "--timeout-ms", "3000"])
    s = summary(objs, "load")
    check(status == 1, "nothing listening: exit 1 (got %s)" % status)
    check(s.get("failed") == 3 and s.get("established") == 0, "nothing listening: 3 failed (%s)" % s)
    check(any(k.startswith("failed:connection refused") for k in s), "nothing listening: reason names it (%s)" % s)


def test_flood(exe, load, version_args, reply_key, what):
    srv = Server(exe, ["--cookie", "always"] + version_args, once=False)
    try:
        status, objs, err = run_load(load, ["--connect", "127.0.0.1:%d" % srv.port, "--flood", "2000",
                                            "--flood-rate", "20000", "--probe"] + version_args)
        f = summary(objs, "flood")
        probes = [o for o in objs if o.get("event") == "probe"]
        check(status == 0, "%s: exit 0 (got %s: %s)" % (what, status, err.strip()))
        check(f.get("sent") == 2000, "%s: 2000 ClientHellos sent (%s)" % (what, f))
        check(f.get("replies", 0) > 0 and f.get(reply_key) == f.get("replies") and f.get("other_replies") == 0,
              "%s: every reply is a %s (%s)" % (what, reply_key, f))
        check(0 < f.get("max_amplification_permille", 0) <= 3000, "%s: no reply above 3x its ClientHello" % what)
        check(len(probes) == 2 and all(p.get("ok") for p in probes),
              "%s: a real handshake before and during the flood (%s)" % (what, probes))
    finally:
        srv.proc.terminate()
        _, events, _ = srv.finish()
    # 2000 cookie answers at 20,000/s: a burst reported one by one, the rest
    # summed up (at most one summary a second, one more at exit), and the
    # two add up to the listener's count in the stats event.
    each = [e for e in events if e.get("event") == "hello_retry"]
    sums = [e for e in events if e.get("event") == "hello_retry_summary"]
    stats = [e for e in events if e.get("event") == "stats"]
    sent = stats[-1].get("cookies_sent") if stats else None
    unreported = sum(e.get("unreported", 0) for e in sums)
    check(sent is not None and sent >= 2000 and len(each) + unreported == sent,
          "%s: %d hello_retry events + %d summed up == %s cookies sent" % (what, len(each), unreported, sent))
    check(32 <= len(each) <= 200 and 1 <= len(sums) <= 5,
          "%s: the server's output stays bounded under the flood (%d events one by one, %d summaries)"
          % (what, len(each), len(sums)))


def test_bad_arguments(load):
    for args, what in ((["--count", "5"], "no --connect"), (["--connect", "127.0.0.1:1", "--count", "0"], "count 0"),
                       (["--connect", "127.0.0.1:1", "--max-version", "2.0"], "bad version"),
                       (["--connect", "127.0.0.1:1", "--probe"], "--probe without --flood"),
                       (["--connect", "127.0.0.1:1", "--bogus"], "unknown option")):
        res = subprocess.run([load] + args, capture_output=True, text=True, timeout=PROC_TIMEOUT)
        check(res.returncode == 2 and res.stderr.startswith("dtls13-load: "),
              "bad arguments (%s): exit 2 with a message (%s)" % (what, res.stderr.strip()))
    res = subprocess.run([load, "--help"], capture_output=True, text=True, timeout=PROC_TIMEOUT)
    check(res.returncode == 0 and "--concurrency" in res.stdout, "--help prints the usage")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, load = sys.argv[1], sys.argv[2]
    for test in (lambda: test_sequential(exe, load), lambda: test_concurrent(exe, load),
                 lambda: test_nothing_listening(load),
                 lambda: test_flood(exe, load, [], "hello_retry_requests", "1.3 flood"),
                 lambda: test_flood(exe, load, ["--max-version", "1.2"], "hello_verify_requests", "1.2 flood"),
                 lambda: test_bad_arguments(load)):
        try:
            test()
        except Exception as e:  # a crash in one scenario must not hide the others
            check(False, "scenario raised %s: %s" % (type(e).__name__, e))
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
