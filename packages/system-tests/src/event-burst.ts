import { randomUUID } from 'node:crypto';
import { round, summarize } from './latency-stats';

/** One producer event as `POST /api/v1/events/ingest` takes it. */
export interface IngestEvent {
  /** A UUID: the gateway then keeps it as the CRM event id, so tests find the event rows by it. */
  event_id: string;
  event_type: string;
  source: string;
  occurred_at: string;
  metadata: Record<string, unknown>;
  lead_identifier: { email: string };
}

export interface Burst {
  /** Prefix of every email in the burst (`<run>-<n>@…`), for LIKE queries. */
  run: string;
  emails: string[];
  events: IngestEvent[];
}

type Step = [eventType: string, times: number, pagePath?: string];

/**
 * What one lead does, by pattern. Several default rules apply to each pattern and some caps bite: page visits
 * 10 per day, pricing-page visits 3 per day, a demo request once per lead, contact forms 3 per lead, emails
 * opened 5 per day. The scores the system should reach are computed from the live rules (invariants.ts), not
 * written down here.
 */
const LEAD_PATTERNS: Step[][] = [
  [
    ['page_visited', 4, '/pricing'],
    ['page_visited', 3, '/docs'],
    ['email_opened', 2],
    ['demo_requested', 2],
  ],
  [
    ['page_visited', 12, '/blog'],
    ['email_clicked', 2],
    ['form_submitted', 1],
  ],
  [
    ['contact_form_submitted', 4],
    ['page_visited', 2, '/pricing'],
    ['webinar_registered', 1],
    ['email_opened', 6],
  ],
  [
    ['linkedin_connection_accepted', 2],
    ['roi_calculator_submitted', 1],
    ['sample_report_downloaded', 1],
  ],
];

/** Ingest burst of `size` events over as many leads as the patterns need, interleaved in a fixed random order. */
export function mixedBurst(size: number, run = `burst${randomUUID().slice(0, 8)}`): Burst {
  const perLead = LEAD_PATTERNS.map((pattern) =>
    pattern.flatMap(([eventType, times, pagePath]) =>
      Array.from({ length: times }, () => ({ eventType, pagePath })),
    ),
  );
  const events: IngestEvent[] = [];
  const emails: string[] = [];
  const start = Date.now() - 60 * 60_000; // within the last hour: one rolling day holds them all
  const random = seededRandom(size);
  for (let lead = 0; events.length < size; lead++) {
    const email = `${run}-${lead}@crash-lab.com`;
    emails.push(email);
    for (const step of perLead[lead % perLead.length]) {
      if (events.length >= size) break;
      events.push({
        event_id: randomUUID(),
        event_type: step.eventType,
        source: 'website',
        occurred_at: new Date(start + Math.floor(random() * 50 * 60_000)).toISOString(),
        metadata: step.pagePath ? { page_path: step.pagePath } : {},
        lead_identifier: { email },
      });
    }
  }
  shuffle(events, random);
  return { run, emails, events };
}

/** `leads` leads with `perLead` page visits each, in lead-interleaved order (the benchmark's burst). */
export function pageVisitBurst(
  leads: number,
  perLead: number,
  run = `bench${randomUUID().slice(0, 8)}`,
): Burst {
  const emails = Array.from({ length: leads }, (_, i) => `${run}-${i}@bench-lab.com`);
  const now = Date.now();
  const events = Array.from({ length: leads * perLead }, (_, i) => ({
    event_id: randomUUID(),
    event_type: 'page_visited',
    source: 'website',
    occurred_at: new Date(now - i).toISOString(),
    metadata: { page_path: `/burst/${Math.floor(i / leads)}` },
    lead_identifier: { email: emails[i % leads] },
  }));
  return { run, emails, events };
}

/**
 * Like `pageVisitBurst`, but each lead's last event is a demo request: every lead passes the routing gate with a
 * clear b2b intent and is routed once (the benchmark's burst with routing on).
 */
export function routedLeadBurst(
  leads: number,
  perLead: number,
  run = `bench${randomUUID().slice(0, 8)}`,
): Burst {
  const burst = pageVisitBurst(leads, perLead, run);
  const lastRound = leads * (perLead - 1);
  for (let i = lastRound; i < burst.events.length; i++) {
    burst.events[i] = { ...burst.events[i], event_type: 'demo_requested', metadata: {} };
  }
  return burst;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: deterministic, good enough to interleave leads
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

export interface SendOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Events per batch request (≤ 1,000); only used when the gateway has the batch endpoint. */
  batchSize?: number;
  /** `auto`: the batch endpoint if the gateway has it, else single posts. */
  method?: 'auto' | 'batch' | 'single';
  /** Give up retrying after this long (the whole send). */
  deadlineMs?: number;
}

export interface SendReport {
  method: 'batch' | 'single';
  requests: number;
  /** Requests answered 5xx/429 or not answered, and sent again (same event ids: harmless). */
  retries: number;
  /** Single posts answered `duplicate: true` (an earlier attempt had been stored after all). */
  duplicates: number;
}

const BATCH_PATH = '/api/v1/events/ingest/batch';
const SINGLE_PATH = '/api/v1/events/ingest';
export const MAX_BATCH_EVENTS = 1000;

/**
 * Sends events the way a well-behaved producer does: every event until the gateway accepted it, retrying
 * 429, 5xx and connection failures with the same `event_id` (so a retry can never store an event twice).
 */
export class EventSender {
  private batchEndpoint?: boolean;

  constructor(
    readonly gatewayUrl: string,
    private readonly apiKey: string,
  ) {}

  /** Whether the gateway has `POST /events/ingest/batch` (an empty batch is answered, but not with 404). */
  async hasBatchEndpoint(): Promise<boolean> {
    if (this.batchEndpoint === undefined) {
      const response = await this.post(BATCH_PATH, { events: [] });
      this.batchEndpoint = response.status !== 404;
    }
    return this.batchEndpoint;
  }

  async send(events: IngestEvent[], options: SendOptions = {}): Promise<SendReport> {
    const { concurrency = 50, batchSize = 500, method = 'auto', deadlineMs = 180_000 } = options;
    const useBatch = method === 'batch' || (method === 'auto' && (await this.hasBatchEndpoint()));
    const size = useBatch ? Math.min(batchSize, MAX_BATCH_EVENTS) : 1;
    const chunks: IngestEvent[][] = [];
    for (let i = 0; i < events.length; i += size) chunks.push(events.slice(i, i + size));
    const report: SendReport = {
      method: useBatch ? 'batch' : 'single',
      requests: 0,
      retries: 0,
      duplicates: 0,
    };
    const deadline = Date.now() + deadlineMs;
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        let pending = chunks[next++];
        for (let attempt = 0; pending.length; attempt++) {
          if (attempt > 0) {
            if (Date.now() > deadline)
              throw new Error(`ingest not accepted before the deadline (${pending.length} events left)`);
            report.retries++;
            await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
          }
          report.requests++;
          pending = useBatch
            ? await this.tryBatch(pending, report)
            : await this.trySingle(pending[0], report);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
    return report;
  }

  /** The events still to send: none once accepted (or a duplicate), the event itself when worth a retry. */
  private async trySingle(event: IngestEvent, report: SendReport): Promise<IngestEvent[]> {
    const answer = await this.attempt(SINGLE_PATH, event);
    if (answer === RETRY) return [event];
    if ((answer as { duplicate?: boolean })?.duplicate) report.duplicates++;
    return [];
  }

  /** A batch is answered per item; items the broker could not store are sent again, other rejections are bugs. */
  private async tryBatch(events: IngestEvent[], report: SendReport): Promise<IngestEvent[]> {
    const answer = await this.attempt(BATCH_PATH, { events });
    if (answer === RETRY) return events;
    const { results } = answer as { results: { index: number; status: string; error?: { code: string } }[] };
    const again: IngestEvent[] = [];
    for (const result of results) {
      if (result.status === 'duplicate') report.duplicates++;
      if (result.status !== 'rejected') continue;
      if (result.error?.code !== 'SERVICE_UNAVAILABLE') {
        throw new PermanentIngestError(
          `batch item ${result.index} rejected: ${JSON.stringify(result.error)}`,
        );
      }
      again.push(events[result.index]);
    }
    return again;
  }

  /** The parsed 200/202 answer, or RETRY for 429, 5xx and requests that got no answer. */
  private async attempt(path: string, body: unknown): Promise<unknown> {
    try {
      const { status, text } = await this.post(path, body);
      if (status === 200 || status === 202) return parseJson(text);
      if (status !== 429 && status < 500) {
        throw new PermanentIngestError(`${path} answered ${status}: ${text.slice(0, 500)}`);
      }
    } catch (error) {
      if (error instanceof PermanentIngestError) throw error;
    }
    return RETRY;
  }

  private async post(path: string, body: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, text: await response.text() };
  }
}

class PermanentIngestError extends Error {}
const RETRY = Symbol('retry');

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/**
 * Single posts at a steady `perSecond` for `durationS`, as producers send while people use the CRM: event n is
 * due at n / perSecond; `workers` posts may be in flight. A system that cannot keep up gets fewer events
 * (reported), not a burst to catch up.
 */
export async function ingestAtRate(
  sender: EventSender,
  eventAt: (n: number) => IngestEvent,
  options: { perSecond: number; durationS: number; workers?: number },
) {
  const { perSecond, durationS, workers = 25 } = options;
  const started = performance.now();
  const endAt = started + durationS * 1000;
  const latencies: number[] = [];
  let next = 0;
  let retries = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      const dueAt = started + (n * 1000) / perSecond;
      if (dueAt >= endAt) return;
      if (dueAt > performance.now())
        await new Promise((resolve) => setTimeout(resolve, dueAt - performance.now()));
      if (performance.now() >= endAt) return;
      const sentAt = performance.now();
      retries += (await sender.send([eventAt(n)], { method: 'single' })).retries;
      latencies.push(performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    target_events_per_s: perSecond,
    accepted: latencies.length,
    accepted_per_s: round(latencies.length / seconds, 1),
    retried_requests: retries,
    accept_latency_ms: summarize(latencies),
  };
}

/** One page visit of a lead (2 points): creates or touches the lead, routes nothing. */
export function pageVisit(email: string): IngestEvent {
  return {
    event_id: randomUUID(),
    event_type: 'page_visited',
    source: 'website',
    occurred_at: new Date().toISOString(),
    metadata: { page_path: '/bench' },
    lead_identifier: { email },
  };
}
