import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';

/**
 * The machine's shared PostgreSQL and nats-server (Debian packages), stopped and started the way an operator
 * would. Every test that stops one must restore it in a `finally`/`afterAll` (ensureInfrastructureUp).
 */
const NATS_BINARY = '/usr/sbin/nats-server';
const NATS_ARGS = [
  '-a',
  '127.0.0.1',
  '-p',
  '4222',
  '-js',
  '-sd',
  '/var/lib/nats-server',
  '-l',
  '/var/log/nats-server.log',
];
const NATS_URL = 'nats://127.0.0.1:4222';
const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const UP_TIMEOUT_MS = 60_000;

/** Stops nats-server (SIGTERM, as a service manager would) and waits until the process is gone. */
export async function stopNats(): Promise<void> {
  await run('start-stop-daemon', ['--stop', '--oknodo', '--retry', 'TERM/20/KILL/5', '--exec', NATS_BINARY]);
}

/** Starts nats-server with JetStream (no-op if it runs) and waits until JetStream answers. */
export async function startNats(): Promise<void> {
  await run('start-stop-daemon', [
    '--start',
    '--oknodo',
    '--background',
    '--exec',
    NATS_BINARY,
    '--',
    ...NATS_ARGS,
  ]);
  await until('JetStream on 127.0.0.1:4222', jetStreamAnswers);
}

export async function restartNats(): Promise<void> {
  await stopNats();
  await startNats();
}

/** `pg_ctlcluster restart` (fast shutdown: open sessions are terminated), then waits until it accepts queries. */
export async function restartPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'restart']);
  await until('PostgreSQL on 127.0.0.1:5432', postgresAnswers);
}

/** Brings back whatever a failed test may have left down; quick when both run. */
export async function ensureInfrastructureUp(): Promise<void> {
  if (!(await postgresAnswers())) {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'start']).catch(
      () => undefined,
    );
    await until('PostgreSQL on 127.0.0.1:5432', postgresAnswers);
  }
  if (!(await jetStreamAnswers())) await startNats();
}

function postgresVersion(): string {
  const versions = readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v));
  if (!versions.length) throw new Error('no PostgreSQL cluster in /etc/postgresql');
  return versions.sort((a, b) => Number(b) - Number(a))[0];
}

async function jetStreamAnswers(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, reconnect: false, timeout: 1000 });
    try {
      await (await jetstreamManager(nc, { timeout: 1000 })).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

async function postgresAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs a command to its exit. No pipes: a daemon started by it would inherit them and keep them open, so waiting
 * for the output to close would never end.
 */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + UP_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${UP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
