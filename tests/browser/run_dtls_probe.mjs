#!/usr/bin/env node
// Chromium's DTLS 1.3 against our engine, without the media path: the
// dtls13 CLI tool (tools/dtls13) handshakes with a headless Chromium peer
// connection. The test answers Chromium's offer itself (ice-lite, our
// certificate's fingerprint, a=setup of our role, one host candidate on
// 127.0.0.1), answers Chromium's STUN connectivity checks, and relays the
// DTLS datagrams between Chromium and the CLI. For each DTLS role of ours and
// each SRTP profile family, Chromium's getStats() and the CLI's JSON must
// agree on DTLS 1.3, the cipher suite and the SRTP profile.
//
// A case is SETUP:SRTP[:OPTION+OPTION...]; the options are
//   cookie  our server runs with --cookie always: Chromium's ClientHello is
//           answered by the stateless listener with a HelloRetryRequest
//           carrying a cookie, and the connection is created from the
//           second ClientHello echoing it (passive only). The CLI must
//           report "cookie":"verified", the HRR in its transcript and only
//           "hello_retry" events with reason "cookie" (none "invalid_cookie").
//   p256    dtls13 --groups secp256r1: Chromium's key shares (X25519MLKEM768,
//           x25519) do not match, so the HelloRetryRequest also selects
//           P-256; the CLI must report group secp256r1 after an HRR.
//   dtls12  dtls13 --max-version 1.2: Chromium's DTLS 1.2 fallback (Chromium
//           156 cannot be capped at 1.2 itself, see browser_lib.mjs
//           expectedVersion). Both sides must report DTLS 1.2 (tlsVersion
//           FEFD, "version":"DTLS1.2") and an ECDHE_ECDSA AES-GCM suite.
//           With cookie, the listener answers with a HelloVerifyRequest
//           (RFC 6347 4.2.1): the CLI's hello_retry events must say
//           "message":"HelloVerifyRequest" and its handshake event
//           "cookie":"verified" (there is no HelloRetryRequest in a 1.2
//           transcript). Not with p256 (DTLS 1.2 has no HelloRetryRequest).
//
// With --faults the relay injects seeded faults into the DTLS datagrams
// (never into STUN), independently in each direction, and every case runs
// once per fault set and seed: our ACK and retransmission logic against
// BoringSSL's. Each case prints the seed, the faults each way, the
// handshake time and our retransmissions; a failing case prints the
// datagram log and the command that replays it.
//
// Usage: node run_dtls_probe.mjs --dtls13 PATH --work-dir DIR
//             [--cases active:SRTP_AES128_CM_SHA1_80,passive:SRTP_AES128_CM_SHA1_80:cookie+p256,...]
//             [--case-timeout S]
//             [--faults SPEC]... [--seeds LIST] [--verbose]
//   --faults SPEC  one fault set, e.g. drop=0.3,dup=0.1,reorder=0.2 (keys:
//                  drop, dup, reorder: probabilities per datagram, 0-1 or
//                  N%; hold=MS: how long a reordered datagram waits for a
//                  later one to overtake it, default 150; delay=MS and
//                  jitter=MS: every datagram waits delay + U(0, jitter) ms).
//                  Repeat for a matrix: cases x fault sets x their seeds.
//   --seeds LIST   the seeds of the --faults just before, e.g. 1-6 or
//                  1,4,9 (default 1).
//   --verbose      the datagram log of passing cases too.
//   With faults on, the run also fails when a fault set with drop (dup,
//   reorder) > 0 dropped (duplicated, reordered) nothing over its seeds for
//   a role, so that it cannot pass vacuously.
// Exit: 0 all passed, 1 a failure (step, stats, the datagram log and the
// CLI output printed), 2 a usage error, 77 skipped (no chromium or no npm).

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  DTLS12_ECDSA_GCM, FaultyLink, NO_FAULTS, StepError, directionSeed, elapsed, expectedVersion, formatFaults,
  freePort, parseFaults, parseSeeds, runBrowserTest, say, sleep, srtpFamily,
} from './browser_lib.mjs';

const DEFAULT_CASES = [
  'passive:SRTP_AES128_CM_SHA1_80', 'passive:SRTP_AEAD_AES_128_GCM',
  'active:SRTP_AES128_CM_SHA1_80', 'active:SRTP_AEAD_AES_128_GCM',
  'passive:SRTP_AES128_CM_SHA1_80:cookie', 'passive:SRTP_AEAD_AES_128_GCM:cookie+p256',
];
const CASE_OPTIONS = ['cookie', 'p256', 'dtls12'];
const ICE_UFRAG = 'd13p';
const ICE_PWD = 'dtls13probepassword0123';   // >= 22 characters (RFC 8839)
const STUN_MAGIC = 0x2112a442;

function parseArgs(argv) {
  const opts = { cases: DEFAULT_CASES, caseTimeout: 20, faults: [], verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--dtls13') opts.dtls13 = path.resolve(next());
    else if (a === '--work-dir') opts.workDir = path.resolve(next());
    else if (a === '--cases') opts.cases = next().split(',').filter(Boolean);
    else if (a === '--case-timeout') opts.caseTimeout = Number(next());
    else if (a === '--faults') opts.faults.push({ faults: parseFaults(next()), seeds: [1] });
    else if (a === '--seeds') {
      if (opts.faults.length === 0) throw new Error('--seeds follows the --faults it applies to');
      opts.faults[opts.faults.length - 1].seeds = parseSeeds(next());
    }
    else if (a === '--verbose') opts.verbose = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.dtls13 || !opts.workDir) throw new Error('--dtls13 and --work-dir are required');
  if (!(opts.caseTimeout > 0)) throw new Error('--case-timeout wants a positive number of seconds');
  opts.cases = opts.cases.map((c) => {
    const [setup, srtp, options, extra] = c.split(':');
    if (!['active', 'passive'].includes(setup) || !srtp || extra !== undefined) throw new Error(`bad case ${c}`);
    const set = new Set(options ? options.split('+') : []);
    for (const o of set) if (!CASE_OPTIONS.includes(o)) throw new Error(`bad case ${c}: unknown option ${o}`);
    if (set.has('cookie') && setup !== 'passive') throw new Error(`bad case ${c}: cookie needs our setup passive (we are the DTLS server)`);
    if (set.has('dtls12') && set.has('p256')) throw new Error(`bad case ${c}: p256 needs a HelloRetryRequest, which DTLS 1.2 does not have`);
    const dtls12 = set.has('dtls12');
    return { name: c, setup, srtp, cookie: set.has('cookie'), p256: set.has('p256'), dtls12, version: expectedVersion(dtls12) };
  });
  return opts;
}

// ---------------------------------------------------------------------------
// STUN (RFC 8489): the success response to a Binding request, with
// XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (short-term, our ice-pwd) and
// FINGERPRINT, which is all Chromium checks of an ice-lite peer.

function stunAttribute(type, value) {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function stunHeader(type, length, transactionId) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(length, 2);
  h.writeUInt32BE(STUN_MAGIC, 4);
  transactionId.copy(h, 8);
  return h;
}

function stunBindingSuccess(request, from) {
  const txid = request.subarray(8, 20);
  const xma = Buffer.alloc(8);
  xma[1] = 0x01;  // IPv4
  xma.writeUInt16BE(from.port ^ (STUN_MAGIC >>> 16), 2);
  xma.writeUInt32BE((from.address.split('.').reduce((v, o) => v * 256 + Number(o), 0) ^ STUN_MAGIC) >>> 0, 4);
  let body = stunAttribute(0x0020, xma);
  const integrity = crypto.createHmac('sha1', ICE_PWD)
    .update(Buffer.concat([stunHeader(0x0101, body.length + 24, txid), body])).digest();
  body = Buffer.concat([body, stunAttribute(0x0008, integrity)]);
  const crc = (zlib.crc32(Buffer.concat([stunHeader(0x0101, body.length + 8, txid), body])) ^ 0x5354554e) >>> 0;
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE(crc, 0);
  body = Buffer.concat([body, stunAttribute(0x8028, fingerprint)]);
  return Buffer.concat([stunHeader(0x0101, body.length, txid), body]);
}

// ---------------------------------------------------------------------------
// Our certificate (for the fingerprint in the answer) and the SDP answer.

function makeCertificate(workDir) {
  const dir = path.join(workDir, 'dtls_probe');
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=dtls13-browser-probe'], { encoding: 'utf8' });
  if (r.status !== 0) throw new StepError('certificate', `openssl req failed: ${r.stderr}`);
  const der = spawnSync('openssl', ['x509', '-in', cert, '-outform', 'DER']).stdout;
  const fingerprint = crypto.createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g).join(':');
  return { cert, key, fingerprint };
}

/** Chromium's own answer to its offer, made ours: ICE credentials, ice-lite,
 *  fingerprint, setup and the relay's candidate. */
function ourAnswer(chromiumAnswer, { fingerprint, setup, port }) {
  let sdp = chromiumAnswer
    .replace(/a=ice-ufrag:.*\r\n/g, `a=ice-ufrag:${ICE_UFRAG}\r\n`)
    .replace(/a=ice-pwd:.*\r\n/g, `a=ice-pwd:${ICE_PWD}\r\n`)
    .replace(/a=ice-options:.*\r\n/g, '')
    .replace(/a=fingerprint:.*\r\n/g, `a=fingerprint:sha-256 ${fingerprint}\r\n`)
    .replace(/a=setup:\w+\r\n/g, `a=setup:${setup}\r\na=candidate:1 1 udp 2130706431 127.0.0.1 ${port} typ host\r\na=end-of-candidates\r\n`);
  sdp = sdp.replace(/(t=0 0\r\n)/, '$1a=ice-lite\r\n');
  return sdp;
}

// ---------------------------------------------------------------------------
// One handshake.

function startCli(opts, c, cert, relayPort, cliPort, output) {
  const common = ['--cert', cert.cert, '--key', cert.key, '--srtp', c.srtp, '--json', '-v',
    '--timeout-ms', String(opts.caseTimeout * 1000)];
  if (c.p256) common.push('--groups', 'secp256r1');
  if (c.version.maxVersion) common.push('--max-version', c.version.maxVersion);
  const args = c.setup === 'passive'
    ? ['server', '--listen', `127.0.0.1:${cliPort}`, '--once', ...(c.cookie ? ['--cookie', 'always'] : []), ...common]
    : ['client', '--connect', `127.0.0.1:${relayPort}`, ...common];
  output.command = `${opts.dtls13} ${args.join(' ')}`;
  const child = spawn(opts.dtls13, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  output.text = '';
  output.exit = null;
  output.handshakeAt = 0;
  child.stdout.on('data', (d) => {
    output.text += d;
    if (!output.handshakeAt && output.text.includes('"event":"handshake"')) output.handshakeAt = Date.now();
  });
  child.stderr.on('data', (d) => { output.text += d; });
  child.on('exit', (code, signal) => { output.exit = { code, signal }; });
  return child;
}

/** The CLI's {"event":name,...} lines printed so far. */
function cliEvents(text, name) {
  const found = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line);
      if (j.event === name) found.push(j);
    } catch { /* a partial line */ }
  }
  return found;
}

/** The CLI's first {"event":name,...} line, once printed. */
function cliEvent(text, name) {
  return cliEvents(text, name)[0] || null;
}

/** What the cookie and p256 options require of the CLI's report. */
function cookieProblems(c, o, hrrEvents) {
  const problems = [];
  // DTLS 1.3's cookie comes in a HelloRetryRequest (part of the transcript),
  // DTLS 1.2's in a HelloVerifyRequest (RFC 6347 4.2.1).
  const message = c.dtls12 ? 'HelloVerifyRequest' : 'HelloRetryRequest';
  if (c.cookie) {
    if (o.cookie !== 'verified') problems.push(`dtls13 handshake event cookie ${o.cookie}, not verified`);
    // hello_retry is dtls13_conn_used_hello_retry(): the HelloRetryRequest
    // in 1.3, the listener's HelloVerifyRequest in 1.2.
    if (o.hello_retry !== true) problems.push(`dtls13: handshake event hello_retry ${o.hello_retry} after the ${message}`);
    if (hrrEvents.length === 0) problems.push('dtls13 printed no hello_retry event');
    const bad = hrrEvents.filter((e) => e.reason !== 'cookie');
    if (bad.length) problems.push(`dtls13 hello_retry events with reason ${bad.map((e) => e.reason).join(', ')}`);
    const other = hrrEvents.filter((e) => e.message !== message);
    if (other.length) problems.push(`dtls13 hello_retry events with message ${other.map((e) => e.message).join(', ')}, wanted ${message}`);
  } else if (hrrEvents.length) {
    problems.push(`dtls13 sent ${hrrEvents.length} cookie ${message}s without --cookie`);
  }
  if (c.dtls12 && !c.cookie && o.hello_retry !== false) problems.push(`dtls13 hello_retry ${o.hello_retry} in DTLS 1.2 without --cookie`);
  if (c.p256) {
    if (o.group !== 'secp256r1') problems.push(`dtls13 group ${o.group}, wanted secp256r1`);
    if (o.hello_retry !== true) problems.push('dtls13: no HelloRetryRequest although the key shares cannot match');
  }
  return problems;
}

const faultsOn = (f) => f.drop > 0 || f.dup > 0 || f.reorder > 0 || f.delay > 0 || f.jitter > 0;

/** The faults as printed: "drop=0.3,dup=0.1,reorder=0.2" (hold, delay and
 *  jitter only when they differ from the defaults). */
function shortFaults(f) {
  let s = `drop=${f.drop},dup=${f.dup},reorder=${f.reorder}`;
  for (const k of ['hold', 'delay', 'jitter']) if (f[k] !== NO_FAULTS[k]) s += `,${k}=${f[k]}`;
  return s;
}

async function runCase(opts, browser, cert, c, faults, seed) {
  const role = c.setup === 'active' ? 'client' : 'server';
  const faulted = faultsOn(faults);
  const label = `${c.version.name}, our setup:${c.setup} (dtls13 ${role}), SRTP ${c.srtp}` +
    (c.cookie ? ', --cookie always' : '') + (c.p256 ? ', --groups secp256r1' : '') +
    (faulted ? `, faults ${shortFaults(faults)}, seed ${seed}` : '');
  const result = { label, c, role, faults, faulted, seed, ok: false, step: 'relay', started: Date.now(), datagrams: [], log: [] };
  const cliOut = {};
  result.cli = cliOut;
  const toBrowser = dgram.createSocket('udp4');
  const toCli = dgram.createSocket('udp4');
  let cli = null;
  let context = null;
  let httpServer = null;
  let browserAddr = null;
  let cliAddr = null;
  // The two directions of the relay, each with its own PRNG stream.
  const toBrowserLink = new FaultyLink('us->browser', faults, directionSeed(seed, 0), (m) => {
    if (browserAddr) toBrowser.send(m, browserAddr.port, browserAddr.address);
  }, result.started, result.log);
  const toCliLink = new FaultyLink('browser->us', faults, directionSeed(seed, 1), (m) => {
    if (cliAddr) toCli.send(m, cliAddr.port, cliAddr.address);
  }, result.started, result.log);
  result.links = { 'browser->us': toCliLink.stats, 'us->browser': toBrowserLink.stats };
  toBrowser.on('error', (e) => result.log.push(`relay socket error (browser side): ${e.message}`));
  toCli.on('error', (e) => result.log.push(`relay socket error (dtls13 side): ${e.message}`));
  try {
    await new Promise((r) => toBrowser.bind(0, '127.0.0.1', r));
    await new Promise((r) => toCli.bind(0, '127.0.0.1', r));
    const cliPort = await freePort();  // TCP-free is a good guess for UDP here
    if (c.setup === 'passive') cliAddr = { address: '127.0.0.1', port: cliPort };
    const startTheCli = () => {
      if (cli) return;
      cli = startCli(opts, c, cert, toCli.address().port, cliPort, cliOut);
      result.log.push(`+${Date.now() - result.started}ms dtls13 ${role} started`);
    };
    if (c.setup === 'passive') startTheCli();
    // STUN is answered at once, never faulted; DTLS (RFC 7983: first byte
    // 20-63) goes through the faulty links.
    toBrowser.on('message', (msg, from) => {
      if (msg[0] <= 3 && msg.length >= 20 && msg.readUInt16BE(0) === 0x0001) {
        browserAddr = from;
        toBrowser.send(stunBindingSuccess(msg, from), from.port, from.address);
        if (c.setup === 'active') startTheCli();  // Chromium waits for our ClientHello after ICE
      } else if (msg[0] >= 20 && msg[0] <= 63) {
        browserAddr = from;
        if (!result.firstDtlsAt) result.firstDtlsAt = Date.now();
        result.datagrams.push(`browser->us ${msg.length} (content type ${msg[0]})`);
        if (cliAddr) toCliLink.push(msg);
      }
    });
    toCli.on('message', (msg, from) => {
      cliAddr = from;
      if (!result.firstDtlsAt) result.firstDtlsAt = Date.now();
      result.datagrams.push(`us->browser ${msg.length} (content type ${msg[0]})`);
      if (browserAddr) toBrowserLink.push(msg);
    });

    result.step = 'open page';
    httpServer = http.createServer((q, s) => { s.writeHead(200, { 'Content-Type': 'text/html' }); s.end('<!DOCTYPE html><title>probe</title>'); });
    await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${httpServer.address().port}/`, { timeout: 10000 });

    result.step = 'offer/answer';
    const chromiumAnswer = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      window.pc = pc;
      stream.getTracks().forEach((t) => pc.addTransceiver(t, { direction: 'sendrecv' }));
      await pc.setLocalDescription(await pc.createOffer());
      const other = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      await other.setRemoteDescription(pc.localDescription);
      const answer = await other.createAnswer();
      other.close();
      return answer.sdp;
    });
    result.answer = ourAnswer(chromiumAnswer, { fingerprint: cert.fingerprint, setup: c.setup, port: toBrowser.address().port });
    await page.evaluate(async (sdp) => {
      await window.pc.setRemoteDescription({ type: 'answer', sdp });
      // When the browser's DTLS transport became connected (Date.now(), the
      // same clock as the relay's).
      window.dtlsConnectedAt = 0;
      const t = window.pc.getSenders().map((s) => s.transport).find(Boolean);
      if (t) {
        const check = () => { if (t.state === 'connected' && !window.dtlsConnectedAt) window.dtlsConnectedAt = Date.now(); };
        t.addEventListener('statechange', check);
        check();
      }
    }, result.answer);

    result.step = 'handshake';
    const deadline = Date.now() + opts.caseTimeout * 1000;
    for (;;) {
      result.browser = await page.evaluate(async () => {
        const o = { connectionState: window.pc.connectionState, connectedAt: window.dtlsConnectedAt };
        (await window.pc.getStats()).forEach((s) => {
          if (s.type === 'transport') {
            Object.assign(o, { iceState: s.iceState, dtlsState: s.dtlsState, dtlsRole: s.dtlsRole,
              tlsVersion: s.tlsVersion, dtlsCipher: s.dtlsCipher, srtpCipher: s.srtpCipher });
          }
        });
        return o;
      });
      result.ours = cliEvent(cliOut.text || '', 'handshake');
      const b = result.browser;
      if (b.dtlsState === 'connected' && !result.browserConnectedAt) result.browserConnectedAt = b.connectedAt || Date.now();
      if (b.dtlsState === 'connected' && result.ours) break;
      if (b.dtlsState === 'failed' || b.connectionState === 'failed') {
        throw new StepError(result.step, `Chromium reports dtlsState ${b.dtlsState}, connectionState ${b.connectionState}`);
      }
      if (cliOut.exit && !result.ours) throw new StepError(result.step, `dtls13 exited ${JSON.stringify(cliOut.exit)} without a handshake`);
      if (Date.now() > deadline) throw new StepError(result.step, `not complete within ${opts.caseTimeout} s`);
      await sleep(100);
    }
    // From the first DTLS datagram to the later of the two sides' completion.
    result.handshakeMs = Math.max(result.browserConnectedAt, cliOut.handshakeAt) - result.firstDtlsAt;

    result.step = 'agreement';
    const b = result.browser;
    const o = result.ours;
    const problems = [];
    if (b.tlsVersion !== c.version.tlsVersion) problems.push(`browser tlsVersion ${b.tlsVersion}, not ${c.version.tlsVersion}`);
    if (!c.version.matches(o.version)) problems.push(`dtls13 version ${o.version}, not ${c.version.name}`);
    if (b.dtlsCipher !== o.cipher) problems.push(`cipher: browser ${b.dtlsCipher}, dtls13 ${o.cipher}`);
    if (c.dtls12 && !DTLS12_ECDSA_GCM.test(b.dtlsCipher || '')) problems.push(`browser cipher ${b.dtlsCipher}, wanted ECDHE_ECDSA AES-GCM`);
    if (srtpFamily(b.srtpCipher) !== srtpFamily(c.srtp)) problems.push(`browser srtpCipher ${b.srtpCipher}, wanted ${c.srtp}`);
    if (srtpFamily(o.srtp_profile) !== srtpFamily(c.srtp)) problems.push(`dtls13 SRTP profile ${o.srtp_profile}, wanted ${c.srtp}`);
    const wantRole = c.setup === 'active' ? 'server' : 'client';
    if (b.dtlsRole && b.dtlsRole !== wantRole) problems.push(`browser dtlsRole ${b.dtlsRole}, wanted ${wantRole}`);
    if (o.role && o.role !== role) problems.push(`dtls13 role ${o.role}, wanted ${role}`);
    result.hrrEvents = cliEvents(cliOut.text || '', 'hello_retry');
    problems.push(...cookieProblems(c, o, result.hrrEvents));
    if (problems.length) throw new StepError(result.step, problems.join('; '));
    result.ok = true;
    result.step = null;
  } catch (e) {
    result.error = e.message;
  } finally {
    result.seconds = (Date.now() - result.started) / 1000;
    if (context) await context.close().catch(() => {});
    if (httpServer) httpServer.close();
    if (cli && !cliOut.exit) {
      cli.kill('SIGTERM');  // a connected CLI closes and prints its statistics
      for (let i = 0; i < 30 && !cliOut.exit; i++) await sleep(100);
      if (!cliOut.exit) cli.kill('SIGKILL');
    }
    toBrowserLink.close();
    toCliLink.close();
    toBrowser.close();
    toCli.close();
  }
  // The CLI's statistics at the end ("closed" after SIGTERM, or "error").
  result.final = cliEvent(cliOut.text || '', 'closed') || cliEvent(cliOut.text || '', 'error');
  // A sanitizer build's report (printed at exit) fails the case.
  if (result.ok && /AddressSanitizer|LeakSanitizer|runtime error:/.test(cliOut.text || '')) {
    result.ok = false;
    result.step = 'sanitizer';
    result.error = 'dtls13 printed a sanitizer report';
  }
  return result;
}

/** "9 datagrams, 3 dropped, 1 duplicated, 1 reordered, 1 held until 50 ms" */
function linkSummary(s) {
  return `${s.datagrams} datagrams, ${s.dropped} dropped, ${s.duplicated} duplicated, ${s.reordered} reordered` +
    (s.held_expired ? `, ${s.held_expired} held back until the hold time` : '');
}

/** The command that runs exactly this case again. */
function replayCommand(opts, r) {
  const q = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const args = [process.argv[0], process.argv[1], '--dtls13', opts.dtls13, '--work-dir', opts.workDir,
    '--cases', r.c.name, '--case-timeout', String(opts.caseTimeout)];
  if (r.faulted) args.push('--faults', formatFaults(r.faults), '--seeds', String(r.seed));
  args.push('--verbose');
  return args.map(q).join(' ');
}

function printResult(opts, r) {
  const stats = () => {
    if (r.faulted) {
      console.log(`    seed ${r.seed}, dtls13 ${r.role}, faults ${shortFaults(r.faults)}`);
      for (const [dir, s] of Object.entries(r.links)) console.log(`    ${dir}: ${linkSummary(s)}`);
    }
    const f = r.final;
    const retx = r.ours && r.ours.retransmissions !== undefined ? `${r.ours.retransmissions} at the handshake, ` : '';
    if (f) {
      console.log(`    dtls13 retransmissions: ${retx}${f.retransmissions} at the end; records in ${f.records_in}, out ${f.records_out}; ` +
        `dropped ${f.dropped} (replay ${f.dropped_replay}, unexpected ${f.dropped_unexpected}, bad tag ${f.dropped_bad_tag}, ` +
        `unknown epoch ${f.dropped_unknown_epoch})`);
    }
  };
  if (r.ok) {
    say(`PASS ${r.label}: handshake ${r.handshakeMs} ms (case ${r.seconds.toFixed(1)} s)`);
    console.log(`    ${r.ours.version} ${r.ours.cipher}, group ${r.ours.group}, SRTP ${r.ours.srtp_profile}, ` +
      `${r.c.dtls12 ? 'HVR' : 'HRR'} ${r.ours.hello_retry}, dtls13 handshake_ms ${r.ours.handshake_ms}; browser: ${r.browser.tlsVersion} ${r.browser.dtlsCipher} ` +
      `${r.browser.srtpCipher} (browser is DTLS ${r.browser.dtlsRole})`);
    if (r.c.cookie) {
      console.log(`    cookie ${r.ours.cookie}; cookie ${r.c.dtls12 ? 'HelloVerifyRequests' : 'HelloRetryRequests'} sent ${r.hrrEvents.length} ` +
        `(${r.hrrEvents.map((e) => `${e.message} ${e.bytes} bytes`).join(', ')})`);
    }
    stats();
    if (!r.faulted) console.log(`    first datagrams: ${r.datagrams.slice(0, 6).join(', ')}`);
    if (opts.verbose) {
      console.log(r.log.join('\n').replace(/^/gm, '      '));
      console.log(`    dtls13 output:\n${(r.cli.text || '').trim().replace(/^/gm, '      ')}`);
    }
    return;
  }
  say(`FAIL ${r.label} after ${r.seconds.toFixed(1)} s`);
  console.log(`    step: ${r.step}\n    error: ${r.error}`);
  console.log(`    browser: ${JSON.stringify(r.browser)}`);
  stats();
  console.log(`    datagram log (relay; ms since the case started):`);
  console.log(r.log.join('\n').replace(/^/gm, '      '));
  console.log(`    dtls13: ${r.cli.command || '(not started)'} exit ${JSON.stringify(r.cli.exit)}`);
  console.log(`${(r.cli.text || '').trim().split('\n').slice(-80).join('\n').replace(/^/gm, '      ')}`);
  console.log(`    replay (seed ${r.seed}): ${replayCommand(opts, r)}`);
}

/** Per role and fault set: the spread of handshake times and the faults
 *  injected. Returns the problems that would make the run vacuous: a role
 *  and fault set with drop > 0 that dropped nothing (the first datagrams'
 *  fates depend on the seed only, so this is deterministic for seeds whose
 *  early datagrams are hit); over the whole run, duplication or reordering
 *  asked for and never done, or a role whose retransmission logic was never
 *  used although datagrams were dropped. */
function summarize(results) {
  const groups = new Map();
  for (const r of results) {
    const key = `dtls13 ${r.role}, ${shortFaults(r.faults)}`;
    if (!groups.has(key)) groups.set(key, { faults: r.faults, runs: [] });
    groups.get(key).runs.push(r);
  }
  const problems = [];
  for (const [key, g] of groups) {
    const ok = g.runs.filter((r) => r.ok);
    const times = ok.map((r) => r.handshakeMs).sort((a, b) => a - b);
    const sum = (k) => g.runs.reduce((n, r) => n + r.links['browser->us'][k] + r.links['us->browser'][k], 0);
    const retx = ok.reduce((n, r) => n + (r.final ? r.final.retransmissions : 0), 0);
    const t = times.length ? `handshake ms min ${times[0]} median ${times[Math.floor(times.length / 2)]} max ${times[times.length - 1]}` : 'no handshake';
    say(`${key}: ${ok.length}/${g.runs.length} passed; ${t}; datagrams ${sum('datagrams')}, dropped ${sum('dropped')}, ` +
      `duplicated ${sum('duplicated')}, reordered ${sum('reordered')}, held ${sum('held_expired')}; dtls13 retransmissions ${retx}`);
    if (g.faults.drop > 0 && sum('dropped') === 0) problems.push(`${key}: no datagram was dropped`);
  }
  const total = (k) => results.reduce((n, r) => n + r.links['browser->us'][k] + r.links['us->browser'][k], 0);
  if (results.some((r) => r.faults.dup > 0) && total('duplicated') === 0) problems.push('no datagram was duplicated');
  if (results.some((r) => r.faults.reorder > 0) && total('reordered') + total('held_expired') === 0) {
    problems.push('no datagram was held back for reordering');
  }
  for (const role of ['client', 'server']) {
    const lossy = results.filter((r) => r.role === role && r.faults.drop > 0);
    const dropped = lossy.reduce((n, r) => n + r.links['us->browser'].dropped, 0);
    const retx = lossy.reduce((n, r) => n + (r.final ? r.final.retransmissions : 0), 0);
    if (lossy.length && dropped > 0 && retx === 0) {
      problems.push(`dtls13 ${role}: ${dropped} of its datagrams dropped, yet it never retransmitted`);
    }
  }
  return problems;
}

runBrowserTest({
  parseArgs,
  setup: (opts) => makeCertificate(opts.workDir),
  async run(opts, browser, cert) {
    const faultSets = opts.faults.length ? opts.faults : [{ faults: NO_FAULTS, seeds: [1] }];
    const results = [];
    for (const { faults, seeds } of faultSets) {
      for (const seed of seeds) {
        for (const c of opts.cases) {
          const r = await runCase(opts, browser, cert, c, faults, seed);
          printResult(opts, r);
          results.push(r);
        }
      }
    }
    const failed = results.filter((r) => !r.ok);
    const problems = opts.faults.length ? summarize(results) : [];
    for (const p of problems) say(`FAIL vacuous: ${p}`);
    say(`${results.length - failed.length} of ${results.length} handshakes passed in ${elapsed()}` +
      (failed.length ? `; failed: ${failed.map((r) => `${r.label} at ${r.step}`).join('; ')}` : ''));
    for (const r of failed) console.log(`    replay: ${replayCommand(opts, r)}`);
    return failed.length || problems.length ? 1 : 0;
  },
});
