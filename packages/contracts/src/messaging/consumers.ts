import type { ServiceName } from './services';
import { streamOf, type StreamName } from './streams';
import { Subjects, type Subject } from './subjects';
import { WEBHOOK_EVENT_SUBJECTS } from './webhook-event-subjects';

export interface ConsumerDefinition {
  service: ServiceName;
  durable: string;
  stream: StreamName;
  subject: Subject;
  /** Total deliveries before the message becomes a dead letter. Always set. */
  maxDeliver: number;
  /** Delay before delivery n+1 after delivery n failed transiently (last value repeats). */
  backoffMs: number[];
  ackWaitSeconds: number;
  maxAckPending: number;
  /** Handlers of this consumer running at once in one process (per-message handlers). */
  concurrency: number;
  /**
   * Batch handlers: at most `size` messages per transaction, collected for at most `waitMs` after the first one
   * arrived while the server reports more pending (an idle consumer does not wait). One batch at a time per
   * process, so a process applies a key's messages in stream order.
   */
  batch: { size: number; waitMs: number };
}

/**
 * The durable consumers of automation's rules module (api.md §12). Automation consumes some of these subjects
 * for its stage triggers too, so its handlers name these (`@OnEvent(subject, { consumer })`).
 */
export const AutomationRulesConsumers = {
  LeadEventRecorded: 'automation-rules-lead-event-recorded',
  LeadScored: 'automation-rules-lead-scored',
  LeadIntentDetected: 'automation-rules-intent-detected',
  DealStageChanged: 'automation-rules-deal-stage-changed',
  DealCreated: 'automation-rules-deal-created',
  DealWon: 'automation-rules-deal-won',
  DealLost: 'automation-rules-deal-lost',
  DealReopened: 'automation-rules-deal-reopened',
  DealDeleted: 'automation-rules-deal-deleted',
  SlackMessagePosted: 'automation-rules-slack-message-posted',
  SlackMessageFailed: 'automation-rules-slack-message-failed',
  MocoSyncSucceeded: 'automation-rules-moco-sync-succeeded',
  MocoSyncFailed: 'automation-rules-moco-sync-failed',
  TaskCreated: 'automation-rules-task-created',
  TaskFailed: 'automation-rules-task-failed',
  RuleActionSucceeded: 'automation-rules-leads-action-succeeded',
  RuleActionFailed: 'automation-rules-leads-action-failed',
} as const;

const EVENT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

function consumer(
  service: ServiceName,
  durable: string,
  subject: Subject,
  overrides: Partial<ConsumerDefinition> = {},
): ConsumerDefinition {
  return {
    service,
    durable,
    subject,
    stream: streamOf(subject).name,
    maxDeliver: 10,
    backoffMs: EVENT_BACKOFF_MS,
    ackWaitSeconds: 30,
    maxAckPending: 1000,
    concurrency: 16,
    batch: { size: 200, waitMs: 5 },
    ...overrides,
  };
}

export const Consumers: readonly ConsumerDefinition[] = [
  consumer('leads', 'leads-ingest-event-received', Subjects.IngestEventReceived),
  consumer('leads', 'leads-lead-scored', Subjects.LeadScored),
  consumer('leads', 'leads-evaluate-routing', Subjects.EvaluateLeadRouting),
  // Tasks automation asks for (api.md §9 create_task): few, each its own transaction; a database hiccup retries.
  consumer('leads', 'leads-create-task', Subjects.LeadsCreateTask, { maxDeliver: 5, concurrency: 4 }),
  // GDPR erasure (api.md §17): every service erases on lead.erased and confirms; leads records the confirmations.
  consumer('leads', 'leads-scoring-lead-erased', Subjects.ScoringLeadErased, { concurrency: 1 }),
  consumer('leads', 'leads-automation-lead-erased', Subjects.AutomationLeadErased, { concurrency: 1 }),
  consumer('leads', 'leads-slack-lead-erased', Subjects.SlackLeadErased, { concurrency: 1 }),
  consumer('leads', 'leads-mailer-lead-erased', Subjects.MailerLeadErased, { concurrency: 1 }),
  consumer('leads', 'leads-webhooks-lead-erased', Subjects.WebhooksLeadErased, { concurrency: 1 }),
  consumer('leads', 'leads-moco-lead-erased', Subjects.MocoLeadErased, { concurrency: 1 }),
  // api.md §15.5: a MOCO deal won or lost closes the mapped CRM deal.
  consumer('leads', 'leads-moco-deal-closed', Subjects.MocoDealClosed, { concurrency: 1 }),
  consumer('scoring', 'scoring-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  // CRM activity rows of the event feed (api.md §4.3), written from leads' own domain events: one batched
  // consumer per subject (a consumer has one filter subject on nats-server 2.9).
  consumer('leads', 'leads-activity-lead-created', Subjects.LeadCreated),
  consumer('leads', 'leads-activity-deal-created', Subjects.DealCreated),
  consumer('leads', 'leads-activity-deal-stage-changed', Subjects.DealStageChanged),
  consumer('leads', 'leads-activity-deal-won', Subjects.DealWon),
  consumer('leads', 'leads-activity-deal-lost', Subjects.DealLost),
  consumer('leads', 'leads-activity-lead-routed', Subjects.LeadRouted),
  consumer('leads', 'leads-activity-lead-manual-review', Subjects.LeadManualReview),
  consumer('leads', 'leads-activity-task-created', Subjects.TaskCreated),
  consumer('leads', 'leads-activity-task-completed', Subjects.TaskCompleted),
  consumer('leads', 'leads-activity-invoice-paid', Subjects.MocoInvoicePaid),
  consumer('automation', 'automation-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  consumer('slack', 'slack-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  // Slack alerts (issue 8, api.md §15.6 `alerts`): domain events become post-message commands, in batches.
  consumer('slack', 'slack-alert-lead-scored', Subjects.LeadScored),
  consumer('slack', 'slack-alert-lead-routed', Subjects.LeadRouted),
  consumer('slack', 'slack-alert-lead-manual-review', Subjects.LeadManualReview),
  consumer('slack', 'slack-alert-deal-won', Subjects.DealWon),
  consumer('slack', 'slack-alert-webhook-delivery-exhausted', Subjects.WebhookDeliveryExhausted),
  consumer('mailer', 'mailer-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  consumer('moco', 'moco-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  consumer('scoring', 'scoring-lead-event-recorded', Subjects.LeadEventRecorded),
  consumer('scoring', 'scoring-lead-profile-changed', Subjects.LeadProfileChanged),
  consumer('automation', 'automation-deal-stage-changed', Subjects.DealStageChanged),
  consumer('automation', 'automation-slack-message-posted', Subjects.SlackMessagePosted),
  consumer('automation', 'automation-slack-message-failed', Subjects.SlackMessageFailed),
  // The outcomes of the other executors' commands settle the trigger runs that sent them (api.md §9).
  consumer('automation', 'automation-mailer-email-sent', Subjects.MailerEmailSent),
  consumer('automation', 'automation-mailer-email-failed', Subjects.MailerEmailFailed),
  consumer('automation', 'automation-cituro-invitation-sent', Subjects.CituroBookingInvitationSent),
  consumer('automation', 'automation-cituro-invitation-failed', Subjects.CituroBookingInvitationFailed),
  consumer('automation', 'automation-moco-sync-succeeded', Subjects.MocoSyncSucceeded),
  consumer('automation', 'automation-moco-sync-failed', Subjects.MocoSyncFailed),
  consumer('automation', 'automation-task-created', Subjects.LeadsCreateTaskSucceeded),
  consumer('automation', 'automation-task-failed', Subjects.LeadsCreateTaskFailed),
  // api.md §9: a vendor action is attempted 5 times: at once, then after 30 s, 2 min, 10 min and 1 h.
  consumer('slack', 'slack-post-message', Subjects.SlackPostMessage, {
    maxDeliver: 5,
    backoffMs: [30_000, 120_000, 600_000, 3_600_000],
    ackWaitSeconds: 60,
    concurrency: 4,
  }),
  // The same schedule for emails: an SMTP server's 4xx (greylisting, a full mailbox) often clears in minutes.
  consumer('mailer', 'mailer-send-email', Subjects.MailerSendEmail, {
    maxDeliver: 5,
    backoffMs: [30_000, 120_000, 600_000, 3_600_000],
    ackWaitSeconds: 60,
    concurrency: 4,
  }),
  // Cituro (api.md §15.3/§15.4): booking invitations, GDPR erasure, and leads acting on bookings.
  consumer('cituro', 'cituro-send-booking', Subjects.CituroSendBooking, {
    maxDeliver: 5,
    backoffMs: [30_000, 120_000, 600_000, 3_600_000],
    ackWaitSeconds: 60,
    concurrency: 4,
  }),
  consumer('webhooks', 'webhooks-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  // Outbound webhooks (api.md §16): each domain event of §19 becomes a delivery row per matching subscription.
  // One batched consumer per subject (one filter subject per consumer on nats-server 2.9). `lead.erased` is
  // fanned out by webhooks-lead-erased, which erases the lead's deliveries in the same transaction.
  ...WEBHOOK_EVENT_SUBJECTS.filter((subject) => subject !== Subjects.LeadErased).map((subject) =>
    consumer(
      'webhooks',
      `webhooks-fanout-${subject.split('.').slice(1, -1).join('-').replace(/_/g, '-')}`,
      subject,
    ),
  ),
  consumer('cituro', 'cituro-lead-erased', Subjects.LeadErased, { concurrency: 2 }),
  consumer('leads', 'leads-cituro-lead-erased', Subjects.CituroLeadErased, { concurrency: 1 }),
  consumer('leads', 'leads-cituro-booking-created', Subjects.CituroBookingCreated, { concurrency: 1 }),
  consumer('leads', 'leads-cituro-booking-canceled', Subjects.CituroBookingCanceled, { concurrency: 1 }),
  // Same schedule as Slack (api.md §9). One MOCO call waits at most for the rate budget plus its retries, so the
  // ack wait is generous; few at once, since MOCO allows only about one request per second.
  consumer('moco', 'moco-sync', Subjects.MocoSync, {
    maxDeliver: 5,
    backoffMs: [30_000, 120_000, 600_000, 3_600_000],
    ackWaitSeconds: 300,
    concurrency: 2,
  }),
  // Global automation rules (api.md §12): their own consumers, apart from the stage triggers' ones, so each
  // keeps its own inbox and redeliveries. Recorded events are high volume: handled in batches.
  consumer('automation', AutomationRulesConsumers.LeadEventRecorded, Subjects.LeadEventRecorded),
  consumer('automation', AutomationRulesConsumers.LeadScored, Subjects.LeadScored),
  consumer('automation', AutomationRulesConsumers.LeadIntentDetected, Subjects.LeadIntentDetected),
  consumer('automation', AutomationRulesConsumers.DealStageChanged, Subjects.DealStageChanged),
  consumer('automation', AutomationRulesConsumers.DealCreated, Subjects.DealCreated),
  consumer('automation', AutomationRulesConsumers.DealWon, Subjects.DealWon),
  consumer('automation', AutomationRulesConsumers.DealLost, Subjects.DealLost),
  consumer('automation', AutomationRulesConsumers.DealReopened, Subjects.DealReopened),
  consumer('automation', AutomationRulesConsumers.DealDeleted, Subjects.DealDeleted),
  consumer('automation', AutomationRulesConsumers.SlackMessagePosted, Subjects.SlackMessagePosted),
  consumer('automation', AutomationRulesConsumers.SlackMessageFailed, Subjects.SlackMessageFailed),
  consumer('automation', AutomationRulesConsumers.MocoSyncSucceeded, Subjects.MocoSyncSucceeded),
  consumer('automation', AutomationRulesConsumers.MocoSyncFailed, Subjects.MocoSyncFailed),
  consumer('automation', AutomationRulesConsumers.TaskCreated, Subjects.LeadsCreateTaskSucceeded),
  consumer('automation', AutomationRulesConsumers.TaskFailed, Subjects.LeadsCreateTaskFailed),
  consumer('automation', AutomationRulesConsumers.RuleActionSucceeded, Subjects.LeadsRuleActionSucceeded),
  consumer('automation', AutomationRulesConsumers.RuleActionFailed, Subjects.LeadsRuleActionFailed),
  // Rule actions leads executes for automation (api.md §12 update_field): few; a database hiccup retries.
  consumer('leads', 'leads-rule-update-field', Subjects.LeadsUpdateField, { maxDeliver: 5, concurrency: 4 }),
  consumer('leads', 'leads-rule-move-to-stage', Subjects.LeadsMoveToStage, { maxDeliver: 5, concurrency: 4 }),
];

export function consumersOf(service: ServiceName): ConsumerDefinition[] {
  return Consumers.filter((c) => c.service === service);
}
