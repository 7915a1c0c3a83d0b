import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import type { StoredConfig } from './routing-config';

/** The single row of routing settings an admin changed (the rest are defaults). */
@Injectable()
export class RoutingConfigRepository {
  constructor(private readonly tx: TransactionHost) {}

  async read(): Promise<StoredConfig> {
    const rows: { config: StoredConfig }[] = await this.tx.manager.query(
      `SELECT config FROM routing_config WHERE id = 1`,
    );
    return rows[0]?.config ?? {};
  }

  /** Locks the row until the transaction ends, so two edits apply one after the other. */
  async readForUpdate(): Promise<StoredConfig> {
    const rows: { config: StoredConfig }[] = await this.tx.manager.query(
      `SELECT config FROM routing_config WHERE id = 1 FOR UPDATE`,
    );
    return rows[0]?.config ?? {};
  }

  async write(config: StoredConfig, updatedBy: string | null): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO routing_config (id, config, updated_by, updated_at) VALUES (1, $1, $2, now())
       ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, updated_by = EXCLUDED.updated_by,
                                      updated_at = now()`,
      [JSON.stringify(config), updatedBy],
    );
  }
}
