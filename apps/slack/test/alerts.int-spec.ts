import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type DealClosedV1,
  type LeadErasureConfirmedV1,
  type LeadManualReviewV1,
  type LeadRoutedV1,
  type LeadScoredV1,
  type PayloadOf,
  type ScoreTier,
  type Subject,
  type WebhookDeliveryExhaustedV1,
} from '@crm/contracts';
import { waitFor, type SlackMessage } from '@crm/testing';
import { SlackHarness } from './support/slack-harness';

/** One webhook per alert channel, so each message shows which channel it was posted to. */
const CHANNEL_PATHS = {
  '#hot-leads': '/services/T000/B001/HOT',
  '#routing': '/services/T000/B002/ROUTING',
  '#wins': '/services/T000/B003/WINS',
  '#ops': '/services/T000/B004/OPS',
} as const;

/**
 * Issue 8 Slack alerts: domain events become Block Kit posts in the channel mapped to their alert type, once per
 * alert (type + subject), through the post-message command; unmapped types are recorded as skipped.
 */
describe('slack service: alerts from domain events (real NATS + Postgres, fake Slack)', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await SlackHarness.start({ env: () => ({ SLACK_CRM_APP_URL: 'https://crm.example.com' }) });
    await h.configure({
      channels: Object.fromEntries(
        Object.entries(CHANNEL_PATHS).map(([name, path]) => [name, { webhook_url: h.fake.webhookUrl(path) }]),
      ),
      alerts: {
        hot_lead: '#hot-leads',
        routed: '#routing',
        routing_conflict: '#routing',
        assignment_needed: '#routing',
        deal_won: '#wins',
        errors: '#ops',
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  let seen = 0;
  /** Publishes the event and waits for the next message it should raise. */
  async function raise<S extends Subject>(subject: S, data: PayloadOf[S]): Promise<SlackMessage> {
    await publish(subject, data);
    const messages = await h.fake.waitForMessages(seen + 1);
    seen += 1;
    expect(messages).toHaveLength(seen);
    return messages[seen - 1];
  }
  async function publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: { dedupe?: boolean } = {},
  ) {
    const envelope = h.nats.envelope(subject, data);
    await h.nats.publish(subject, envelope, options);
    return envelope;
  }
  const header = (m: SlackMessage) => (m.blocks?.[0] as { text: { text: string } }).text.text;

  function scored(leadId: string, previous: ScoreTier, tier: ScoreTier, version = 1): LeadScoredV1 {
    return {
      lead_id: leadId,
      version,
      scores: { demographic: 20, engagement: 30, behavior: 40, total: 90 },
      previous_total: 40,
      tier,
      previous_tier: previous,
      tier_changed: previous !== tier,
      reason: 'event',
      event_id: null,
      points_applied: 50,
      scored_at: new Date().toISOString(),
    };
  }

  it('hot_lead: a crossing into hot/very_hot posts once per lead and tier; other score changes post nothing', async () => {
    const leadId = randomUUID();
    const hot = await raise(Subjects.LeadScored, scored(leadId, 'warm', 'hot'));
    expect(hot.path).toBe(CHANNEL_PATHS['#hot-leads']);
    expect(header(hot)).toBe(':fire: Hot lead');
    expect(hot.text).toBe('A lead became hot (score 90)');
    expect(JSON.stringify(hot.blocks)).toContain(`https://crm.example.com/leads/${leadId}`);

    // Same consumer, in stream order: no crossing, a drop, the same crossing again (twice delivered), then very hot.
    await publish(Subjects.LeadScored, scored(leadId, 'hot', 'hot', 2));
    await publish(Subjects.LeadScored, scored(leadId, 'hot', 'warm', 3));
    const again = await publish(Subjects.LeadScored, scored(leadId, 'warm', 'hot', 4));
    await h.nats.publish(Subjects.LeadScored, again, { dedupe: false });
    const veryHot = await raise(Subjects.LeadScored, scored(leadId, 'hot', 'very_hot', 5));
    expect(header(veryHot)).toBe(':fire::fire: Very hot lead');

    const rows = await h.query(
      'SELECT alert_key, status FROM slack.alerts WHERE lead_id = $1 ORDER BY created_at',
      [leadId],
    );
    expect(rows).toEqual([
      { alert_key: `hot_lead:${leadId}:hot`, status: 'queued' },
      { alert_key: `hot_lead:${leadId}:very_hot`, status: 'queued' },
    ]);
    // Posted through the post-message command, so its outcome is in the message log.
    await waitFor(async () => (await h.messageLog(`slack.alert:hot_lead:${leadId}:hot`))?.status === 'sent', {
      message: 'the hot lead alert logged as sent',
    });
  });

  it('routed, routing_conflict, assignment_needed, deal_won and errors each post to their channel', async () => {
    const leadId = randomUUID();
    const dealId = randomUUID();
    const routedEvent: LeadRoutedV1 = {
      lead_id: leadId,
      email: 'ada@example.com',
      pipeline_id: randomUUID(),
      pipeline_slug: 'b2b',
      pipeline_name: 'B2B <Enterprise>',
      deal_id: dealId,
      assigned_to: null,
      assigned_to_email: 'bdr@dna-me.test',
      primary_intent: 'b2b',
      intent_confidence: 80,
      total_score: 90,
      routed_by: 'auto',
      routed_at: new Date().toISOString(),
    };
    const routed = await raise(Subjects.LeadRouted, routedEvent);
    expect(routed.path).toBe(CHANNEL_PATHS['#routing']);
    expect(header(routed)).toBe(':arrow_right: Lead routed to B2B <Enterprise>');
    // mrkdwn fields are escaped, so a value cannot become a link or a mention.
    expect(JSON.stringify(routed.blocks)).toContain('B2B &lt;Enterprise&gt;');
    expect(JSON.stringify(routed.blocks)).toContain('ada@example.com');

    const review = (reason: LeadManualReviewV1['reason']): LeadManualReviewV1 => ({
      lead_id: leadId,
      email: 'ada@example.com',
      reason,
      intent_summary: { research: 40, b2b: 35, co_creation: 0 },
      total_score: 70,
      days_in_pool: 8,
      occurred_at: new Date().toISOString(),
    });
    const conflict = await raise(Subjects.LeadManualReview, review('intent_conflict'));
    expect(conflict.path).toBe(CHANNEL_PATHS['#routing']);
    expect(header(conflict)).toBe(':warning: Routing conflict: manual review needed');
    const stuck = await raise(Subjects.LeadManualReview, review('stuck_in_pool'));
    expect(header(stuck)).toBe(':hourglass: Lead needs an owner');

    const won: DealClosedV1 = {
      deal_id: dealId,
      lead_id: leadId,
      pipeline_id: routedEvent.pipeline_id,
      stage_id: randomUUID(),
      name: 'Acme sequencing',
      value: 12500,
      currency: 'EUR',
      close_reason: null,
      assigned_to: null,
      closed_at: new Date().toISOString(),
    };
    const wonMessage = await raise(Subjects.DealWon, won);
    expect(wonMessage.path).toBe(CHANNEL_PATHS['#wins']);
    expect(wonMessage.text).toBe('Deal Acme sequencing won (12,500 EUR)');

    const exhausted: WebhookDeliveryExhaustedV1 = {
      delivery_id: randomUUID(),
      subscription_id: randomUUID(),
      url_host: 'hooks.partner.example',
      event_id: randomUUID(),
      event_type: 'lead.created',
      attempts: 8,
      response_status: 503,
      error: null,
      exhausted_at: new Date().toISOString(),
    };
    const error = await raise(Subjects.WebhookDeliveryExhausted, exhausted);
    expect(error.path).toBe(CHANNEL_PATHS['#ops']);
    expect(header(error)).toBe(':rotating_light: Webhook delivery failed');

    // The GDPR export counts the alerts posted about the lead; the erasure removes them.
    await waitFor(
      async () =>
        (await h.nats.request<{ messages: number }>(Queries.SlackGdprExport, { lead_id: leadId }))
          .messages === 4,
      { message: 'the export counting the 4 alerts about the lead' },
    );
    const erased = h.nats.collect<LeadErasureConfirmedV1>(
      Subjects.SlackLeadErased,
      (e) => e.data.lead_id === leadId,
    );
    await publish(Subjects.LeadErased, {
      erasure_id: randomUUID(),
      lead_id: leadId,
      erased_at: new Date().toISOString(),
    });
    const [confirmation] = await waitFor(async () => erased.length > 0 && erased, {
      message: 'slack.lead.erased',
    });
    expect(confirmation.data.deleted_records).toMatchObject({ alerts: 4 });
    expect(await h.query('SELECT 1 FROM slack.alerts WHERE lead_id = $1', [leadId])).toEqual([]);
  });

  it('an alert type without a channel is recorded as skipped and never posted', async () => {
    await h.configure({ alerts: { hot_lead: '#hot-leads' } });
    const leadId = randomUUID();
    await publish(Subjects.LeadRouted, {
      lead_id: leadId,
      email: null,
      pipeline_id: randomUUID(),
      pipeline_slug: 'research',
      pipeline_name: 'Research',
      deal_id: randomUUID(),
      assigned_to: null,
      assigned_to_email: null,
      primary_intent: null,
      intent_confidence: null,
      total_score: 10,
      routed_by: 'manual',
      routed_at: new Date().toISOString(),
    });
    const [row] = await waitFor(
      async () => {
        const rows = await h.query('SELECT * FROM slack.alerts WHERE lead_id = $1', [leadId]);
        return rows.length > 0 && rows;
      },
      { message: 'the skipped alert row' },
    );
    expect(row).toMatchObject({
      alert_type: 'routed',
      status: 'skipped',
      skip_reason: 'no_channel',
      message_key: null,
    });
    expect(await h.query(`SELECT 1 FROM slack.message_log WHERE reference LIKE $1`, [`%${leadId}%`])).toEqual(
      [],
    );
  });
});
