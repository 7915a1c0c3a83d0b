import type { ClassConstructor } from 'class-transformer';
import {
  BookingRecordedV1,
  DealAssignedV1,
  DealClosedV1,
  DealCreatedV1,
  DealDeletedV1,
  DealReopenedV1,
  LeadCreatedV1,
  LeadImportCompletedV1,
  LeadUpdatedV1,
  TaskChangedV1,
} from '../payloads/crm-records.v1.events';
import { LeadErasedV1, LeadErasureConfirmedV1 } from '../payloads/lead-erasure.v1.messages';
import { DealStageChangedV1 } from '../payloads/deal-stage-changed.v1.event';
import { IngestEventReceivedV1 } from '../payloads/ingest-event-received.v1.event';
import { LeadEventRecordedV1 } from '../payloads/lead-event-recorded.v1.event';
import { LeadProfileChangedV1 } from '../payloads/lead-profile-changed.v1.event';
import { LeadIntentDetectedV1, LeadScoredV1 } from '../payloads/lead-scored.v1.event';
import { EvaluateLeadRoutingV1, LeadManualReviewV1, LeadRoutedV1 } from '../payloads/routing.v1.messages';
import {
  SlackMessageFailedV1,
  SlackMessagePostedV1,
  SlackPostMessageV1,
} from '../payloads/slack.v1.messages';
import { MailerEmailFailedV1, MailerEmailSentV1, MailerSendEmailV1 } from '../payloads/mailer.v1.messages';
import { WebhookDeliveryExhaustedV1 } from '../payloads/webhooks.v1.events';
import {
  CituroBookingEventV1,
  CituroBookingInvitationFailedV1,
  CituroBookingInvitationSentV1,
  CituroSendBookingV1,
} from '../payloads/cituro.v1.messages';
import {
  MocoDealClosedV1,
  MocoInvoicePaidV1,
  MocoSyncFailedV1,
  MocoSyncSucceededV1,
  MocoSyncV1,
} from '../payloads/moco.v1.messages';
import {
  LeadsCreateTaskFailedV1,
  LeadsCreateTaskV1,
  LeadsTaskCreatedForCommandV1,
} from '../payloads/tasks.v1.commands';
import {
  LeadsMoveToStageV1,
  LeadsRuleActionFailedV1,
  LeadsRuleActionSucceededV1,
  LeadsUpdateFieldV1,
} from '../payloads/rule-actions.v1.messages';
import { TriggerRunFailedV1 } from '../payloads/automation.v1.events';
import { Subjects, type Subject } from './subjects';

/** The payload class of every durable subject: publishers and consumers validate against it. */
export const PayloadClasses: { [S in Subject]: ClassConstructor<object> } = {
  [Subjects.IngestEventReceived]: IngestEventReceivedV1,
  [Subjects.LeadEventRecorded]: LeadEventRecordedV1,
  [Subjects.LeadProfileChanged]: LeadProfileChangedV1,
  [Subjects.DealStageChanged]: DealStageChangedV1,
  [Subjects.LeadRouted]: LeadRoutedV1,
  [Subjects.LeadManualReview]: LeadManualReviewV1,
  [Subjects.LeadCreated]: LeadCreatedV1,
  [Subjects.LeadUpdated]: LeadUpdatedV1,
  [Subjects.DealCreated]: DealCreatedV1,
  [Subjects.DealAssigned]: DealAssignedV1,
  [Subjects.DealWon]: DealClosedV1,
  [Subjects.DealLost]: DealClosedV1,
  [Subjects.DealReopened]: DealReopenedV1,
  [Subjects.DealDeleted]: DealDeletedV1,
  [Subjects.TaskCreated]: TaskChangedV1,
  [Subjects.TaskCompleted]: TaskChangedV1,
  [Subjects.BookingCreated]: BookingRecordedV1,
  [Subjects.BookingCanceled]: BookingRecordedV1,
  [Subjects.LeadErased]: LeadErasedV1,
  [Subjects.LeadImportCompleted]: LeadImportCompletedV1,
  [Subjects.ScoringLeadErased]: LeadErasureConfirmedV1,
  [Subjects.AutomationLeadErased]: LeadErasureConfirmedV1,
  [Subjects.AutomationTriggerRunFailed]: TriggerRunFailedV1,
  [Subjects.SlackLeadErased]: LeadErasureConfirmedV1,
  [Subjects.MailerLeadErased]: LeadErasureConfirmedV1,
  [Subjects.WebhooksLeadErased]: LeadErasureConfirmedV1,
  [Subjects.EvaluateLeadRouting]: EvaluateLeadRoutingV1,
  [Subjects.LeadScored]: LeadScoredV1,
  [Subjects.LeadIntentDetected]: LeadIntentDetectedV1,
  [Subjects.SlackPostMessage]: SlackPostMessageV1,
  [Subjects.SlackMessagePosted]: SlackMessagePostedV1,
  [Subjects.SlackMessageFailed]: SlackMessageFailedV1,
  [Subjects.MailerSendEmail]: MailerSendEmailV1,
  [Subjects.MailerEmailSent]: MailerEmailSentV1,
  [Subjects.MailerEmailFailed]: MailerEmailFailedV1,
  [Subjects.WebhookDeliveryExhausted]: WebhookDeliveryExhaustedV1,
  [Subjects.CituroSendBooking]: CituroSendBookingV1,
  [Subjects.CituroBookingInvitationSent]: CituroBookingInvitationSentV1,
  [Subjects.CituroBookingInvitationFailed]: CituroBookingInvitationFailedV1,
  [Subjects.CituroBookingCreated]: CituroBookingEventV1,
  [Subjects.CituroBookingCanceled]: CituroBookingEventV1,
  [Subjects.CituroLeadErased]: LeadErasureConfirmedV1,
  [Subjects.MocoSync]: MocoSyncV1,
  [Subjects.LeadsCreateTask]: LeadsCreateTaskV1,
  [Subjects.LeadsCreateTaskSucceeded]: LeadsTaskCreatedForCommandV1,
  [Subjects.LeadsCreateTaskFailed]: LeadsCreateTaskFailedV1,
  [Subjects.LeadsUpdateField]: LeadsUpdateFieldV1,
  [Subjects.LeadsMoveToStage]: LeadsMoveToStageV1,
  [Subjects.LeadsRuleActionSucceeded]: LeadsRuleActionSucceededV1,
  [Subjects.LeadsRuleActionFailed]: LeadsRuleActionFailedV1,
  [Subjects.MocoSyncSucceeded]: MocoSyncSucceededV1,
  [Subjects.MocoSyncFailed]: MocoSyncFailedV1,
  [Subjects.MocoDealClosed]: MocoDealClosedV1,
  [Subjects.MocoInvoicePaid]: MocoInvoicePaidV1,
  [Subjects.MocoLeadErased]: LeadErasureConfirmedV1,
};

/** Subject → payload type, so publishers are type-checked. */
export interface PayloadOf {
  [Subjects.IngestEventReceived]: IngestEventReceivedV1;
  [Subjects.LeadEventRecorded]: LeadEventRecordedV1;
  [Subjects.LeadProfileChanged]: LeadProfileChangedV1;
  [Subjects.DealStageChanged]: DealStageChangedV1;
  [Subjects.LeadRouted]: LeadRoutedV1;
  [Subjects.LeadManualReview]: LeadManualReviewV1;
  [Subjects.LeadCreated]: LeadCreatedV1;
  [Subjects.LeadUpdated]: LeadUpdatedV1;
  [Subjects.DealCreated]: DealCreatedV1;
  [Subjects.DealAssigned]: DealAssignedV1;
  [Subjects.DealWon]: DealClosedV1;
  [Subjects.DealLost]: DealClosedV1;
  [Subjects.DealReopened]: DealReopenedV1;
  [Subjects.DealDeleted]: DealDeletedV1;
  [Subjects.TaskCreated]: TaskChangedV1;
  [Subjects.TaskCompleted]: TaskChangedV1;
  [Subjects.BookingCreated]: BookingRecordedV1;
  [Subjects.BookingCanceled]: BookingRecordedV1;
  [Subjects.LeadErased]: LeadErasedV1;
  [Subjects.LeadImportCompleted]: LeadImportCompletedV1;
  [Subjects.ScoringLeadErased]: LeadErasureConfirmedV1;
  [Subjects.AutomationLeadErased]: LeadErasureConfirmedV1;
  [Subjects.AutomationTriggerRunFailed]: TriggerRunFailedV1;
  [Subjects.SlackLeadErased]: LeadErasureConfirmedV1;
  [Subjects.MailerLeadErased]: LeadErasureConfirmedV1;
  [Subjects.WebhooksLeadErased]: LeadErasureConfirmedV1;
  [Subjects.EvaluateLeadRouting]: EvaluateLeadRoutingV1;
  [Subjects.LeadScored]: LeadScoredV1;
  [Subjects.LeadIntentDetected]: LeadIntentDetectedV1;
  [Subjects.SlackPostMessage]: SlackPostMessageV1;
  [Subjects.SlackMessagePosted]: SlackMessagePostedV1;
  [Subjects.SlackMessageFailed]: SlackMessageFailedV1;
  [Subjects.MailerSendEmail]: MailerSendEmailV1;
  [Subjects.MailerEmailSent]: MailerEmailSentV1;
  [Subjects.MailerEmailFailed]: MailerEmailFailedV1;
  [Subjects.WebhookDeliveryExhausted]: WebhookDeliveryExhaustedV1;
  [Subjects.CituroSendBooking]: CituroSendBookingV1;
  [Subjects.CituroBookingInvitationSent]: CituroBookingInvitationSentV1;
  [Subjects.CituroBookingInvitationFailed]: CituroBookingInvitationFailedV1;
  [Subjects.CituroBookingCreated]: CituroBookingEventV1;
  [Subjects.CituroBookingCanceled]: CituroBookingEventV1;
  [Subjects.CituroLeadErased]: LeadErasureConfirmedV1;
  [Subjects.MocoSync]: MocoSyncV1;
  [Subjects.LeadsCreateTask]: LeadsCreateTaskV1;
  [Subjects.LeadsCreateTaskSucceeded]: LeadsTaskCreatedForCommandV1;
  [Subjects.LeadsCreateTaskFailed]: LeadsCreateTaskFailedV1;
  [Subjects.LeadsUpdateField]: LeadsUpdateFieldV1;
  [Subjects.LeadsMoveToStage]: LeadsMoveToStageV1;
  [Subjects.LeadsRuleActionSucceeded]: LeadsRuleActionSucceededV1;
  [Subjects.LeadsRuleActionFailed]: LeadsRuleActionFailedV1;
  [Subjects.MocoSyncSucceeded]: MocoSyncSucceededV1;
  [Subjects.MocoSyncFailed]: MocoSyncFailedV1;
  [Subjects.MocoDealClosed]: MocoDealClosedV1;
  [Subjects.MocoInvoicePaid]: MocoInvoicePaidV1;
  [Subjects.MocoLeadErased]: LeadErasureConfirmedV1;
}
