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
