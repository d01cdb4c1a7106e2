#!/usr/bin/env node
// Browser interop test: headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) publishes a fake camera and microphone over
// WHIP to examples/whip_server, which echoes the media back over our
// DTLS 1.3 + SRTP. For each DTLS role of ours and each SRTP profile family
// the browser's getStats() and the server's stats endpoint must agree on
// DTLS 1.3 and the profile, and the echoed video must decode.
//
// A case is SETUP:SRTP[:dtls12]. With the option dtls12 whip_server runs
// with --max-version 1.2 (Chromium 156 cannot be capped at 1.2 itself, see
// browser_lib.mjs expectedVersion): the browser must report tlsVersion FEFD
// and an ECDHE_ECDSA AES-GCM cipher suite, and the server's stats DTLS1.2,
// instead of FEFC and DTLS1.3. A whip_server without --max-version (its
// --help does not list it) skips the dtls12 cases; when every case is
// skipped the exit status is 77. Not with --mock (the answerer is Chromium).
//
// Usage:
//   node run_browser_test.mjs --whip-server PATH --page-dir DIR --work-dir DIR
//        [--cases active:SRTP_AES128_CM_SHA1_80,passive:SRTP_AEAD_AES_128_GCM,passive:SRTP_AES128_CM_SHA1_80:dtls12,...]
//        [--mock]            harness self-test: the answering side is a second
//                            Chromium peer connection behind a mock WHIP server
//        [--case-timeout S]  per call (default 30)
// Exit: 0 all cases passed, 1 a failure (the step and the stats are printed),
// 77 skipped (no chromium or no npm: the reason is printed).
// Environment: D13_CHROMIUM (default /usr/bin/chromium); D13_BROWSER_LOG=1
// adds Chromium's DTLS/ICE logging to stderr (browser_lib.mjs CHROMIUM_LOG_FLAGS);
// D13_BROWSER_SCREENSHOTS=DIR saves a screenshot of the page in each call.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DTLS12_ECDSA_GCM, StepError, elapsed, expectedVersion, freePort, runBrowserTest, say, sleep, srtpFamily,
} from './browser_lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_CASES = [
  'passive:SRTP_AES128_CM_SHA1_80', 'passive:SRTP_AEAD_AES_128_GCM',
  'active:SRTP_AES128_CM_SHA1_80', 'active:SRTP_AEAD_AES_128_GCM',
];

function parseArgs(argv) {
  const opts = { cases: DEFAULT_CASES, mock: false, caseTimeout: 30 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--whip-server') opts.whipServer = next();
    else if (a === '--page-dir') opts.pageDir = next();
    else if (a === '--work-dir') opts.workDir = next();
    else if (a === '--cases') opts.cases = next().split(',').filter(Boolean);
    else if (a === '--case-timeout') opts.caseTimeout = Number(next());
    else if (a === '--mock') opts.mock = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.pageDir) opts.pageDir = path.resolve(HERE, '../../examples/whip');
  if (!opts.workDir) throw new Error('--work-dir is required');
  opts.workDir = path.resolve(opts.workDir);
  opts.pageDir = path.resolve(opts.pageDir);
  if (opts.whipServer) opts.whipServer = path.resolve(opts.whipServer);
  if (!opts.mock && !opts.whipServer) throw new Error('--whip-server is required (or --mock)');
  opts.cases = opts.cases.map((c) => {
    const [setup, srtp, option, extra] = c.split(':');
    if (!['active', 'passive'].includes(setup) || !srtp || extra !== undefined ||
        (option !== undefined && option !== 'dtls12')) {
      throw new Error(`bad case ${c} (want active|passive:PROFILE[:dtls12])`);
    }
    const dtls12 = option === 'dtls12';
    if (dtls12 && opts.mock) throw new Error(`bad case ${c}: dtls12 needs whip_server (the mock's answerer is Chromium, which cannot be capped at 1.2)`);
    return { name: c, setup, srtp, dtls12, version: expectedVersion(dtls12) };
  });
  return opts;
}

// ---------------------------------------------------------------------------
// The WHIP server under test.

/** Starts whip_server and waits until it serves the page (bounded). */
async function startWhipServer(opts, c) {
  const port = await freePort();
  const args = ['--listen', `127.0.0.1:${port}`, '--setup', c.setup, '--srtp', c.srtp,
    '--page-dir', opts.pageDir];
  if (c.version.maxVersion) args.push('--max-version', c.version.maxVersion);
  const child = spawn(opts.whipServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, port, base: `http://127.0.0.1:${port}`, output: '', exited: null,
    command: `${opts.whipServer} ${args.join(' ')}` };
  const keep = (d) => {
    server.output += d.toString();
    if (server.output.length > 200000) server.output = server.output.slice(-100000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => { server.exited = { code, signal }; });
  child.on('error', (e) => { server.exited = { error: e.message }; });
  const deadline = Date.now() + 10000;
  for (;;) {
    if (server.exited) {
      throw new StepError('start whip_server', `exited early (${JSON.stringify(server.exited)})`, server.output);
    }
    try {
      const r = await fetch(`${server.base}/`, { signal: AbortSignal.timeout(1000) });
      await r.text();
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stopWhipServer(server);
      throw new StepError('start whip_server', `no HTTP answer on ${server.base}/ within 10 s`, server.output);
    }
    await sleep(100);
  }
  return server;
}

async function stopWhipServer(server) {
  if (!server || server.exited) return;
  server.child.kill('SIGTERM');
  for (let i = 0; i < 50 && !server.exited; i++) await sleep(100);
  if (!server.exited) {
    say(`whip_server did not exit 5 s after SIGTERM; killing it`);
    server.child.kill('SIGKILL');
    for (let i = 0; i < 20 && !server.exited; i++) await sleep(100);
  }
}

// ---------------------------------------------------------------------------
// Mock WHIP server (harness self-test): serves the page and answers each
// offer with a second Chromium peer connection that echoes what it receives.

const ANSWERER_JS = `
window.answerOffer = async (offerSdp, setup) => {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  window.answerers = window.answerers || {};
  const id = String(Object.keys(window.answerers).length + 1);
  window.answerers[id] = pc;
  await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  for (const t of pc.getTransceivers()) {
    t.direction = 'sendrecv';
    await t.sender.replaceTrack(t.receiver.track);
  }
  const answer = await pc.createAnswer();
  answer.sdp = answer.sdp.replace(/a=setup:\\w+/g, 'a=setup:' + setup);
  await pc.setLocalDescription(answer);
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(resolve, 3000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); }
    });
  });
  return { id, sdp: pc.localDescription.sdp };
};
window.answererStats = async (id) => {
  const pc = window.answerers[id];
  if (!pc) return null;
  const out = { packets_sent: 0, packets_received: 0 };
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'transport') {
      out.dtls_version = { FEFC: 'DTLS 1.3', FEFD: 'DTLS 1.2' }[s.tlsVersion] || s.tlsVersion;
      out.cipher_suite = s.dtlsCipher;
      out.srtp_profile = s.srtpCipher;
      out.dtls_role = s.dtlsRole;
    }
    if (s.type === 'outbound-rtp') out.packets_sent += s.packetsSent;
    if (s.type === 'inbound-rtp') out.packets_received += s.packetsReceived;
  });
  return out;
};
window.answererClose = (id) => {
  const pc = window.answerers[id];
  if (!pc) return false;
  pc.close();
  delete window.answerers[id];
  return true;
};`;

async function startMockServer(opts, browser, c) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = { port, base, output: '', command: `mock WHIP server (setup ${c.setup})` };
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Location' };
  const httpServer = http.createServer(async (req, res) => {
    const url = new URL(req.url, base);
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'Content-Type': type, ...cors, ...extra });
      res.end(body);
    };
    try {
      server.output += `${req.method} ${url.pathname}\n`;
      if (req.method === 'OPTIONS') {
        send(204, 'text/plain', '', { 'Access-Control-Allow-Methods': 'POST, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type' });
      } else if (req.method === 'POST' && url.pathname === '/whip') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const a = await server.answerer.evaluate(([sdp, setup]) => window.answerOffer(sdp, setup), [body, c.setup]);
        send(201, 'application/sdp', a.sdp, { Location: `/whip/${a.id}` });
      } else if (req.method === 'DELETE' && /^\/whip\/\d+$/.test(url.pathname)) {
        const id = url.pathname.split('/')[2];
        const ok = await server.answerer.evaluate((i) => window.answererClose(i), id);
        send(ok ? 200 : 404, 'text/plain', ok ? 'hung up\n' : 'no such call\n');
      } else if (req.method === 'GET' && /^\/whip\/\d+\/stats$/.test(url.pathname)) {
        const s = await server.answerer.evaluate((i) => window.answererStats(i), url.pathname.split('/')[2]);
        send(s ? 200 : 404, 'application/json', JSON.stringify(s));
      } else if (req.method === 'GET') {
        const name = url.pathname === '/' ? 'index.html' : path.basename(url.pathname);
        const file = path.join(opts.pageDir, name);
        if (!fs.existsSync(file)) { send(404, 'text/plain', 'not found\n'); return; }
        send(200, name.endsWith('.js') ? 'text/javascript' : 'text/html', fs.readFileSync(file));
      } else {
        send(405, 'text/plain', 'method not allowed\n');
      }
    } catch (e) {
      send(500, 'text/plain', `mock failed: ${e.message}\n`);
    }
  });
  await new Promise((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  server.http = httpServer;
  server.context = await browser.newContext();
  server.answerer = await server.context.newPage();
  await server.answerer.goto(`${base}/__answerer`).catch(() => {});
  await server.answerer.addScriptTag({ content: ANSWERER_JS });
  return server;
}

async function stopMockServer(server) {
  if (!server) return;
  if (server.context) await server.context.close().catch(() => {});
  if (server.http) await new Promise((resolve) => server.http.close(resolve));
}

// ---------------------------------------------------------------------------
// Reading the two sides' statistics.

/** The figures of the server's stats JSON (examples/whip_server.c) this test checks and prints. */
function ourSide(json) {
  const pick = (k) => (json && k in json ? json[k] : undefined);
  return {
    version: pick('dtls_version'), cipher: pick('cipher_suite'), group: pick('group'),
    srtp: pick('srtp_profile'), role: pick('dtls_role'), state: pick('state'),
    packetsIn: pick('packets_in'), packetsOut: pick('packets_out'), echoed: pick('rtp_echoed'),
    authFailures: pick('srtp_auth_failures'), retransmissions: pick('dtls_retransmissions'),
    handshakeMs: pick('dtls_handshake_ms'), helloRetry: pick('hello_retry'),
  };
}

function browserDone(s, wantFamily, wantVersion) {
  const t = (s && s.transport) || {};
  const v = (s && s.inbound && s.inbound.video) || {};
  const checks = {
    'dtlsState connected': t.dtlsState === 'connected',
    [`tlsVersion ${wantVersion.tlsVersion}`]: t.tlsVersion === wantVersion.tlsVersion,
    [`srtpCipher ${wantFamily}`]: !!t.srtpCipher && (wantFamily === null || srtpFamily(t.srtpCipher) === wantFamily),
    'video packetsReceived > 0': (v.packetsReceived || 0) > 0,
    'video framesDecoded > 0': (v.framesDecoded || 0) > 0,
  };
  return { ok: Object.values(checks).every(Boolean), missing: Object.keys(checks).filter((k) => !checks[k]) };
}

// ---------------------------------------------------------------------------
// One call.

async function runCase(opts, browser, c) {
  const label = `${c.version.name}, our setup:${c.setup} (we are DTLS ${c.setup === 'active' ? 'client' : 'server'}), SRTP ${c.srtp}`;
  const wantFamily = opts.mock ? null : srtpFamily(c.srtp);
  const result = { label, ok: false, step: null, started: Date.now() };
  let server = null;
  let context = null;
  let page = null;
  let lastStats = null;
  try {
    result.step = 'start server';
    server = opts.mock ? await startMockServer(opts, browser, c) : await startWhipServer(opts, c);
    say(`${label}: server on ${server.base}`);

    result.step = 'open page';
    context = await browser.newContext();
    page = await context.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    result.console = consoleLines;
    await page.goto(`${server.base}/`, { timeout: 10000 });
    await page.waitForFunction(() => !!window.whip, null, { timeout: 5000 });

    result.step = 'WHIP POST (offer/answer)';
    const started = await page.evaluate((endpoint) => window.whip.start({ endpoint }), `${server.base}/whip`);
    result.resourceUrl = started.resourceUrl;
    if (!started.resourceUrl) throw new StepError(result.step, 'the 201 answer had no Location header');
    say(`${label}: answer applied, resource ${started.resourceUrl}`);

    result.step = `${c.version.name} + SRTP + echoed video in the browser`;
    const deadline = Date.now() + opts.caseTimeout * 1000;
    for (;;) {
      lastStats = await page.evaluate(() => window.whip.statsSummary());
      const st = await page.evaluate(() => ({ phase: window.whipState.phase, error: window.whipState.error }));
      const done = browserDone(lastStats, wantFamily, c.version);
      if (done.ok) break;
      const t = (lastStats && lastStats.transport) || {};
      if (t.dtlsState === 'connected' && t.srtpCipher &&
          (t.tlsVersion !== c.version.tlsVersion || (wantFamily !== null && srtpFamily(t.srtpCipher) !== wantFamily))) {
        throw new StepError(result.step, `handshake done with tlsVersion ${t.tlsVersion}, srtpCipher ${t.srtpCipher}; ` +
          `wanted ${c.version.tlsVersion} and ${wantFamily || 'any profile'}`);
      }
      if (st.phase === 'failed') {
        throw new StepError(result.step, `the call failed in the browser (${st.error}); still missing: ${done.missing.join(', ')}`);
      }
      if (Date.now() > deadline) {
        throw new StepError(result.step, `not reached within ${opts.caseTimeout} s; missing: ${done.missing.join(', ')}`);
      }
      await sleep(250);
    }
    result.browser = lastStats;
    if (c.dtls12 && !DTLS12_ECDSA_GCM.test(lastStats.transport.dtlsCipher || '')) {
      throw new StepError(result.step, `DTLS 1.2 with cipher suite ${JSON.stringify(lastStats.transport.dtlsCipher)}, ` +
        'wanted an ECDHE_ECDSA AES-GCM suite');
    }
    if (process.env.D13_BROWSER_SCREENSHOTS) {
      await sleep(1200);  // one more refresh of the page's stats panel
      const file = path.join(process.env.D13_BROWSER_SCREENSHOTS, `whip-${c.setup}-${c.srtp}${c.dtls12 ? '-dtls12' : ''}.png`);
      await page.screenshot({ path: file, fullPage: true });
      say(`${label}: screenshot ${file}`);
    }

    result.step = 'server stats endpoint';
    const r = await fetch(`${result.resourceUrl}/stats`, { signal: AbortSignal.timeout(5000) });
    const text = await r.text();
    if (r.status !== 200) throw new StepError(result.step, `GET ${result.resourceUrl}/stats answered ${r.status}: ${text}`);
    let json;
    try { json = JSON.parse(text); } catch (e) { throw new StepError(result.step, `not JSON (${e.message}): ${text}`); }
    result.server = json;
    const ours = ourSide(json);
    result.ours = ours;
    if (!c.version.matches(ours.version)) {
      throw new StepError(result.step, `our side reports version ${JSON.stringify(ours.version)}, not ${c.version.name}`);
    }
    if (!opts.mock && ours.cipher !== lastStats.transport.dtlsCipher) {
      throw new StepError(result.step, `our cipher suite ${JSON.stringify(ours.cipher)} differs from the browser's ${lastStats.transport.dtlsCipher}`);
    }
    const wantRole = c.setup === 'active' ? 'client' : 'server';
    if (!opts.mock && ours.role !== wantRole) {
      throw new StepError(result.step, `our side reports DTLS role ${JSON.stringify(ours.role)}, expected ${wantRole} for setup:${c.setup}`);
    }
    const browserFamily = srtpFamily(lastStats.transport.srtpCipher);
    if (srtpFamily(ours.srtp) !== browserFamily) {
      throw new StepError(result.step, `our SRTP profile ${JSON.stringify(ours.srtp)} differs from the browser's ${lastStats.transport.srtpCipher}`);
    }

    result.step = 'hang up (DELETE)';
    const hang = await page.evaluate(() => window.whip.hangUp());
    result.hangup = hang;
    if (hang.error || !(hang.status >= 200 && hang.status < 300)) {
      throw new StepError(result.step, `DELETE ${result.resourceUrl} -> status ${hang.status}${hang.error ? ', ' + hang.error : ''}`);
    }
    const after = await fetch(`${result.resourceUrl}/stats`, { signal: AbortSignal.timeout(5000) });
    await after.text();
    result.statsAfterDelete = after.status;
    if (after.status !== 404) say(`${label}: note: stats after DELETE answered ${after.status} (expected 404)`);
    result.ok = true;
    result.step = null;
  } catch (e) {
    result.error = e.message;
    result.details = e.details;
    if (page && !lastStats) lastStats = await page.evaluate(() => window.whip && window.whip.statsSummary()).catch(() => null);
    result.browser = lastStats;
    if (page) result.pageState = await page.evaluate(() => window.whipState).catch(() => null);
  } finally {
    result.seconds = (Date.now() - result.started) / 1000;
    if (context) await context.close().catch(() => {});
    if (server) {
      if (opts.mock) await stopMockServer(server);
      else await stopWhipServer(server);
      result.serverOutput = server.output;
      result.serverExit = server.exited;
      // A sanitizer report from the server (ASan/UBSan builds), or an
      // unclean exit on SIGTERM, fails the call.
      const report = /ERROR: (Address|Leak)Sanitizer|runtime error:/.exec(server.output || '');
      if (report && result.ok) {
        result.ok = false;
        result.step = 'whip_server sanitizer report';
        result.error = `the server printed "${report[0]}" (see its output below)`;
      } else if (!opts.mock && result.ok && !(server.exited && server.exited.code === 0)) {
        result.ok = false;
        result.step = 'whip_server exit';
        result.error = `the server did not exit cleanly on SIGTERM: ${JSON.stringify(server.exited)}`;
      }
    }
  }
  return result;
}

function printResult(r) {
  if (r.ok) {
    const t = r.browser.transport;
    const v = r.browser.inbound.video || {};
    const ov = r.browser.outbound.video || {};
    const a = r.browser.inbound.audio || {};
    say(`PASS ${r.label} in ${r.seconds.toFixed(1)} s`);
    console.log(`    browser: ${t.tlsVersion} ${t.dtlsCipher}, srtpCipher ${t.srtpCipher}, browser dtlsRole ${t.dtlsRole}, ` +
      `pair ${r.browser.selectedPair ? r.browser.selectedPair.local + ' -> ' + r.browser.selectedPair.remote : '?'}`);
    console.log(`    browser media: video sent ${ov.packetsSent} pkts/${ov.framesEncoded} frames, ` +
      `echo received ${v.packetsReceived} pkts/${v.framesDecoded} frames decoded${v.codec ? ' (' + v.codec + ')' : ''}; ` +
      `audio echo ${a.packetsReceived ?? 0} pkts`);
    console.log(`    our side (DTLS ${r.ours.role}): version ${r.ours.version}, cipher suite ${r.ours.cipher}, group ${r.ours.group}, ` +
      `SRTP profile ${r.ours.srtp}, HRR ${r.ours.helloRetry}, handshake ${r.ours.handshakeMs} ms, ` +
      `${r.ours.retransmissions} retransmissions`);
    console.log(`    our media: packets in ${r.ours.packetsIn}, out ${r.ours.packetsOut}, RTP echoed ${r.ours.echoed}, ` +
      `SRTP auth failures ${r.ours.authFailures}`);
    console.log(`    DELETE -> ${r.hangup.status}; stats afterwards -> ${r.statsAfterDelete}` +
      (r.serverExit ? `; server exit status ${r.serverExit.code} on SIGTERM` : ''));
    return;
  }
  say(`FAIL ${r.label} after ${r.seconds.toFixed(1)} s`);
  console.log(`    step: ${r.step}`);
  console.log(`    error: ${r.error}`);
  if (r.details) console.log(`    details:\n${String(r.details).trim().replace(/^/gm, '      ')}`);
  console.log(`    browser stats: ${JSON.stringify(r.browser, null, 2).replace(/\n/g, '\n    ')}`);
  if (r.server) console.log(`    server stats: ${JSON.stringify(r.server)}`);
  if (r.pageState) {
    console.log(`    page phase: ${r.pageState.phase} (${r.pageState.error})`);
    console.log(`    page log:\n${(r.pageState.log || []).join('\n').replace(/^/gm, '      ')}`);
    if (r.pageState.answerSdp) console.log(`    answer SDP:\n${r.pageState.answerSdp.trim().replace(/^/gm, '      ')}`);
  }
  if (r.console && r.console.length) console.log(`    page console:\n${r.console.join('\n').replace(/^/gm, '      ')}`);
  if (r.serverOutput) {
    const tail = r.serverOutput.split('\n').slice(-60).join('\n');
    console.log(`    server output (last 60 lines):\n${tail.replace(/^/gm, '      ')}`);
  }
  if (r.serverExit) console.log(`    server exit: ${JSON.stringify(r.serverExit)}`);
}

// The dtls12 cases need whip_server --max-version: without it they are
// skipped (opts.skipped), and the test is when no case is left.
function skipReason(opts) {
  if (!opts.mock && !fs.existsSync(opts.whipServer)) return `${opts.whipServer} not built`;
  opts.skipped = [];
  if (!opts.mock && opts.cases.some((c) => c.version.maxVersion)) {
    const help = spawnSync(opts.whipServer, ['--help'], { encoding: 'utf8', timeout: 10000 });
    if (!/--max-version/.test(`${help.stdout}${help.stderr}`)) {
      opts.skipped = opts.cases.filter((c) => c.version.maxVersion);
      opts.cases = opts.cases.filter((c) => !c.version.maxVersion);
      for (const c of opts.skipped) say(`SKIP ${c.name}: whip_server has no --max-version option (its --help does not list it)`);
      if (opts.cases.length === 0) return 'every case needs whip_server --max-version 1.2';
    }
  }
  return null;
}

runBrowserTest({
  parseArgs,
  skip: skipReason,
  async run(opts, browser) {
    if (opts.mock) say('mock WHIP server: harness self-test, the answers come from a second Chromium peer connection');
    const results = [];
    for (const c of opts.cases) {
      const r = await runCase(opts, browser, c);
      printResult(r);
      results.push(r);
    }
    const failed = results.filter((r) => !r.ok);
    const skipped = opts.skipped;
    say(`${results.length - failed.length} of ${results.length} calls passed in ${elapsed()}` +
      (skipped.length ? `; skipped: ${skipped.map((c) => c.name).join(', ')}` : '') +
      (failed.length ? `; failed: ${failed.map((r) => r.label + ' at ' + r.step).join('; ')}` : ''));
    return failed.length ? 1 : 0;
  },
});
