import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { DeadLetterEntity } from './dead-letter.entity';

export type NewDeadLetter = Pick<
  DeadLetterEntity,
  | 'consumer'
  | 'subject'
  | 'messageId'
  | 'type'
  | 'reason'
  | 'deliveryCount'
  | 'streamSequence'
  | 'lastError'
  | 'payload'
>;

@Injectable()
export class DeadLetterRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Records the message as dead unless it already is: returns the row id when it became dead now (new, or
   * requeued earlier and failed again), null when a dead letter for it already stood (a redelivery).
   */
  async recordOnce(letter: NewDeadLetter): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO dead_letter (consumer, subject, message_id, type, reason, delivery_count, stream_sequence,
                                last_error, payload, last_failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (consumer, (coalesce(message_id, 'seq:' || stream_sequence::text)))
       DO UPDATE SET status = 'dead', reason = EXCLUDED.reason, delivery_count = EXCLUDED.delivery_count,
                     stream_sequence = EXCLUDED.stream_sequence, last_error = EXCLUDED.last_error,
                     payload = EXCLUDED.payload, last_failed_at = now()
         WHERE dead_letter.status = 'requeued'
       RETURNING id`,
      [
        letter.consumer,
        letter.subject,
        letter.messageId,
        letter.type,
        letter.reason,
        letter.deliveryCount,
        letter.streamSequence,
        letter.lastError,
        letter.payload,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async list(filter: { status?: 'dead' | 'requeued'; subject?: string }, page: number, limit: number) {
    const [rows, total] = await this.tx.manager.getRepository(DeadLetterEntity).findAndCount({
      where: {
        ...(filter.status && { status: filter.status }),
        ...(filter.subject && { subject: filter.subject }),
      },
      order: { createdAt: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { rows, total };
  }

  async find(id: string): Promise<DeadLetterEntity | null> {
    return this.tx.manager.getRepository(DeadLetterEntity).findOneBy({ id });
  }

  async markRequeued(id: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE dead_letter SET status = 'requeued', requeue_count = requeue_count + 1, requeued_at = now() WHERE id = $1`,
      [id],
    );
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.tx.manager.getRepository(DeadLetterEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
