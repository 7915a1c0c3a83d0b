import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  type ByIdQuery,
  type CreateWebhookCommand,
  type CreatedWebhookView,
  type ListWebhooksQuery,
  type Page,
  type RotatedWebhookSecretView,
  type UpdateWebhookCommand,
  type WebhookSubscriptionView,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { HostResolver } from './host-resolver';
import { WebhooksConfig } from '../config/webhooks.config';
import { SubscriptionEntity } from './subscription.entity';
import { headerIssues, throwIfAny, urlIssues } from './subscription-policy';
import { SubscriptionSecrets } from './subscription-secrets';
import { toSubscriptionView } from './subscription.view';
import { SubscriptionsRepository } from './subscriptions.repository';

/** Outbound webhook subscriptions (api.md §16). */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly secrets: SubscriptionSecrets,
    private readonly resolver: HostResolver,
    private readonly config: WebhooksConfig,
    private readonly tx: TransactionHost,
  ) {}

  async list(query: ListWebhooksQuery): Promise<Page<WebhookSubscriptionView>> {
    return (await this.subscriptions.list({ is_active: query.is_active }, query)).page(toSubscriptionView);
  }

  async get({ id }: ByIdQuery): Promise<WebhookSubscriptionView> {
    return toSubscriptionView(await this.find(id));
  }

  /** The only answer that shows the secret. */
  async create({ body }: CreateWebhookCommand): Promise<CreatedWebhookView> {
    await this.checkPolicy(body);
    const now = new Date();
    const subscription = Object.assign(new SubscriptionEntity(), {
      id: randomUUID(),
      url: body.url,
      description: body.description ?? null,
      event_types: body.event_types,
      is_active: body.is_active ?? true,
      headers: body.headers ?? {},
      previous_secret_ciphertext: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      last_delivery_at: null,
      deleted_at: null,
      created_at: now,
      updated_at: now,
    });
    const secret = this.secrets.issue(subscription);
    await this.subscriptions.insert(subscription);
    return { ...toSubscriptionView(subscription), secret };
  }

  async update({ id, body }: UpdateWebhookCommand): Promise<WebhookSubscriptionView> {
    await this.checkPolicy(body);
    return this.tx.transaction(async () => {
      const subscription = await this.find(id, true);
      if (body.url !== undefined) subscription.url = body.url;
      if (body.event_types !== undefined) subscription.event_types = body.event_types;
      if (body.description !== undefined) subscription.description = body.description;
      if (body.headers !== undefined) subscription.headers = body.headers;
      if (body.is_active !== undefined) {
        // Re-enabling (or pausing by hand) clears why the service had disabled it.
        if (body.is_active !== subscription.is_active) subscription.disabled_reason = null;
        subscription.is_active = body.is_active;
      }
      subscription.updated_at = new Date();
      await this.subscriptions.save(subscription);
      return toSubscriptionView(subscription);
    });
  }

  /** Deletes the subscription and cancels its deliveries not yet sent. */
  delete({ id }: ByIdQuery): Promise<void> {
    return this.tx.transaction(async () => {
      const subscription = await this.find(id, true);
      subscription.deleted_at = new Date();
      subscription.is_active = false;
      subscription.updated_at = subscription.deleted_at;
      await this.subscriptions.save(subscription);
      await this.subscriptions.cancelPendingDeliveries(id);
    });
  }

  rotateSecret({ id }: ByIdQuery): Promise<RotatedWebhookSecretView> {
    return this.tx.transaction(async () => {
      const subscription = await this.find(id, true);
      const now = new Date();
      const { secret, previousExpiresAt } = this.secrets.rotate(subscription, now);
      subscription.updated_at = now;
      await this.subscriptions.save(subscription);
      return { secret, previous_secret_expires_at: previousExpiresAt.toISOString() };
    });
  }

  async find(id: string, lock = false): Promise<SubscriptionEntity> {
    const subscription = await this.subscriptions.findById(id, lock);
    if (!subscription) throw new NotFoundError('Webhook', id);
    return subscription;
  }

  private async checkPolicy(body: { url?: string; headers?: Record<string, unknown> }): Promise<void> {
    const production = this.config.NODE_ENV === 'production';
    throwIfAny([
      ...(body.url === undefined
        ? []
        : await urlIssues(body.url, production, (h) => this.resolver.resolve(h))),
      ...(body.headers === undefined ? [] : headerIssues(body.headers)),
    ]);
  }
}
