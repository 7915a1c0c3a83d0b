import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Subjects,
  type DealClosedV1,
  type LeadManualReviewV1,
  type LeadRoutedV1,
  type LeadScoredV1,
  type MessageEnvelope,
  type WebhookDeliveryExhaustedV1,
} from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import {
  dealWonAlert,
  hotLeadAlert,
  manualReviewAlert,
  routedAlert,
  webhookExhaustedAlert,
} from './alert-rules';
import { AlertsService } from './alerts.service';

/** Domain events that raise Slack alerts, in batches (one durable consumer per subject). */
@Controller()
export class AlertsMessageController {
  constructor(private readonly alerts: AlertsService) {}

  @OnEventBatch(Subjects.LeadScored)
  onLeadScored(@Payload() envelopes: MessageEnvelope<LeadScoredV1>[]): Promise<void> {
    return this.alerts.raise(envelopes.flatMap((e) => hotLeadAlert(e, this.alerts.links) ?? []));
  }

  @OnEventBatch(Subjects.LeadRouted)
  onLeadRouted(@Payload() envelopes: MessageEnvelope<LeadRoutedV1>[]): Promise<void> {
    return this.alerts.raise(envelopes.map((e) => routedAlert(e, this.alerts.links)));
  }

  @OnEventBatch(Subjects.LeadManualReview)
  onManualReview(@Payload() envelopes: MessageEnvelope<LeadManualReviewV1>[]): Promise<void> {
    return this.alerts.raise(envelopes.map((e) => manualReviewAlert(e, this.alerts.links)));
  }

  @OnEventBatch(Subjects.DealWon)
  onDealWon(@Payload() envelopes: MessageEnvelope<DealClosedV1>[]): Promise<void> {
    return this.alerts.raise(envelopes.map((e) => dealWonAlert(e, this.alerts.links)));
  }

  @OnEventBatch(Subjects.WebhookDeliveryExhausted)
  onWebhookDeliveryExhausted(
    @Payload() envelopes: MessageEnvelope<WebhookDeliveryExhaustedV1>[],
  ): Promise<void> {
    return this.alerts.raise(envelopes.map(webhookExhaustedAlert));
  }
}
