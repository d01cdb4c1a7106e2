#!/usr/bin/env python3
"""UDP relay between one DTLS client and one server, with seeded faults.

    udp_relay.py --server HOST:PORT [--listen HOST:PORT] [--seed N]
                 [--drop PCT] [--reorder PCT] [--duplicate PCT]
                 [--idle-timeout S]

The client sends to the listen address (port 0 picks a free port); the first
address that sends there is "the client". Every datagram from it is forwarded
to the server from one upstream socket, and every datagram from the server is
returned to the client. Faults are off by default; when enabled they are drawn
from random.Random(seed), so a run is reproducible:
  drop       the datagram is not forwarded
  reorder    the datagram is held back and sent after the next datagram in
             the same direction (or after 50 ms if none follows)
  duplicate  the datagram is forwarded twice

Output (stdout, one JSON object per line):
  {"event":"listening","port":N}       once bound
  {"event":"relay_summary",...}        on exit (SIGTERM/SIGINT or idle timeout)
"""
import argparse
import json
import random
import select
import signal
import socket
import sys
import time

HOLD_MS = 50


def parse_addr(text):
    """Splits HOST:PORT (or [V6]:PORT) into (host, port)."""
    host, _, port = text.rpartition(':')
    if host.startswith('[') and host.endswith(']'):
        host = host[1:-1]
    return host, int(port)


class Direction:
    """Fault injection and counters for one direction of traffic."""

    def __init__(self, name, rng, args):
        self.name = name
        self.rng = rng
        self.args = args
        self.held = None  # (deadline, datagram) being reordered
        self.counts = {'in': 0, 'out': 0, 'dropped': 0, 'reordered': 0,
                       'duplicated': 0}

    def roll(self, pct):
        return pct > 0 and self.rng.random() * 100.0 < pct

    def handle(self, data, send):
        """Applies the faults to one datagram; send(bytes) forwards."""
        self.counts['in'] += 1
        if self.roll(self.args.drop):
            self.counts['dropped'] += 1
            return
        copies = 2 if self.roll(self.args.duplicate) else 1
        if copies == 2:
            self.counts['duplicated'] += 1
        if self.held is None and self.roll(self.args.reorder):
            self.counts['reordered'] += 1
            self.held = (time.monotonic() + HOLD_MS / 1000.0, data, copies)
            return
        for _ in range(copies):
            self._out(data, send)
        self.flush(send, force=True)

    def flush(self, send, force=False):
        """Sends a held datagram once its time is up (or now if force)."""
        if self.held is None:
            return
        deadline, data, copies = self.held
        if force or time.monotonic() >= deadline:
            self.held = None
            for _ in range(copies):
                self._out(data, send)

    def _out(self, data, send):
        self.counts['out'] += 1
        send(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--listen', default='127.0.0.1:0')
    ap.add_argument('--server', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--drop', type=float, default=0.0)
    ap.add_argument('--reorder', type=float, default=0.0)
    ap.add_argument('--duplicate', type=float, default=0.0)
    ap.add_argument('--idle-timeout', type=float, default=30.0)
    args = ap.parse_args()

    lhost, lport = parse_addr(args.listen)
    shost, sport = parse_addr(args.server)
    family = socket.AF_INET6 if ':' in lhost else socket.AF_INET
    down = socket.socket(family, socket.SOCK_DGRAM)
    down.bind((lhost, lport))
    up = socket.socket(socket.AF_INET6 if ':' in shost else socket.AF_INET,
                       socket.SOCK_DGRAM)
    up.connect((shost, sport))
    print(json.dumps({'event': 'listening', 'port': down.getsockname()[1]}),
          flush=True)

    rng = random.Random(args.seed)
    c2s = Direction('c2s', rng, args)
    s2c = Direction('s2c', rng, args)
    client = None
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append('signal'))
    signal.signal(signal.SIGINT, lambda *_: stop.append('signal'))
    last_activity = time.monotonic()

    def to_server(data):
        try:
            up.send(data)
        except OSError:
            pass  # server not there (yet); the DTLS timers retransmit

    def to_client(data):
        if client is not None:
            down.sendto(data, client)

    while not stop:
        try:
            ready, _, _ = select.select([down, up], [], [], HOLD_MS / 1000.0 / 2)
        except InterruptedError:
            continue
        for sock in ready:
            try:
                data, src = sock.recvfrom(65535)
            except OSError:
                continue  # e.g. ICMP port unreachable reported on `up`
            last_activity = time.monotonic()
            if sock is down:
                if client is None:
                    client = src
                if src != client:
                    continue
                c2s.handle(data, to_server)
            else:
                s2c.handle(data, to_client)
        c2s.flush(to_server)
        s2c.flush(to_client)
        if time.monotonic() - last_activity > args.idle_timeout:
            stop.append('idle')

    c2s.flush(to_server, force=True)
    s2c.flush(to_client, force=True)
    summary = {'event': 'relay_summary', 'reason': stop[0], 'seed': args.seed,
               'c2s': c2s.counts, 's2c': s2c.counts}
    print(json.dumps(summary, separators=(',', ':')), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
