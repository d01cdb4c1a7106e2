"""Shared pieces of the DTLS 1.2 interop tests against command-line peers
(test_openssl12.py, test_gnutls12.py): child processes whose output lines
are collected, the pass/fail tally, free ports and test certificates.
Standard library only."""
import json
import os
import queue
import re
import socket
import subprocess
import threading
import time

TIMEOUT = 20
RESULTS = {"passed": 0, "failed": 0}


def check(cond, what):
    RESULTS["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    return cond


class Proc:
    """A child process whose stdout lines are collected by a thread."""

    def __init__(self, argv):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines = []
        self.q = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def wait_for(self, pattern, timeout=TIMEOUT):
        """Waits for a line matching pattern; returns the match or None."""
        rx = re.compile(pattern)
        for line in self.lines:
            m = rx.search(line)
            if m:
                return m
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            m = rx.search(line)
            if m:
                return m
        return None

    def write(self, text):
        try:
            self.proc.stdin.write(text)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def finish(self, timeout=TIMEOUT):
        """Closes stdin, waits (killing after timeout); returns (status, lines)."""
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(timeout=5)
        self.proc.stdout.close()
        return self.proc.returncode, self.lines

    def events(self):
        out = []
        for line in self.lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out


def first(events, name):
    for e in events:
        if e.get("event") == name:
            return e
    return None


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_tshark(ports, path, err_path, wait=15):
    """A tshark capture of the UDP ports on lo into path (its stderr in
    err_path), once it says it is capturing; None when it does not within
    wait seconds (tshark missing its rights, or too slow)."""
    flt = " or ".join("udp port %d" % p for p in ports)
    err = open(err_path, "wb")
    p = subprocess.Popen(["tshark", "-q", "-i", "lo", "-f", flt, "-w", path],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and p.poll() is None:
        with open(err_path, "rb") as f:
            if b"Capturing on" in f.read():
                time.sleep(0.3)  # the filter is in place a moment after the line
                return p
        time.sleep(0.05)
    stop_tshark(p, settle=0)
    return None


def stop_tshark(p, settle=0.5):
    """Stops a start_tshark capture, settle seconds after the last packet
    of interest, so that it is written out."""
    if p is None:
        return
    time.sleep(settle)
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def make_cert(tmp, name, kind):
    cert, key = os.path.join(tmp, name + ".pem"), os.path.join(tmp, name + ".key")
    alg = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if kind == "ec" else ["-newkey", "rsa:2048"]
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-keyout", key,
                    "-out", cert] + alg, check=True, capture_output=True, timeout=TIMEOUT)
    out = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"], check=True,
                         capture_output=True, text=True, timeout=TIMEOUT).stdout
    return cert, key, "sha-256 " + out.strip().split("=", 1)[1]


def keying_material(lines):
    for line in lines:
        m = re.search(r"Keying material: ([0-9A-F]+)", line)
        if m:
            return m.group(1).lower()
    return None


def summary():
    """Prints the summary line; returns the exit status."""
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0

