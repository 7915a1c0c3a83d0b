import { Subjects, type Subject } from './subjects';

/**
 * The internal subjects carrying the domain events of api.md §19, and the public event type each is delivered as
 * by outbound webhooks (§16). The subject names are internal; the types are the contract.
 */
export const WEBHOOK_EVENT_TYPE_OF_SUBJECT = {
  [Subjects.LeadCreated]: 'lead.created',
  [Subjects.LeadUpdated]: 'lead.updated',
  [Subjects.LeadScored]: 'lead.scored',
  [Subjects.LeadIntentDetected]: 'lead.intent_detected',
  [Subjects.LeadRouted]: 'lead.routed',
  [Subjects.LeadManualReview]: 'lead.manual_review',
  [Subjects.LeadErased]: 'lead.erased',
  [Subjects.LeadImportCompleted]: 'lead_import.completed',
  [Subjects.DealCreated]: 'deal.created',
  [Subjects.DealAssigned]: 'deal.assigned',
  [Subjects.DealStageChanged]: 'deal.stage_changed',
  [Subjects.DealWon]: 'deal.won',
  [Subjects.DealLost]: 'deal.lost',
  [Subjects.DealReopened]: 'deal.reopened',
  [Subjects.DealDeleted]: 'deal.deleted',
  [Subjects.TaskCreated]: 'task.created',
  [Subjects.TaskCompleted]: 'task.completed',
  [Subjects.AutomationTriggerRunFailed]: 'trigger_run.failed',
} as const satisfies Partial<Record<Subject, string>>;

export type WebhookEventSubject = keyof typeof WEBHOOK_EVENT_TYPE_OF_SUBJECT;
export const WEBHOOK_EVENT_SUBJECTS = Object.keys(WEBHOOK_EVENT_TYPE_OF_SUBJECT) as WebhookEventSubject[];
