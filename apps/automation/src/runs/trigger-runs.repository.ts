import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Keyset, readKeysetPage, TransactionHost, type KeysetRead, type PageRequest } from '@crm/service-kit';
import type { TriggerAction, TriggerRunStatus } from '@crm/contracts';
import { TriggerRunEntity } from './trigger-run.entity';

export interface RunFilter {
  ids?: string[];
  deal_id?: string;
  lead_id?: string;
  stage_id?: string;
  trigger_id?: string;
  action?: TriggerAction;
  status?: TriggerRunStatus;
  dry_run?: boolean;
  since?: Date;
  until?: Date;
}

/** The only code touching the trigger_runs table; joins the caller's transaction. */
@Injectable()
export class TriggerRunsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(TriggerRunEntity);
  }

  /** Inserts unless a run with the same idempotency key exists; true when this call created it. */
  async insertIfAbsent(run: TriggerRunEntity): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(TriggerRunEntity)
      .values(run as QueryDeepPartialEntity<TriggerRunEntity>)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  findById(id: string): Promise<TriggerRunEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Locks the run until the transaction ends, so a result and a retry never interleave. */
  findByIdForUpdate(id: string): Promise<TriggerRunEntity | null> {
    return this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByKeyForUpdate(idempotencyKey: string): Promise<TriggerRunEntity | null> {
    return this.repo.findOne({
      where: { idempotency_key: idempotencyKey },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Takes the sweep for this transaction unless another instance holds it; false then. One sweeper at a time
   * keeps the work cheap; correctness does not depend on it (the rows are locked and re-checked).
   */
  async trySweepLock(): Promise<boolean> {
    const [row] = (await this.tx.manager.query(
      `SELECT pg_try_advisory_xact_lock(hashtext('automation.stale_run_sweep')) AS locked`,
    )) as { locked: boolean }[];
    return row.locked;
  }

  /**
   * Unfinished runs unchanged for `minutes` (by the database clock), oldest first, locked until the transaction
   * ends. A run locked by a result being applied right now is skipped: that result settles it.
   */
  findStaleForUpdate(minutes: number, limit: number): Promise<TriggerRunEntity[]> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.status IN (:...statuses)', { statuses: ['pending', 'running'] })
      .andWhere('r.updated_at < now() - make_interval(mins => :minutes)', { minutes })
      .orderBy('r.updated_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  async save(run: TriggerRunEntity): Promise<void> {
    await this.repo.save(run);
  }

  async insert(run: TriggerRunEntity): Promise<void> {
    await this.repo.insert(run as QueryDeepPartialEntity<TriggerRunEntity>);
  }

  /** Newest first (or oldest first with `asc`), one page by page (with the total) or by cursor (api.md §1.4). */
  list(
    filter: RunFilter,
    request: PageRequest,
    direction: 'asc' | 'desc',
  ): Promise<KeysetRead<TriggerRunEntity>> {
    const keyset = new Keyset(
      {
        list: 'trigger-runs',
        sortBy: 'created_at',
        direction,
        columns: [{ sql: 'r.created_at', type: 'timestamptz' }],
        id: 'r.id',
      },
      request,
    );
    const qb = this.repo.createQueryBuilder('r');
    if (filter.ids?.length) qb.andWhere('r.id IN (:...ids)', { ids: filter.ids });
    for (const key of ['deal_id', 'lead_id', 'stage_id', 'trigger_id', 'action', 'status'] as const) {
      if (filter[key] !== undefined) qb.andWhere(`r.${key} = :${key}`, { [key]: filter[key] });
    }
    if (filter.dry_run !== undefined) qb.andWhere('r.dry_run = :dry_run', { dry_run: filter.dry_run });
    if (filter.since) qb.andWhere('r.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('r.created_at <= :until', { until: filter.until });
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy('r.created_at', order).addOrderBy('r.id', order);
    return readKeysetPage(qb, keyset);
  }
}
