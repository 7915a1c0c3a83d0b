import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

/**
 * Transaction-scoped advisory locks that serialise ingest batches touching the same person or company across
 * instances (no row exists yet to lock for a person or an organization about to be created). Keys are hashed
 * into their own lock space and taken in hash order, so two batches never wait for each other in a cycle;
 * a hash collision only makes two unrelated batches wait.
 */
@Injectable()
export class IngestLockRepository {
  constructor(private readonly tx: TransactionHost) {}

  async lock(keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    await this.tx.manager.query(
      `SELECT count(pg_advisory_xact_lock(hashtext('leads.ingest'), h))
         FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS hashed`,
      [keys],
    );
  }
}
