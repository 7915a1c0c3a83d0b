import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { WebhooksConfig } from '../config/webhooks.config';
import { HostResolver } from '../subscriptions/host-resolver';
import type { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { urlIssues } from '../subscriptions/subscription-policy';
import { SubscriptionSecrets } from '../subscriptions/subscription-secrets';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { DeliveriesRepository, type AttemptRecord } from './deliveries.repository';
import type { DeliveryEntity } from './delivery.entity';
import { nextRetryDelayMs } from './retry-schedule';
import { signatureHeader } from './sender/webhook-signature';
import { WebhookSender, type WebhookResponseOutcome } from './sender/webhook-sender';

export const USER_AGENT = 'DNA-ME-CRM-Webhooks/1';
/** A claim outlives the longest attempt by this much before another instance may try again. */
const CLAIM_MARGIN_MS = 30_000;

/**
 * Makes delivery attempts (api.md §16): claims due deliveries, POSTs each signed event, and stores the outcome
 * with the next attempt's time. A claim is committed before the POST and the outcome after it, so an instance
 * dying in between loses nothing: the claim lapses and the attempt is made again (receivers dedupe on webhook-id).
 */
@Injectable()
export class DeliveryAttemptsService {
  private readonly log: Logger;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly secrets: SubscriptionSecrets,
    private readonly sender: WebhookSender,
    private readonly outbox: Outbox,
    private readonly tx: TransactionHost,
    private readonly config: WebhooksConfig,
    private readonly resolver: HostResolver,
    logger: AppLogger,
  ) {
    this.log = logger.child('webhook-deliveries');
  }

  /** Claims and sends one round of due deliveries; returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const token = randomUUID();
    const claimed = await this.tx.transaction(() =>
      this.deliveries.claimDue(
        this.config.WEBHOOKS_DELIVERY_CONCURRENCY,
        this.config.WEBHOOKS_HTTP_TIMEOUT_MS + CLAIM_MARGIN_MS,
        token,
      ),
    );
    await Promise.all(claimed.map((delivery) => this.attempt(delivery, token)));
    return claimed.length;
  }

  private async attempt(delivery: DeliveryEntity, token: string): Promise<void> {
    const subscription = await this.subscriptions.findById(delivery.subscription_id);
    if (!subscription) return;
    const attemptedAt = new Date();
    const refusal = await this.refusalOf(subscription.url);
    const outcome = refusal
      ? { status: null, bodyExcerpt: null, retryAfterMs: null, durationMs: 0, error: refusal }
      : await this.sender.send(
          {
            url: subscription.url,
            headers: this.headersFor(subscription, delivery, attemptedAt),
            body: delivery.body,
          },
          this.config.WEBHOOKS_HTTP_TIMEOUT_MS,
        );
    await this.tx.transaction(() => this.record(subscription, delivery, token, attemptedAt, outcome));
  }

  /**
   * In production the URL's host is resolved again before each attempt: a name that pointed outside when the
   * subscription was saved may point into our network now (SSRF). The attempt then fails without a request.
   */
  private async refusalOf(url: string): Promise<string | null> {
    if (this.config.NODE_ENV !== 'production') return null;
    const [issue] = await urlIssues(url, true, (host) => this.resolver.resolve(host));
    return issue ? `refused: ${issue.message} (${issue.code})` : null;
  }

  /** Static headers first, so none of ours can be replaced by them. */
  private headersFor(
    subscription: SubscriptionEntity,
    delivery: DeliveryEntity,
    now: Date,
  ): Record<string, string> {
    const timestamp = Math.floor(now.getTime() / 1000);
    return {
      ...subscription.headers,
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(
        this.secrets.signingSecrets(subscription, now),
        delivery.event_id,
        timestamp,
        delivery.body,
      ),
    };
  }

  private async record(
    subscription: SubscriptionEntity,
    delivery: DeliveryEntity,
    token: string,
    attemptedAt: Date,
    outcome: WebhookResponseOutcome,
  ): Promise<void> {
    const status = outcome.status;
    const succeeded = status !== null && status >= 200 && status < 300;
    const gone = status === 410;
    const attempts = delivery.attempts + 1;
    const delay =
      succeeded || gone
        ? null
        : nextRetryDelayMs(attempts, {
            scale: this.config.MESSAGING_BACKOFF_SCALE,
            retryAfterMs: outcome.retryAfterMs ?? undefined,
          });
    const record: AttemptRecord = {
      attemptedAt,
      status: succeeded ? 'succeeded' : gone || delay !== null ? 'failed' : 'exhausted',
      nextAttemptAt: delay === null ? null : new Date(attemptedAt.getTime() + delay),
      responseStatus: status,
      responseBodyExcerpt: outcome.bodyExcerpt,
      durationMs: outcome.durationMs,
      error: outcome.error ?? (succeeded ? null : describeStatus(status)),
    };
    if (!(await this.deliveries.recordAttempt(delivery.id, token, record))) return;

    if (succeeded) await this.subscriptions.markDelivered(subscription.id, attemptedAt);
    if (gone) {
      // api.md §16: 410 Gone disables the subscription; its other deliveries wait until it is re-enabled.
      await this.subscriptions.disable(subscription.id, 'gone');
      this.log.warn(
        { subscription_id: subscription.id },
        'webhook endpoint answered 410; subscription disabled',
      );
    }
    if (record.status === 'exhausted') {
      await this.outbox.publish(Subjects.WebhookDeliveryExhausted, {
        delivery_id: delivery.id,
        subscription_id: subscription.id,
        url_host: new URL(subscription.url).host,
        event_id: delivery.event_id,
        event_type: delivery.event_type,
        attempts,
        response_status: status,
        error: record.error,
        exhausted_at: attemptedAt.toISOString(),
      });
      this.log.warn(
        { delivery_id: delivery.id, subscription_id: subscription.id },
        'webhook delivery exhausted',
      );
    }
  }
}

function describeStatus(status: number | null): string | null {
  if (status === null) return null;
  if (status >= 300 && status < 400) return `redirect (HTTP ${status}) is not followed`;
  return `HTTP ${status}`;
}
