import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { NotFoundError, Queries } from '@crm/contracts';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const READ_KEY = 'reports-routes-key-read-only';
const INGEST_KEY = 'reports-routes-key-ingest-only';
const JWT_SECRET = 'reports-routes-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const jwt = new JwtService({ secret: JWT_SECRET });
const responders = new RpcResponders(() => gw);

const member = {
  authorization: `Bearer ${jwt.sign({ sub: randomUUID(), email: 'rita@dna-me.example', role: 'bdr', typ: 'access' }, { expiresIn: 3600 })}`,
};
const readKey = { 'x-api-key': READ_KEY };

/** Each route of api.md §18 and the leads query behind it. */
const ROUTES = [
  ['leads-by-score', Queries.LeadsReportLeadsByScore],
  ['leads-by-intent', Queries.LeadsReportLeadsByIntent],
  ['pipeline-funnel', Queries.LeadsReportPipelineFunnel],
  ['campaign-attribution', Queries.LeadsReportCampaignAttribution],
  ['routing-effectiveness', Queries.LeadsReportRoutingEffectiveness],
  ['summary', Queries.LeadsReportSummary],
] as const;

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${READ_KEY}:api:read,${INGEST_KEY}:api:events:write`,
    JWT_SECRET,
    RPC_TIMEOUT_MS: '1000',
  });
});

afterEach(() => responders.stopAll());

afterAll(async () => {
  await gw?.close();
});

describe('report routes (api.md §18)', () => {
  it('passes the period on to leads and returns its report as is, to a member or a read key', async () => {
    for (const [path, subject] of ROUTES) {
      const report = { report: path, total_leads: 3 };
      const leads = await responders.answer(subject, () => report);
      const query = '?start_date=2025-01-01&end_date=2025-01-31T23:00:00%2B01:00';
      for (const headers of [member, readKey]) {
        const response = await gw.request(`/api/v1/reports/${path}${query}`, { headers });
        expect({ path, status: response.status, body: response.body }).toEqual({
          path,
          status: 200,
          body: report,
        });
      }
      expect(leads.calls).toEqual([
        { start_date: '2025-01-01', end_date: '2025-01-31T23:00:00+01:00' },
        { start_date: '2025-01-01', end_date: '2025-01-31T23:00:00+01:00' },
      ]);
    }
  });

  it('passes pipeline_id to the funnel; an unknown pipeline is 404 from leads', async () => {
    const pipelineId = randomUUID();
    const funnel = await responders.answer(Queries.LeadsReportPipelineFunnel, (query) => {
      throw new NotFoundError('Pipeline', query.pipeline_id);
    });
    const response = await gw.request(`/api/v1/reports/pipeline-funnel?pipeline_id=${pipelineId}`, {
      headers: readKey,
    });
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({
      code: 'NOT_FOUND',
      details: { resource: 'Pipeline', identifier: pipelineId },
    });
    expect(funnel.calls).toEqual([{ pipeline_id: pipelineId }]);
  });

  it('is 401 without credentials and 403 for a key without the read scope', async () => {
    for (const [path] of ROUTES) {
      const anonymous = await gw.request(`/api/v1/reports/${path}`);
      expect({ path, status: anonymous.status, code: anonymous.body.error?.code }).toEqual({
        path,
        status: 401,
        code: 'AUTHENTICATION_ERROR',
      });
      const ingestOnly = await gw.request(`/api/v1/reports/${path}`, {
        headers: { 'x-api-key': INGEST_KEY },
      });
      expect({ path, status: ingestOnly.status, code: ingestOnly.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'INSUFFICIENT_SCOPE',
      });
    }
  });

  it('answers bad dates, a period that ends before it starts and a malformed pipeline id with 400, asking nobody', async () => {
    const asked = await Promise.all(ROUTES.map(([, subject]) => responders.answer(subject, () => ({}))));
    const cases: [string, string][] = [
      ['summary', 'start_date=last-week'],
      ['leads-by-score', 'end_date=2025-02-30'],
      ['leads-by-intent', 'start_date=2025-01-01T10:00:00'],
      ['routing-effectiveness', 'start_date=2025-02-01&end_date=2025-01-31'],
      ['campaign-attribution', 'start_date=2025-01-31T12:00:00Z&end_date=2025-01-31T11:00:00Z'],
      ['pipeline-funnel', 'pipeline_id=b2b'],
    ];
    for (const [path, query] of cases) {
      const response = await gw.request(`/api/v1/reports/${path}?${query}`, { headers: member });
      expect({ query, status: response.status, code: response.body.error?.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
      expect(response.body.error.details.validation_errors.length).toBeGreaterThan(0);
    }
    const backwards = await gw.request('/api/v1/reports/summary?start_date=2025-02-01&end_date=2025-01-31', {
      headers: member,
    });
    expect(backwards.body.error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'end_date', code: 'isNotBeforeStartDate' }),
    ]);
    expect(asked.flatMap((responder) => responder.calls)).toEqual([]);
  });
});
