import { Agent, request } from 'node:http';
import { summarize, round } from './latency-stats';

/** Ids the simulated users browse: read from the seeded system before the load starts. */
export interface BrowseTargets {
  leadIds: string[];
  /** `search` terms the lead list is filtered by (parts of seeded emails). */
  searchTerms: string[];
  /** Pipeline and stage pairs that hold deals. */
  boards: { pipelineId: string; stageId: string }[];
  /** Emails of members that own tasks (`GET /tasks?assigned_to`). */
  assignees: string[];
}

export interface BrowseOptions {
  gatewayUrl: string;
  /** One access token per simulated user. */
  tokens: string[];
  durationS: number;
  /** Pause after each answer before the user's next request; 0 = a closed loop, the next request at once. */
  thinkMs: number;
  targets: BrowseTargets;
}

type Endpoint = { name: string; path: (targets: BrowseTargets) => string };

const LEAD_SORTS = ['created_at', 'total_score', 'last_activity', 'updated_at', 'email'];
/** What the lead list of the UI sends besides paging: nothing, a search, or filters. */
const LEAD_FILTERS: ((targets: BrowseTargets) => string)[] = [
  () => '',
  (t) => `&search=${encodeURIComponent(pick(t.searchTerms))}`,
  () => '&routing_status=routed&min_score=5',
  () => '&status=new&primary_intent=b2b',
];

/**
 * The requests the SPA makes while people browse, in the order a user meets them: the lead list, a lead and its
 * timeline, a deal board column, a pipeline's deals, the user's open tasks, the activity feed and the dashboard.
 * Each user walks this list round and round from a random starting point, so every endpoint gets the same share.
 */
const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /leads',
    path: (t) =>
      `/api/v1/leads?page=${1 + Math.floor(Math.random() * 5)}&limit=25&sort_by=${pick(LEAD_SORTS)}` +
      `&sort_order=desc${pick(LEAD_FILTERS)(t)}`,
  },
  { name: 'GET /leads/:id', path: (t) => `/api/v1/leads/${pick(t.leadIds)}` },
  { name: 'GET /leads/:id/timeline', path: (t) => `/api/v1/leads/${pick(t.leadIds)}/timeline` },
  {
    name: 'GET /deals?pipeline_id&stage_id',
    path: (t) => {
      const board = pick(t.boards);
      return `/api/v1/deals?pipeline_id=${board.pipelineId}&stage_id=${board.stageId}&page=1&limit=25`;
    },
  },
  {
    name: 'GET /pipelines/:id/deals',
    path: (t) => `/api/v1/pipelines/${pick(t.boards).pipelineId}/deals?status=open&limit=50`,
  },
  {
    name: 'GET /tasks?assigned_to&status',
    path: (t) =>
      `/api/v1/tasks?assigned_to=${encodeURIComponent(pick(t.assignees))}&status=open&page=1&limit=25`,
  },
  { name: 'GET /events', path: () => `/api/v1/events?limit=50` },
  { name: 'GET /reports/summary', path: () => `/api/v1/reports/summary` },
  { name: 'GET /leads/stats', path: () => `/api/v1/leads/stats` },
];

interface EndpointTally {
  latencies: number[];
  errors: number;
  /** Non-2xx answers and transport failures by status (`network` for the latter). */
  errorsBy: Record<string, number>;
  /** The first error answer, cut short, to tell what went wrong. */
  firstError?: string;
}

/**
 * `tokens.length` users, each with its own access token, browsing the gateway for `durationS` over keep-alive
 * connections (one per user at most). Every answer that is not 2xx, or no answer, counts as an error.
 */
export async function runBrowseLoad(options: BrowseOptions) {
  const { hostname, port } = new URL(options.gatewayUrl);
  // One socket per user: no request waits for a connection, none is opened per request.
  const agent = new Agent({ keepAlive: true, maxSockets: options.tokens.length });
  const tallies = new Map<string, EndpointTally>(
    ENDPOINTS.map((e) => [e.name, { latencies: [], errors: 0, errorsBy: {} }]),
  );
  const started = performance.now();
  const endAt = started + options.durationS * 1000;
  const user = async (token: string) => {
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    for (let step = Math.floor(Math.random() * ENDPOINTS.length); performance.now() < endAt; step++) {
      const endpoint = ENDPOINTS[step % ENDPOINTS.length];
      const tally = tallies.get(endpoint.name)!;
      const sentAt = performance.now();
      const answer = await get(agent, hostname, Number(port), endpoint.path(options.targets), headers);
      tally.latencies.push(performance.now() - sentAt);
      if (answer.status < 200 || answer.status > 299) {
        tally.errors++;
        const key = answer.status ? String(answer.status) : 'network';
        tally.errorsBy[key] = (tally.errorsBy[key] ?? 0) + 1;
        tally.firstError ??= answer.error;
      }
      if (options.thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, options.thinkMs));
    }
  };
  await Promise.all(options.tokens.map(user));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const report = (latencies: number[], errors: number) => ({
    requests: latencies.length,
    requests_per_s: round(latencies.length / seconds, 1),
    latency_ms: summarize(latencies),
    errors,
  });
  const endpoints: Record<string, object> = {};
  for (const [name, tally] of tallies) {
    endpoints[name] = {
      ...report(tally.latencies, tally.errors),
      ...(tally.errors ? { errors_by_status: tally.errorsBy, first_error: tally.firstError } : {}),
    };
  }
  const all = [...tallies.values()];
  return {
    seconds: round(seconds, 1),
    overall: report(
      all.flatMap((t) => t.latencies),
      all.reduce((sum, t) => sum + t.errors, 0),
    ),
    endpoints,
  };
}

/** A GET whose body is read to the end (the answer is complete) but only kept when it is an error. */
function get(
  agent: Agent,
  host: string,
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, agent, headers }, (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status <= 299;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!ok && body.length < 500) body += chunk;
      });
      res.on('end', () =>
        resolve(ok ? { status } : { status, error: `${path}: ${status} ${body.slice(0, 500)}` }),
      );
      res.on('error', (error) => resolve({ status: 0, error: `${path}: ${error.message}` }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (error) => resolve({ status: 0, error: `${path}: ${error.message}` }));
    req.end();
  });
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}
