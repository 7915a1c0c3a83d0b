import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger, PeriodicTask, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { AutomationConfig } from '../config/automation.config';
import { AutomationRulesRepository } from './automation-rules.repository';
import { RuleFiringService } from './rule-firing.service';
import { RuleStateRepository } from './rule-state.repository';

const DAY_MS = 86_400_000;
/** Deals fired per rule and query; a sweep continues until fewer are left. */
const BATCH_SIZE = 200;

export interface SweepResult {
  /** false when another instance held the sweep: this call did nothing. */
  ran: boolean;
  fired: number;
}

/**
 * `time_in_stage` rules (api.md §12): once per deal per stage entry, when the deal has been in the stage for
 * `days`. Checked hourly by one instance at a time (a PostgreSQL advisory lock); each firing's log row is the
 * proof it happened, so a later sweep skips it.
 */
@Injectable()
export class TimeInStageSweepService {
  private readonly log: Logger;

  constructor(
    private readonly rules: AutomationRulesRepository,
    private readonly state: RuleStateRepository,
    private readonly firing: RuleFiringService,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('time-in-stage-sweep');
  }

  async sweep(now: Date = new Date()): Promise<SweepResult> {
    return this.tx.transaction(async () => {
      if (!(await this.state.trySweepLock())) return { ran: false, fired: 0 };
      let fired = 0;
      for (const rule of await this.rules.activeOfType('time_in_stage')) {
        const config = rule.trigger_config as { days: number; stage_id?: string };
        const stageId = config.stage_id ?? rule.stage_id;
        const cutoff = new Date(now.getTime() - config.days * DAY_MS);
        for (;;) {
          const due = await this.state.dueDeals(rule.id, stageId, rule.pipeline_id, cutoff, BATCH_SIZE);
          fired += await this.firing.fire(
            due.map((deal) => ({
              rule,
              occurrenceKey: `${deal.deal_id}:${deal.stage_entry_key}`,
              leadId: deal.lead_id,
              deal: { id: deal.deal_id, name: null, value: null, currency: null },
              triggerData: {
                deal_id: deal.deal_id,
                stage_id: deal.stage_id,
                entered_at: new Date(deal.entered_at).toISOString(),
                days: config.days,
              },
            })),
          );
          if (due.length < BATCH_SIZE) break;
        }
      }
      if (fired) this.log.info({ fired }, 'time-in-stage rules fired');
      return { ran: true, fired };
    });
  }
}

/** Runs the sweep every RULES_SWEEP_INTERVAL_MS (hourly by default) until shutdown. */
@Injectable()
export class TimeInStageSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    sweep: TimeInStageSweepService,
    private readonly config: AutomationConfig,
    logger: AppLogger,
  ) {
    this.task = new PeriodicTask(
      'time-in-stage sweep',
      () => sweep.sweep().then((result) => result.fired),
      logger.child('time-in-stage-sweeper'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.RULES_SWEEP_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
