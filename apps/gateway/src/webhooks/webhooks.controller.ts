import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateWebhookBody,
  ListWebhookDeliveriesQuery,
  ListWebhooksQuery,
  RedeliverWebhooksBody,
  UpdateWebhookBody,
  type CreatedWebhookView,
  type Page,
  type RotatedWebhookSecretView,
  type WebhookDeliveryDetailView,
  type WebhookDeliveryView,
  type WebhookSubscriptionView,
} from '@crm/contracts';
import { AdminAccess } from '../auth/auth.decorators';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { NoIdempotencyReplay } from '../idempotency/idempotency.decorators';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';
import { WebhooksService } from './webhooks.service';

/** api.md §16 subscriptions; admins only. */
@Controller(`${API_PREFIX}/webhooks`)
@AdminAccess()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ContractQuery(ListWebhooksQuery)
  list(@Query() query: unknown): Promise<Page<WebhookSubscriptionView>> {
    return this.webhooks.list(query);
  }

  /** The answer holds the secret: never stored for an idempotent replay. */
  @Post()
  @NoIdempotencyReplay()
  @HttpCode(201)
  @ContractBody(CreateWebhookBody)
  create(@Body() body: unknown): Promise<CreatedWebhookView> {
    return this.webhooks.create(body);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<WebhookSubscriptionView> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ContractBody(UpdateWebhookBody)
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<WebhookSubscriptionView> {
    return this.webhooks.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', new UuidParamPipe()) id: string): Promise<void> {
    return this.webhooks.delete(id);
  }

  @Post(':id/rotate-secret')
  @NoIdempotencyReplay()
  @HttpCode(200)
  rotateSecret(@Param('id', new UuidParamPipe()) id: string): Promise<RotatedWebhookSecretView> {
    return this.webhooks.rotateSecret(id);
  }

  @Post(':id/test')
  @HttpCode(202)
  sendTest(@Param('id', new UuidParamPipe()) id: string): Promise<{ delivery_id: string }> {
    return this.webhooks.sendTest(id);
  }

  @Get(':id/deliveries')
  @ContractQuery(ListWebhookDeliveriesQuery)
  deliveries(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.deliveries(id, query);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @ContractBody(RedeliverWebhooksBody)
  redeliverMany(
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<{ queued: number }> {
    return this.webhooks.redeliverMany(id, body);
  }
}

/** api.md §16 deliveries; admins only. */
@Controller(`${API_PREFIX}/webhook-deliveries`)
@AdminAccess()
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<WebhookDeliveryDetailView> {
    return this.webhooks.delivery(id);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  redeliver(@Param('id', new UuidParamPipe()) id: string): Promise<WebhookDeliveryView> {
    return this.webhooks.redeliver(id);
  }
}
