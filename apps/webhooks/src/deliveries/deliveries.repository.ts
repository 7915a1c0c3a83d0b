import { Injectable } from '@nestjs/common';
import { Keyset, readKeysetPage, TransactionHost, type KeysetRead, type PageRequest } from '@crm/service-kit';
import type { Repository } from 'typeorm';
import { DeliveryAttemptEntity } from './delivery-attempt.entity';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity';

/** A delivery to create: for one subscription, one event. */
export interface NewDelivery {
  subscription_id: string;
  event_id: string;
  event_type: string;
  body: string;
  lead_id: string | null;
  redelivery_of?: string | null;
}

/** How an attempt ended, as stored. */
export interface AttemptRecord {
  attemptedAt: Date;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  responseStatus: number | null;
  responseBodyExcerpt: string | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryFilter {
  status?: string;
  event_type?: string;
  since?: string;
  until?: string;
}

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo(): Repository<DeliveryEntity> {
    return this.tx.manager.getRepository(DeliveryEntity);
  }

  /**
   * Inserts the deliveries due now. An event already delivered to a subscription (a redelivered message) adds
   * nothing. Returns the ids of the rows created.
   */
  async insertDue(deliveries: NewDelivery[]): Promise<string[]> {
    if (!deliveries.length) return [];
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO webhook_delivery (subscription_id, event_id, event_type, body, lead_id, redelivery_of, status,
                                     next_attempt_at)
       SELECT d.subscription_id, d.event_id, d.event_type, d.body, d.lead_id, d.redelivery_of, 'pending', now()
         FROM jsonb_to_recordset($1::jsonb)
           AS d(subscription_id uuid, event_id text, event_type text, body text, lead_id uuid, redelivery_of uuid)
       ON CONFLICT (subscription_id, event_id) WHERE redelivery_of IS NULL DO NOTHING
       RETURNING id`,
      [JSON.stringify(deliveries.map((d) => ({ ...d, redelivery_of: d.redelivery_of ?? null })))],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Claims up to `limit` due deliveries of active subscriptions for this caller: they get its `token` and are
   * not due again before `leaseMs` has passed. Rows another instance is claiming are skipped, not waited for, so
   * several instances never send the same attempt; a claim whose holder died lapses and the attempt is made again.
   */
  async claimDue(limit: number, leaseMs: number, token: string): Promise<DeliveryEntity[]> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [Record<string, unknown>[], number] = await this.tx.manager.query(
      `UPDATE webhook_delivery d
          SET claim_token = $3, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
        WHERE d.id IN (
          SELECT due.id FROM webhook_delivery due
            JOIN webhook_subscription s ON s.id = due.subscription_id
           WHERE due.next_attempt_at <= now() AND due.status IN ('pending', 'failed')
             AND s.is_active AND s.deleted_at IS NULL
           ORDER BY due.next_attempt_at
           LIMIT $1
           FOR UPDATE OF due SKIP LOCKED)
       RETURNING d.*`,
      [limit, leaseMs, token],
    );
    return rows.map((row) => this.repo.create(row as Partial<DeliveryEntity>));
  }

  /**
   * Stores an attempt's outcome if this caller still holds the claim (a lapsed claim taken over by another
   * instance, or a cancellation, wins). Returns whether it was stored.
   */
  async recordAttempt(deliveryId: string, token: string, record: AttemptRecord): Promise<boolean> {
    const [, updated]: [unknown, number] = await this.tx.manager.query(
      `UPDATE webhook_delivery
          SET status = $3, attempts = attempts + 1, next_attempt_at = $4, claim_token = NULL, last_attempt_at = $5,
              response_status = $6, response_body_excerpt = $7, duration_ms = $8, error = $9
        WHERE id = $1 AND claim_token = $2 AND status IN ('pending', 'failed')`,
      [
        deliveryId,
        token,
        record.status,
        record.nextAttemptAt,
        record.attemptedAt,
        record.responseStatus,
        record.responseBodyExcerpt,
        record.durationMs,
        record.error,
      ],
    );
    if (!updated) return false;
    await this.tx.manager.getRepository(DeliveryAttemptEntity).insert({
      delivery_id: deliveryId,
      attempted_at: record.attemptedAt,
      response_status: record.responseStatus,
      duration_ms: record.durationMs,
      error: record.error,
    });
    return true;
  }

  findById(id: string): Promise<DeliveryEntity | null> {
    return this.repo
      .createQueryBuilder('d')
      .innerJoin('webhook_subscription', 's', 's.id = d.subscription_id AND s.deleted_at IS NULL')
      .where('d.id = :id', { id })
      .getOne();
  }

  attemptsOf(deliveryId: string): Promise<DeliveryAttemptEntity[]> {
    return this.tx.manager
      .getRepository(DeliveryAttemptEntity)
      .find({ where: { delivery_id: deliveryId }, order: { attempted_at: 'ASC', id: 'ASC' } });
  }

  /** A subscription's deliveries, newest first, by page or by cursor (api.md §1.4). */
  list(
    subscriptionId: string,
    filter: DeliveryFilter,
    request: PageRequest,
  ): Promise<KeysetRead<DeliveryEntity>> {
    const keyset = new Keyset(
      {
        list: 'webhook-deliveries',
        sortBy: 'created_at',
        direction: 'desc',
        columns: [{ sql: 'd.created_at', type: 'timestamptz' }],
        id: 'd.id',
      },
      request,
    );
    const qb = this.filtered(subscriptionId, filter);
    qb.orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'DESC');
    return readKeysetPage(qb, keyset);
  }

  /** Deliveries of a subscription in a status and time range, oldest first (bulk redelivery). */
  findForRedelivery(subscriptionId: string, filter: DeliveryFilter): Promise<DeliveryEntity[]> {
    return this.filtered(subscriptionId, filter).orderBy('d.created_at', 'ASC').getMany();
  }

  private filtered(subscriptionId: string, filter: DeliveryFilter) {
    const qb = this.repo
      .createQueryBuilder('d')
      .where('d.subscription_id = :subscriptionId', { subscriptionId });
    // Cancelled deliveries show as `failed` (the API knows four statuses), so they are found as such.
    if (filter.status) {
      const statuses = filter.status === 'failed' ? ['failed', 'cancelled'] : [filter.status];
      qb.andWhere('d.status IN (:...statuses)', { statuses });
    }
    if (filter.event_type) qb.andWhere('d.event_type = :eventType', { eventType: filter.event_type });
    if (filter.since) qb.andWhere('d.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('d.created_at <= :until', { until: filter.until });
    return qb;
  }
}
