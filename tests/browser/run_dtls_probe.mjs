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
// Usage: node run_dtls_probe.mjs --dtls13 PATH --work-dir DIR
//             [--cases active:SRTP_AES128_CM_SHA1_80,...] [--case-timeout S]
// Exit: 0 all passed, 1 a failure (step, stats and the CLI output printed),
// 77 skipped (no chromium or no npm).

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  SKIP, StepError, checkPrerequisites, elapsed, ensurePlaywright, freePort,
  isDtls13, launchChromium, say, sleep, srtpFamily,
} from './browser_lib.mjs';

const DEFAULT_CASES = [
  'passive:SRTP_AES128_CM_SHA1_80', 'passive:SRTP_AEAD_AES_128_GCM',
  'active:SRTP_AES128_CM_SHA1_80', 'active:SRTP_AEAD_AES_128_GCM',
];
const ICE_UFRAG = 'd13p';
const ICE_PWD = 'dtls13probepassword0123';   // >= 22 characters (RFC 8839)
const STUN_MAGIC = 0x2112a442;

function parseArgs(argv) {
  const opts = { cases: DEFAULT_CASES, caseTimeout: 20 };
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
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.dtls13 || !opts.workDir) throw new Error('--dtls13 and --work-dir are required');
  opts.cases = opts.cases.map((c) => {
    const [setup, srtp] = c.split(':');
    if (!['active', 'passive'].includes(setup) || !srtp) throw new Error(`bad case ${c}`);
    return { setup, srtp };
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
  const args = c.setup === 'passive'
    ? ['server', '--listen', `127.0.0.1:${cliPort}`, '--once', ...common]
    : ['client', '--connect', `127.0.0.1:${relayPort}`, ...common];
  output.command = `${opts.dtls13} ${args.join(' ')}`;
  const child = spawn(opts.dtls13, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  output.text = '';
  output.exit = null;
  child.stdout.on('data', (d) => { output.text += d; });
  child.stderr.on('data', (d) => { output.text += d; });
  child.on('exit', (code, signal) => { output.exit = { code, signal }; });
  return child;
}

/** The CLI's {"event":"handshake",...} line, once printed. */
function cliHandshake(text) {
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line);
      if (j.event === 'handshake') return j;
    } catch { /* a partial line */ }
  }
  return null;
}

async function runCase(opts, browser, cert, c) {
  const label = `our setup:${c.setup} (dtls13 ${c.setup === 'active' ? 'client' : 'server'}), SRTP ${c.srtp}`;
  const result = { label, ok: false, step: 'relay', started: Date.now(), datagrams: [] };
  const cliOut = {};
  result.cli = cliOut;
  const toBrowser = dgram.createSocket('udp4');
  const toCli = dgram.createSocket('udp4');
  let cli = null;
  let context = null;
  let httpServer = null;
  try {
    await new Promise((r) => toBrowser.bind(0, '127.0.0.1', r));
    await new Promise((r) => toCli.bind(0, '127.0.0.1', r));
    const cliPort = await freePort();  // TCP-free is a good guess for UDP here
    let browserAddr = null;
    let cliAddr = c.setup === 'passive' ? { address: '127.0.0.1', port: cliPort } : null;
    const startTheCli = () => {
      if (!cli) cli = startCli(opts, c, cert, toCli.address().port, cliPort, cliOut);
    };
    if (c.setup === 'passive') startTheCli();
    toBrowser.on('message', (msg, from) => {
      if (msg[0] <= 3 && msg.length >= 20 && msg.readUInt16BE(0) === 0x0001) {
        browserAddr = from;
        toBrowser.send(stunBindingSuccess(msg, from), from.port, from.address);
        if (c.setup === 'active') startTheCli();  // Chromium waits for our ClientHello after ICE
      } else if (msg[0] >= 20 && msg[0] <= 63) {
        browserAddr = from;
        result.datagrams.push(`browser->us ${msg.length} (content type ${msg[0]})`);
        if (cliAddr) toCli.send(msg, cliAddr.port, cliAddr.address);
      }
    });
    toCli.on('message', (msg, from) => {
      cliAddr = from;
      result.datagrams.push(`us->browser ${msg.length} (content type ${msg[0]})`);
      if (browserAddr) toBrowser.send(msg, browserAddr.port, browserAddr.address);
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
    await page.evaluate((sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp }), result.answer);

    result.step = 'handshake';
    const deadline = Date.now() + opts.caseTimeout * 1000;
    for (;;) {
      result.browser = await page.evaluate(async () => {
        const o = { connectionState: window.pc.connectionState };
        (await window.pc.getStats()).forEach((s) => {
          if (s.type === 'transport') {
            Object.assign(o, { iceState: s.iceState, dtlsState: s.dtlsState, dtlsRole: s.dtlsRole,
              tlsVersion: s.tlsVersion, dtlsCipher: s.dtlsCipher, srtpCipher: s.srtpCipher });
          }
        });
        return o;
      });
      result.ours = cliHandshake(cliOut.text || '');
      const b = result.browser;
      if (b.dtlsState === 'connected' && result.ours) break;
      if (b.dtlsState === 'failed' || b.connectionState === 'failed') {
        throw new StepError(result.step, `Chromium reports dtlsState ${b.dtlsState}, connectionState ${b.connectionState}`);
      }
      if (cliOut.exit && !result.ours) throw new StepError(result.step, `dtls13 exited ${JSON.stringify(cliOut.exit)} without a handshake`);
      if (Date.now() > deadline) throw new StepError(result.step, `not complete within ${opts.caseTimeout} s`);
      await sleep(200);
    }

    result.step = 'agreement';
    const b = result.browser;
    const o = result.ours;
    const problems = [];
    if (b.tlsVersion !== 'FEFC') problems.push(`browser tlsVersion ${b.tlsVersion}, not FEFC`);
    if (!isDtls13(o.version)) problems.push(`dtls13 version ${o.version}`);
    if (b.dtlsCipher !== o.cipher) problems.push(`cipher: browser ${b.dtlsCipher}, dtls13 ${o.cipher}`);
    if (srtpFamily(b.srtpCipher) !== srtpFamily(c.srtp)) problems.push(`browser srtpCipher ${b.srtpCipher}, wanted ${c.srtp}`);
    if (srtpFamily(o.srtp_profile) !== srtpFamily(c.srtp)) problems.push(`dtls13 SRTP profile ${o.srtp_profile}, wanted ${c.srtp}`);
    const wantRole = c.setup === 'active' ? 'server' : 'client';
    if (b.dtlsRole && b.dtlsRole !== wantRole) problems.push(`browser dtlsRole ${b.dtlsRole}, wanted ${wantRole}`);
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
      cli.kill('SIGTERM');
      for (let i = 0; i < 30 && !cliOut.exit; i++) await sleep(100);
      if (!cliOut.exit) cli.kill('SIGKILL');
    }
    toBrowser.close();
    toCli.close();
  }
  return result;
}

function printResult(r) {
  if (r.ok) {
    say(`PASS ${r.label} in ${r.seconds.toFixed(1)} s`);
    console.log(`    ${r.ours.version} ${r.ours.cipher}, group ${r.ours.group}, SRTP ${r.ours.srtp_profile}, ` +
      `HRR ${r.ours.hello_retry}, ${r.ours.handshake_ms} ms; browser: ${r.browser.tlsVersion} ${r.browser.dtlsCipher} ` +
      `${r.browser.srtpCipher} (browser is DTLS ${r.browser.dtlsRole})`);
    console.log(`    first datagrams: ${r.datagrams.slice(0, 6).join(', ')}`);
    return;
  }
  say(`FAIL ${r.label} after ${r.seconds.toFixed(1)} s`);
  console.log(`    step: ${r.step}\n    error: ${r.error}`);
  console.log(`    browser: ${JSON.stringify(r.browser)}`);
  console.log(`    datagrams: ${r.datagrams.join(', ')}`);
  console.log(`    dtls13: ${r.cli.command || '(not started)'} exit ${JSON.stringify(r.cli.exit)}`);
  console.log(`${(r.cli.text || '').trim().split('\n').slice(-80).join('\n').replace(/^/gm, '      ')}`);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`usage error: ${e.message}`);
    return 2;
  }
  const pre = checkPrerequisites();
  if (pre.skip) {
    console.log(`SKIP: ${pre.skip}`);
    return SKIP;
  }
  let browser;
  let cert;
  try {
    cert = makeCertificate(opts.workDir);
    browser = await launchChromium(ensurePlaywright(opts.workDir), pre.chromiumPath);
  } catch (e) {
    console.log(`FAIL at ${e.step || 'launch chromium'}: ${e.message}\n${e.details || ''}`);
    return 1;
  }
  const results = [];
  try {
    for (const c of opts.cases) {
      const r = await runCase(opts, browser, cert, c);
      printResult(r);
      results.push(r);
    }
  } finally {
    await browser.close().catch(() => {});
  }
  const failed = results.filter((r) => !r.ok);
  say(`${results.length - failed.length} of ${results.length} handshakes passed in ${elapsed()}` +
    (failed.length ? `; failed: ${failed.map((r) => r.label + ' at ' + r.step).join('; ')}` : ''));
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.log(`FAIL: unexpected error: ${e.stack || e}`);
  process.exit(1);
});
