import { Subjects, type Subject } from './subjects';

export type StreamName =
  | 'INGEST'
  | 'LEADS'
  | 'LEADS_CMD'
  | 'SCORING'
  | 'AUTOMATION'
  | 'SLACK'
  | 'SLACK_CMD'
  | 'MAILER'
  | 'MAILER_CMD'
  | 'WEBHOOKS'
  | 'CITURO'
  | 'CITURO_CMD'
  | 'MOCO'
  | 'MOCO_CMD';

export interface StreamDefinition {
  name: StreamName;
  subjects: Subject[];
  /** `workqueue` for commands (a message leaves once its executor acks it), `limits` for events. */
  retention: 'limits' | 'workqueue';
  maxAgeSeconds: number;
  /** JetStream drops a re-published `Nats-Msg-Id` inside this window (outbox relays, producer retries). */
  duplicateWindowSeconds: number;
}

const DAY = 24 * 3600;

export const Streams: readonly StreamDefinition[] = [
  {
    name: 'INGEST',
    subjects: [Subjects.IngestEventReceived],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    // Producer retries within a day are answered `duplicate:true` by the gateway from the publish ack.
    duplicateWindowSeconds: DAY,
  },
  {
    name: 'LEADS',
    subjects: [
      Subjects.LeadEventRecorded,
      Subjects.LeadProfileChanged,
      Subjects.DealStageChanged,
      Subjects.LeadRouted,
      Subjects.LeadManualReview,
      Subjects.LeadCreated,
      Subjects.LeadUpdated,
      Subjects.DealCreated,
      Subjects.DealAssigned,
      Subjects.DealWon,
      Subjects.DealLost,
      Subjects.DealReopened,
      Subjects.DealDeleted,
      Subjects.TaskCreated,
      Subjects.TaskCompleted,
      Subjects.BookingCreated,
      Subjects.BookingCanceled,
      Subjects.LeadErased,
      Subjects.LeadImportCompleted,
      Subjects.LeadsCreateTaskSucceeded,
      Subjects.LeadsCreateTaskFailed,
      Subjects.LeadsRuleActionSucceeded,
      Subjects.LeadsRuleActionFailed,
    ],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'LEADS_CMD',
    subjects: [
      Subjects.EvaluateLeadRouting,
      Subjects.LeadsCreateTask,
      Subjects.LeadsUpdateField,
      Subjects.LeadsMoveToStage,
    ],
    retention: 'workqueue',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'SCORING',
    subjects: [Subjects.LeadScored, Subjects.LeadIntentDetected, Subjects.ScoringLeadErased],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'AUTOMATION',
    subjects: [Subjects.AutomationLeadErased, Subjects.AutomationTriggerRunFailed],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'SLACK',
    subjects: [Subjects.SlackMessagePosted, Subjects.SlackMessageFailed, Subjects.SlackLeadErased],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'SLACK_CMD',
    subjects: [Subjects.SlackPostMessage],
    retention: 'workqueue',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'MAILER',
    subjects: [Subjects.MailerEmailSent, Subjects.MailerEmailFailed, Subjects.MailerLeadErased],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'MAILER_CMD',
    subjects: [Subjects.MailerSendEmail],
    retention: 'workqueue',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'WEBHOOKS',
    subjects: [Subjects.WebhooksLeadErased, Subjects.WebhookDeliveryExhausted],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'CITURO',
    subjects: [
      Subjects.CituroBookingInvitationSent,
      Subjects.CituroBookingInvitationFailed,
      Subjects.CituroBookingCreated,
      Subjects.CituroBookingCanceled,
      Subjects.CituroLeadErased,
    ],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'MOCO',
    subjects: [
      Subjects.MocoSyncSucceeded,
      Subjects.MocoSyncFailed,
      Subjects.MocoDealClosed,
      Subjects.MocoInvoicePaid,
      Subjects.MocoLeadErased,
    ],
    retention: 'limits',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'CITURO_CMD',
    subjects: [Subjects.CituroSendBooking],
    retention: 'workqueue',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
  {
    name: 'MOCO_CMD',
    subjects: [Subjects.MocoSync],
    retention: 'workqueue',
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 600,
  },
];

export function streamOf(subject: Subject): StreamDefinition {
  const stream = Streams.find((s) => s.subjects.includes(subject));
  if (!stream) throw new Error(`No stream carries ${subject}`);
  return stream;
}
