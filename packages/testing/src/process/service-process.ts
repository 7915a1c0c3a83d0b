import { type ChildProcess, spawn } from 'node:child_process';
import { applyEnv } from './env';
import { LineRingBuffer, LineSplitter } from './line-ring-buffer';

export interface ServiceProcessOptions {
  /** Label used in logs and error messages. */
  name: string;
  /** Working directory, usually the app's package directory. */
  cwd: string;
  /** Script run with the current Node binary, relative to `cwd`. */
  entry?: string;
  /** Merged over `process.env`; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Extra Node flags, e.g. `['--enable-source-maps']`. */
  nodeArgs?: string[];
  /** Polled with GET every 100 ms; the service counts as started on the first 200. */
  readyUrl: string;
  timeoutMs?: number;
  /** Also copy the child's output to this process's stderr (handy when debugging a test locally). */
  echo?: boolean;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  pid: number;
  name: string;
  /** Sends `signal`, waits for exit (SIGKILL after `escalateAfterMs`), resolves with the exit code (null if killed by a signal). */
  kill(signal?: NodeJS.Signals, escalateAfterMs?: number): Promise<number | null>;
  /** SIGKILL, e.g. to simulate a crash; resolves once the process is gone. */
  killHard(): Promise<void>;
  /** The last ~500 lines of stdout/stderr (stderr lines prefixed `[stderr] `). */
  logs(): string;
  exited: Promise<ProcessExit>;
}

const READY_POLL_MS = 100;
const READY_REQUEST_TIMEOUT_MS = 2_000;
/** Time allowed for the last output to arrive after exit, so failure reports include the crash message. */
const OUTPUT_DRAIN_MS = 500;

/** Children still running; killed if the test process exits without cleaning up, so no orphan keeps ports busy. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Spawns `node <entry>` and resolves once `readyUrl` answers 200; rejects (with logs) on early exit or timeout. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const {
    name,
    cwd,
    entry = 'dist/main.js',
    nodeArgs = [],
    readyUrl,
    timeoutMs = 30_000,
    echo = false,
  } = options;
  installExitHook();

  const buffer = new LineRingBuffer(500);
  const record = (prefix: string) => (line: string) => {
    buffer.push(prefix + line);
    if (echo) process.stderr.write(`[${name}] ${prefix}${line}\n`);
  };
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd,
    env: mergeEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);

  const stdout = new LineSplitter(record(''));
  const stderr = new LineSplitter(record('[stderr] '));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.write(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.write(chunk));
  child.stdout?.on('end', () => stdout.flush());
  child.stderr?.on('end', () => stderr.flush());

  const outputClosed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const processGone = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // Spawn failures (bad cwd, ...) emit 'error' without 'exit'.
    child.once('error', (err) => {
      buffer.push(`[spawn error] ${err.message}`);
      resolve({ code: null, signal: null });
    });
  });
  // Resolve only once the output is drained too, so logs() after `await exited` includes the last lines.
  const exited = processGone.then(async (exit) => {
    liveChildren.delete(child);
    await Promise.race([outputClosed, sleep(OUTPUT_DRAIN_MS)]);
    return exit;
  });

  // Includes a not yet terminated line (e.g. a crash message without newline) without splitting it in the buffer.
  const logs = (): string =>
    [buffer.toString(), stdout.pending, stderr.pending && `[stderr] ${stderr.pending}`]
      .filter(Boolean)
      .join('\n');
  const killHard = async (): Promise<void> => {
    if (isRunning(child)) child.kill('SIGKILL');
    await exited;
  };
  const kill = async (
    signal: NodeJS.Signals = 'SIGTERM',
    escalateAfterMs = 10_000,
  ): Promise<number | null> => {
    if (isRunning(child)) {
      child.kill(signal);
      const timer = setTimeout(() => isRunning(child) && child.kill('SIGKILL'), escalateAfterMs);
      await exited.finally(() => clearTimeout(timer));
    }
    return (await exited).code;
  };

  const failure = async (reason: string): Promise<Error> => {
    await exited;
    return new Error(`${name}: ${reason}\n--- last output of ${name} ---\n${logs()}`);
  };

  // An object, not a `let`: TypeScript does not see assignments made inside callbacks when narrowing.
  const state: { exit?: ProcessExit } = {};
  void exited.then((e) => (state.exit = e));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { exit } = state;
    if (exit) throw await failure(`exited before ready (code ${exit.code}, signal ${exit.signal})`);
    if (await answers200(readyUrl)) break;
    if (Date.now() >= deadline) {
      await killHard();
      throw await failure(`not ready at ${readyUrl} within ${timeoutMs} ms`);
    }
    await Promise.race([sleep(READY_POLL_MS), exited]);
  }

  return { pid: child.pid as number, name, kill, killHard, logs, exited };
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(READY_REQUEST_TIMEOUT_MS) });
    // Drain the body so the keep-alive socket is released.
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false; // not listening yet
  }
}

function mergeEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return applyEnv({ ...process.env }, overrides);
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Unref'd so a pending drain or poll timer never keeps the test process alive on its own. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) if (isRunning(child)) child.kill('SIGKILL');
  });
}
