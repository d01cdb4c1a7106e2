#!/usr/bin/env python3
"""The gst-launch-1.0 calls of docs/GSTREAMER.md between our elements and
Debian's dtlssrtpenc/dtlssrtpdec (gst-plugins-bad 1.22, OpenSSL, DTLS 1.2
only), over UDP on 127.0.0.1, in both DTLS roles: the command lines a user
copies, run as written (default properties, plus cookie=always on our
server, since plain UDP is an unvalidated path). Our side keeps its sinks'
default async=true (what a user writes first: the encoder's gap event lets
udpsink preroll before the handshake); Debian's lines keep the async=false
they were written with. Each side must reach connection-state
connected and decode VP8 frames. Then our pair against itself twice: with
the default async=true and with async=false.

Usage: test_launch_stock12.py   (GST_PLUGIN_PATH must reach our plugin)
The summary line is "N passed, N failed".
"""
import os
import socket
import subprocess
import sys
import time

CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
RUN_SECONDS = 8
WANT_FRAMES = 10
RESULTS = {"passed": 0, "failed": 0}


def check(cond, what):
    RESULTS["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what, flush=True)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ours(id_, is_client, send_port, recv_port, async_sinks=False):
    role = "is-client=true" if is_client else "cookie=always"
    sync = "" if async_sinks else " async=false"
    return ("videotestsrc is-live=true ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! "
            "dtls13srtpenc connection-id=%s %s pre-key-policy=hold ! udpsink host=127.0.0.1 port=%d%s "
            "udpsrc port=%d ! dtls13srtpdec name=dec connection-id=%s dec.rtp_src ! %s ! rtpvp8depay ! vp8dec ! "
            "fakesink silent=false%s" % (id_, role, send_port, sync, recv_port, id_, CAPS, sync))


def stock(id_, is_client, send_port, recv_port):
    # The request pad by name: the 1.22 encoder crashes on an unnamed request.
    return ("videotestsrc is-live=true pattern=ball ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! "
            "enc.rtp_sink_0 dtlssrtpenc name=enc connection-id=%s is-client=%s ! udpsink host=127.0.0.1 port=%d "
            "async=false udpsrc port=%d ! dtlssrtpdec connection-id=%s ! %s ! rtpvp8depay ! vp8dec ! "
            "fakesink silent=false async=false"
            % (id_, "true" if is_client else "false", send_port, recv_port, id_, CAPS))


def launch(desc):
    return subprocess.Popen(["gst-launch-1.0", "-v"] + desc.split(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finish(proc):
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.splitlines()


def call(ours_is_client, ours_both=False, async_sinks=False):
    p_server, p_client = free_port(), free_port()  # the ports each side receives on
    what = "our %s <-> dtlssrtp%s" % ("client" if ours_is_client else "server",
                                       "enc/dec server" if ours_is_client else "enc/dec client")
    if ours_both:
        what = "our pair, sinks %s" % ("async=true (default)" if async_sinks else "async=false")
        server = launch(ours("bob", False, p_client, p_server, async_sinks))
        time.sleep(1)
        client = launch(ours("alice", True, p_server, p_client, async_sinks))
    elif ours_is_client:
        server = launch(stock("bob", False, p_client, p_server))
        time.sleep(1)
        client = launch(ours("alice", True, p_server, p_client, async_sinks=True))
    else:
        server = launch(ours("bob", False, p_client, p_server, async_sinks=True))
        time.sleep(1)
        client = launch(stock("alice", True, p_server, p_client))
    time.sleep(RUN_SECONDS)
    c_lines, s_lines = finish(client), finish(server)
    for name, lines in (("client", c_lines), ("server", s_lines)):
        connected = any("connection-state = connected" in l for l in lines)
        frames = sum(1 for l in lines if "chain" in l and "fakesink" in l)
        errors = [l for l in lines if "ERROR" in l or "CRITICAL" in l or "SIGSEGV" in l]
        check(connected, "%s: the %s reaches connection-state connected" % (what, name))
        check(frames >= WANT_FRAMES, "%s: the %s decodes VP8 frames (%d)" % (what, name, frames))
        check(not errors, "%s: the %s reports no error (%r)" % (what, name, errors[:3]))
        if not connected or errors:
            print("\n".join("    " + l for l in lines if "caps =" not in l and "chain" not in l)[-3000:])


def main():
    if subprocess.run(["gst-inspect-1.0", "dtls13srtpenc"], capture_output=True).returncode != 0:
        print("FAIL our plugin is not on GST_PLUGIN_PATH")
        return 1
    if subprocess.run(["gst-inspect-1.0", "dtlssrtpenc"], capture_output=True).returncode != 0:
        print("SKIP: Debian's dtlssrtpenc (gstreamer1.0-plugins-bad) is not installed")
        return 77
    call(ours_is_client=True)
    call(ours_is_client=False)
    call(ours_is_client=True, ours_both=True, async_sinks=True)
    call(ours_is_client=True, ours_both=True, async_sinks=False)
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
