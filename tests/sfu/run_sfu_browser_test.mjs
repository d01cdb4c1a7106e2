#!/usr/bin/env node
// The SFU example with real browsers: examples/sfu_echo on one UDP port
// and N headless Chromium peers (separate browser contexts, joined at the
// same time) publishing the fake camera through the page examples/sfu/.
// For each peer: its DTLS transport is connected with the expected
// tlsVersion, and for every OTHER peer it decodes video (framesDecoded > 0)
// on the SSRC the server's stats say it announced to this peer for that
// sender's stream. The server's /sfu/stats must agree: N associations,
// N handshakes of the expected version, every peer with that version and
// RTP forwarded from and to it. Then one peer leaves (DELETE -> 200, the
// room shrinks), the server is stopped with SIGTERM and must exit 0
// without a sanitizer report, printing its final stats JSON.
//
// Usage:
//   node run_sfu_browser_test.mjs --sfu-echo PATH --work-dir DIR
//        [--peers N] (default 3) [--cases dtls13,dtls12,dtls13-client] [--case-timeout S] (default 40)
// A case is dtls13 or dtls12 (sfu_echo --max-version 1.2: Chromium falls
// back to FEFD), optionally with -client: the offers are POSTed with
// a=setup:passive instead of actpass, so sfu_echo answers a=setup:active
// and is the DTLS client of every browser (dtls_role "client" in its
// stats, dtlsRole "server" in the browsers').
// Exit: 0 passed, 1 failed (the step, the browsers' and the server's
// stats and the server's output are printed), 77 skipped (no chromium or npm).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  StepError, elapsed, expectedVersion, freePort, runBrowserTest, say, sleep,
} from '../browser/browser_lib.mjs';

function parseArgs(argv) {
  const o = { peers: 3, cases: ['dtls13', 'dtls12'], caseTimeout: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--sfu-echo') o.sfuEcho = path.resolve(next());
    else if (a === '--work-dir') o.workDir = path.resolve(next());
    else if (a === '--peers') o.peers = Number(next());
    else if (a === '--cases') o.cases = next().split(',').filter(Boolean);
    else if (a === '--case-timeout') o.caseTimeout = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.sfuEcho || !o.workDir) throw new Error('--sfu-echo and --work-dir are required');
  if (!(o.peers >= 2 && o.peers <= 7)) throw new Error('--peers takes 2 to 7');
  for (const c of o.cases) {
    if (!/^dtls1[23](-client)?$/.test(c)) throw new Error(`bad case ${c} (dtls13 or dtls12, optionally with -client)`);
  }
  return o;
}

async function startServer(o, version) {
  const httpPort = await freePort();
  const args = ['--port', '0', '--http-port', String(httpPort), '--json'];
  if (version.maxVersion) args.push('--max-version', version.maxVersion);
  const child = spawn(o.sfuEcho, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, base: `http://127.0.0.1:${httpPort}`, stdout: '', stderr: '', exited: null,
    command: `${o.sfuEcho} ${args.join(' ')}` };
  child.stdout.on('data', (d) => { server.stdout += d.toString(); });
  child.stderr.on('data', (d) => {
    server.stderr += d.toString();
    if (server.stderr.length > 400000) server.stderr = server.stderr.slice(-200000);
  });
  child.on('exit', (code, signal) => { server.exited = { code, signal }; });
  child.on('error', (e) => { server.exited = { error: e.message }; });
  const deadline = Date.now() + 10000;
  for (;;) {
    if (server.exited) throw new StepError('start sfu_echo', `exited early (${JSON.stringify(server.exited)})`, server.stderr);
    try {
      const r = await fetch(`${server.base}/`, { signal: AbortSignal.timeout(1000) });
      await r.text();
      if (r.ok) return server;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await stopServer(server);
      throw new StepError('start sfu_echo', `no page on ${server.base}/ within 10 s`, server.stderr);
    }
    await sleep(100);
  }
}

async function stopServer(server) {
  if (!server || server.exited) return;
  server.child.kill('SIGTERM');
  for (let i = 0; i < 100 && !server.exited; i++) await sleep(100);
  if (!server.exited) {
    say('sfu_echo did not exit 10 s after SIGTERM; killing it');
    server.child.kill('SIGKILL');
    for (let i = 0; i < 20 && !server.exited; i++) await sleep(100);
  }
}

async function serverStats(server) {
  const r = await fetch(`${server.base}/sfu/stats`, { signal: AbortSignal.timeout(5000) });
  const text = await r.text();
  if (r.status !== 200) throw new StepError('server stats', `GET /sfu/stats answered ${r.status}: ${text}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StepError('server stats', `not JSON (${e.message}): ${text}`);
  }
}

/** What still keeps peer `me` from passing, given the server's stats. */
function missingFor(me, peers, browserStats, stats, version) {
  const missing = [];
  const t = (browserStats && browserStats.transport) || {};
  if (t.dtlsState !== 'connected') missing.push(`dtlsState ${t.dtlsState}`);
  if (t.dtlsState === 'connected' && t.tlsVersion !== version.tlsVersion) {
    throw new StepError('browser transport', `${me.name} connected with tlsVersion ${t.tlsVersion}, wanted ${version.tlsVersion}`);
  }
  const ours = stats.peers.find((p) => p.id === me.id);
  if (!ours) {
    missing.push('not in the server stats');
    return missing;
  }
  for (const other of peers) {
    if (other === me) continue;
    const slot = ours.slots.find((s) => s.kind === 'video' && s.from === other.id);
    if (!slot) {
      missing.push(`no video slot from ${other.name}`);
      continue;
    }
    const inbound = ((browserStats && browserStats.inbound) || []).find((i) => i.kind === 'video' && i.ssrc === slot.ssrc);
    if (!inbound || !(inbound.framesDecoded > 0)) {
      missing.push(`video of ${other.name} (mid ${slot.mid}, ssrc ${slot.ssrc}): ${inbound ? inbound.framesDecoded : 'no'} frames decoded`);
    }
  }
  return missing;
}

function checkServer(stats, peers, version, ourRole) {
  const fail = (msg) => { throw new StepError('server stats', msg, JSON.stringify(stats, null, 2)); };
  if (stats.associations !== peers.length) fail(`${stats.associations} associations, wanted ${peers.length}`);
  const handshakes = version.tlsVersion === 'FEFC' ? stats.handshakes_dtls13 : stats.handshakes_dtls12;
  if (handshakes !== peers.length) fail(`${handshakes} ${version.name} handshakes, wanted ${peers.length}`);
  if (!(stats.rtp_forwarded > 0) || !(stats.media_out > 0)) fail('nothing forwarded');
  if (!(stats.stun_authenticated > 0)) fail('no authenticated connectivity check');
  for (const p of peers) {
    const s = stats.peers.find((x) => x.id === p.id);
    if (!s) fail(`${p.name} (${p.id}) is missing`);
    if (!version.matches(s.dtls_version) || s.tls_version !== version.tlsVersion) {
      fail(`${p.name}: dtls_version ${s.dtls_version}, tls_version ${s.tls_version}, wanted ${version.name}`);
    }
    if (s.dtls_state !== 'connected' || !s.ready) fail(`${p.name}: dtls_state ${s.dtls_state}, ready ${s.ready}`);
    if (s.dtls_role !== ourRole) fail(`${p.name}: our dtls_role ${s.dtls_role}, wanted ${ourRole}`);
    const browserRole = p.stats && p.stats.transport && p.stats.transport.dtlsRole;
    if (browserRole !== (ourRole === 'client' ? 'server' : 'client')) fail(`${p.name}: the browser's dtlsRole is ${browserRole}`);
    if (!(s.rtp_forwarded_from > 0) || !(s.rtp_forwarded_to > 0)) {
      fail(`${p.name}: RTP forwarded from it ${s.rtp_forwarded_from}, to it ${s.rtp_forwarded_to}`);
    }
    const video = s.sources.find((x) => x.kind === 'video');
    if (!video || !(video.rtp_forwarded > 0)) fail(`${p.name}: its video was not forwarded`);
  }
}

async function runCase(o, browser, name) {
  const version = expectedVersion(name.startsWith('dtls12'));
  const ourRole = name.endsWith('-client') ? 'client' : 'server';
  const label = `${o.peers} peers, ${version.name}, sfu_echo as DTLS ${ourRole}`;
  const result = { label, ok: false, step: 'start sfu_echo', started: Date.now(), peers: [] };
  let server = null;
  const contexts = [];
  try {
    server = await startServer(o, version);
    say(`${label}: sfu_echo on ${server.base}`);
    result.step = 'open pages';
    const peers = [];
    for (let i = 0; i < o.peers; i++) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      const peer = { name: `peer${i + 1}`, page, console: [], id: null, stats: null };
      page.on('console', (m) => peer.console.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => peer.console.push(`pageerror: ${e.message}`));
      await page.goto(`${server.base}/`, { timeout: 10000 });
      await page.waitForFunction(() => !!window.sfu, null, { timeout: 5000 });
      peers.push(peer);
    }
    result.peers = peers;
    result.step = 'join (all at once)';
    const slots = o.peers - 1;
    const joined = await Promise.all(peers.map((p) =>
      p.page.evaluate(([endpoint, n, offerSetup]) => window.sfu.join({ endpoint, slots: n, offerSetup }),
        [`${server.base}/sfu`, slots, ourRole === 'client' ? 'passive' : undefined])));
    joined.forEach((j, i) => {
      if (!j.resourceUrl) throw new StepError(result.step, `${peers[i].name}: the 201 answer had no Location`);
      peers[i].resourceUrl = j.resourceUrl;
      peers[i].id = j.resourceUrl.split('/').pop();
    });
    say(`${label}: ${peers.map((p) => `${p.name}=${p.id}`).join(', ')} joined with ${slots} slot(s) each`);

    result.step = `${version.name}, every peer decodes every other peer's video`;
    const deadline = Date.now() + o.caseTimeout * 1000;
    let stats = null;
    for (;;) {
      stats = await serverStats(server);
      result.server = stats;
      let missing = [];
      for (const p of peers) {
        p.stats = await p.page.evaluate(() => window.sfu.statsSummary());
        const phase = await p.page.evaluate(() => window.sfu.state.phase);
        if (phase === 'failed') {
          throw new StepError(result.step, `${p.name} failed: ${await p.page.evaluate(() => window.sfu.state.error)}`);
        }
        missing = missing.concat(missingFor(p, peers, p.stats, stats, version).map((m) => `${p.name}: ${m}`));
      }
      if (missing.length === 0) break;
      if (Date.now() > deadline) throw new StepError(result.step, `not within ${o.caseTimeout} s: ${missing.join('; ')}`);
      await sleep(500);
    }
    result.step = 'server stats agree';
    checkServer(stats, peers, version, ourRole);
    result.stats = stats;

    result.step = 'one peer leaves (DELETE)';
    const leaving = peers[peers.length - 1];
    const left = await leaving.page.evaluate(() => window.sfu.leave());
    if (left.status !== 200) throw new StepError(result.step, `DELETE answered ${left.status} ${left.error || ''}`);
    const after = await serverStats(server);
    if (after.peers.length !== peers.length - 1 || after.peers.some((p) => p.id === leaving.id)) {
      throw new StepError(result.step, `the room still lists ${after.peers.length} peers`, JSON.stringify(after));
    }
    const again = await fetch(leaving.resourceUrl, { method: 'DELETE' });
    await again.text();
    if (again.status !== 404) throw new StepError(result.step, `a second DELETE answered ${again.status}, not 404`);
    for (const p of peers.slice(0, -1)) await p.page.evaluate(() => window.sfu.leave());
    result.ok = true;
    result.step = null;
  } catch (e) {
    result.error = e.message;
    result.details = e.details;
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    if (server) {
      await stopServer(server);
      result.serverExit = server.exited;
      result.serverOutput = server.stderr;
      const report = /ERROR: (Address|Leak)Sanitizer|runtime error:/.exec(server.stderr);
      const finalLine = server.stdout.split('\n').find((l) => l.startsWith('{"event": "stats"'));
      if (result.ok && report) {
        Object.assign(result, { ok: false, step: 'sfu_echo sanitizer report', error: `the server printed "${report[0]}"` });
      } else if (result.ok && !(server.exited && server.exited.code === 0)) {
        Object.assign(result, { ok: false, step: 'sfu_echo exit', error: `not a clean exit on SIGTERM: ${JSON.stringify(server.exited)}` });
      } else if (result.ok && !finalLine) {
        Object.assign(result, { ok: false, step: 'sfu_echo --json', error: 'no final {"event": "stats"} line on stdout' });
      }
    }
    result.seconds = (Date.now() - result.started) / 1000;
  }
  return result;
}

function printResult(r) {
  if (r.ok) {
    say(`PASS ${r.label} in ${r.seconds.toFixed(1)} s`);
    const s = r.stats;
    console.log(`    server: ${s.associations} associations, ${s.handshakes_dtls13} DTLS 1.3 / ${s.handshakes_dtls12} DTLS 1.2 ` +
      `handshakes, RTP in ${s.rtp_in}, forwarded ${s.rtp_forwarded}, PLIs sent ${s.pli_sent}, ` +
      `key-frame requests relayed ${s.keyframe_requests}, STUN ${s.stun_authenticated}/${s.stun_in} authenticated`);
    for (const p of r.peers) {
      const t = (p.stats && p.stats.transport) || {};
      const v = ((p.stats && p.stats.inbound) || []).filter((i) => i.kind === 'video' && i.framesDecoded > 0);
      const sp = s.peers.find((x) => x.id === p.id) || {};
      console.log(`    ${p.name} ${p.id}: ${t.tlsVersion} ${t.dtlsCipher} ${t.srtpCipher}; decodes ` +
        `${v.map((i) => `ssrc ${i.ssrc} (${i.framesDecoded} frames)`).join(', ')}; server: ${sp.cipher_suite}, ` +
        `forwarded from ${sp.rtp_forwarded_from}, to ${sp.rtp_forwarded_to}`);
    }
    console.log(`    server exit ${JSON.stringify(r.serverExit)}`);
    return;
  }
  say(`FAIL ${r.label} after ${r.seconds.toFixed(1)} s`);
  console.log(`    step: ${r.step}\n    error: ${r.error}`);
  if (r.details) console.log(`    details:\n${String(r.details).trim().replace(/^/gm, '      ')}`);
  if (r.server) console.log(`    server stats: ${JSON.stringify(r.server)}`);
  for (const p of r.peers || []) {
    console.log(`    ${p.name} ${p.id} browser stats: ${JSON.stringify(p.stats)}`);
    if (p.console.length) console.log(`    ${p.name} console:\n${p.console.slice(-20).join('\n').replace(/^/gm, '      ')}`);
  }
  if (r.serverOutput) console.log(`    server output (last 60 lines):\n${r.serverOutput.split('\n').slice(-60).join('\n').replace(/^/gm, '      ')}`);
  if (r.serverExit) console.log(`    server exit: ${JSON.stringify(r.serverExit)}`);
}

runBrowserTest({
  parseArgs,
  skip: (o) => (fs.existsSync(o.sfuEcho) ? null : `${o.sfuEcho} not built`),
  async run(o, browser) {
    const results = [];
    for (const c of o.cases) {
      const r = await runCase(o, browser, c);
      printResult(r);
      results.push(r);
    }
    const failed = results.filter((r) => !r.ok);
    say(`${results.length - failed.length} of ${results.length} cases passed in ${elapsed()}`);
    return failed.length ? 1 : 0;
  },
});
