"""What a matrix case must show while NSS 3.87 keeps its pre-RFC DTLS 1.3
wire format (run_matrix.py --expect-nss-deviation; docs/INTEROP.md).

NSS 3.87 negotiates the draft-43 code point 0x7f2b (our --draft43 handles
it), but also puts the epoch into the AEAD nonce, hashes the 12-byte DTLS
handshake headers into the transcript and sends 8-byte ACK record numbers.
RFC 9147 wins, so no handshake can complete. What does interoperate, and is
checked here for every case, is everything up to the first encrypted
record:

  NSS client -> our server: our server parsed NSS's ClientHello (ffdhe
    groups, record_size_limit, EMS, renegotiation_info, ... offered) and
    logged the expected choice ("ClientHello: chose version 0x7f2b, <suite>,
    group <group>, ecdsa_secp256r1_sha256"); in the HelloRetryRequest case
    it sent a HelloRetryRequest and then accepted NSS's second ClientHello
    with the requested key share; it sent ServerHello and encrypted records,
    which NSS cannot open, so our flight is retransmitted and the handshake
    times out without any alert.
  NSS client -> our server with --cookie always: our stateless listener
    answered NSS's first ClientHello with a HelloRetryRequest carrying a
    cookie ("hello_retry" events, reason "cookie" only), NSS's second
    ClientHello echoed it and the listener verified it and accepted ("listener:
    ...: ClientHello with a valid cookie accepted", once, then one
    "association"); the connection made from it logged one ClientHello
    choice and sent no HelloRetryRequest of its own (in the case where our
    server takes only P-256, the listener's one HelloRetryRequest selected
    the group as well). The verified cookie validates NSS's address, so
    every transmission of our first flight is whole (ServerHello through
    Finished, 6 records), not cut by the anti-amplification limit.
  our client -> NSS server: our client accepted NSS's ServerHello ("ServerHello:
    version 0x7f2b, <suite>, group <group>") and, in the HelloRetryRequest
    case, NSS's HelloRetryRequest with its cookie first; NSS's encrypted
    records then fail authentication in our record layer (dropped_bad_tag
    > 0) and the handshake times out without any alert.
  Both directions: the handshake traffic secrets of the two sides (our key
    log, nss_peer --secrets) exist and differ (the transcript deviation), and
    neither side reports a completed handshake.

A case that completes a handshake, or whose handshake secrets agree, means
NSS's deviation is gone (or changed): run the full matrix instead.
"""
import json
import re

HRR_GROUP = 'secp256r1'
OUR_SIGNATURE_SCHEME = 'ecdsa_secp256r1_sha256'  # our certificate is ECDSA P-256
DEFAULT_SHARE = 'x25519'   # the one key share NSS's and our defaults send
DRAFT43 = '7f2b'
GONE = ' (NSS deviation gone? run the full matrix without --expect-nss-deviation)'

CLIENT_HELLO_RE = re.compile(
    r'^ClientHello: chose version 0x([0-9a-f]{4}), (\S+), group (\S+), (\S+?)'
    r'(; sending HelloRetryRequest)?$')
SERVER_HELLO_RE = re.compile(
    r'^ServerHello: version 0x([0-9a-f]{4}), (\S+), group (\S+)( \(after HelloRetryRequest\))?$')
LISTENER_ACCEPT_RE = re.compile(r'^listener: \S+: ClientHello with a valid cookie accepted$')
FIRST_FLIGHT_RECORDS = 6  # ServerHello, EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished
HRR_RE = re.compile(r'^HelloRetryRequest: group (\S+)(, with cookie)?$')
SANITIZER_MARKS = ('Sanitizer', 'runtime error:', 'LeakSanitizer')


def events_of(proc, kind):
    return [e for e in proc.events() if e.get('event') == kind]


def read_text(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode(errors='replace')
    except OSError:
        return ''


def our_handshake_secrets(keylog_path):
    """{'client': hex, 'server': hex} from our NSS-format key log."""
    found = {}
    for line in read_text(keylog_path).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == 'CLIENT_HANDSHAKE_TRAFFIC_SECRET':
            found['client'] = parts[2].lower()
        elif len(parts) == 3 and parts[0] == 'SERVER_HANDSHAKE_TRAFFIC_SECRET':
            found['server'] = parts[2].lower()
    return found


def nss_handshake_secrets(nss, nss_role):
    """{'client': hex, 'server': hex}: NSS's epoch-2 secrets (nss_peer --secrets)."""
    found = {}
    for e in events_of(nss, 'secret'):
        if e.get('epoch') != 2 or not e.get('secret'):
            continue
        writer_is_nss = e.get('direction') == 'write'
        owner = nss_role if writer_is_nss else ('client' if nss_role == 'server' else 'server')
        found[owner] = e['secret'].lower()
    return found


def check_exit(proc, problems):
    """Each side must give up by itself (exit 1), without sanitizer reports."""
    if proc.rc != 1:
        problems.append('%s exit %s, expected 1 (handshake timeout)' % (proc.name, proc.rc))
    err = read_text(proc.err_path)
    if any(mark in err for mark in SANITIZER_MARKS):
        problems.append('%s: sanitizer report on stderr' % proc.name)


def check_no_handshake(ours, nss, problems):
    for p in (ours, nss):
        if events_of(p, 'handshake'):
            problems.append('%s completed a handshake%s' % (p.name, GONE))
        for e in events_of(p, 'data'):
            problems.append('%s received application data %r%s' % (p.name, e.get('text'), GONE))


def our_error(ours, problems):
    """Our side's error event: a plain handshake timeout, no alert either way."""
    errors = events_of(ours, 'error')
    if len(errors) != 1:
        problems.append('ours: %d error events, expected 1' % len(errors))
        return None
    err = errors[0]
    if err.get('alert') is not None or 'did not complete' not in (err.get('reason') or ''):
        problems.append('ours error %s, expected a handshake timeout without alert'
                        % json.dumps(err, separators=(',', ':')))
    if 'dropped_bad_tag' not in err:
        problems.append('ours error event has no drop counters')
        return None
    return err


def check_cookie_exchange(ours, logs, err, problems):
    """NSS client -> our server with --cookie always: the listener's
    HelloRetryRequest with a cookie, NSS's echo of it verified, then the
    whole first flight in every transmission (the address is validated)."""
    hrrs = events_of(ours, 'hello_retry')
    if not hrrs:
        problems.append('ours sent no HelloRetryRequest with a cookie (no hello_retry event)')
    bad = [e.get('reason') for e in hrrs if e.get('reason') != 'cookie']
    if bad:
        problems.append('ours hello_retry reasons %r: NSS did not echo our cookie intact' % bad)
    accepted = [m for m in logs if LISTENER_ACCEPT_RE.match(m)]
    if len(accepted) != 1:
        problems.append('ours logged %d accepted cookies, expected 1 (NSS\'s second ClientHello '
                        'echoing our cookie)' % len(accepted))
    order = [e.get('event') for e in ours.events() if e.get('event') in ('hello_retry', 'association')]
    if 'association' not in order or order.count('association') != 1 or order[-1] != 'association' \
            or order[0] != 'hello_retry':
        problems.append('ours: association not created once after the cookie round trip (%r)' % order)
    if err is not None and err['records_out'] < FIRST_FLIGHT_RECORDS * (1 + err['retransmissions']):
        problems.append('ours sent %d records in %d transmissions of its first flight: cut short '
                        '(anti-amplification limit despite the verified cookie?)'
                        % (err['records_out'], 1 + err['retransmissions']))


def check_server_side(case, ours, logs, err, problems):
    """NSS client -> our server."""
    if case.cookie:
        check_cookie_exchange(ours, logs, err, problems)
    hellos = [CLIENT_HELLO_RE.match(m) for m in logs if m.startswith('ClientHello:')]
    if not all(hellos):
        problems.append('ours: unparsable ClientHello log line in %r' % logs)
        return
    # With a cookie, the connection sees only the second ClientHello: the
    # listener's HelloRetryRequest (also selecting the group) came before.
    conn_hrr = case.hrr and not case.cookie
    want = 2 if conn_hrr else 1
    if len(hellos) != want:
        problems.append('ours logged %d ClientHello choices, expected %d' % (len(hellos), want))
        return
    for i, m in enumerate(hellos):
        version, cipher, group, sig, hrr = m.groups()
        if version != DRAFT43:
            problems.append('ours chose version 0x%s, expected 0x%s' % (version, DRAFT43))
        if case.expect_cipher and cipher != case.expect_cipher:
            problems.append('ours chose %s, expected %s' % (cipher, case.expect_cipher))
        group_wanted = case.expect_group or DEFAULT_SHARE
        if group != group_wanted:
            problems.append('ours chose group %s, expected %s' % (group, group_wanted))
        if sig != OUR_SIGNATURE_SCHEME:
            problems.append('ours chose signature scheme %s' % sig)
        if bool(hrr) != (conn_hrr and i == 0):
            problems.append('ClientHello %d: HelloRetryRequest %s' % (
                i + 1, 'sent unexpectedly' if hrr else 'not sent'))
    if err is not None:
        # ServerHello plus at least one encrypted record went out, and NSS,
        # unable to open them, never acknowledged the flight.
        if err['records_out'] < (4 if conn_hrr else 3):
            problems.append('ours sent only %d records' % err['records_out'])
        if err['retransmissions'] < 1:
            problems.append('ours never retransmitted its flight (NSS acknowledged it?)%s' % GONE)


def check_client_side(case, logs, err, problems):
    """Our client -> NSS server."""
    hrrs = [HRR_RE.match(m) for m in logs if m.startswith('HelloRetryRequest:')]
    hellos = [(i, SERVER_HELLO_RE.match(m)) for i, m in enumerate(logs) if m.startswith('ServerHello:')]
    if case.hrr:
        if len(hrrs) != 1 or not hrrs[0] or hrrs[0].group(1) != HRR_GROUP or not hrrs[0].group(2):
            problems.append('ours did not log NSS\'s HelloRetryRequest (group %s, with cookie): %r'
                            % (HRR_GROUP, logs))
    elif hrrs:
        problems.append('ours got an unexpected HelloRetryRequest: %r' % logs)
    if len(hellos) != 1 or not hellos[0][1]:
        problems.append('ours did not log exactly one ServerHello: %r' % logs)
    else:
        version, cipher, group, after_hrr = hellos[0][1].groups()
        if version != DRAFT43:
            problems.append('NSS chose version 0x%s, expected 0x%s' % (version, DRAFT43))
        if case.expect_cipher and cipher != case.expect_cipher:
            problems.append('NSS chose %s, expected %s' % (cipher, case.expect_cipher))
        group_wanted = case.expect_group or DEFAULT_SHARE
        if group != group_wanted:
            problems.append('NSS chose group %s, expected %s' % (group, group_wanted))
        if bool(after_hrr) != case.hrr:
            problems.append('ServerHello after HelloRetryRequest: %s' % bool(after_hrr))
    if err is not None and err['dropped_bad_tag'] < 1:
        problems.append('ours dropped no NSS record as a bad tag (nonce/transcript deviation)%s' % GONE)


def check_secrets(case, ours, nss, problems):
    """The transcript deviation: both sides derived handshake secrets, and they differ."""
    mine = our_handshake_secrets(ours.keylog)
    theirs = nss_handshake_secrets(nss, 'server' if case.ours_role == 'client' else 'client')
    for side in ('client', 'server'):
        a, b = mine.get(side), theirs.get(side)
        if not a or not b:
            problems.append('%s handshake traffic secret missing (ours %s, NSS %s)'
                            % (side, 'yes' if a else 'no', 'yes' if b else 'no'))
        elif len(a) != len(b):
            problems.append('%s handshake secret lengths differ: %d vs %d' % (side, len(a), len(b)))
        elif a == b:
            problems.append('%s handshake traffic secrets are equal: NSS hashes the transcript as '
                            'RFC 9147 now%s' % (side, GONE))


def check_relay(relay_proc, problems):
    for e in relay_proc.events():
        if e.get('event') == 'relay_summary':
            if e['c2s']['out'] < 1 or e['s2c']['out'] < 1:
                problems.append('relay forwarded c2s=%d s2c=%d' % (e['c2s']['out'], e['s2c']['out']))
            return
    problems.append('relay printed no summary')


def check_deviation_case(case, ours, nss, relay_proc):
    """Problems of one case in --expect-nss-deviation mode (empty: as expected)."""
    problems = []
    check_exit(ours, problems)
    check_exit(nss, problems)
    check_no_handshake(ours, nss, problems)
    logs = [e.get('message') or '' for e in events_of(ours, 'log')]
    err = our_error(ours, problems)
    if case.ours_role == 'server':
        check_server_side(case, ours, logs, err, problems)
    else:
        check_client_side(case, logs, err, problems)
    check_secrets(case, ours, nss, problems)
    if relay_proc is not None:
        check_relay(relay_proc, problems)
    if err is not None:
        case.relay_note = ('out=%d retx=%d bad_tag=%d unexpected=%d' % (
            err['records_out'], err['retransmissions'], err['dropped_bad_tag'],
            err['dropped_unexpected'])) + (' ' + case.relay_note if case.relay_note else '')
    return problems
