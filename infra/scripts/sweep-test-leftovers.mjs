#!/usr/bin/env node
// Removes what crashed or killed test runs left behind on the local PostgreSQL and NATS:
//   - test databases: every database named the way @crm/testing's createTestDatabase names them,
//     `<prefix>_<epoch ms>_<8 hex>`, whatever the prefix (crm_test, leads_it, scoring_it, crm_slack, ...);
//   - JetStream streams of test namespaces: `<PREFIX>_<base36 ms>_<random>_<STREAM>` (uniqueNamespace).
// Only what was created more than --older-than-minutes ago (default 60) goes, so a test run that is still going
// on this machine (another checkout, another CI job) keeps its database and streams. Other databases and streams
// are never touched.
//
// Needs the built @crm/testing (`npx turbo run build --filter=@crm/testing`). Environment: TEST_DATABASE_ADMIN_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), NATS_URL (default nats://127.0.0.1:4222).
// Exit code 1 if either sweep failed (the other still runs).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { dropStaleTestDatabases } = require('@crm/testing/dist/db/test-database.js');
const { deleteStaleNamespaceStreams } = require('@crm/testing/dist/nats/test-namespace.js');

function olderThanMinutes(args) {
  const at = args.indexOf('--older-than-minutes');
  if (at === -1) return 60;
  const minutes = Number(args[at + 1]);
  if (!Number.isFinite(minutes) || minutes < 0) {
    process.stderr.write('sweep: --older-than-minutes needs a number of minutes >= 0\n');
    process.exit(2);
  }
  return minutes;
}

const olderThanMs = olderThanMinutes(process.argv.slice(2)) * 60_000;
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
let failed = false;

async function sweep(what, run) {
  try {
    const removed = await run();
    process.stdout.write(
      `sweep: ${removed.length} stale ${what} removed${removed.length ? `: ${removed.join(' ')}` : ''}\n`,
    );
  } catch (error) {
    failed = true;
    process.stderr.write(`sweep: could not remove stale ${what}: ${error?.message ?? error}\n`);
  }
}

await sweep('test database(s)', () => dropStaleTestDatabases({ olderThanMs }));
await sweep('test namespace stream(s)', () => deleteStaleNamespaceStreams(natsUrl, olderThanMs));
process.exitCode = failed ? 1 : 0;
