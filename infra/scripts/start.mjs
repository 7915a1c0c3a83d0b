#!/usr/bin/env node
// `npm start`: makes sure PostgreSQL and NATS run, builds everything, then starts every service
// (each `node dist/main.js` in its app folder), waits for each one's /ready and streams their logs
// with a [service] prefix. Ctrl-C / SIGTERM stops them all (SIGTERM, SIGKILL after 15 s).
//
// Environment: everything is passed through to the services. Extra knobs for this script:
//   START_SKIP_BUILD=1     do not run the turbo build first
//   READY_TIMEOUT_MS=...   how long one service may take to answer /ready (default 120000)
//   LOG_RAW=1              print the services' JSON log lines as they are
//   NO_COLOR / FORCE_COLOR as usual
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Start order: gateway last. Adding a service is one line (insert it before the gateway).
const SERVICES = [
  { name: 'leads', portEnv: 'LEADS_PORT', port: 3001 },
  { name: 'scoring', portEnv: 'SCORING_PORT', port: 3002 },
  { name: 'automation', portEnv: 'AUTOMATION_PORT', port: 3003 },
  { name: 'slack', portEnv: 'SLACK_PORT', port: 3004 },
  { name: 'cituro', portEnv: 'CITURO_PORT', port: 3005 },
  { name: 'moco', portEnv: 'MOCO_PORT', port: 3006 },
  { name: 'mailer', portEnv: 'MAILER_PORT', port: 3007 },
  { name: 'webhooks', portEnv: 'WEBHOOKS_PORT', port: 3008 },
  { name: 'gateway', portEnv: 'GATEWAY_PORT', port: 3000 },
];

// turbo's one-time telemetry notice is noise in logs and CI
process.env.TURBO_TELEMETRY_DISABLED ??= '1';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 120_000);
const STOP_GRACE_MS = 15_000;
const TAIL_LINES = 40;

const useColor =
  process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0'
    ? true
    : !process.env.NO_COLOR && Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
const paint = (code) => (s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
const c = {
  dim: paint('2'),
  bold: paint('1'),
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  magenta: paint('35'),
};
const TAG_COLORS = ['36', '35', '33', '32', '34', '96', '95', '93', '92', '94'];
const TAG_WIDTH = Math.max(...SERVICES.map((s) => s.name.length)) + 2;

const say = (msg) => process.stdout.write(`${c.bold('[start]'.padEnd(TAG_WIDTH + 1))} ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// log formatting

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOR = { TRACE: c.dim, DEBUG: c.dim, INFO: c.green, WARN: c.yellow, ERROR: c.red, FATAL: c.red };

function hhmmss(time) {
  const d = time === undefined ? new Date() : new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Returns the lines to print for one line of service output. */
function formatLine(line) {
  if (process.env.LOG_RAW || !line.startsWith('{')) return [line];
  let rec;
  try {
    rec = JSON.parse(line);
  } catch {
    return [line];
  }
  if (!rec || typeof rec !== 'object' || (rec.msg === undefined && rec.message === undefined)) return [line];
  const levelName =
    typeof rec.level === 'number'
      ? (LEVELS[rec.level] ?? String(rec.level))
      : String(rec.level ?? 'INFO').toUpperCase();
  const color = LEVEL_COLOR[levelName] ?? ((s) => s);
  const msg =
    typeof (rec.msg ?? rec.message) === 'string'
      ? (rec.msg ?? rec.message)
      : JSON.stringify(rec.msg ?? rec.message);
  const context = rec.context ? `${c.dim(`[${rec.context}]`)} ` : '';
  const cid = rec.correlation_id ? ` ${c.dim(`{${rec.correlation_id}}`)}` : '';
  const out = [`${c.dim(hhmmss(rec.time))} ${color(levelName.padEnd(5))} ${context}${msg}${cid}`];
  const err = rec.err ?? rec.error;
  if (err && typeof err === 'object') {
    const stack = typeof err.stack === 'string' ? err.stack : `${err.type ?? 'Error'}: ${err.message ?? ''}`;
    for (const l of stack.split('\n')) out.push(`    ${color(l)}`);
  } else if (typeof err === 'string') {
    out.push(`    ${color(err)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// child processes

/** @type {Map<string, {svc: object, child: import('node:child_process').ChildProcess, tail: string[], tag: string, exited: Promise<void>}>} */
const running = new Map();
let stopping = false;

function pipeLines(stream, proc) {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', (line) => {
    proc.tail.push(line);
    if (proc.tail.length > TAIL_LINES) proc.tail.shift();
    for (const l of formatLine(line)) process.stdout.write(`${proc.tag} ${l}\n`);
  });
}

function startService(svc, index) {
  const cwd = join(ROOT, 'apps', svc.name);
  const port = Number(process.env[svc.portEnv] ?? svc.port);
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || 'development',
    [svc.portEnv]: String(port),
  };
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // own process group: a terminal Ctrl-C reaches only this script, which then stops the services in order
    detached: true,
  });
  const proc = {
    svc,
    port,
    child,
    tail: [],
    tag: paint(TAG_COLORS[index % TAG_COLORS.length])(`[${svc.name}]`.padEnd(TAG_WIDTH)),
  };
  let resolveExit;
  proc.exited = new Promise((r) => (resolveExit = r));
  const gone = (reason) => {
    if (!running.has(svc.name)) return;
    running.delete(svc.name);
    resolveExit();
    if (stopping) say(`${svc.name} stopped${reason ? ` (${reason})` : ''}`);
    else failAll(`${svc.name} exited unexpectedly (${reason || 'exit code 0'})`, proc);
  };
  child.on('exit', (code, signal) => gone(signal ? `signal ${signal}` : code ? `exit code ${code}` : ''));
  child.on('error', (err) => gone(`could not be started: ${err.message}`));
  pipeLines(child.stdout, proc);
  pipeLines(child.stderr, proc);
  running.set(svc.name, proc);
  return proc;
}

function signalChild(proc, signal) {
  try {
    process.kill(-proc.child.pid, signal); // the whole group: main.js and anything it spawned
  } catch {
    try {
      proc.child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

async function stopAll() {
  stopping = true;
  const procs = [...running.values()].reverse(); // gateway first, then the others
  if (procs.length === 0) return true;
  say(`stopping ${procs.map((p) => p.svc.name).join(', ')}`);
  for (const p of procs) signalChild(p, 'SIGTERM');
  let timer;
  const timedOut = await Promise.race([
    Promise.all(procs.map((p) => p.exited)).then(() => false),
    new Promise((r) => (timer = setTimeout(() => r(true), STOP_GRACE_MS))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    const left = [...running.values()];
    say(
      c.yellow(
        `still running after ${STOP_GRACE_MS / 1000}s, killing: ${left.map((p) => p.svc.name).join(', ')}`,
      ),
    );
    for (const p of left) signalChild(p, 'SIGKILL');
    await Promise.all(left.map((p) => p.exited));
  }
  return !timedOut;
}

let failing = false;
async function failAll(reason, proc) {
  if (failing) return;
  failing = true;
  say(c.red(reason));
  if (proc && proc.tail.length) {
    say(c.red(`last ${proc.tail.length} lines of ${proc.svc.name}:`));
    for (const line of proc.tail)
      for (const l of formatLine(line)) process.stdout.write(`${proc.tag} ${l}\n`);
  }
  await stopAll();
  process.exit(1);
}

async function waitReady(proc) {
  const url = `http://127.0.0.1:${proc.port}/ready`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!running.has(proc.svc.name)) return false; // exited: the exit handler reports it
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 200) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// main

let shutdownRequested = 0;
let buildChild;
function onSignal(signal) {
  if (shutdownRequested) {
    // `npm start` forwards the terminal's Ctrl-C, so the first one can arrive twice: only a later one forces
    if (Date.now() - shutdownRequested < 2000) return;
    say(c.yellow(`${signal} again: killing everything now`));
    for (const p of running.values()) signalChild(p, 'SIGKILL');
    process.exit(1);
  }
  shutdownRequested = Date.now();
  say(`${signal} received, shutting down`);
  if (buildChild) buildChild.kill('SIGTERM');
  stopAll().then((clean) => process.exit(clean ? 0 : 1));
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('exit', () => {
  // last resort (e.g. an exception in this script): never leave services behind
  for (const p of running.values()) signalChild(p, 'SIGKILL');
});

function runStep(title, cmd, args) {
  say(title);
  return new Promise((resolveStep) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
    buildChild = child;
    child.on('exit', (code, signal) => {
      buildChild = undefined;
      resolveStep(code ?? (signal ? 1 : 0));
    });
    child.on('error', (err) => {
      say(c.red(`${cmd}: ${err.message}`));
      resolveStep(1);
    });
  });
}

async function main() {
  const deps = spawnSync('bash', [join(ROOT, 'infra/scripts/ensure-deps.sh')], { stdio: 'inherit' });
  if (deps.status !== 0) {
    say(c.red('PostgreSQL/NATS are not available (see above)'));
    process.exit(1);
  }

  if (!process.env.START_SKIP_BUILD) {
    const code = await runStep('building (turbo run build)', 'npx', [
      'turbo',
      'run',
      'build',
      '--output-logs=errors-only',
    ]);
    if (shutdownRequested) return;
    if (code !== 0) {
      say(c.red(`build failed (exit ${code}); nothing started`));
      process.exit(1);
    }
  }

  const present = SERVICES.filter((s) => existsSync(join(ROOT, 'apps', s.name, 'package.json')));
  const skipped = SERVICES.filter((s) => !present.includes(s));
  if (skipped.length)
    say(c.yellow(`skipped (no apps/<name>/package.json): ${skipped.map((s) => s.name).join(', ')}`));
  if (present.length === 0) {
    say(c.red('no service to start'));
    process.exit(1);
  }
  for (const s of present) {
    if (!existsSync(join(ROOT, 'apps', s.name, 'dist', 'main.js'))) {
      say(c.red(`apps/${s.name}/dist/main.js is missing after the build`));
      process.exit(1);
    }
  }

  for (const svc of present) {
    if (shutdownRequested || failing) return;
    const port = process.env[svc.portEnv] ?? svc.port;
    say(`starting ${svc.name} (${svc.portEnv}=${port})`);
    const started = Date.now();
    const proc = startService(svc, SERVICES.indexOf(svc));
    const ready = await waitReady(proc);
    if (shutdownRequested || failing) return;
    if (!ready) {
      failAll(
        `${svc.name} did not answer GET ${`http://127.0.0.1:${proc.port}/ready`} with 200 within ${READY_TIMEOUT_MS / 1000}s`,
        proc,
      );
      return;
    }
    say(c.green(`${svc.name} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`));
  }

  const gatewayPort = process.env.GATEWAY_PORT ?? 3000;
  const gw = present.some((s) => s.name === 'gateway');
  say(
    c.green(
      c.bold(
        `all services ready — ${gw ? `web UI and API on http://localhost:${gatewayPort}` : 'gateway not present'}`,
      ),
    ) + c.dim('  (Ctrl-C stops everything)'),
  );
}

main().catch((err) => {
  say(c.red(`start failed: ${err?.stack ?? err}`));
  stopAll().finally(() => process.exit(1));
});
