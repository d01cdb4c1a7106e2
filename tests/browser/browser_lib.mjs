// Shared by the browser tests: prerequisites, playwright-core from npm
// (pinned in package.json/package-lock.json, installed into the build
// directory, never a downloaded browser), Debian's Chromium launched
// headless with the project's flags, and small helpers.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** meson's exit status for a skipped test. */
export const SKIP = 77;

/** The Chromium flags of issue 6 (a headless launch that works as root). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
];

/** Extra flags when D13_BROWSER_LOG=1: Chromium's DTLS/ICE logging on stderr. */
export const CHROMIUM_LOG_FLAGS = [
  '--enable-logging=stderr', '--v=0',
  '--vmodule=*dtls*=3,*ssl*=3,*srtp*=2,*p2p_transport*=1,*connection*=1',
];

const t0 = Date.now();

/** Seconds since the test started, e.g. "3.2s". */
export const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

/** A progress line on stdout. */
export const say = (msg) => console.log(`[browser ${elapsed()}] ${msg}`);

/** Resolves after ms milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A failure at a named step, with the data that explains it. */
export class StepError extends Error {
  constructor(step, message, details) {
    super(`${step}: ${message}`);
    this.step = step;
    this.details = details;
  }
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The chromium path to use, or { skip: reason } when the test cannot run here. */
export function checkPrerequisites() {
  const chromiumPath = process.env.D13_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) {
    return { skip: `${chromiumPath} not found (scripts/install-deps.sh installs Debian's chromium)` };
  }
  if (!commandExists('npm')) return { skip: 'npm not found (scripts/install-deps.sh installs it)' };
  return { chromiumPath };
}

/**
 * playwright-core at the version pinned in package.json, installed into
 * workDir with `npm ci` (browser download off) unless already there.
 * Throws a StepError when npm fails.
 */
export function ensurePlaywright(workDir) {
  const want = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'))
    .dependencies['playwright-core'];
  const installed = path.join(workDir, 'node_modules', 'playwright-core', 'package.json');
  if (fs.existsSync(installed) && JSON.parse(fs.readFileSync(installed, 'utf8')).version === want) {
    say(`playwright-core ${want} already installed in ${workDir}`);
  } else {
    fs.mkdirSync(workDir, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) {
      fs.copyFileSync(path.join(HERE, f), path.join(workDir, f));
    }
    say(`installing playwright-core ${want} with npm ci (no browser download)`);
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: workDir, encoding: 'utf8', timeout: 120000,
      env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    });
    if (r.status !== 0) {
      throw new StepError('npm ci', `failed (status ${r.status}${r.error ? ', ' + r.error.message : ''})`,
        `${r.stdout || ''}\n${r.stderr || ''}`);
    }
  }
  return createRequire(path.join(workDir, 'package.json'))('playwright-core');
}

/** Launches Chromium headless with CHROMIUM_FLAGS (plus logging on request). */
export async function launchChromium(playwright, chromiumPath) {
  const args = [...CHROMIUM_FLAGS];
  if (process.env.D13_BROWSER_LOG === '1') args.push(...CHROMIUM_LOG_FLAGS);
  say(`launching ${chromiumPath} headless`);
  const browser = await playwright.chromium.launch({
    executablePath: chromiumPath, headless: true, args, timeout: 30000,
  });
  say(`chromium ${browser.version()}`);
  return browser;
}

/**
 * What every browser test's main() does around its cases, then exits the
 * process with the result: parses the arguments with h.parseArgs(argv)
 * (a throw is a usage error, exit 2), checks the prerequisites and
 * h.skip(opts) (a reason string: SKIP, 77), runs h.setup(opts) and
 * launches Chromium (a throw is a FAIL at its e.step, exit 1), then
 * resolves h.run(opts, browser, setupResult) to the exit code, closing the
 * browser afterwards whatever happens. An unexpected error is a FAIL.
 */
export function runBrowserTest(h) {
  const main = async () => {
    let opts;
    try {
      opts = h.parseArgs(process.argv.slice(2));
    } catch (e) {
      console.error(`usage error: ${e.message}`);
      return 2;
    }
    const pre = checkPrerequisites();
    const why = pre.skip || (h.skip ? h.skip(opts) : null);
    if (why) {
      console.log(`SKIP: ${why}`);
      return SKIP;
    }
    let browser;
    let prepared = null;
    try {
      if (h.setup) prepared = h.setup(opts);
      browser = await launchChromium(ensurePlaywright(opts.workDir), pre.chromiumPath);
    } catch (e) {
      console.log(`FAIL at ${e.step || 'launch chromium'}: ${e.message}\n${e.details || ''}`);
      return 1;
    }
    try {
      return await h.run(opts, browser, prepared);
    } finally {
      await browser.close().catch(() => {});
    }
  };
  main().then((code) => process.exit(code), (e) => {
    console.log(`FAIL: unexpected error: ${e.stack || e}`);
    process.exit(1);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * One spelling per SRTP protection profile, whoever names it:
 * "SRTP_AES128_CM_HMAC_SHA1_80" (Chromium), "SRTP_AES128_CM_SHA1_80" (ours),
 * "AES_CM_128_HMAC_SHA1_80" (older browsers), 1 or "0x0001"
 * -> "AES128_CM_SHA1_80"; "" for nothing.
 */
export function srtpFamily(name) {
  const numeric = { 1: 'AES128_CM_SHA1_80', 2: 'AES128_CM_SHA1_32', 7: 'AEAD_AES_128_GCM', 8: 'AEAD_AES_256_GCM' };
  if (typeof name === 'number') return numeric[name] || String(name);
  if (typeof name !== 'string' || name === '') return '';
  if (/^0x[0-9a-f]+$/i.test(name)) return numeric[parseInt(name, 16)] || name;
  return name.toUpperCase().replace(/^SRTP_/, '').replace('AES_CM_128', 'AES128_CM').replace('HMAC_', '');
}

/** True for the ways a DTLS 1.3 version gets written: "DTLS 1.3", "DTLS1.3", "FEFC", 0xfefc. */
export function isDtls13(version) {
  if (typeof version === 'number') return version === 0xfefc;
  return typeof version === 'string' && /^(DTLS\s*v?1\.3|(0x)?fefc)$/i.test(version.trim());
}

/** True for the ways a DTLS 1.2 version gets written: "DTLS 1.2", "DTLS1.2", "FEFD", 0xfefd. */
export function isDtls12(version) {
  if (typeof version === 'number') return version === 0xfefd;
  return typeof version === 'string' && /^(DTLS\s*v?1\.2|(0x)?fefd)$/i.test(version.trim());
}

/**
 * What a case expects of the protocol version: DTLS 1.3 (the default), or
 * DTLS 1.2 for a case with option dtls12. tlsVersion is
 * RTCTransportStats.tlsVersion as Chromium writes it; matches(v) accepts
 * our side's spellings ("DTLS1.2"); maxVersion is the --max-version our
 * side (dtls13 CLI, whip_server) gets, null for its default range 1.2..1.3.
 *
 * Our side is capped rather than Chromium: Chromium 156 has no way to cap
 * its WebRTC DTLS at 1.2 (the field trial WebRTC-ForceDtls13 is gone from
 * it; with --force-fieldtrials=WebRTC-ForceDtls13/Disabled/ two of its peer
 * connections still negotiate FEFC), and it always offers 1.3 and 1.2. So
 * a dtls12 case is Chromium's DTLS 1.2 fallback: as client its ClientHello
 * offers both and our 1.2-only server picks 1.2; as server it answers our
 * 1.2-only ClientHello.
 */
export function expectedVersion(dtls12) {
  return dtls12
    ? { name: 'DTLS 1.2', tlsVersion: 'FEFD', matches: isDtls12, maxVersion: '1.2' }
    : { name: 'DTLS 1.3', tlsVersion: 'FEFC', matches: isDtls13, maxVersion: null };
}

/** The DTLS 1.2 cipher suites Chromium should pick with our ECDSA
 *  certificates: ECDHE_ECDSA with AES-GCM (RFC 5289), as Chromium and we
 *  name them. */
export const DTLS12_ECDSA_GCM = /^TLS_ECDHE_ECDSA_WITH_AES_(128_GCM_SHA256|256_GCM_SHA384)$/;

// ---------------------------------------------------------------------------
// Seeded faults for the DTLS relay (run_dtls_probe.mjs --faults/--seeds).

/** mulberry32: a small seeded PRNG; returns a function giving floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PRNG seed of one direction of the relay for a case seed: each
 *  direction has its own stream, so the fate of the n-th datagram one way
 *  depends only on (seed, direction, n). */
export function directionSeed(seed, direction) {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(direction + 1, 0x85ebca6b)) >>> 0;
}

/** Fault keys, their meaning and range. Probabilities are per datagram. */
const FAULT_KEYS = {
  drop: [0, 1], dup: [0, 1], reorder: [0, 1],   // probabilities
  hold: [1, 5000], delay: [0, 5000], jitter: [0, 5000],   // milliseconds
};

/** No faults: every datagram forwarded at once. The default hold (150 ms)
 *  is longer than Chromium's first retransmission timeouts (about 50 and
 *  100 ms), so a held datagram of Chromium's often arrives after its own
 *  retransmission, and shorter than ours (400 ms). */
export const NO_FAULTS = Object.freeze({ drop: 0, dup: 0, reorder: 0, hold: 150, delay: 0, jitter: 0 });

/**
 * Parses "drop=0.3,dup=0.1,reorder=0.2[,hold=MS][,delay=MS][,jitter=MS]"
 * (a probability may also be written as a percentage: drop=30%). Missing
 * keys take NO_FAULTS' values. Throws on anything else.
 */
export function parseFaults(spec) {
  const f = { ...NO_FAULTS };
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=([0-9.]+)(%?)$/.exec(item);
    if (!m || !(m[1] in FAULT_KEYS)) throw new Error(`bad fault '${item}' (keys: ${Object.keys(FAULT_KEYS).join(', ')})`);
    const v = Number(m[2]) / (m[3] ? 100 : 1);
    const [lo, hi] = FAULT_KEYS[m[1]];
    if (!Number.isFinite(v) || v < lo || v > hi) throw new Error(`fault ${m[1]} wants ${lo} to ${hi}, got ${item}`);
    f[m[1]] = v;
  }
  return f;
}

/** The canonical text of a fault set, as parseFaults() reads it back. */
export function formatFaults(f) {
  return `drop=${f.drop},dup=${f.dup},reorder=${f.reorder},hold=${f.hold},delay=${f.delay},jitter=${f.jitter}`;
}

/** Parses "1-6", "3", "1,4,9" or "1-3,7" into a list of seeds (at most 10000). */
export function parseSeeds(spec) {
  const seeds = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`bad seed range '${part}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo >= 10000 || hi > 0xffffffff) throw new Error(`bad seed range '${part}'`);
    for (let s = lo; s <= hi; s++) seeds.push(s);
  }
  if (seeds.length === 0 || seeds.length > 10000) throw new Error(`bad seed list '${spec}'`);
  return seeds;
}

/**
 * A short description of a DTLS datagram's first record, e.g.
 * "plain ct22 ep0 ClientHello" or "unified ep2" (RFC 9147 4: the unified
 * header's low two bits are the epoch's).
 */
export function describeDatagram(msg) {
  const b = msg[0];
  if ((b & 0xe0) === 0x20) return `unified ep${b & 0x03}${b & 0x10 ? ' cid' : ''}`;
  const names = { 20: 'ccs', 21: 'alert', 22: 'handshake', 23: 'appdata', 26: 'ack' };
  let s = `plain ${names[b] || 'ct' + b}`;
  if (msg.length >= 13) s += ` ep${msg.readUInt16BE(3)}`;
  if (b === 22 && msg.length >= 14) {
    const types = { 1: 'ClientHello', 2: 'ServerHello', 3: 'HelloVerifyRequest' };
    s += ` ${types[msg[13]] || 'hs' + msg[13]}`;
  }
  return s;
}

/**
 * One direction of the relay with seeded faults. push(msg) applies, in
 * this order and with one PRNG draw each for every datagram (so the n-th
 * datagram's fate does not depend on what happened to the others):
 * drop (probability drop), duplicate (dup: sent twice), reorder (reorder:
 * held back until the next datagram of this direction has been sent, or
 * `hold` ms), then a delay of `delay` ms plus up to `jitter` ms. send(msg)
 * does the actual sending. Counters in .stats; one line per datagram in
 * .log ("+12ms browser->us #3 1200B plain handshake ep0 ClientHello DROP"),
 * and one when a held datagram goes out.
 */
export class FaultyLink {
  /** name labels the log lines; t0 is the Date.now() the log's times count
   *  from; log is the array the lines go to (shareable between directions). */
  constructor(name, faults, seed, send, t0, log = []) {
    this.name = name;
    this.faults = faults;
    this.random = mulberry32(seed);
    this.sendNow = send;
    this.t0 = t0;
    this.held = null;       // { msg, copies, timer, index }
    this.timers = new Set();
    this.closed = false;
    this.log = log;
    this.stats = { datagrams: 0, forwarded: 0, dropped: 0, duplicated: 0, reordered: 0, held_expired: 0 };
  }

  push(msg) {
    if (this.closed) return;
    const index = ++this.stats.datagrams;
    const f = this.faults;
    const rDrop = this.random(), rDup = this.random(), rReorder = this.random(), rJitter = this.random();
    const fates = [];
    const drop = rDrop < f.drop;
    const dup = !drop && rDup < f.dup;
    const reorder = !drop && !this.held && rReorder < f.reorder;
    const wait = f.delay + Math.floor(rJitter * f.jitter);
    if (drop) {
      this.stats.dropped++;
      fates.push('DROP');
    }
    if (dup) {
      this.stats.duplicated++;
      fates.push('DUP');
    }
    if (reorder) fates.push('HOLD');
    if (wait > 0 && !drop) fates.push(`+${wait}ms`);
    this.record(`#${index} ${msg.length}B ${describeDatagram(msg)}${fates.length ? ' ' + fates.join(' ') : ''}`);
    if (drop) return;
    const copies = dup ? 2 : 1;
    if (reorder) {
      const timer = setTimeout(() => this.releaseHeld(false), f.hold);
      this.held = { msg, copies, timer, index };
      return;
    }
    this.after(wait, () => {
      for (let i = 0; i < copies; i++) this.forward(msg);
      this.releaseHeld(true);
    });
  }

  /** Stops all timers; held and delayed datagrams are discarded. */
  close() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.held) clearTimeout(this.held.timer);
    this.held = null;
  }

  record(text) {
    this.log.push(`+${Date.now() - this.t0}ms ${this.name} ${text}`);
  }

  after(ms, fn) {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  forward(msg) {
    this.stats.forwarded++;
    this.sendNow(msg);
  }

  /** Sends the held datagram: overtaken is true when a later one just went out. */
  releaseHeld(overtaken) {
    const h = this.held;
    if (!h || this.closed) return;
    this.held = null;
    clearTimeout(h.timer);
    if (overtaken) this.stats.reordered++;
    else this.stats.held_expired++;
    this.record(`#${h.index} released ${overtaken ? 'after a later datagram (reordered)' : `after ${this.faults.hold} ms (nothing overtook it)`}`);
    for (let i = 0; i < h.copies; i++) this.forward(h.msg);
  }
}
