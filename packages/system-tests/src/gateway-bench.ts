import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  freePort,
  startServiceProcess,
  uniqueNamespace,
} from '@crm/testing';

interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number; max: number };
}
// autocannon ships no types; only its documented options and result fields are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: object) => Promise<AutocannonResult>;

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** 0 = single ingest; n > 0 = batch ingest with n events per request. */
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 0);
/** Extra Node flags for the gateway process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const GATEWAY_NODE_ARGS = (process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const API_KEY = 'bench-gateway-key-0123456789';
const GATEWAY_DIR = path.resolve(__dirname, '..', '..', '..', 'apps', 'gateway');

/**
 * `node packages/system-tests/dist/gateway-bench.js`: the gateway alone (fresh database and NATS namespace, no
 * consumers) under autocannon, so its own cost per request is visible. Prints one JSON object.
 */
async function main(): Promise<void> {
  const db = await createTestDatabase();
  const namespace = uniqueNamespace('gwbench');
  const port = await freePort();
  const gateway = await startServiceProcess({
    name: 'gateway',
    cwd: GATEWAY_DIR,
    nodeArgs: GATEWAY_NODE_ARGS,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      NATS_URL,
      NATS_NAMESPACE: namespace,
      LOG_LEVEL: process.env.GATEWAY_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      API_KEYS: `${API_KEY}:*:events:write`,
      // Far above what the bench sends: the limiter's Redis call is measured, never a 429.
      RATE_LIMIT_INGEST_PER_MINUTE: '10000000',
    },
    readyUrl: `http://127.0.0.1:${port}/ready`,
    timeoutMs: 60_000,
  });
  try {
    const cpuBefore = cpuSecondsOf(gateway.pid);
    const result = await measure(`http://127.0.0.1:${port}`);
    const cpuSeconds = cpuSecondsOf(gateway.pid) - cpuBefore;
    // On a shared machine throughput swings with the neighbours' load; the CPU cost per request does not.
    const gatewayCpu = {
      cpu_s: Number(cpuSeconds.toFixed(2)),
      cpu_ms_per_request: Number(((cpuSeconds * 1000) / Math.max(1, result.accepted_requests)).toFixed(3)),
    };
    console.log(
      JSON.stringify({ machine: { cpus: cpus().length }, ...result, gateway: gatewayCpu }, null, 2),
    );
  } finally {
    await gateway.kill('SIGTERM');
    await deleteNamespaceStreams(NATS_URL, namespace).catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
}

async function measure(baseUrl: string) {
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const event = () => {
    n += 1;
    return {
      event_id: `gwbench-${run}-${n}`,
      event_type: 'page_visited',
      source: 'website',
      occurred_at: new Date().toISOString(),
      metadata: { page_path: '/bench' },
      lead_identifier: { email: `gwbench-${run}-${n % 5000}@bench-lab.com` },
    };
  };
  const body = () =>
    JSON.stringify(BATCH_SIZE > 0 ? { events: Array.from({ length: BATCH_SIZE }, event) } : event());
  const result = await autocannon({
    url: `${baseUrl}/api/v1/events/ingest${BATCH_SIZE > 0 ? '/batch' : ''}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    requests: [{ setupRequest: (request: object) => ({ ...request, body: body() }) }],
  });
  return {
    endpoint: BATCH_SIZE > 0 ? `ingest/batch (${BATCH_SIZE} events each)` : 'ingest',
    connections: CONNECTIONS,
    duration_s: SECONDS,
    accepted_requests: result['2xx'],
    non_2xx: result.non2xx,
    errors: result.errors,
    requests_per_s: Math.round(result['2xx'] / SECONDS),
    ...(BATCH_SIZE > 0 ? { events_per_s: Math.round((result['2xx'] * BATCH_SIZE) / SECONDS) } : {}),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}

/** User + system CPU seconds a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSecondsOf(pid: number): number {
  const statFile = `/proc/${pid}/stat`;
  if (!existsSync(statFile)) return Number.NaN;
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in clock ticks.
  const fields = readFileSync(statFile, 'utf8').split(') ')[1].split(' ');
  const CLOCK_TICKS_PER_SECOND = 100;
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
