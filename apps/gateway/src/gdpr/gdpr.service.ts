import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Queries, type ErasureView } from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** The counts api.md §17 reports, summed over every service's confirmation. */
const DELETED_RECORD_KINDS = [
  'events',
  'score_history',
  'intent_signals',
  'deals',
  'tasks',
  'notes',
  'trigger_runs',
  'mappings',
] as const;

const POLL_INTERVAL_MS = 100;

export type ErasureOutcome =
  { completed: true; erasure: ErasureView } | { completed: false; erasure: ErasureView };

/** GDPR erasure (api.md §17): leads erases and fans out; the gateway waits a while for every confirmation. */
@Injectable()
export class GdprService {
  constructor(
    private readonly rpc: GatewayRpc,
    private readonly config: GatewayConfig,
  ) {}

  /** Starts (or finds) the lead's erasure and waits up to GDPR_ERASE_WAIT_MS for it to complete. */
  async erase(principal: Principal, leadId: string): Promise<ErasureOutcome> {
    let erasure = await this.rpc.request<ErasureView>(Queries.LeadsEraseLead, {
      actor: actorOf(principal),
      lead_id: leadId,
    });
    const deadline = Date.now() + this.config.GDPR_ERASE_WAIT_MS;
    while (erasure.status !== 'completed' && Date.now() < deadline) {
      await sleep(POLL_INTERVAL_MS);
      erasure = await this.erasure(erasure.erasure_id);
    }
    return { completed: erasure.status === 'completed', erasure };
  }

  erasure(id: string): Promise<ErasureView> {
    return this.rpc.request<ErasureView>(Queries.LeadsGetErasure, { id });
  }
}

/** `deleted_records` of the 200 answer: each documented kind, summed over the services. */
export function deletedRecordsOf(
  erasure: ErasureView,
): Record<(typeof DELETED_RECORD_KINDS)[number], number> {
  const totals = Object.fromEntries(DELETED_RECORD_KINDS.map((kind) => [kind, 0])) as Record<
    (typeof DELETED_RECORD_KINDS)[number],
    number
  >;
  for (const { deleted_records } of Object.values(erasure.services)) {
    for (const kind of DELETED_RECORD_KINDS) totals[kind] += deleted_records?.[kind] ?? 0;
  }
  return totals;
}
