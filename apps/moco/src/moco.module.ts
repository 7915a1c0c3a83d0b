import { Module } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { LeadErasureParticipant } from '@crm/messaging';
import { LeadErasureMessageController } from './gdpr/lead-erasure.message-controller';
import { LeadErasureRepository } from './gdpr/lead-erasure.repository';
import { HttpMocoApi } from './moco-client/http-moco-api';
import { MocoApi } from './moco-client/moco-api';
import { MocoRateBudget } from './moco-client/moco-rate-budget';
import { MocoCustomerService } from './settings/moco-customer.service';
import { MocoSettingsService } from './settings/moco-settings.service';
import { MocoStatusService } from './settings/moco-status.service';
import { SettingsMessageController } from './settings/settings.message-controller';
import { SettingsRepository } from './settings/settings.repository';
import { MappingRepository } from './sync/mapping.repository';
import { MocoRecordsService } from './sync/moco-records.service';
import { SyncDeadLetters } from './sync/sync-dead-letters';
import { SyncRequestService } from './sync/sync-request.service';
import { SyncMessageController } from './sync/sync.message-controller';
import { SyncService } from './sync/sync.service';
import { MocoWebhookService } from './webhooks/moco-webhook.service';
import { WebhookMessageController } from './webhooks/webhook.message-controller';
import { WebhookReceiptPruner } from './webhooks/webhook-receipt.pruner';
import { WebhookReceiptRepository } from './webhooks/webhook-receipt.repository';

/** Settings, sync, webhooks and GDPR of the MOCO integration (api.md §15.2, §15.5, §17). */
@Module({
  controllers: [
    SettingsMessageController,
    SyncMessageController,
    WebhookMessageController,
    LeadErasureMessageController,
  ],
  providers: [
    { provide: MocoApi, useClass: HttpMocoApi },
    MocoRateBudget,
    SettingsRepository,
    MocoSettingsService,
    MocoStatusService,
    MocoCustomerService,
    MappingRepository,
    MocoRecordsService,
    SyncService,
    SyncRequestService,
    SyncDeadLetters,
    WebhookReceiptRepository,
    WebhookReceiptPruner,
    MocoWebhookService,
    LeadErasureRepository,
    LeadErasureParticipant.provide({
      service: 'moco',
      confirmation: Subjects.MocoLeadErased,
      eraser: LeadErasureRepository,
    }),
  ],
})
export class MocoModule {}
