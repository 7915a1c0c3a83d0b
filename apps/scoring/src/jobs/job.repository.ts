import { Injectable } from '@nestjs/common';
import type { ActorRef } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';

export type JobKind = 'expiry' | 'recalculation';
export type JobStatus = 'running' | 'succeeded' | 'failed';

export interface JobRow {
  id: string;
  kind: JobKind;
  slot: string | null;
  status: JobStatus;
  requested_by: ActorRef | null;
  total: number;
  done: number;
  changed: number;
  skipped: number;
  cursor: string | null;
  error: string | null;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
}

export interface JobProgress {
  done: number;
  changed: number;
  skipped: number;
  cursor: string | null;
}

@Injectable()
export class JobRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** A new running job; null when `slot` is taken (another instance runs, or ran, that scheduled job). */
  async create(job: {
    kind: JobKind;
    slot: string | null;
    requestedBy: ActorRef | null;
    total: number;
  }): Promise<JobRow | null> {
    const rows: JobRow[] = await this.tx.manager.query(
      `INSERT INTO jobs (kind, slot, requested_by, total) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (slot) DO NOTHING
       RETURNING *`,
      [job.kind, job.slot, job.requestedBy ? JSON.stringify(job.requestedBy) : null, job.total],
    );
    return rows[0] ?? null;
  }

  /** Records progress; it doubles as the heartbeat that tells other instances the job is alive. */
  async progress(id: string, progress: JobProgress): Promise<void> {
    await this.tx.manager.query(
      `UPDATE jobs SET done = $2, changed = $3, skipped = $4, cursor = $5, heartbeat_at = now() WHERE id = $1`,
      [id, progress.done, progress.changed, progress.skipped, progress.cursor],
    );
  }

  async finish(
    id: string,
    status: Exclude<JobStatus, 'running'>,
    error: string | null = null,
  ): Promise<void> {
    await this.tx.manager.query(
      `UPDATE jobs SET status = $2, error = $3, finished_at = now(), heartbeat_at = now() WHERE id = $1`,
      [id, status, error],
    );
  }

  async find(id: string): Promise<JobRow | null> {
    const rows: JobRow[] = await this.tx.manager.query(`SELECT * FROM jobs WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Running jobs whose instance stopped beating for `staleSeconds` (it crashed or was stopped mid-run): taken
   * over by this caller, one taker per job (the heartbeat moves in the same statement).
   */
  async takeOverStale(staleSeconds: number): Promise<JobRow[]> {
    return this.tx.manager.query(
      `WITH stale AS (
         SELECT id FROM jobs WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)
         FOR UPDATE SKIP LOCKED
       ), taken AS (
         UPDATE jobs j SET heartbeat_at = now() FROM stale WHERE j.id = stale.id RETURNING j.*
       )
       SELECT * FROM taken`,
      [staleSeconds],
    );
  }

  /** Leads known to scoring, in id order after `cursor`: the pages a recalculation walks. */
  async leadPage(cursor: string | null, limit: number): Promise<string[]> {
    // Two statements rather than `$1 IS NULL OR lead_id > $1`, which keeps the planner off the primary key and
    // made every page sort the whole table.
    const rows: { lead_id: string }[] =
      cursor === null
        ? await this.tx.manager.query(`SELECT lead_id FROM lead_scores ORDER BY lead_id LIMIT $1`, [limit])
        : await this.tx.manager.query(
            `SELECT lead_id FROM lead_scores WHERE lead_id > $1 ORDER BY lead_id LIMIT $2`,
            [cursor, limit],
          );
    return rows.map((row) => row.lead_id);
  }

  async countLeads(): Promise<number> {
    const [row]: { n: number }[] = await this.tx.manager.query(`SELECT count(*)::int AS n FROM lead_scores`);
    return row.n;
  }
}
