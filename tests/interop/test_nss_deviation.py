#!/usr/bin/env python3
"""Checks nss_deviation.check_deviation_case on recorded-shape outputs: the
outputs measured against NSS 3.87 pass, and each way the test must fail
(our engine regressing, NSS's deviation disappearing) is reported."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nss_deviation  # noqa: E402

SECRET_A = 'aa' * 32
SECRET_B = 'bb' * 32
SECRET_C = 'cc' * 32
SECRET_D = 'dd' * 32


class FakeProc:
    """The parts of run_matrix.Proc that the checker reads."""

    def __init__(self, work, name, rc, events, stderr='', keylog=''):
        self.name = name
        self.rc = rc
        self._events = events
        self.err_path = os.path.join(work, name + '.err')
        self.keylog = os.path.join(work, name + '.keylog')
        with open(self.err_path, 'w') as f:
            f.write(stderr)
        with open(self.keylog, 'w') as f:
            f.write(keylog)

    def events(self):
        return [json.loads(json.dumps(e)) for e in self._events]


class FakeCase:
    def __init__(self, ours_role, cipher, group, hrr=False, cookie=False):
        self.name = 'fake'
        self.ours_role = ours_role
        self.expect_cipher = cipher
        self.expect_group = group
        self.hrr = hrr
        self.cookie = cookie
        self.relay_note = ''


def timeout_error(bad_tag=0, out=8, retx=2):
    return {'event': 'error', 'alert': None, 'reason': 'handshake did not complete within 1500 ms',
            'records_in': 2, 'records_out': out, 'retransmissions': retx, 'dropped': 1,
            'dropped_bad_header': 0, 'dropped_bad_tag': bad_tag, 'dropped_unknown_epoch': 0,
            'dropped_replay': 0, 'dropped_unexpected': 1}


def log(message):
    return {'event': 'log', 'level': 'info', 'message': message}


def keylog(client, server):
    return ('CLIENT_HANDSHAKE_TRAFFIC_SECRET %s %s\nSERVER_HANDSHAKE_TRAFFIC_SECRET %s %s\n'
            % ('00' * 32, client, '00' * 32, server))


def nss_secrets(write, read):
    return [{'event': 'secret', 'epoch': 2, 'direction': 'write', 'secret': write},
            {'event': 'secret', 'epoch': 2, 'direction': 'read', 'secret': read}]


NSS_TIMEOUT = {'event': 'error', 'where': 'handshake', 'message': 'timeout'}

PEER = '127.0.0.1:37396'
HRR_SENT_LOG = 'listener: %s: ClientHello without a cookie answered with a HelloRetryRequest carrying one' % PEER
COOKIE_ACCEPTED_LOG = 'listener: %s: ClientHello with a valid cookie accepted' % PEER
ASSOCIATION = {'event': 'association', 'role': 'server', 'peer': PEER}


def hello_retry(reason='cookie', sent=1, invalid=0):
    return {'event': 'hello_retry', 'reason': reason, 'peer': PEER, 'bytes': 155, 'hrr_sent': sent,
            'cookies_invalid': invalid}


def measured_cookie_events(group='x25519'):
    """What our server printed against NSS 3.87 with --cookie always -v, before the error."""
    return [log(HRR_SENT_LOG), hello_retry(), log(COOKIE_ACCEPTED_LOG), ASSOCIATION,
            log('ClientHello: chose version 0x7f2b, TLS_AES_128_GCM_SHA256, group %s, '
                'ecdsa_secp256r1_sha256' % group)]


class DeviationChecks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.work = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def server_case(self, ours_logs=None, ours_error=None, nss_events=None, ours_keylog=None,
                    ours_rc=1, ours_extra=(), hrr=False, ours_stderr=''):
        """NSS client -> our server, as measured (overridable)."""
        if ours_logs is None:
            ours_logs = ['ClientHello: chose version 0x7f2b, TLS_AES_128_GCM_SHA256, group x25519, '
                         'ecdsa_secp256r1_sha256']
        events = [log(m) for m in ours_logs] + list(ours_extra) + [ours_error or timeout_error()]
        ours = FakeProc(self.work, 'ours', ours_rc, events, stderr=ours_stderr,
                        keylog=ours_keylog if ours_keylog is not None else keylog(SECRET_A, SECRET_B))
        # NSS client: writes with the client secret, reads with the server one.
        nss = FakeProc(self.work, 'nss', 1,
                       nss_events if nss_events is not None
                       else nss_secrets(SECRET_C, SECRET_D) + [NSS_TIMEOUT])
        case = FakeCase('server', 'TLS_AES_128_GCM_SHA256', 'x25519', hrr)
        return nss_deviation.check_deviation_case(case, ours, nss, None)

    def client_case(self, ours_logs=None, bad_tag=27, hrr=False):
        """Our client -> NSS server, as measured (overridable)."""
        if ours_logs is None:
            ours_logs = ['ServerHello: version 0x7f2b, TLS_AES_256_GCM_SHA384, group secp256r1']
        ours = FakeProc(self.work, 'ours', 1,
                        [log(m) for m in ours_logs] + [timeout_error(bad_tag=bad_tag, out=14, retx=0)],
                        keylog=keylog(SECRET_A, SECRET_B))
        nss = FakeProc(self.work, 'nss', 1, nss_secrets(SECRET_D, SECRET_C) + [NSS_TIMEOUT])
        case = FakeCase('client', 'TLS_AES_256_GCM_SHA384', 'secp256r1', hrr)
        return nss_deviation.check_deviation_case(case, ours, nss, None)

    def cookie_case(self, events=None, ours_error=None, group='x25519', hrr=False):
        """NSS client -> our server --cookie always, as measured (overridable)."""
        if events is None:
            events = measured_cookie_events(group)
        ours = FakeProc(self.work, 'ours', 1, list(events) + [ours_error or timeout_error(out=18, retx=2)],
                        keylog=keylog(SECRET_A, SECRET_B))
        nss = FakeProc(self.work, 'nss', 1, nss_secrets(SECRET_C, SECRET_D) + [NSS_TIMEOUT])
        case = FakeCase('server', None, group, hrr=hrr, cookie=True)
        return nss_deviation.check_deviation_case(case, ours, nss, None)

    def assertFailsWith(self, problems, text):
        self.assertTrue(any(text in p for p in problems), '%r not in %r' % (text, problems))

    # What was measured against NSS 3.87 passes.
    def test_measured_server_side_passes(self):
        self.assertEqual(self.server_case(), [])

    def test_measured_server_hrr_passes(self):
        logs = ['ClientHello: chose version 0x7f2b, TLS_AES_128_GCM_SHA256, group x25519, '
                'ecdsa_secp256r1_sha256; sending HelloRetryRequest',
                'ClientHello: chose version 0x7f2b, TLS_AES_128_GCM_SHA256, group x25519, '
                'ecdsa_secp256r1_sha256']
        self.assertEqual(self.server_case(ours_logs=logs, hrr=True), [])

    def test_measured_server_cookie_passes(self):
        self.assertEqual(self.cookie_case(), [])

    def test_measured_server_cookie_with_group_hrr_passes(self):
        # The listener's one HelloRetryRequest selected secp256r1 too: the
        # connection logs a single choice and sends no HRR of its own.
        self.assertEqual(self.cookie_case(group='secp256r1', hrr=True), [])

    def test_measured_server_cookie_hrr_retransmitted_passes(self):
        # NSS resent its first ClientHello: the stateless listener answers again.
        events = measured_cookie_events()
        events[2:2] = [log(HRR_SENT_LOG), hello_retry(sent=2)]
        self.assertEqual(self.cookie_case(events=events), [])

    def test_measured_client_side_passes(self):
        self.assertEqual(self.client_case(), [])

    def test_measured_client_hrr_passes(self):
        logs = ['HelloRetryRequest: group secp256r1, with cookie',
                'ServerHello: version 0x7f2b, TLS_AES_256_GCM_SHA384, group secp256r1 '
                '(after HelloRetryRequest)']
        self.assertEqual(self.client_case(ours_logs=logs, hrr=True), [])

    # Our engine regressing.
    def test_server_rejecting_the_client_hello_fails(self):
        err = dict(timeout_error(), alert='protocol_version', reason='client does not offer DTLS 1.3')
        problems = self.server_case(ours_logs=[], ours_error=err)
        self.assertFailsWith(problems, 'expected a handshake timeout without alert')
        self.assertFailsWith(problems, 'logged 0 ClientHello choices')

    def test_server_choosing_wrongly_fails(self):
        logs = ['ClientHello: chose version 0xfefc, TLS_AES_256_GCM_SHA384, group ffdhe2048, '
                'ecdsa_secp256r1_sha256']
        problems = self.server_case(ours_logs=logs)
        self.assertFailsWith(problems, 'chose version 0xfefc')
        self.assertFailsWith(problems, 'expected TLS_AES_128_GCM_SHA256')
        self.assertFailsWith(problems, 'group ffdhe2048')

    def test_server_missing_hrr_fails(self):
        self.assertFailsWith(self.server_case(hrr=True), 'expected 2')

    def test_server_cookie_without_hrr_fails(self):
        # The listener let NSS in without a cookie round trip.
        events = [e for e in measured_cookie_events() if e.get('event') != 'hello_retry'
                  and e.get('message') not in (HRR_SENT_LOG, COOKIE_ACCEPTED_LOG)]
        problems = self.cookie_case(events=events)
        self.assertFailsWith(problems, 'no HelloRetryRequest with a cookie')
        self.assertFailsWith(problems, 'logged 0 accepted cookies')

    def test_server_cookie_not_echoed_fails(self):
        # NSS's second ClientHello did not carry our cookie intact: a fresh
        # HRR, and NSS (which already had one) gives up; no connection.
        events = [log(HRR_SENT_LOG), hello_retry(),
                  log('listener: %s: ClientHello with an invalid cookie answered with a fresh '
                      'HelloRetryRequest' % PEER), hello_retry('invalid_cookie', sent=2, invalid=1)]
        problems = self.cookie_case(events=events, ours_error=dict(timeout_error(out=0, retx=0)))
        self.assertFailsWith(problems, "reasons ['invalid_cookie']")
        self.assertFailsWith(problems, 'logged 0 accepted cookies')
        self.assertFailsWith(problems, 'association not created')
        self.assertFailsWith(problems, 'logged 0 ClientHello choices')

    def test_server_cookie_connection_sending_its_own_hrr_fails(self):
        events = measured_cookie_events('secp256r1')
        events[-1] = log(events[-1]['message'] + '; sending HelloRetryRequest')
        self.assertFailsWith(self.cookie_case(events=events, group='secp256r1', hrr=True),
                             'HelloRetryRequest sent unexpectedly')

    def test_server_cookie_flight_cut_short_fails(self):
        # The anti-amplification limit still applied after a verified cookie.
        self.assertFailsWith(self.cookie_case(ours_error=timeout_error(out=8, retx=2)), 'cut short')

    def test_client_missing_hrr_cookie_fails(self):
        logs = ['HelloRetryRequest: group secp256r1',
                'ServerHello: version 0x7f2b, TLS_AES_256_GCM_SHA384, group secp256r1 '
                '(after HelloRetryRequest)']
        self.assertFailsWith(self.client_case(ours_logs=logs, hrr=True), 'with cookie')

    def test_crash_or_sanitizer_fails(self):
        self.assertFailsWith(self.server_case(ours_rc=-6), 'ours exit -6')
        self.assertFailsWith(self.server_case(ours_stderr='==1==ERROR: AddressSanitizer: heap-use-after-free'),
                             'sanitizer report')

    def test_missing_key_log_fails(self):
        self.assertFailsWith(self.server_case(ours_keylog=''), 'secret missing')

    # NSS's deviation disappearing.
    def test_completed_handshake_fails(self):
        done = {'event': 'handshake', 'version': 'DTLS1.3'}
        self.assertFailsWith(self.server_case(ours_extra=[done]), 'NSS deviation gone')

    def test_equal_handshake_secrets_fail(self):
        problems = self.server_case(nss_events=nss_secrets(SECRET_A, SECRET_B) + [NSS_TIMEOUT])
        self.assertFailsWith(problems, 'handshake traffic secrets are equal')

    def test_no_bad_tags_on_our_client_fails(self):
        self.assertFailsWith(self.client_case(bad_tag=0), 'bad tag')


if __name__ == '__main__':
    unittest.main(verbosity=2)
