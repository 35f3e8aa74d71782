// The e2e test's harness: arguments, skip rules, the real `dataanalyst serve` on a free loopback
// port with its own data directory and admin key, and Debian's Chromium through playwright-core.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SKIP = 77; // ctest SKIP_RETURN_CODE
export const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const webDir = path.join(sourceDir, 'web');

export function parseArgs(argv) {
  const args = { binary: '', artifacts: '', webDist: path.join(webDir, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i] ?? '';
    if (argv[i] === '--binary') args.binary = next();
    else if (argv[i] === '--artifacts') args.artifacts = next();
    else if (argv[i] === '--web-dist') args.webDist = next();
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.binary) throw new Error('usage: e2e.mjs --binary PATH [--artifacts DIR] [--web-dist DIR]');
  args.artifacts ||= path.join(os.tmpdir(), 'dataanalyst-web-artifacts');
  fs.mkdirSync(args.artifacts, { recursive: true });
  return args;
}

// Missing tools skip the test, except in CI (CI=true), where they fail it.
export function requireOrSkip(ok, what) {
  if (ok) return;
  const ci = process.env.CI === 'true';
  console.log(`${ci ? 'FAIL' : 'SKIP'}: ${what}${ci ? ' (CI=true: a missing tool is a failure)' : ''}`);
  process.exit(ci ? 1 : SKIP);
}

export function findChromium() {
  return ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p)) ?? '';
}

export function loadPlaywright() {
  try {
    return createRequire(path.join(webDir, 'package.json'))('playwright-core');
  } catch {
    return null;
  }
}

// Whether the binary has `serve` (its usage lists it).
export function hasServe(binary) {
  if (!fs.existsSync(binary)) return false;
  const r = spawnSync(binary, ['help'], { encoding: 'utf8', timeout: 10000 });
  return /dataanalyst serve\b/.test(`${r.stdout}${r.stderr}`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A key made by the CLI (`keys create --name NAME ...scope`), or null when `keys` is not there
// (the caller then serves --no-auth).
export function createKey(binary, dataDir, name, scope = ['--admin']) {
  const r = spawnSync(binary, ['keys', 'create', '--name', name, ...scope, '--json', '--data-dir', dataDir],
    { encoding: 'utf8', timeout: 20000 });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout).secret ?? null;
  } catch {
    return null;
  }
}

// Starts the server and waits until /api/v1/health answers. Its stdout/stderr go to `logFile`.
export async function startServer({ binary, dataDir, webDist, logFile, noAuth, rateLimit }) {
  const port = await freePort();
  const log = fs.openSync(logFile, 'w');
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--web-dir', webDist];
  if (noAuth) args.push('--no-auth');
  if (rateLimit !== undefined) args.push('--rate-limit', String(rateLimit));
  const child = spawn(binary, args, { stdio: ['ignore', log, log] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = `exited with ${code ?? signal}`; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) { // up to 30 s: the first start may build indexes
    if (exited) throw new Error(`the server ${exited}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) return { url, stop: () => stopServer(child) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopServer(child);
  throw new Error(`the server did not answer /api/v1/health; see ${logFile}`);
}

async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  // A server that will not stop is not this test's subject, but it is worth saying.
  const timer = setTimeout(() => {
    console.log('note: the server did not stop within 3 s of SIGTERM; killed');
    child.kill('SIGKILL');
  }, 3000);
  await gone;
  clearTimeout(timer);
}

// Chromium as toolchain.md says: a fresh profile, no sandbox (root in containers), no background traffic.
export async function launchBrowser(playwright, executablePath, scratch) {
  const profile = fs.mkdtempSync(path.join(scratch, 'profile-'));
  return playwright.chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    env: { ...process.env, TMPDIR: scratch },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
