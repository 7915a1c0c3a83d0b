import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type DealView,
  type LeadView,
  type MocoDealClosedV1,
  type PipelineView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

/** api.md §15.5: a MOCO deal won or lost (moco.deal.closed.v1) closes the mapped CRM deal if it is still open. */
describe('leads: MOCO closes deals (real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  let pipelineId: string;

  beforeAll(async () => {
    await app.start();
    pipelineId = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data[0].id;
  });
  afterAll(() => app.stop());

  async function openDeal(): Promise<DealView> {
    const lead = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `moco-${randomUUID().slice(0, 8)}@acme.test` },
    });
    return app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: pipelineId, name: 'MOCO deal', value: 100 },
    });
  }

  async function closedInMoco(dealId: string, status: 'won' | 'lost'): Promise<void> {
    const data: MocoDealClosedV1 = {
      deal_id: dealId,
      moco_deal_id: 555,
      status,
      occurred_at: new Date().toISOString(),
    };
    const envelope = app.envelope(Subjects.MocoDealClosed, data, 'moco');
    await app.redeliver(Subjects.MocoDealClosed, envelope);
    await app.waitHandled(Subjects.MocoDealClosed, envelope.id);
  }

  const dealOf = (id: string) => app.call<DealView>(Queries.LeadsGetDeal, { id });

  it('closes an open deal as won, and leaves a deal already closed as it is', async () => {
    const deal = await openDeal();
    await closedInMoco(deal.id, 'won');
    expect(await dealOf(deal.id)).toMatchObject({ status: 'won', close_reason: 'Closed as won in MOCO' });

    await closedInMoco(deal.id, 'lost');
    expect((await dealOf(deal.id)).status).toBe('won');
  });

  it('ignores a deal leads does not know', async () => {
    await closedInMoco(randomUUID(), 'lost');
  });
});
