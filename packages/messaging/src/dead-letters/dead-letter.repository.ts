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

  async add(letter: NewDeadLetter): Promise<DeadLetterEntity> {
    return this.tx.manager
      .getRepository(DeadLetterEntity)
      .save(this.tx.manager.create(DeadLetterEntity, letter));
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
