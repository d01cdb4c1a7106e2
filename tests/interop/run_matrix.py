#!/usr/bin/env python3
"""DTLS 1.3 interop matrix: libdtls13's `dtls13` tool against NSS (nss_peer).

    run_matrix.py --dtls13 PATH --nss-peer PATH [--filter TEXT] [--capture DIR]
                  [--keep DIR] [--no-relay] [--verbose] [--timeout-ms N]
    run_matrix.py --expect-nss-deviation --dtls13 PATH --nss-peer PATH [...]
    run_matrix.py --self-test --nss-peer PATH     (nss_peer on both sides)

Cases: {ours client -> NSS server, NSS client -> ours server}
       x {TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
          TLS_CHACHA20_POLY1305_SHA256} x {x25519, secp256r1},
each direct and once through tests/interop/udp_relay.py (faults off), plus
HelloRetryRequest cases, NSS-defaults cases and our server demanding a
cookie (`dtls13 server --cookie always`; nss_peer --hello-retry in
--self-test), alone and with a HelloRetryRequest that also selects a group. Every case uses use_srtp,
mutual certificate authentication with fingerprint checks, data both ways
(the client sends, the server echoes), close_notify from the client, and
compares the EXTRACTOR-dtls_srtp keying material exported by both sides.

Prints one line per case and a final "N passed, N failed" line; exits 1 if
any case failed. In --self-test mode the "ours" side is played by nss_peer
too, which proves the harness, the relay and the certificates.

--expect-nss-deviation (what CI runs while NSS 3.87 keeps its pre-RFC wire
format, see docs/INTEROP.md and nss_deviation.py): the same cases (without
the NewSessionTicket one) with short timeouts; a case passes when it shows
exactly what interoperates today (hello messages, HelloRetryRequest, choices
logged by our engine) and the deviation's signature (differing handshake
secrets, NSS's records failing authentication, no handshake completing).
"""
import argparse
import base64
import hashlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nss_deviation import check_deviation_case  # noqa: E402
from peer_util import start_tshark, stop_tshark  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RELAY = os.path.join(HERE, 'udp_relay.py')

CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384',
           'TLS_CHACHA20_POLY1305_SHA256']
GROUPS = ['x25519', 'secp256r1']
SRTP = 'SRTP_AES128_CM_SHA1_80'
EXPORT_LABEL = 'EXTRACTOR-dtls_srtp'
EXPORT_LEN = 60  # 2 * (16-byte key + 14-byte salt) for SRTP_AES128_CM_SHA1_80
PEER_TIMEOUT_MS = 5000          # each side's own deadline (--timeout-ms)
DEVIATION_TIMEOUT_MS = 1500     # the same with --expect-nss-deviation
PROC_GRACE_S = 5                # processes are killed this long after it
MESSAGE = 'ping from the client "{case}"'


def run(cmd, **kw):
    """Runs a setup command, raising with its output on failure."""
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         timeout=60, **kw)
    if res.returncode != 0:
        raise RuntimeError('%s failed:\n%s' % (' '.join(cmd),
                                               res.stdout.decode(errors='replace')))
    return res.stdout


def pem_fingerprint(pem_path):
    """'sha-256 AA:BB:..' of the first certificate in a PEM file."""
    with open(pem_path) as f:
        text = f.read()
    body = text.split('-----BEGIN CERTIFICATE-----')[1].split('-----END CERTIFICATE-----')[0]
    digest = hashlib.sha256(base64.b64decode(''.join(body.split()))).hexdigest().upper()
    return 'sha-256 ' + ':'.join(digest[i:i + 2] for i in range(0, 64, 2))


def normalize_fp(fp):
    """Hex digits of a fingerprint in lower case, without prefix or colons."""
    fp = (fp or '').strip()
    if fp.lower().startswith('sha-256'):
        fp = fp[7:]
    return ''.join(c for c in fp.lower() if c in '0123456789abcdef')


class Identities:
    """Certificates for both sides: "ours" (PEM, also imported into an NSS
    database for --self-test) and "nss" (created in an NSS database)."""

    def __init__(self, work):
        self.work = work
        self.ours_cert = os.path.join(work, 'ours-cert.pem')
        self.ours_key = os.path.join(work, 'ours-key.pem')
        self.ours_db = os.path.join(work, 'ours-db')
        self.nss_db = os.path.join(work, 'nss-db')
        self.nss_pem = os.path.join(work, 'nss-cert.pem')
        self._make_ours()
        self._make_nss()
        self.ours_fp = pem_fingerprint(self.ours_cert)
        self.nss_fp = pem_fingerprint(self.nss_pem)

    def _make_ours(self):
        run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
             'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-subj',
             '/CN=libdtls13-interop', '-keyout', self.ours_key, '-out',
             self.ours_cert])
        p12 = os.path.join(self.work, 'ours.p12')
        run(['openssl', 'pkcs12', '-export', '-in', self.ours_cert, '-inkey',
             self.ours_key, '-name', 'ours', '-passout', 'pass:', '-out', p12])
        os.mkdir(self.ours_db)
        run(['certutil', '-N', '-d', 'sql:' + self.ours_db, '--empty-password'])
        run(['pk12util', '-i', p12, '-d', 'sql:' + self.ours_db, '-W', '', '-K', ''])

    def _make_nss(self):
        os.mkdir(self.nss_db)
        run(['certutil', '-N', '-d', 'sql:' + self.nss_db, '--empty-password'])
        noise = os.path.join(self.work, 'noise')
        with open(noise, 'wb') as f:
            f.write(os.urandom(64))
        run(['certutil', '-S', '-x', '-d', 'sql:' + self.nss_db, '-n', 'nss',
             '-s', 'CN=nss-interop', '-k', 'ec', '-q', 'nistp256', '-t', 'u,u,u',
             '-v', '1', '-Z', 'SHA256', '-z', noise])
        with open(self.nss_pem, 'wb') as f:
            f.write(run(['certutil', '-L', '-d', 'sql:' + self.nss_db, '-n', 'nss', '-a']))


class Side:
    """How one endpoint of a case is configured (tool-independent)."""

    def __init__(self, ciphers=None, groups=None):
        self.ciphers = ciphers  # None: the implementation's defaults
        self.groups = groups    # list of names, or None: defaults
        self.tickets = False    # NSS server only: send NewSessionTicket
        self.cookie = False     # server: demand a cookie round trip first


def nss_argv(args, ids, role, side, addr, as_ours, case_name):
    """argv for nss_peer playing the NSS side, or "ours" in --self-test."""
    argv = [args.nss_peer, role, '--addr', addr,
            '--db', ids.ours_db if as_ours else ids.nss_db,
            '--nickname', 'ours' if as_ours else 'nss',
            '--srtp', SRTP, '--export', '%s:%d' % (EXPORT_LABEL, EXPORT_LEN),
            '--peer-fingerprint', ids.nss_fp if as_ours else ids.ours_fp,
            '--timeout-ms', str(args.timeout_ms)]
    if args.expect_nss_deviation:
        argv += ['--secrets']
    if side.ciphers:
        if len(side.ciphers) != 1:
            raise ValueError('nss_peer takes one cipher suite')
        argv += ['--cipher', side.ciphers[0]]
    if side.groups:
        argv += ['--groups', ','.join(side.groups)]
    if side.tickets:
        argv += ['--tickets']
    if side.cookie and role == 'server':
        argv += ['--hello-retry']
    if role == 'server':
        argv += ['--echo', '--require-client-auth']
    else:
        argv += ['--send', MESSAGE.format(case=case_name)]
    return argv


def ours_argv(args, ids, role, side, addr, case_name, keylog):
    """argv for libdtls13's dtls13 tool."""
    argv = [args.dtls13, role, '--listen' if role == 'server' else '--connect', addr,
            '--cert', ids.ours_cert, '--key', ids.ours_key,
            '--peer-fingerprint', ids.nss_fp, '--srtp', SRTP,
            '--export', '%s:%d' % (EXPORT_LABEL, EXPORT_LEN), '--json', '--draft43',
            '--timeout-ms', str(args.timeout_ms)]
    if args.expect_nss_deviation:
        argv += ['-v', '--keylog', keylog]
    if side.ciphers:
        argv += ['--ciphers', ','.join(side.ciphers)]
    if side.groups:
        argv += ['--groups', ','.join(side.groups)]
    if side.cookie and role == 'server':
        argv += ['--cookie', 'always']
        if not args.expect_nss_deviation:
            argv += ['-v']  # the listener's decisions, checked by cookie_problems()
    argv += shlex.split(args.ours_args)
    if role == 'server':
        argv += ['--echo', '--once']
    else:
        argv += ['--send', MESSAGE.format(case=case_name)]
    return argv


def free_udp_port():
    """A UDP port that was free a moment ago on 127.0.0.1."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def udp_port_bound(port):
    """True once some process has bound UDP port on this host (Linux)."""
    suffix = ':%04X' % port
    for table in ('/proc/net/udp', '/proc/net/udp6'):
        try:
            with open(table) as f:
                for line in f:
                    fields = line.split()
                    if len(fields) > 1 and fields[1].endswith(suffix):
                        return True
        except OSError:
            pass
    return False


def wait_bound(port, proc, limit_s=5.0):
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if udp_port_bound(port):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


class Proc:
    """A child process whose stdout lines are JSON events."""

    def __init__(self, name, argv, logdir):
        self.name = name
        self.argv = argv
        self.out_path = os.path.join(logdir, name + '.out')
        self.err_path = os.path.join(logdir, name + '.err')
        self._out = open(self.out_path, 'wb')
        self._err = open(self.err_path, 'wb')
        self.p = subprocess.Popen(argv, stdout=self._out, stderr=self._err,
                                  stdin=subprocess.DEVNULL)
        self.rc = None
        self.keylog = os.path.join(logdir, name + '.keylog')

    def wait(self, timeout):
        try:
            self.rc = self.p.wait(timeout=max(0.1, timeout))
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            self.rc = 'timeout'
        return self.rc

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        if self.rc is None:
            self.rc = self.p.returncode

    def close(self):
        self._out.close()
        self._err.close()

    def events(self):
        evs = []
        with open(self.out_path, 'rb') as f:
            for line in f.read().decode(errors='replace').splitlines():
                line = line.strip()
                if line.startswith('{'):
                    try:
                        evs.append(json.loads(line))
                    except ValueError:
                        evs.append({'event': 'unparsable', 'line': line})
        return evs

    def tail(self, n=12):
        text = ''
        for path in (self.out_path, self.err_path):
            with open(path, 'rb') as f:
                lines = f.read().decode(errors='replace').splitlines()[-n:]
            text += ''.join('      %s %s| %s\n' % (self.name, os.path.basename(path)[-3:], l)
                            for l in lines)
        return text


class Case:
    """One matrix entry."""

    def __init__(self, name, ours_role, ours, nss, expect_cipher, expect_group,
                 relay=False, hrr=False, cookie=False):
        self.name = name
        self.ours_role = ours_role   # 'client' or 'server'
        self.ours = ours             # Side for our engine
        self.nss = nss               # Side for NSS
        self.expect_cipher = expect_cipher
        self.expect_group = expect_group
        self.relay = relay
        self.hrr = hrr               # a HelloRetryRequest selecting another group is expected
        self.cookie = cookie         # our server demands a cookie (ours.cookie)


def build_cases(no_relay, with_tickets=True):
    cases = []
    for role in ('client', 'server'):
        for cipher in CIPHERS:
            for group in GROUPS:
                for relay in ((False,) if no_relay else (False, True)):
                    name = '%s %s %s %s' % (
                        'ours-client>nss-server' if role == 'client' else 'nss-client>ours-server',
                        cipher, group, 'relay' if relay else 'direct')
                    cases.append(Case(name, role, Side([cipher], [group]),
                                      Side([cipher], [group]), cipher, group, relay))
    # HelloRetryRequest: NSS's key_share is x25519; our server only takes P-256.
    cases.append(Case('nss-client>ours-server hrr x25519-share->secp256r1', 'server',
                      Side(None, ['secp256r1']), Side(None, ['x25519', 'secp256r1']),
                      None, 'secp256r1', hrr=True))
    # HelloRetryRequest: our client's first share is x25519; NSS only takes P-256.
    cases.append(Case('ours-client>nss-server hrr x25519-share->secp256r1', 'client',
                      Side(None, ['x25519', 'secp256r1']), Side(None, ['secp256r1']),
                      None, 'secp256r1', hrr=True))
    # Everything at defaults: NSS offers ffdhe, record_size_limit, EMS, etc.
    cases.append(Case('nss-client>ours-server nss-defaults', 'server',
                      Side(), Side(), None, None))
    cases.append(Case('ours-client>nss-server nss-defaults', 'client',
                      Side(), Side(), None, None))
    # NSS client with its session cache on: its ClientHello also offers
    # psk_key_exchange_modes (and there is no ticket to resume).
    cache = Side()
    cache.tickets = True
    cases.append(Case('nss-client>ours-server nss-defaults session-cache', 'server',
                      Side(), cache, None, None))
    # Our server demands a cookie: the listener's HelloRetryRequest carries
    # it, NSS's second ClientHello must echo it. Alone (NSS's x25519 share
    # is fine), then with our server taking only P-256, so that the one
    # HelloRetryRequest selects the group and carries the cookie.
    cookie_side = Side()
    cookie_side.cookie = True
    cases.append(Case('nss-client>ours-server cookie', 'server', cookie_side, Side(), None, None,
                      cookie=True))
    cookie_p256 = Side(None, ['secp256r1'])
    cookie_p256.cookie = True
    cases.append(Case('nss-client>ours-server cookie hrr x25519-share->secp256r1', 'server', cookie_p256,
                      Side(None, ['x25519', 'secp256r1']), None, 'secp256r1', hrr=True, cookie=True))
    if not with_tickets:
        return cases
    # NSS server with session tickets on: our client gets a NewSessionTicket.
    tickets = Side()
    tickets.tickets = True
    cases.append(Case('ours-client>nss-server nss-sends-NewSessionTicket', 'client',
                      Side(), tickets, None, None))
    return cases


def first(events, kind):
    for e in events:
        if e.get('event') == kind:
            return e
    return None


def cookie_problems(ours_events, self_test):
    """A cookie case: our server's listener sent HelloRetryRequests with a
    cookie (none for an invalid one), logged that the second ClientHello's
    cookie verified, and reports the handshake as cookie-verified."""
    problems = []
    hrrs = [e for e in ours_events if e.get('event') == 'hello_retry']
    if not hrrs or any(e.get('reason') != 'cookie' for e in hrrs):
        problems.append('ours hello_retry events %r, expected reason cookie' % hrrs)
    if not any('with a valid cookie accepted' in (e.get('message') or '')
               for e in ours_events if e.get('event') == 'log'):
        problems.append('ours did not log the cookie as verified (needs -v)')
    if not self_test:
        h = first(ours_events, 'handshake') or {}
        if h.get('cookie') != 'verified' or h.get('hello_retry') is not True:
            problems.append('ours handshake cookie %r hello_retry %r, expected verified and true'
                            % (h.get('cookie'), h.get('hello_retry')))
    return problems


def check_case(case, ours, nss, ids, relay_proc, self_test=False):
    """Returns a list of problems (empty when the case passed)."""
    problems = []
    for p in (ours, nss):
        if p.rc != 0:
            problems.append('%s exit %s' % (p.name, p.rc))
    ev = {p.name: p.events() for p in (ours, nss)}
    hs = {n: first(e, 'handshake') for n, e in ev.items()}
    for n, h in hs.items():
        err = first(ev[n], 'error')
        if err is not None:
            problems.append('%s error %s' % (n, json.dumps(err, separators=(',', ':'))))
        if h is None:
            problems.append('%s: no handshake event' % n)
    if any(h is None for h in hs.values()):
        return problems
    h_ours, h_nss = hs[ours.name], hs[nss.name]
    for n, h in hs.items():
        if h.get('version') != 'DTLS1.3':
            problems.append('%s version %r' % (n, h.get('version')))
        if case.expect_cipher and h.get('cipher') != case.expect_cipher:
            problems.append('%s cipher %r, expected %s' % (n, h.get('cipher'), case.expect_cipher))
        if case.expect_group and h.get('group') != case.expect_group:
            problems.append('%s group %r, expected %s' % (n, h.get('group'), case.expect_group))
        if h.get('srtp_profile') != SRTP:
            problems.append('%s srtp_profile %r' % (n, h.get('srtp_profile')))
        if len(h.get('exported') or '') != 2 * EXPORT_LEN:
            problems.append('%s exported %r' % (n, h.get('exported')))
    for key in ('cipher', 'group', 'srtp_profile'):
        if h_ours.get(key) != h_nss.get(key):
            problems.append('%s differs: ours %r, nss %r' % (key, h_ours.get(key), h_nss.get(key)))
    if (h_ours.get('exported') or '').lower() != (h_nss.get('exported') or '-').lower():
        problems.append('exported keying material differs')
    if normalize_fp(h_ours.get('peer_fingerprint')) != normalize_fp(ids.nss_fp):
        problems.append('ours saw peer_fingerprint %r' % h_ours.get('peer_fingerprint'))
    if normalize_fp(h_nss.get('peer_fingerprint')) != normalize_fp(ids.ours_fp):
        problems.append('nss saw peer_fingerprint %r' % h_nss.get('peer_fingerprint'))
    message = MESSAGE.format(case=case.name)
    client, server = (ours, nss) if case.ours_role == 'client' else (nss, ours)
    got_server = [e.get('text') for e in ev[server.name] if e.get('event') == 'data']
    got_client = [e.get('text') for e in ev[client.name] if e.get('event') == 'data']
    if message not in got_server:
        problems.append('server did not receive the message (got %r)' % got_server)
    if message not in got_client:
        problems.append('client did not receive the echo (got %r)' % got_client)
    if server is nss and first(ev[nss.name], 'close_notify') is None:
        problems.append('NSS server saw no close_notify')
    if case.cookie:
        problems += cookie_problems(ev[ours.name], self_test)
    if relay_proc is not None:
        summary = first(relay_proc.events(), 'relay_summary')
        if summary is None:
            problems.append('relay printed no summary')
        else:
            case.relay_note = 'relay c2s=%d s2c=%d' % (summary['c2s']['out'], summary['s2c']['out'])
            faults = sum(summary[d][k] for d in ('c2s', 's2c')
                         for k in ('dropped', 'reordered', 'duplicated'))
            if faults:
                case.relay_note += ' faults: ' + ' '.join(
                    '%s %s=%d' % (d, k, summary[d][k]) for d in ('c2s', 's2c')
                    for k in ('dropped', 'reordered', 'duplicated') if summary[d][k])
    return problems


def start_capture(args, case_index, ports, logdir):
    if not args.capture or shutil.which('tshark') is None:
        return None
    os.makedirs(args.capture, exist_ok=True)
    path = os.path.join(args.capture, 'case%02d.pcapng' % case_index)
    p = start_tshark(ports, path, os.path.join(logdir, 'tshark.err'), wait=10)
    if p is None:
        print('    warning: tshark did not start capturing; case %d runs without a capture'
              % case_index, flush=True)
        return None
    return (p, path)


def stop_capture(cap):
    if cap is None:
        return None
    p, path = cap
    stop_tshark(p, settle=0.2)
    return path


def run_case(args, ids, case, index, logroot):
    logdir = os.path.join(logroot, 'case%02d' % index)
    os.makedirs(logdir)
    server_port = free_udp_port()
    server_addr = '127.0.0.1:%d' % server_port
    server_side, client_side = ((case.nss, case.ours) if case.ours_role == 'client'
                                else (case.ours, case.nss))

    def argv_for(role, side, addr):
        is_ours = (role == case.ours_role)
        if is_ours and not args.self_test:
            return ours_argv(args, ids, role, side, addr, case.name,
                             os.path.join(logdir, 'ours.keylog'))
        return nss_argv(args, ids, role, side, addr, is_ours, case.name)

    procs = []
    relay_proc = None
    cap = None
    try:
        relay_port = free_udp_port() if case.relay else None
        cap = start_capture(args, index, [server_port] + ([relay_port] if relay_port else []),
                            logdir)
        started = time.monotonic()
        server = Proc('ours' if case.ours_role == 'server' else 'nss',
                      argv_for('server', server_side, server_addr), logdir)
        procs.append(server)
        if not wait_bound(server_port, server.p):
            server.stop()
            return ['server did not bind %s' % server_addr], procs, None, cap
        connect_addr = server_addr
        if case.relay:
            relay_proc = Proc('relay', [sys.executable, RELAY, '--listen',
                                        '127.0.0.1:%d' % relay_port, '--server', server_addr]
                              + shlex.split(args.relay_args), logdir)
            if not wait_bound(relay_port, relay_proc.p):
                return ['relay did not bind'], procs, relay_proc, cap
            connect_addr = '127.0.0.1:%d' % relay_port
        client = Proc('ours' if case.ours_role == 'client' else 'nss',
                      argv_for('client', client_side, connect_addr), logdir)
        procs.append(client)
        limit_s = args.timeout_ms / 1000.0 + PROC_GRACE_S
        client.wait(started + limit_s - time.monotonic())
        server.wait(started + limit_s - time.monotonic())
    finally:
        for p in procs:
            p.stop()
        if relay_proc is not None:
            relay_proc.stop()
        for p in procs + ([relay_proc] if relay_proc else []):
            p.close()
        cap_path = stop_capture(cap)
    ours = next(p for p in procs if p.name == 'ours')
    nss = next(p for p in procs if p.name == 'nss')
    if args.expect_nss_deviation:
        problems = check_deviation_case(case, ours, nss, relay_proc)
    else:
        problems = check_case(case, ours, nss, ids, relay_proc, args.self_test)
    case.elapsed_ms = int((time.monotonic() - started) * 1000)
    case.capture = cap_path
    return problems, procs, relay_proc, cap_path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dtls13', help="path of libdtls13's dtls13 tool")
    ap.add_argument('--nss-peer', required=True, help='path of nss_peer')
    ap.add_argument('--self-test', action='store_true',
                    help='play "ours" with nss_peer too (no dtls13 needed)')
    ap.add_argument('--expect-nss-deviation', action='store_true',
                    help="pass when each case shows what interoperates with NSS 3.87's "
                         'pre-RFC format and the deviation itself (what CI runs)')
    ap.add_argument('--timeout-ms', type=int, default=None,
                    help='deadline of each side (default %d, %d with --expect-nss-deviation)'
                         % (PEER_TIMEOUT_MS, DEVIATION_TIMEOUT_MS))
    ap.add_argument('--filter', action='append', default=[],
                    help='run only cases whose name contains all of these texts')
    ap.add_argument('--no-relay', action='store_true', help='skip the relay runs')
    ap.add_argument('--ours-args', default='',
                    help='extra dtls13 options, e.g. "-v" for its diagnostic log')
    ap.add_argument('--relay-args', default='',
                    help='extra udp_relay.py options for the relay runs, e.g. "--drop 10 --seed 3"')
    ap.add_argument('--capture', metavar='DIR', help='write a tshark capture per case')
    ap.add_argument('--keep', metavar='DIR', help='keep certificates and logs here')
    ap.add_argument('--verbose', action='store_true', help='show logs of passing cases too')
    args = ap.parse_args()
    if not args.self_test and not args.dtls13:
        ap.error('--dtls13 is required unless --self-test')
    if args.self_test and args.expect_nss_deviation:
        ap.error('--expect-nss-deviation needs our dtls13, not --self-test')
    if args.timeout_ms is None:
        args.timeout_ms = DEVIATION_TIMEOUT_MS if args.expect_nss_deviation else PEER_TIMEOUT_MS
    for tool in ('certutil', 'pk12util', 'openssl'):
        if shutil.which(tool) is None:
            print('SKIP: %s not installed' % tool)
            return 77

    work = args.keep or tempfile.mkdtemp(prefix='dtls13-interop-')
    os.makedirs(work, exist_ok=True)
    try:
        ids = Identities(work)
        cases = [c for c in build_cases(args.no_relay,
                                        with_tickets=not args.expect_nss_deviation)
                 if all(f in c.name for f in args.filter)]
        passed = failed = 0
        logroot = os.path.join(work, 'logs')
        os.makedirs(logroot, exist_ok=True)
        mode = 'self-test (nss_peer plays ours)' if args.self_test else args.dtls13
        if args.expect_nss_deviation:
            mode += ', expecting NSS 3.87\'s deviation (see docs/INTEROP.md)' 
        print('interop matrix: ours=%s nss_peer=%s, %d cases' % (mode, args.nss_peer, len(cases)))
        for i, case in enumerate(cases):
            case.relay_note = ''
            problems, procs, relay_proc, cap = run_case(args, ids, case, i, logroot)
            extra = ' [%s]' % case.relay_note if case.relay_note else ''
            if cap:
                extra += ' capture=%s' % cap
            if problems:
                failed += 1
                print('FAIL %-70s %s' % (case.name, '; '.join(problems)), flush=True)
            else:
                passed += 1
                print('PASS %-70s %5d ms%s' % (case.name, case.elapsed_ms, extra), flush=True)
            if problems or args.verbose:
                for p in procs + ([relay_proc] if relay_proc else []):
                    print('    %s: %s' % (p.name, shlex.join(p.argv)))
                    sys.stdout.write(p.tail())
        print('%d passed, %d failed' % (passed, failed))
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
