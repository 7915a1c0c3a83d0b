import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { type ServiceProcess, startServiceProcess } from './service-process';

/** A tiny stand-in service: logs, serves /health (after READY_DELAY_MS) and /env, handles SIGTERM. */
const SERVICE_SOURCE = `
const http = require('node:http');
const port = Number(process.env.PORT);
let ready = false;
setTimeout(() => { ready = true; }, Number(process.env.READY_DELAY_MS || 0));
if (process.env.CRASH) { console.error('boom: ' + process.env.CRASH); process.exit(3); }
if (process.env.IGNORE_SIGTERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
else process.on('SIGTERM', () => { console.log('shutting down'); server.close(() => process.exit(0)); });
for (let i = 0; i < Number(process.env.LOG_LINES || 0); i++) console.log('log line ' + i);
const server = http.createServer((req, res) => {
  if (req.url === '/health') { res.writeHead(ready ? 200 : 503); res.end(); return; }
  if (req.url === '/env') { res.end(JSON.stringify({ greeting: process.env.GREETING, removed: process.env.REMOVE_ME ?? null })); return; }
  res.writeHead(404); res.end();
});
server.listen(port, '127.0.0.1', () => console.log('listening on ' + port));
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startServiceProcess', () => {
  let dir: string;
  const started: ServiceProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-testing-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'main.js'), SERVICE_SOURCE);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.killHard()));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string | undefined>, timeoutMs?: number): Promise<ServiceProcess> {
    const port = await freePort();
    const service = await startServiceProcess({
      name: 'fake-service',
      cwd: dir,
      env: { PORT: String(port), ...env },
      readyUrl: `http://127.0.0.1:${port}/health`,
      timeoutMs,
    });
    started.push(service);
    return service;
  }

  it('waits for readyUrl to answer 200, merges env, captures logs, and stops on SIGTERM with the exit code', async () => {
    process.env.REMOVE_ME = 'inherited';
    let service: ServiceProcess;
    try {
      service = await start({ READY_DELAY_MS: '300', GREETING: 'hallo', REMOVE_ME: undefined });
    } finally {
      delete process.env.REMOVE_ME;
    }
    const port = /listening on (\d+)/.exec(service.logs())?.[1];
    expect(port).toBeDefined();
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const env = await (await fetch(`http://127.0.0.1:${port}/env`)).json();
    expect(env).toEqual({ greeting: 'hallo', removed: null });

    await expect(service.kill()).resolves.toBe(0);
    await expect(service.exited).resolves.toEqual({ code: 0, signal: null });
    expect(service.logs()).toBe(`listening on ${port}\nshutting down`);
    expect(isAlive(service.pid)).toBe(false);
  });

  it('rejects with the captured output when the process exits before it is ready', async () => {
    await expect(start({ CRASH: 'missing DATABASE_URL' })).rejects.toThrow(
      /fake-service: exited before ready \(code 3, signal null\)[\s\S]*\[stderr\] boom: missing DATABASE_URL/,
    );
  });

  it('rejects after the timeout and kills the process', async () => {
    const before = Date.now();
    const error = await start({ READY_DELAY_MS: '60000' }, 500).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /not ready at http:\/\/127\.0\.0\.1:\d+\/health within 500 ms[\s\S]*listening on/,
    );
    expect(Date.now() - before).toBeGreaterThanOrEqual(500);
  });

  it('killHard() sends SIGKILL and waits for the exit', async () => {
    const service = await start({});
    await service.killHard();
    await expect(service.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(service.pid)).toBe(false);
  });

  it('kill() escalates to SIGKILL when the process ignores the signal', async () => {
    const service = await start({ IGNORE_SIGTERM: '1' });
    await expect(service.kill('SIGTERM', 300)).resolves.toBeNull();
    await expect(service.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(service.logs()).toContain('ignoring SIGTERM');
  });

  it('keeps only the last 500 lines of output', async () => {
    const service = await start({ LOG_LINES: '800' });
    await service.kill();
    const lines = service.logs().split('\n');
    expect(lines).toHaveLength(500);
    expect(lines[lines.length - 1]).toBe('shutting down');
    expect(lines[0]).toBe('log line 302');
  });
});

describe('freePort', () => {
  it('returns a port that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, '127.0.0.1', resolve),
    );
    await new Promise((resolve) => server.close(resolve));
  });
});
