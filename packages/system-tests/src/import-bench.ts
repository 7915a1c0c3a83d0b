import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { waitFor } from '@crm/testing';
import { ApiClient } from './api-client';
import { memberAccessToken } from './member-token';
import { RunningSystem, SYSTEM_API_KEY } from './system';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
/** api.md §4.4: at most 1000 rows per request. */
const ROWS_PER_REQUEST = 1000;
/** Requests in flight at once, as a script uploading a large CSV in chunks would. */
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 4);

/**
 * `node packages/system-tests/dist/import-bench.js`: a 50,000-row CSV import (api.md §4.4) into the whole system on a
 * fresh database, sent as 50 `POST /leads/bulk` requests of 1000 rows; measures until every batch reports
 * `completed` and every lead exists. Prints one JSON object.
 */
async function main(): Promise<void> {
  const system = await RunningSystem.start();
  try {
    const api = new ApiClient(system.gatewayUrl, SYSTEM_API_KEY);
    const admin = memberAccessToken({ id: randomUUID(), email: 'import-bench@dna-me.test', role: 'admin' });
    const tag = randomUUID().slice(0, 8);
    const requests = Math.ceil(ROWS / ROWS_PER_REQUEST);
    const rowsOf = (request: number) =>
      Array.from({ length: Math.min(ROWS_PER_REQUEST, ROWS - request * ROWS_PER_REQUEST) }, (_, i) => {
        const n = request * ROWS_PER_REQUEST + i;
        return {
          email: `attendee-${n}-${tag}@lab-${n % 2000}.example`,
          first_name: `First${n}`,
          last_name: `Last${n}`,
          job_title: n % 3 === 0 ? 'Lab Manager' : 'Scientist',
          company_name: `Lab ${n % 2000}`,
          country: n % 2 ? 'DE' : 'CH',
          ...(n % 10 === 0 ? { message: `Visited booth ${n % 40} and asked about sequencing.` } : {}),
        };
      });

    const started = Date.now();
    const batchIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests) {
          const request = next++;
          const response = await api.request(
            'POST',
            '/api/v1/leads/bulk',
            {
              source: 'csv_import',
              campaign_id: 'bench-import',
              skip_duplicates: true,
              leads: rowsOf(request),
            },
            { authorization: `Bearer ${admin}` },
          );
          if (response.status !== 202) throw new Error(`bulk request ${request} answered ${response.status}`);
          batchIds.push(response.body.batch_id);
        }
      }),
    );
    const accepted = Date.now();
    const db = new Client({ connectionString: system.db.url });
    await db.connect();
    try {
      await waitFor(
        async () => {
          const { rows } = await db.query<{ done: number }>(
            `SELECT count(*)::int AS done FROM leads.lead_import_batches
              WHERE batch_id = ANY($1::uuid[]) AND status = 'completed'`,
            [batchIds],
          );
          return rows[0].done === batchIds.length ? true : undefined;
        },
        { timeoutMs: 600_000, intervalMs: 200, message: 'every import batch completed' },
      );
      const completed = Date.now();
      const { rows } = await db.query<{ created: number; failed: number }>(
        `SELECT sum(created)::int AS created, sum(failed)::int AS failed FROM leads.lead_import_batches
          WHERE batch_id = ANY($1::uuid[])`,
        [batchIds],
      );
      console.log(
        JSON.stringify({
          import: {
            rows: ROWS,
            requests,
            concurrency: CONCURRENCY,
            created: rows[0].created,
            failed: rows[0].failed,
            accept_seconds: (accepted - started) / 1000,
            complete_seconds: (completed - started) / 1000,
            rows_per_second: Math.round(ROWS / ((completed - started) / 1000)),
          },
          cpus: cpus().length,
        }),
      );
    } finally {
      await db.end();
    }
  } finally {
    await system.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
