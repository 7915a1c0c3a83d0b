import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm';
import { TransactionHost } from '@crm/service-kit';
import { LeadEventEntity } from './lead-event.entity';

@Injectable()
export class LeadEventRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(LeadEventEntity);
  }

  async exists(source: string, eventId: string): Promise<boolean> {
    return this.repo.existsBy({ source, eventId });
  }

  /** Stores the event unless `(source, event_id)` is already recorded; returns whether it was stored. */
  async insertIfAbsent(event: Omit<LeadEventEntity, 'id' | 'createdAt'>): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(LeadEventEntity)
      // jsonb metadata is a plain object; TypeORM's deep-partial type cannot express Record<string, unknown>.
      .values(event as QueryDeepPartialEntity<LeadEventEntity>)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** The points scoring applied for one event of a lead. */
  async setScorePoints(leadId: string, eventId: string, points: number): Promise<void> {
    await this.repo.update({ leadId, eventId }, { scorePoints: points });
  }
}
