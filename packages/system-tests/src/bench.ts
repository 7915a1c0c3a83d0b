import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { CRM_ACTIVITY_SOURCE } from '@crm/contracts';
import { FakeSlackServer, waitFor } from '@crm/testing';
import { ApiClient } from './api-client';
import { MEMBER_ROLES } from '@crm/contracts';
import { runBrowseLoad, type BrowseTargets } from './browse-load';
import { EventSender, ingestAtRate, pageVisit, pageVisitBurst, routedLeadBurst } from './event-burst';
import { SystemProbe } from './invariants';
import { round, summarize } from './latency-stats';
import { memberAccessToken } from './member-token';
import {
  closeVendorFakes,
  measureStageChangeToVendors,
  startVendorFakes,
  vendorSystemOptions,
} from './stage-change-bench';
import { RunningSystem, SERVICES, SYSTEM_API_KEY, type ServiceKey, type SystemOptions } from './system';

interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number; max: number };
}
// autocannon ships no types; the bench uses only its documented options and result fields.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: object) => Promise<AutocannonResult>;

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Sizes and durations; every one can be lowered for a quick smoke run. */
const CONFIG = {
  ingestSeconds: num('BENCH_INGEST_SECONDS', 20),
  connections: num('BENCH_CONNECTIONS', 50),
  batchEvents: num('BENCH_BATCH_EVENTS', 50_000),
  batchSize: num('BENCH_BATCH_SIZE', 1000),
  batchConcurrency: num('BENCH_BATCH_CONCURRENCY', 4),
  burstEvents: num('BENCH_BURST_EVENTS', 20_000),
  recalculationLeads: num('BENCH_RECALC_LEADS', 100_000),
  recalculationEventsPerLead: num('BENCH_RECALC_EVENTS_PER_LEAD', 10),
  latencySamples: num('BENCH_LATENCY_SAMPLES', 200),
  slackSamples: num('BENCH_SLACK_SAMPLES', 50),
  /** Stage change → vendors: moves one at a time, then this many per second for this long. */
  vendorIdleSamples: num('BENCH_VENDOR_IDLE_SAMPLES', 50),
  vendorMovesPerSecond: num('BENCH_VENDOR_MOVES_PER_S', 50),
  vendorSeconds: num('BENCH_VENDOR_SECONDS', 10),
  /** Pause between two latency samples: the system is idle when each one starts. */
  samplePauseMs: num('BENCH_SAMPLE_PAUSE_MS', 50),
  /** Browse phase: events routed before it starts (5 per lead), users, seconds, think time, ingest alongside. */
  browseSeedEvents: num('BENCH_BROWSE_SEED_EVENTS', 20_000),
  browseUsers: num('BENCH_BROWSE_USERS', 200),
  browseSeconds: num('BENCH_BROWSE_SECONDS', 45),
  browseThinkMs: num('BENCH_BROWSE_THINK_MS', 0),
  browseIngestPerSecond: num('BENCH_BROWSE_INGEST_PER_S', 500),
};
/** 4 page visits (2 points each, under the rule's 10-per-day cap) and a demo request: each lead is routed. */
const EVENTS_PER_LEAD = 5;
/** Account executives the burst's b2b leads are routed to (capacity 1,000 open deals each). */
const BENCH_AES = 5;
const TARGETS = {
  ingest_requests_per_s: 3000,
  ingest_p99_ms: 30,
  batch_events_per_s: 20_000,
  end_to_end_events_per_s: 2000,
  ingest_to_score_p99_ms: 25,
  stage_change_to_slack_p99_ms: 100,
  stage_change_to_vendor_p99_ms: 100,
  idle_rss_total_mb: 1024,
};
const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * `npm run bench`: measures the whole system (five services, PostgreSQL, NATS) on this machine and prints one
 * JSON object, each result next to its target. Fresh systems: the first for the idle latencies and the
 * ingest rate while processing (that leaves a backlog), the second for the burst, CPU, memory and batch ingest,
 * then one for people browsing while ingest runs and one for the recalculation.
 */
async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'recalculation') {
    // For working on recalculation alone: `BENCH_ONLY=recalculation npm run bench`.
    const recalculation = await withSystem({}, (system) => measureRecalculation(system));
    console.log(JSON.stringify({ config: CONFIG, recalculation_all_leads: recalculation }, null, 2));
    return;
  }
  if (process.env.BENCH_ONLY === 'browse') {
    // Reads under load alone: `BENCH_ONLY=browse npm run bench`.
    const browse = await withSystem({}, (system) => measureBrowse(system));
    console.log(JSON.stringify({ config: CONFIG, browse }, null, 2));
    return;
  }
  if (process.env.BENCH_ONLY === 'vendors') {
    // Stage change → every vendor fake, idle and at 50 moves/s: `BENCH_ONLY=vendors npm run bench`.
    console.log(JSON.stringify({ config: CONFIG, stage_change_to_vendors: await measureVendors() }, null, 2));
    return;
  }
  if (process.env.BENCH_ONLY === 'burst') {
    // For working on the end-to-end path alone: `BENCH_ONLY=burst npm run bench`.
    const burst = await withSystem({}, (system) => measureBurst(system));
    console.log(JSON.stringify({ config: CONFIG, end_to_end_burst: burst }, null, 2));
    return;
  }
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  const slack = await FakeSlackServer.start();
  try {
    const first = await withSystem({ slackWebhookUrl: slack.webhookUrl() }, async (system) => ({
      rssAfterStart: rssOf(system),
      ingestToScore: await measureIngestToScore(system),
      stageChangeToSlack: await measureStageChangeToSlack(system, slack),
      ingest: await measureIngestWhileProcessing(system),
    }));
    const second = await withSystem({}, async (system) => {
      const rssAfterStart = rssOf(system);
      const burst = await measureBurst(system);
      return {
        rssAfterStart,
        ...burst,
        rssAfterBurst: rssOf(system),
        batch: await measureBatchIngest(system),
      };
    });
    const browse = await withSystem({}, (system) => measureBrowse(system));
    const vendors = await measureVendors();
    const recalculation = await withSystem({}, (system) => measureRecalculation(system));
    const rssTotals = [first.rssAfterStart.total, second.rssAfterStart.total, second.rssAfterBurst.total];
    const report = {
      machine: { cpus: cpus().length, load_average_at_start: loadAtStart.map((l) => +l.toFixed(2)) },
      started_at: startedAt,
      config: CONFIG,
      ingest_while_processing: {
        ...first.ingest,
        target: `>= ${TARGETS.ingest_requests_per_s} req/s, p99 <= ${TARGETS.ingest_p99_ms} ms`,
        met:
          first.ingest.requests_per_s >= TARGETS.ingest_requests_per_s &&
          first.ingest.latency_ms.p99 <= TARGETS.ingest_p99_ms,
      },
      batch_ingest: {
        ...second.batch,
        target: `>= ${TARGETS.batch_events_per_s} events/s`,
        met: second.batch.events_per_s !== null && second.batch.events_per_s >= TARGETS.batch_events_per_s,
      },
      end_to_end_burst: {
        ...second.burst,
        target: `>= ${TARGETS.end_to_end_events_per_s} events/s`,
        met: second.burst.events_per_s >= TARGETS.end_to_end_events_per_s,
      },
      idle_ingest_to_score_ms: {
        ...first.ingestToScore,
        target: `p99 <= ${TARGETS.ingest_to_score_p99_ms} ms`,
        met: first.ingestToScore.p99 <= TARGETS.ingest_to_score_p99_ms,
      },
      stage_change_to_slack_ms: {
        ...first.stageChangeToSlack,
        target: `p99 <= ${TARGETS.stage_change_to_slack_p99_ms} ms`,
        met: first.stageChangeToSlack.p99 <= TARGETS.stage_change_to_slack_p99_ms,
      },
      browse,
      stage_change_to_vendors: vendors,
      recalculation_all_leads: recalculation,
      cpu_seconds_per_event: second.cpuPerEvent,
      rss_idle_mb: {
        after_start: first.rssAfterStart,
        after_start_second_system: second.rssAfterStart,
        after_burst: second.rssAfterBurst,
        target: `total < ${TARGETS.idle_rss_total_mb} MB`,
        met: Math.max(...rssTotals) < TARGETS.idle_rss_total_mb,
      },
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await slack.close();
  }
}

async function withSystem<T>(
  options: SystemOptions,
  measure: (system: RunningSystem) => Promise<T>,
): Promise<T> {
  // BENCH_CPU_PROFILE_DIR=/tmp/prof: every service writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const system = await RunningSystem.start({
    ...options,
    env: { LOG_LEVEL: 'error' },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  try {
    return await measure(system);
  } finally {
    await system.stop();
  }
}

/** Stage change → each vendor fake, on a system of its own with every integration configured. */
async function measureVendors() {
  const fakes = await startVendorFakes();
  try {
    const measured = await withSystem(vendorSystemOptions(fakes), (system) =>
      measureStageChangeToVendors(system, fakes, {
        idleSamples: CONFIG.vendorIdleSamples,
        movesPerSecond: CONFIG.vendorMovesPerSecond,
        seconds: CONFIG.vendorSeconds,
        pauseMs: CONFIG.samplePauseMs,
      }),
    );
    const worstP99 = (phase: typeof measured.idle | typeof measured.under_load) =>
      Math.max(phase.slack_ms.p99, phase.smtp_ms.p99, phase.cituro_ms.p99, phase.moco_ms.p99);
    return {
      ...measured,
      target: `p99 <= ${TARGETS.stage_change_to_vendor_p99_ms} ms per vendor, idle and under ${CONFIG.vendorMovesPerSecond} moves/s`,
      met_idle: worstP99(measured.idle) <= TARGETS.stage_change_to_vendor_p99_ms,
      met_under_load: worstP99(measured.under_load) <= TARGETS.stage_change_to_vendor_p99_ms,
    };
  } finally {
    await closeVendorFakes(fakes);
  }
}

/** Single events at concurrency 50 while leads and scoring consume what is ingested. */
async function measureIngestWhileProcessing(system: RunningSystem) {
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const db = await connectDb(system);
  const recordedBefore = await countEvents(db);
  const result = await autocannon({
    url: `${system.gatewayUrl}/api/v1/events/ingest`,
    connections: CONFIG.connections,
    duration: CONFIG.ingestSeconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SYSTEM_API_KEY },
    requests: [
      {
        setupRequest: (request: object) => {
          n += 1;
          return {
            ...request,
            body: JSON.stringify({
              event_id: randomUUID(),
              event_type: 'page_visited',
              source: 'website',
              occurred_at: new Date().toISOString(),
              metadata: { page_path: '/bench' },
              lead_identifier: { email: `ingest-${run}-${n % 5000}@bench-lab.com` },
            }),
          };
        },
      },
    ],
  });
  const recordedDuring = (await countEvents(db)) - recordedBefore;
  await db.end();
  return {
    connections: CONFIG.connections,
    duration_s: CONFIG.ingestSeconds,
    accepted_requests: result['2xx'],
    non_2xx: result.non2xx,
    errors: result.errors,
    requests_per_s: Math.round(result['2xx'] / CONFIG.ingestSeconds),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    /** Shows processing ran alongside: events leads stored during the window. */
    recorded_by_leads_meanwhile: recordedDuring,
  };
}

/** Events accepted per second through the batch endpoint (the consumers process them meanwhile). */
async function measureBatchIngest(system: RunningSystem) {
  const sender = new EventSender(system.gatewayUrl, SYSTEM_API_KEY);
  if (!(await sender.hasBatchEndpoint())) {
    return { events_per_s: null, reason: 'the gateway has no POST /api/v1/events/ingest/batch' };
  }
  const burst = pageVisitBurst(Math.ceil(CONFIG.batchEvents / EVENTS_PER_LEAD), EVENTS_PER_LEAD);
  const started = performance.now();
  const sent = await sender.send(burst.events, {
    method: 'batch',
    batchSize: CONFIG.batchSize,
    concurrency: CONFIG.batchConcurrency,
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    events: burst.events.length,
    batch_size: CONFIG.batchSize,
    concurrency: CONFIG.batchConcurrency,
    seconds: round(seconds, 2),
    retried_requests: sent.retries,
    events_per_s: Math.round(burst.events.length / seconds),
  };
}

/** A burst from accepted to fully scored and visible on the leads, with each service's CPU time for it. */
async function measureBurst(system: RunningSystem, events = CONFIG.burstEvents) {
  const burst = routedLeadBurst(Math.ceil(events / EVENTS_PER_LEAD), EVENTS_PER_LEAD);
  const probe = await SystemProbe.open(system);
  const sender = new EventSender(system.gatewayUrl, SYSTEM_API_KEY);
  try {
    await addAccountExecutives(system, BENCH_AES);
    const totals = new Set(
      [...(await probe.expectedScores(burst)).values()].map((lead) => lead.totals.total),
    );
    if (totals.size !== 1) throw new Error('the bench burst expects one score for all its leads');
    const [expectedScore] = totals;
    const cpuBefore = cpuSecondsOf(system);
    const started = performance.now();
    const sent = await sender.send(burst.events, { concurrency: 100, batchSize: 500 });
    const acceptedAfterMs = performance.now() - started;
    let scoredAfterMs: number | null = null;
    for (;;) {
      const [row] = await probe.query<{ scored: number; routed: number }>(
        `SELECT count(*) FILTER (WHERE total_score = $2)::int AS scored,
                count(*) FILTER (WHERE routing_status = 'routed')::int AS routed
           FROM leads.leads WHERE email LIKE $1`,
        [`${burst.run}-%`, expectedScore],
      );
      if (scoredAfterMs === null && row.scored >= burst.emails.length)
        scoredAfterMs = performance.now() - started;
      if (row.routed >= burst.emails.length) break;
      if (performance.now() - started > 20 * 60_000) {
        throw new Error(
          `burst not scored and routed after 20 min (${row.scored}, ${row.routed}/${burst.emails.length})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const routedAfterMs = performance.now() - started;
    const [deals] = await probe.query<{ deals: number; owned: number; tasks: number }>(
      `SELECT count(DISTINCT d.id)::int AS deals, count(DISTINCT d.id) FILTER (WHERE d.assigned_to IS NOT NULL)::int AS owned,
              count(DISTINCT t.id)::int AS tasks
         FROM leads.leads l JOIN leads.deals d ON d.lead_id = l.id LEFT JOIN leads.tasks t ON t.deal_id = d.id
        WHERE l.email LIKE $1`,
      [`${burst.run}-%`],
    );
    const cpuAfter = cpuSecondsOf(system);
    const cpuPerEvent: Record<string, number> = {};
    let total = 0;
    for (const { name } of SERVICES) {
      const seconds = cpuAfter[name] - cpuBefore[name];
      total += seconds;
      cpuPerEvent[name] = round(seconds / burst.events.length, 6);
    }
    cpuPerEvent.total = round(total / burst.events.length, 6);
    return {
      burst: {
        events: burst.events.length,
        leads: burst.emails.length,
        sent_as: sent.method,
        accepted_after_s: round(acceptedAfterMs / 1000, 2),
        fully_scored_and_visible_after_s: round(scoredAfterMs! / 1000, 2),
        fully_routed_after_s: round(routedAfterMs / 1000, 2),
        routed: {
          leads: burst.emails.length,
          deals: deals.deals,
          with_owner: deals.owned,
          first_contact_tasks: deals.tasks,
        },
        // Counted until every lead is routed: scoring, the read model and routing all done.
        events_per_s: Math.round(burst.events.length / (routedAfterMs / 1000)),
      },
      cpuPerEvent,
    };
  } finally {
    await probe.close();
  }
}

/** Active AEs with room for the burst's deals, created over HTTP by an admin. */
async function addAccountExecutives(system: RunningSystem, count: number): Promise<void> {
  const api = new ApiClient(system.gatewayUrl, SYSTEM_API_KEY);
  const admin = {
    authorization: `Bearer ${memberAccessToken({ id: randomUUID(), email: 'admin@dna-me.test', role: 'admin' })}`,
  };
  for (let i = 0; i < count; i++) {
    const created = await api.request(
      'POST',
      '/api/v1/team',
      {
        email: `bench-ae-${i}-${randomUUID().slice(0, 8)}@dna-me.test`,
        name: `Bench AE ${i}`,
        role: 'ae',
        max_leads: 1000,
      },
      admin,
    );
    if (created.status !== 201) throw new Error(`creating a bench AE failed: ${created.status}`);
  }
}

/**
 * People browsing while producers ingest: the burst routes `browseSeedEvents / 5` leads first (deals, owners,
 * first-contact tasks), then `browseUsers` members, each with its own token and a role in turn, read what the
 * SPA reads (browse-load.ts) for `browseSeconds` while single events arrive at `browseIngestPerSecond`, half for
 * the seeded leads and half for new ones. The load generator runs in this process on the same cores as the
 * system: its CPU is reported next to the services'.
 */
async function measureBrowse(system: RunningSystem) {
  const seed = await measureBurst(system, CONFIG.browseSeedEvents);
  const db = await connectDb(system);
  try {
    const { targets, emails } = await browseTargets(db);
    const tokens = Array.from({ length: CONFIG.browseUsers }, (_, i) =>
      memberAccessToken({
        id: randomUUID(),
        email: `bench-user-${i}@dna-me.test`,
        role: MEMBER_ROLES[i % MEMBER_ROLES.length],
      }),
    );
    const run = randomUUID().slice(0, 8);
    const eventAt = (n: number) =>
      pageVisit(n % 2 ? `browse-${run}-${n % 4000}@bench-lab.com` : emails[n % emails.length]);
    const recordedBefore = await countEvents(db);
    const databaseCpu = await databaseBackends(db);
    const loadBefore = loadavg();
    const machineBefore = machineBusySeconds();
    const cpuBefore = cpuSecondsOf(system);
    const ownCpuBefore = process.cpuUsage();
    const started = performance.now();
    const [reads, ingest] = await Promise.all([
      runBrowseLoad({
        gatewayUrl: system.gatewayUrl,
        tokens,
        durationS: CONFIG.browseSeconds,
        thinkMs: CONFIG.browseThinkMs,
        targets,
      }),
      ingestAtRate(new EventSender(system.gatewayUrl, SYSTEM_API_KEY), eventAt, {
        perSecond: CONFIG.browseIngestPerSecond,
        durationS: CONFIG.browseSeconds,
      }),
    ]);
    const seconds = (performance.now() - started) / 1000;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const cpuAfter = cpuSecondsOf(system);
    const machineBusy = machineBusySeconds() - machineBefore;
    const postgresCpu = databaseCpu();
    const recordedDuring = (await countEvents(db)) - recordedBefore;
    /** CPU seconds per second of the phase: 1 = one core busy all the time. */
    const cores = (cpuSeconds: number) => round(cpuSeconds / seconds, 2);
    const servicesCores: Record<string, number> = {};
    for (const { name } of SERVICES) servicesCores[name] = cores(cpuAfter[name] - cpuBefore[name]);
    return {
      users: CONFIG.browseUsers,
      roles: MEMBER_ROLES,
      duration_s: CONFIG.browseSeconds,
      think_time_ms: CONFIG.browseThinkMs,
      seeded: {
        ...seed.burst.routed,
        events: seed.burst.events,
        fully_routed_after_s: seed.burst.fully_routed_after_s,
      },
      reads: reads.overall,
      endpoints: reads.endpoints,
      ingest: {
        ...ingest,
        recorded_by_leads_meanwhile: recordedDuring,
        recorded_per_s: round(recordedDuring / seconds, 1),
      },
      cpu_cores_used: {
        ...servicesCores,
        postgres_backends: cores(postgresCpu),
        load_generator: cores((ownCpu.user + ownCpu.system) / 1e6),
        // Everything busy on the machine, this system and other work on the shared cores alike.
        machine_busy: cores(machineBusy),
        machine_cores: cpus().length,
      },
      load_average: { before: loadBefore.map((l) => round(l, 2)), after: loadavg().map((l) => round(l, 2)) },
      errors: reads.overall.errors,
    };
  } finally {
    await db.end();
  }
}

/** What the browse phase's users open: the seeded leads, boards that hold deals, members that own tasks. */
async function browseTargets(db: Client): Promise<{ targets: BrowseTargets; emails: string[] }> {
  const leads = (await db.query<{ id: string; email: string }>(`SELECT id, email FROM leads.leads`)).rows;
  const boards = (
    await db.query<{ pipelineId: string; stageId: string }>(
      `SELECT DISTINCT pipeline_id AS "pipelineId", stage_id AS "stageId" FROM leads.deals`,
    )
  ).rows;
  const assignees = (
    await db.query<{ email: string }>(
      `SELECT DISTINCT m.email FROM leads.tasks t JOIN leads.team_members m ON m.id = t.assigned_to_id`,
    )
  ).rows.map((r) => r.email);
  if (!leads.length || !boards.length || !assignees.length)
    throw new Error('the browse phase has nothing to browse');
  const emails = leads.map((l) => l.email);
  return {
    // A search term is a seeded email's local part: it matches that lead and the few whose number extends it.
    targets: {
      leadIds: leads.map((l) => l.id),
      searchTerms: emails.filter((_, i) => i % 80 === 0).map((e) => e.split('@')[0]),
      boards,
      assignees,
    },
    emails,
  };
}

/**
 * One event at a time on an idle system: from sending it until leads.leads shows the new lead's score. A
 * trigger the bench adds to its own database NOTIFYs at commit, so nothing polls and the services are unchanged.
 */
async function measureIngestToScore(system: RunningSystem) {
  const run = randomUUID().slice(0, 8);
  const sender = new EventSender(system.gatewayUrl, SYSTEM_API_KEY);
  const db = await connectDb(system);
  await db.query(`
    CREATE FUNCTION leads.bench_notify_score() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('bench_score', NEW.email); RETURN NEW; END $$`);
  await db.query(`
    CREATE TRIGGER bench_notify_score AFTER UPDATE ON leads.leads FOR EACH ROW
    WHEN (NEW.total_score > 0 AND OLD.total_score IS DISTINCT FROM NEW.total_score)
    EXECUTE FUNCTION leads.bench_notify_score()`);
  const waiting = new Map<string, (at: number) => void>();
  db.on('notification', ({ payload }) => waiting.get(payload ?? '')?.(performance.now()));
  await db.query('LISTEN bench_score');
  const samples: number[] = [];
  try {
    for (let i = 0; i < CONFIG.latencySamples; i++) {
      const email = `latency-${run}-${i}@bench-lab.com`;
      const visible = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`score of ${email} not visible after 30 s`)), 30_000);
        waiting.set(email, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const sentAt = performance.now();
      await sender.send([pageVisit(email)], { method: 'single' });
      samples.push((await visible) - sentAt);
      waiting.delete(email);
      await new Promise((resolve) => setTimeout(resolve, CONFIG.samplePauseMs));
    }
  } finally {
    await db.query('DROP TRIGGER bench_notify_score ON leads.leads').catch(() => undefined);
    await db.end();
  }
  return summarize(samples);
}

/** A deal moved into a stage with a send_slack_message trigger, until the fake Slack receives the message. */
async function measureStageChangeToSlack(system: RunningSystem, slack: FakeSlackServer) {
  const run = randomUUID().slice(0, 8);
  const api = new ApiClient(system.gatewayUrl, SYSTEM_API_KEY);
  const db = await connectDb(system);
  const emails = Array.from({ length: CONFIG.slackSamples }, (_, i) => `slack-${run}-${i}@bench-lab.com`);
  await new EventSender(system.gatewayUrl, SYSTEM_API_KEY).send(emails.map(pageVisit));
  const leadIds = await waitFor(
    async () => {
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM leads.leads WHERE email LIKE $1`, [
        `slack-${run}-%`,
      ]);
      return rows.length === emails.length ? rows.map((r) => r.id) : undefined;
    },
    { timeoutMs: 120_000, message: 'bench leads for the Slack measurement' },
  );
  await db.end();
  const pipeline = (await api.get('/api/v1/pipelines')).body.data.find(
    (p: { slug: string }) => p.slug === 'b2b-lab-enablement',
  );
  const stages = (await api.get(`/api/v1/pipelines/${pipeline.id}/stages`)).body.data;
  // Saving triggers is a config action (api.md §9): as an admin, not with the producer key.
  const admin = memberAccessToken({ id: randomUUID(), email: 'bench-admin@dna-me.test', role: 'admin' });
  const saved = await api.request(
    'POST',
    `/api/v1/stages/${stages[1].id}/triggers`,
    {
      triggers: [
        {
          action: 'send_slack_message',
          name: 'Bench',
          config: { channel: '#sales', message: 'Deal {deal.name} moved' },
        },
      ],
    },
    { authorization: `Bearer ${admin}` },
  );
  if (saved.status !== 200) throw new Error(`saving the stage trigger answered ${saved.status}`);
  const deals: string[] = [];
  for (const leadId of leadIds) {
    const created = await api.post('/api/v1/deals', { lead_id: leadId, pipeline_id: pipeline.id });
    if (created.status !== 201) throw new Error(`creating a deal answered ${created.status}`);
    deals.push(created.body.id);
  }
  slack.reset();
  const samples: number[] = [];
  for (const [i, dealId] of deals.entries()) {
    const movedAt = Date.now();
    const moved = await api.post(`/api/v1/deals/${dealId}/move`, { stage_id: stages[1].id });
    if (moved.status !== 200) throw new Error(`moving a deal answered ${moved.status}`);
    const messages = await slack.waitForMessages(i + 1, 30_000);
    samples.push(messages[i].at.getTime() - movedAt);
    await new Promise((resolve) => setTimeout(resolve, CONFIG.samplePauseMs));
  }
  return summarize(samples);
}

/** utime + stime of each service process, in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSecondsOf(system: RunningSystem): Record<ServiceKey, number> {
  const seconds = {} as Record<ServiceKey, number>;
  for (const { name } of SERVICES) seconds[name] = processCpuSeconds(system.pid(name));
  return seconds;
}

function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** CPU seconds the whole machine spent busy (every core, every process: /proc/stat less idle and iowait). */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_S;
}

/** CPU seconds of the PostgreSQL backends serving this system's database (its services' pooled connections). */
async function databaseBackends(db: Client): Promise<() => number> {
  const { rows } = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  const pids = rows.map((r) => r.pid);
  const before = new Map(pids.map((pid) => [pid, processCpuSeconds(pid)]));
  // Backends that went away meanwhile count 0; the services' pools keep theirs open.
  return () =>
    pids.reduce((sum, pid) => sum + (readCpuOrNull(pid) ?? before.get(pid)!) - before.get(pid)!, 0);
}

function readCpuOrNull(pid: number): number | null {
  try {
    return processCpuSeconds(pid);
  } catch {
    return null;
  }
}

/** VmRSS of each service process and their total, in MB. */
function rssOf(system: RunningSystem): Record<string, number> {
  const mb: Record<string, number> = {};
  let total = 0;
  for (const { name } of SERVICES) {
    const status = readFileSync(`/proc/${system.pid(name)}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
    mb[name] = round(kb / 1024, 1);
    total += kb;
  }
  mb.total = round(total / 1024, 1);
  return mb;
}

/**
 * `POST /scoring/recalculate` over leads × events that scoring holds. The events are written straight into
 * scoring's tables (ingesting a million events first would take the bench a quarter of an hour); the job then
 * replays them through the live rules, a batch of leads per transaction, while the system runs.
 */
async function measureRecalculation(system: RunningSystem) {
  const { recalculationLeads: leads, recalculationEventsPerLead: perLead } = CONFIG;
  const db = await connectDb(system);
  try {
    await db.query(
      `INSERT INTO scoring.lead_scores (lead_id) SELECT gen_random_uuid() FROM generate_series(1, $1)`,
      [leads],
    );
    await db.query(
      `INSERT INTO scoring.scored_events (event_id, lead_id, event_type, source, metadata, occurred_at)
       SELECT gen_random_uuid(), s.lead_id,
              (ARRAY['page_visited', 'email_opened', 'email_clicked', 'webinar_registered', 'demo_requested'])[1 + g % 5],
              'website',
              jsonb_build_object('page_path', (ARRAY['/', '/pricing', '/enterprise', '/methods'])[1 + g % 4]),
              now() - make_interval(hours => g)
         FROM scoring.lead_scores s CROSS JOIN generate_series(1, $1) g`,
      [perLead],
    );
  } finally {
    await db.end();
  }
  const admin = { id: randomUUID(), email: 'bench-admin@dna-me.example', role: 'admin' };
  const headers = { authorization: `Bearer ${memberAccessToken(admin)}` };
  const startedAt = performance.now();
  const started = await fetch(`${system.gatewayUrl}/api/v1/scoring/recalculate`, { method: 'POST', headers });
  const startBody = (await started.json()) as { job_id: string };
  if (started.status !== 202) throw new Error(`recalculation not started: ${JSON.stringify(startBody)}`);
  const jobId = startBody.job_id;
  const job = await waitFor(
    async () => {
      const response = await fetch(`${system.gatewayUrl}/api/v1/scoring/jobs/${jobId}`, { headers });
      const body = (await response.json()) as { status: string; progress: { done: number; changed: number } };
      return body.status !== 'running' && body;
    },
    { timeoutMs: 60 * 60_000, intervalMs: 500, message: 'recalculation job never finished' },
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    leads,
    events: leads * perLead,
    preview_after_recalculation: await measurePreview(system, headers),
    status: job.status,
    leads_done: job.progress.done,
    leads_changed: job.progress.changed,
    seconds: round(seconds, 1),
    leads_per_s: round(leads / seconds, 0),
    events_per_s: round((leads * perLead) / seconds, 0),
  };
}

/**
 * `POST /scoring/rules/preview` over every lead recalculation just scored: an edit of a rule most leads
 * matched, a new rule, and archiving one. Each answer's time, and how many leads it says would change.
 */
async function measurePreview(system: RunningSystem, headers: Record<string, string>) {
  const rules = await fetch(`${system.gatewayUrl}/api/v1/scoring/rules?limit=100`, { headers });
  const { data } = (await rules.json()) as { data: { id: string; slug: string }[] };
  const idOf = (slug: string) => {
    const rule = data.find((r) => r.slug === slug);
    if (!rule) throw new Error(`no rule ${slug}`);
    return rule.id;
  };
  const cases: [string, object][] = [
    ['edit page-visit points 2 → 3', { rule_id: idOf('eng-page-visit'), rule: { points: 3 } }],
    [
      'create an email-click rule',
      {
        rule: {
          name: 'Bench email click',
          rule_type: 'event',
          category: 'engagement',
          conditions: { event_type: 'email_clicked' },
          points: 5,
        },
      },
    ],
    ['archive demo requested', { rule_id: idOf('beh-demo-request'), archive: true }],
  ];
  const results: Record<string, { seconds: number; leads_evaluated: number; leads_changed: number }> = {};
  for (const [name, body] of cases) {
    const started = performance.now();
    const response = await fetch(`${system.gatewayUrl}/api/v1/scoring/rules/preview`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const preview = (await response.json()) as { leads_evaluated: number; leads_changed: number };
    if (response.status !== 200) throw new Error(`preview ${name} failed: ${JSON.stringify(preview)}`);
    results[name] = {
      seconds: round((performance.now() - started) / 1000, 2),
      leads_evaluated: preview.leads_evaluated,
      leads_changed: preview.leads_changed,
    };
  }
  return results;
}

async function connectDb(system: RunningSystem): Promise<Client> {
  const db = new Client({ connectionString: system.db.url });
  await db.connect();
  return db;
}

async function countEvents(db: Client): Promise<number> {
  // Producer events only: CRM activity rows (§4.3) are leads' own.
  return (
    await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads.lead_events WHERE source <> $1`, [
      CRM_ACTIVITY_SOURCE,
    ])
  ).rows[0].n;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
