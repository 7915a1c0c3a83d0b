import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { RunningSystem, SYSTEM_API_KEY } from './system';

interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number; max: number };
}
// autocannon ships no types; the bench uses only its documented options and result fields.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: object) => Promise<AutocannonResult>;

const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BURST_EVENTS = Number(process.env.BENCH_BURST_EVENTS ?? 20_000);
const EVENTS_PER_LEAD = 5; // page visits: 2 points each, under the rule's 10-per-day cap

/**
 * `npm run bench`: starts the system and measures (a) accepted ingest requests/s and latency at concurrency
 * 50, (b) how fast a burst of events is fully scored and visible on the leads. Prints one JSON object.
 */
async function main(): Promise<void> {
  // Each measurement gets a fresh system, so the burst is not slowed by the ingest phase's backlog.
  const ingest = await withSystem(measureIngest);
  const burst = await withSystem(measureBurst);
  console.log(JSON.stringify({ machine: { cpus: cpus().length }, ingest, burst }, null, 2));
}

async function withSystem<T>(measure: (system: RunningSystem) => Promise<T>): Promise<T> {
  const system = await RunningSystem.start({ env: { LOG_LEVEL: 'error' } });
  try {
    return await measure(system);
  } finally {
    await system.stop();
  }
}

async function measureIngest(system: RunningSystem) {
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const result = await autocannon({
    url: `${system.gatewayUrl}/api/v1/events/ingest`,
    connections: CONNECTIONS,
    duration: INGEST_SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SYSTEM_API_KEY },
    requests: [
      {
        setupRequest: (request: object) => {
          n += 1;
          return {
            ...request,
            body: JSON.stringify({
              event_id: `bench-${run}-${n}`,
              event_type: 'page_visited',
              source: 'website',
              occurred_at: new Date().toISOString(),
              metadata: { page_path: '/bench' },
              lead_identifier: { email: `bench-${run}-${n % 5000}@bench-lab.com` },
            }),
          };
        },
      },
    ],
  });
  return {
    connections: CONNECTIONS,
    duration_s: INGEST_SECONDS,
    accepted_requests: result['2xx'],
    non_2xx: result.non2xx,
    errors: result.errors,
    requests_per_s: Math.round(result['2xx'] / INGEST_SECONDS),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}

async function measureBurst(system: RunningSystem) {
  const run = randomUUID().slice(0, 8);
  const leads = Math.ceil(BURST_EVENTS / EVENTS_PER_LEAD);
  const db = new Client({ connectionString: system.db.url });
  await db.connect();
  const started = Date.now();
  let sent = 0;
  const send = async () => {
    while (sent < BURST_EVENTS) {
      const i = sent++;
      const response = await fetch(`${system.gatewayUrl}/api/v1/events/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': SYSTEM_API_KEY },
        body: JSON.stringify({
          event_id: `burst-${run}-${i}`,
          event_type: 'page_visited',
          source: 'website',
          occurred_at: new Date(Date.now() - i).toISOString(),
          metadata: { page_path: `/burst/${i % EVENTS_PER_LEAD}` },
          lead_identifier: { email: `burst-${run}-${i % leads}@bench-lab.com` },
        }),
      });
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 100 }, send));
  const acceptedAfterMs = Date.now() - started;
  const expectedScore = EVENTS_PER_LEAD * 2;
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM leads.leads WHERE email LIKE $1 AND total_score = $2`,
      [`burst-${run}-%`, expectedScore],
    );
    if (rows[0].n >= leads) break;
    if (Date.now() - started > 15 * 60_000) throw new Error(`burst not scored after 15 min (${rows[0].n}/${leads})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const scoredAfterMs = Date.now() - started;
  await db.end();
  return {
    events: BURST_EVENTS,
    leads,
    accepted_after_s: acceptedAfterMs / 1000,
    fully_scored_and_visible_after_s: scoredAfterMs / 1000,
    events_per_s: Math.round(BURST_EVENTS / (scoredAfterMs / 1000)),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
