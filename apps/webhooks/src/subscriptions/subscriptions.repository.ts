import { Injectable } from '@nestjs/common';
import { Keyset, readKeysetPage, TransactionHost, type KeysetRead, type PageRequest } from '@crm/service-kit';
import type { Repository } from 'typeorm';
import { SubscriptionEntity } from './subscription.entity';

@Injectable()
export class SubscriptionsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo(): Repository<SubscriptionEntity> {
    return this.tx.manager.getRepository(SubscriptionEntity);
  }

  async insert(subscription: SubscriptionEntity): Promise<void> {
    await this.repo.insert(subscription);
  }

  async save(subscription: SubscriptionEntity): Promise<void> {
    await this.repo.save(subscription);
  }

  /** A subscription not deleted; `lock` holds it against a concurrent edit until commit. */
  findById(id: string, lock = false): Promise<SubscriptionEntity | null> {
    const qb = this.repo.createQueryBuilder('s').where('s.id = :id AND s.deleted_at IS NULL', { id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** Newest first, by page or by cursor (api.md §1.4). */
  list(filter: { is_active?: boolean }, request: PageRequest): Promise<KeysetRead<SubscriptionEntity>> {
    const keyset = new Keyset(
      {
        list: 'webhooks',
        sortBy: 'created_at',
        direction: 'desc',
        columns: [{ sql: 's.created_at', type: 'timestamptz' }],
        id: 's.id',
      },
      request,
    );
    const qb = this.repo.createQueryBuilder('s').where('s.deleted_at IS NULL');
    if (filter.is_active !== undefined) qb.andWhere('s.is_active = :active', { active: filter.is_active });
    qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id', 'DESC');
    return readKeysetPage(qb, keyset);
  }

  /** Active subscriptions that want this event type (by name or `*`). */
  findActiveFor(eventTypes: readonly string[]): Promise<SubscriptionEntity[]> {
    return this.repo
      .createQueryBuilder('s')
      .where('s.is_active AND s.deleted_at IS NULL')
      .andWhere(`(s.event_types && CAST(:types AS text[]) OR '*' = ANY(s.event_types))`, {
        types: eventTypes,
      })
      .getMany();
  }

  /** A deleted subscription sends nothing more: its deliveries not yet sent are cancelled. */
  async cancelPendingDeliveries(subscriptionId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE webhook_delivery SET status = 'cancelled', next_attempt_at = NULL, claim_token = NULL
        WHERE subscription_id = $1 AND status IN ('pending', 'failed')`,
      [subscriptionId],
    );
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE webhook_subscription SET last_delivery_at = GREATEST(last_delivery_at, $2) WHERE id = $1`,
      [id, at],
    );
  }

  /** Switched off by the service (e.g. `gone` after a 410); re-enabling through the API clears the reason. */
  async disable(id: string, reason: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE webhook_subscription SET is_active = false, disabled_reason = $2, updated_at = now() WHERE id = $1`,
      [id, reason],
    );
  }
}
