import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  FAKE_CITURO_API_KEY,
  FAKE_MOCO_API_KEY,
  FakeCituroServer,
  FakeMocoServer,
  FakeSlackServer,
  FakeSmtpServer,
  waitFor,
} from '@crm/testing';
import { ApiClient } from './api-client';
import { EventSender, pageVisit } from './event-burst';
import { summarize } from './latency-stats';
import { memberAccessToken } from './member-token';
import { SYSTEM_API_KEY, type RunningSystem, type SystemOptions } from './system';

export type Vendor = 'slack' | 'smtp' | 'cituro' | 'moco';

export interface VendorFakes {
  slack: FakeSlackServer;
  smtp: FakeSmtpServer;
  cituro: FakeCituroServer;
  moco: FakeMocoServer;
}

export async function startVendorFakes(): Promise<VendorFakes> {
  const [slack, smtp, cituro, moco] = await Promise.all([
    FakeSlackServer.start(),
    FakeSmtpServer.start(),
    FakeCituroServer.start(),
    FakeMocoServer.start({ rateLimit: false }),
  ]);
  return { slack, smtp, cituro, moco };
}

export async function closeVendorFakes(fakes: VendorFakes): Promise<void> {
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
}

/**
 * The system options for the measurement. MOCO allows 120 requests per 2 minutes; the bench raises the shared
 * budget, so it measures the CRM's path to the vendor and not MOCO's allowance (which the moco tests cover).
 */
export function vendorSystemOptions(fakes: VendorFakes): SystemOptions {
  return {
    slackWebhookUrl: fakes.slack.webhookUrl(),
    smtpUrl: fakes.smtp.url(),
    serviceEnv: { moco: { MOCO_RATE_LIMIT: '100000' } },
  };
}

interface MovedDeal {
  dealId: string;
  name: string;
  leadId: string;
  email: string;
  movedAt: number;
  moveStatus?: number;
  moveMs?: number;
}

/**
 * Deals moved into a stage whose triggers post to Slack, email a notification, invite to a Cituro booking and
 * create the MOCO customer; per vendor, the time from the move request to the fake vendor receiving its first
 * request for that deal. `idle`: one move at a time with a pause; `load`: `movesPerSecond` moves for `seconds`.
 */
export async function measureStageChangeToVendors(
  system: RunningSystem,
  fakes: VendorFakes,
  options: { idleSamples: number; movesPerSecond: number; seconds: number; pauseMs: number },
) {
  const api = new ApiClient(system.gatewayUrl, SYSTEM_API_KEY);
  const admin = {
    authorization: `Bearer ${memberAccessToken({ id: randomUUID(), email: 'bench-admin@dna-me.test', role: 'admin' })}`,
  };
  const configured = await Promise.all([
    api.request(
      'PUT',
      '/api/v1/integrations/cituro/config',
      {
        api_key: FAKE_CITURO_API_KEY,
        base_url: fakes.cituro.url,
        booking_url: 'https://dna-me.cituro.com/booking',
        enabled: true,
      },
      admin,
    ),
    api.request(
      'PUT',
      '/api/v1/integrations/moco/config',
      { api_key: FAKE_MOCO_API_KEY, base_url: fakes.moco.baseUrl, enabled: true },
      admin,
    ),
  ]);
  for (const answer of configured) {
    if (answer.status !== 200) throw new Error(`configuring an integration answered ${answer.status}`);
  }
  const pipeline = (await api.get('/api/v1/pipelines')).body.data.find(
    (p: { slug: string }) => p.slug === 'b2b-lab-enablement',
  );
  const stages = (await api.get(`/api/v1/pipelines/${pipeline.id}/stages`)).body.data;
  const target = stages[1];
  const saved = await api.request(
    'POST',
    `/api/v1/stages/${target.id}/triggers`,
    {
      triggers: [
        { action: 'send_slack_message', config: { channel: '#sales', message: 'Deal {deal.name} moved' } },
        {
          action: 'send_notification_email',
          config: {
            to: 'bench-ops@dna-me.test',
            subject: 'Notify {{deal.name}}',
            html: '<p>{{deal.name}}</p>',
          },
        },
        { action: 'send_cituro_booking', config: {} },
        { action: 'create_moco_customer', config: {} },
      ],
    },
    admin,
  );
  if (saved.status !== 200) throw new Error(`saving the stage triggers answered ${saved.status}`);

  const loadMoves = options.movesPerSecond * options.seconds;
  const deals = await dealsToMove(system, api, pipeline.id, options.idleSamples + loadMoves);
  const idleDeals = deals.slice(0, options.idleSamples);
  const loadDeals = deals.slice(options.idleSamples);

  for (const deal of idleDeals) {
    const status = await move(api, deal, target.id);
    if (status !== 200) throw new Error(`moving a deal at idle answered ${status}`);
    await waitForAllVendors(fakes, [deal]);
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  const idle = latencies(fakes, idleDeals);

  const startedAt = Date.now();
  const moves: Promise<number>[] = [];
  for (const [i, deal] of loadDeals.entries()) {
    const due = startedAt + (i * 1000) / options.movesPerSecond;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    moves.push(move(api, deal, target.id));
  }
  const sendSeconds = (Date.now() - startedAt) / 1000;
  await Promise.all(moves);
  const moved = loadDeals.filter((deal) => deal.moveStatus === 200);
  await waitForAllVendors(fakes, moved, 300_000);
  return {
    triggers: [
      'send_slack_message',
      'send_notification_email',
      'send_cituro_booking',
      'create_moco_customer',
    ],
    idle: {
      moves: idleDeals.length,
      move_request_ms: summarize(idleDeals.map((deal) => deal.moveMs ?? NaN)),
      ...idle,
    },
    under_load: {
      moves: loadDeals.length,
      moves_per_s_target: options.movesPerSecond,
      moves_per_s_sent: Number((loadDeals.length / sendSeconds).toFixed(1)),
      moves_refused: loadDeals.length - moved.length,
      move_request_ms: summarize(loadDeals.map((deal) => deal.moveMs ?? NaN)),
      ...latencies(fakes, moved),
    },
  };
}

/** Moves the deal; answers the HTTP status (a move refused or timed out is counted, not measured). */
async function move(api: ApiClient, deal: MovedDeal, stageId: string): Promise<number> {
  deal.movedAt = Date.now();
  const moved = await api.post(`/api/v1/deals/${deal.dealId}/move`, { stage_id: stageId });
  deal.moveStatus = moved.status;
  deal.moveMs = Date.now() - deal.movedAt;
  return moved.status;
}

/** Leads (by ingest) with one deal each in the pipeline, named so every vendor request can be traced to it. */
async function dealsToMove(
  system: RunningSystem,
  api: ApiClient,
  pipelineId: string,
  count: number,
): Promise<MovedDeal[]> {
  const run = randomUUID().slice(0, 8);
  const emails = Array.from({ length: count }, (_, i) => `vendor-${run}-${i}@bench-lab.com`);
  await new EventSender(system.gatewayUrl, SYSTEM_API_KEY).send(emails.map(pageVisit));
  const db = new Client({ connectionString: system.db.url });
  await db.connect();
  const leads = await waitFor(
    async () => {
      const { rows } = await db.query<{ id: string; email: string }>(
        `SELECT id, email FROM leads.leads WHERE email LIKE $1 ORDER BY email`,
        [`vendor-${run}-%`],
      );
      return rows.length === count ? rows : undefined;
    },
    { timeoutMs: 120_000, message: 'bench leads for the vendor measurement' },
  ).finally(() => db.end());
  const deals: MovedDeal[] = [];
  for (const [i, lead] of leads.entries()) {
    const name = `bench-${run}-${i}`;
    const created = await api.post('/api/v1/deals', { lead_id: lead.id, pipeline_id: pipelineId, name });
    if (created.status !== 201) throw new Error(`creating a deal answered ${created.status}`);
    deals.push({ dealId: created.body.id, name, leadId: lead.id, email: lead.email, movedAt: 0 });
  }
  return deals;
}

/** When each vendor first heard of the deal (ms since epoch), or undefined. */
function arrivals(fakes: VendorFakes, deal: MovedDeal): Record<Vendor, number | undefined> {
  const mentions = (request: { path: string; body: unknown; query: unknown }, ...needles: string[]) => {
    const query = request.query instanceof URLSearchParams ? request.query.toString() : request.query;
    const text = `${request.path} ${JSON.stringify(query ?? '')} ${JSON.stringify(request.body ?? '')}`;
    return needles.some((needle) => text.includes(needle) || text.includes(encodeURIComponent(needle)));
  };
  return {
    slack: fakes.slack
      .deliveredMessages()
      .find((m) => m.text === `Deal ${deal.name} moved`)
      ?.at.getTime(),
    smtp: fakes.smtp.received.find((m) => m.subject === `Notify ${deal.name}`)?.at.getTime(),
    cituro: fakes.cituro.received.find((r) => mentions(r, deal.email))?.at.getTime(),
    moco: fakes.moco.received.find((r) => mentions(r, deal.leadId, deal.email))?.at.getTime(),
  };
}

async function waitForAllVendors(fakes: VendorFakes, deals: MovedDeal[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => deals.every((deal) => Object.values(arrivals(fakes, deal)).every((at) => at !== undefined)),
    { timeoutMs, intervalMs: 10, message: 'every vendor heard of every moved deal' },
  );
}

function latencies(fakes: VendorFakes, deals: MovedDeal[]) {
  const byVendor: Record<Vendor, number[]> = { slack: [], smtp: [], cituro: [], moco: [] };
  for (const deal of deals) {
    const at = arrivals(fakes, deal);
    for (const vendor of Object.keys(byVendor) as Vendor[]) byVendor[vendor].push(at[vendor]! - deal.movedAt);
  }
  return Object.fromEntries(
    Object.entries(byVendor).map(([vendor, samples]) => [`${vendor}_ms`, summarize(samples)]),
  ) as Record<`${Vendor}_ms`, ReturnType<typeof summarize>>;
}
