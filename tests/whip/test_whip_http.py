#!/usr/bin/env python3
"""HTTP plumbing of examples/whip_server without a browser.

Starts whip_server on 127.0.0.1 with an ephemeral port and a temporary page
directory, then checks: the CORS preflight, offers refused with 400 and a
clear message (no m-line, no fingerprint, no ICE credentials,
a=setup:holdconn), 415/413/404/405 cases, a real Chromium-shaped offer
answered with 201 + Location + application/sdp (our a=setup for both
--setup values, candidates, end-of-candidates), the stats endpoint, DELETE
and a second DELETE, several concurrent calls, static files without path
traversal, and a clean exit on SIGTERM. Python standard library only.

usage: test_whip_http.py WHIP_SERVER OFFER_FILE
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


class Server:
    def __init__(self, binary, page_dir, setup):
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--json", "--setup", setup, "--page-dir", page_dir,
             "--ice-address", "127.0.0.1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 10
        self.port = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            event = json.loads(line)
            if event.get("event") == "listening":
                self.port = int(re.search(r":(\d+)/", event["url"]).group(1))
                break
        if self.port is None:
            self.proc.kill()
            raise SystemExit("whip_server did not report listening: " + self.proc.stderr.read())

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        result = (r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        conn.close()
        return result

    def post_offer(self, sdp, content_type="application/sdp"):
        return self.request("POST", "/whip", sdp.encode(), {"Content-Type": content_type})

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        err = self.proc.stderr.read()
        return rc, err


def without(sdp, needle):
    return "".join(l for l in sdp.splitlines(True) if needle not in l)


def test_refusals(s, offer):
    status, h, body = s.request("OPTIONS", "/whip", headers={
        "Origin": "http://example.test", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    check(status == 204, f"OPTIONS /whip -> 204 (got {status})")
    check(h.get("access-control-allow-origin") == "*", "preflight allows any origin")
    check("POST" in h.get("access-control-allow-methods", "") and "DELETE" in h.get("access-control-allow-methods", ""),
          "preflight allows POST and DELETE")
    check("content-type" in h.get("access-control-allow-headers", "").lower(), "preflight allows Content-Type")
    check(h.get("accept-post") == "application/sdp", "Accept-Post: application/sdp")

    cases = [
        ("v=0\r\n", "no usable m-line"),
        ("hello", "bad offer"),
        (without(offer, "a=fingerprint"), "no a=fingerprint"),
        (without(offer, "a=ice-ufrag"), "ICE credentials"),
        (offer.replace("a=setup:actpass", "a=setup:holdconn"), "holdconn"),
        (offer.replace("a=ice-pwd:8Nd2nJtXhKXqRdyrnT9vC5hF", "a=ice-pwd:short"), "ICE credentials are invalid"),
    ]
    for sdp, message in cases:
        status, h, body = s.post_offer(sdp)
        check(status == 400 and message in body, f"bad offer -> 400 \"{message}\" (got {status} {body.strip()!r})")
        check(h.get("access-control-allow-origin") == "*", "the 400 carries CORS too")
    status, _, body = s.post_offer(offer, "text/plain")
    check(status == 415, f"wrong Content-Type -> 415 (got {status})")
    status, _, _ = s.post_offer("v=0\r\n" + "a=x\r\n" * 20000)
    check(status == 413, f"70 KB offer -> 413 (got {status})")
    status, _, _ = s.request("DELETE", "/whip/0123456789abcdef")
    check(status == 404, f"DELETE unknown call -> 404 (got {status})")
    status, _, _ = s.request("GET", "/whip/0123456789abcdef/stats")
    check(status == 404, f"stats of unknown call -> 404 (got {status})")
    status, _, _ = s.request("PUT", "/whip")
    check(status == 405, f"PUT /whip -> 405 (got {status})")


def test_call(s, offer, setup):
    status, h, answer = s.post_offer(offer)
    check(status == 201, f"Chromium offer -> 201 (got {status} {answer.strip()[:200]!r})")
    if status != 201:
        return
    location = h.get("location", "")
    check(re.fullmatch(r"/whip/[0-9a-f]{16}", location) is not None, f"Location /whip/<id> (got {location!r})")
    check(h.get("content-type", "").startswith("application/sdp"), "answer Content-Type application/sdp")
    check("location" in h.get("access-control-expose-headers", "").lower(), "Location is exposed to scripts")
    check(answer.startswith("v=0\r\n") and "a=group:BUNDLE 0 1\r\n" in answer, "answer bundles both m-lines")
    check(f"a=setup:{setup}\r\n" in answer, f"answer has a=setup:{setup}")
    check("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" in answer and "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" in answer,
          "answer keeps opus 111 and VP8 96")
    check(re.search(r"a=candidate:\S+ 1 UDP \d+ 127\.0\.0\.1 \d+ typ host\r\n", answer) is not None,
          "answer has a host candidate on 127.0.0.1")
    check("a=end-of-candidates\r\n" in answer, "answer ends its candidates")
    check(re.search(r"a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n", answer) is not None,
          "answer has our sha-256 fingerprint")
    status, _, body = s.request("GET", location + "/stats")
    check(status == 200, f"GET stats -> 200 (got {status})")
    stats = json.loads(body) if status == 200 else {}
    check(stats.get("id") == location.rsplit("/", 1)[1], "stats name the call")
    check(stats.get("setup") == setup and stats.get("dtls_role") == ("client" if setup == "active" else "server"),
          "stats give our setup and DTLS role")
    check(stats.get("state") in ("checking", "gathering"), f"no browser: still checking (got {stats.get('state')})")
    check(stats.get("remote_mdns_skipped") == 1 and stats.get("remote_candidates_added") == 1,
          "the mDNS candidate is skipped, the IP one added")
    check([m.get("payload_types") for m in stats.get("media", [])] == [[111], [96]], "stats list the payload types")
    status, _, _ = s.request("DELETE", location)
    check(status == 200, f"DELETE the call -> 200 (got {status})")
    status, _, _ = s.request("GET", location + "/stats")
    check(status == 404, f"stats after DELETE -> 404 (got {status})")
    status, _, _ = s.request("DELETE", location)
    check(status == 404, f"second DELETE -> 404 (got {status})")


def test_concurrent(s, offer):
    locations = []
    for _ in range(3):
        status, h, _ = s.post_offer(offer)
        if status == 201:
            locations.append(h.get("location"))
    check(len(set(locations)) == 3, f"three calls at once, three resources (got {locations})")
    status, _, body = s.request("GET", "/whip")
    listed = json.loads(body).get("calls", []) if status == 200 else []
    check(sorted(listed) == sorted(l.rsplit("/", 1)[1] for l in locations), "GET /whip lists them")
    for l in locations:
        s.request("DELETE", l)
    status, _, body = s.request("GET", "/whip")
    check(status == 200 and json.loads(body).get("calls") == [], "all hung up")


def test_static(s):
    status, h, body = s.request("GET", "/")
    check(status == 200 and "hello page" in body, f"GET / serves index.html (got {status})")
    check(h.get("content-type", "").startswith("text/html"), "index.html is text/html")
    status, h, body = s.request("GET", "/app.js")
    check(status == 200 and h.get("content-type", "").startswith("text/javascript"), "GET /app.js")
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/.hidden", "/sub/../../secret.txt", "/missing.html",
                 "//etc/passwd", "/sub/", "/link.txt"]:
        status, _, body = s.request("GET", path)
        check(status == 404 and "top secret" not in body, f"GET {path} -> 404 (got {status})")
    status, _, _ = s.request("POST", "/")
    check(status == 405, f"POST / -> 405 (got {status})")


def main():
    binary, offer_file = sys.argv[1], sys.argv[2]
    with open(offer_file, newline="") as f:
        offer = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "page")
        os.makedirs(os.path.join(page, "sub"))
        with open(os.path.join(page, "index.html"), "w") as f:
            f.write("<!DOCTYPE html><title>hello page</title>\n")
        with open(os.path.join(page, "app.js"), "w") as f:
            f.write("console.log('app');\n")
        with open(os.path.join(page, ".hidden"), "w") as f:
            f.write("top secret\n")
        with open(os.path.join(tmp, "secret.txt"), "w") as f:
            f.write("top secret\n")
        os.symlink(os.path.join(tmp, "secret.txt"), os.path.join(page, "link.txt"))

        for setup in ("active", "passive"):
            s = Server(binary, page, setup)
            try:
                if setup == "active":
                    test_refusals(s, offer)
                    test_static(s)
                    test_concurrent(s, offer)
                test_call(s, offer, setup)
                status, _, _ = s.request("GET", "/")
                check(status == 200, "the server still serves after everything above")
            finally:
                rc, err = s.stop()
            check(rc == 0, f"whip_server --setup {setup} exits 0 on SIGTERM (got {rc})")
            check("ERROR" not in err and "AddressSanitizer" not in err and "runtime error" not in err,
                  "no sanitizer or GLib error on stderr")
            if FAILURES:
                sys.stderr.write(err)
    print(f"{len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
