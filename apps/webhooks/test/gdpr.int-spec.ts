import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type CreatedWebhookView,
  type LeadErasureConfirmedV1,
  type WebhooksGdprExportView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { stageChanged } from './support/events';
import { WebhooksHarness } from './support/webhooks-harness';

describe('webhooks service: GDPR erasure and export (api.md §17)', () => {
  let h: WebhooksHarness;

  beforeAll(async () => {
    h = await WebhooksHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('counts, then erases the deliveries about a lead, confirms, and announces lead.erased', async () => {
    const path = `/t/${randomUUID()}`;
    const subscription = await h.request<CreatedWebhookView>(Queries.WebhooksCreateSubscription, {
      body: { url: h.receiver.endpoint(path), event_types: ['deal.stage_changed', 'lead.erased'] },
    });
    const leadId = randomUUID();
    const otherLead = randomUUID();
    for (const lead_id of [leadId, leadId, otherLead]) {
      await h.nats.publish(
        Subjects.DealStageChanged,
        h.nats.envelope(Subjects.DealStageChanged, stageChanged({ lead_id })),
      );
    }
    await h.receiver.waitForRequests(3, { filter: (r) => r.path === path });
    const exported = await h.request<WebhooksGdprExportView>(Queries.WebhooksGdprExport, { lead_id: leadId });
    expect(exported).toEqual({ webhook_deliveries: 2 });

    const erasureId = randomUUID();
    const confirmations = h.nats.collect<LeadErasureConfirmedV1>(
      Subjects.WebhooksLeadErased,
      (e) => e.data.erasure_id === erasureId,
    );
    const erasedAt = new Date().toISOString();
    await h.nats.publish(
      Subjects.LeadErased,
      h.nats.envelope(Subjects.LeadErased, { erasure_id: erasureId, lead_id: leadId, erased_at: erasedAt }),
    );

    const [confirmation] = await waitFor(async () => confirmations.length > 0 && confirmations);
    expect(confirmation.data).toMatchObject({
      erasure_id: erasureId,
      lead_id: leadId,
      service: 'webhooks',
      deleted_records: { webhook_deliveries: 2, messages: 0 },
    });
    const rows = await h.query<{ lead_id: string; event_type: string }>(
      'SELECT lead_id, event_type FROM webhook_delivery WHERE subscription_id = $1',
      [subscription.id],
    );
    expect(rows.filter((r) => r.event_type === 'deal.stage_changed').map((r) => r.lead_id)).toEqual([
      otherLead,
    ]);

    const requests = await h.receiver.waitForRequests(4, { filter: (r) => r.path === path });
    expect(requests[3].body).toMatchObject({
      type: 'lead.erased',
      data: { lead_id: leadId, erased_at: erasedAt },
    });
  });
});
