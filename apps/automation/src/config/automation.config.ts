import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { consumersOf, Subjects } from '@crm/contracts';
import { redeliveryDelayMs } from '@crm/messaging';
import { BaseServiceConfig } from '@crm/service-kit';

const slackPostMessage = consumersOf('slack').find((c) => c.subject === Subjects.SlackPostMessage);
/**
 * The longest a Slack command can legitimately take: the backoff before each redelivery plus an ack wait per
 * delivery. A run waiting longer for its result is not going to get one.
 */
export const SLACK_RETRY_WINDOW_MINUTES = slackPostMessage
  ? Math.ceil(
      Array.from({ length: slackPostMessage.maxDeliver }, (_, i) =>
        i === 0 ? 0 : redeliveryDelayMs(slackPostMessage, i, 1),
      ).reduce((sum, ms) => sum + ms + slackPostMessage.ackWaitSeconds * 1000, 0) / 60_000,
    )
  : 0;

/** Environment of the automation service (architecture.md, Configuration). */
export class AutomationConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) AUTOMATION_PORT = 3003;

  /** A run still `pending`/`running` this long after its last change is failed as `stale_run`. */
  @Type(() => Number)
  @IsInt()
  @Min(SLACK_RETRY_WINDOW_MINUTES, {
    message: `STALE_RUN_AFTER_MINUTES must be at least ${SLACK_RETRY_WINDOW_MINUTES}, the Slack retry schedule's total (a shorter age would fail runs that are still being retried)`,
  })
  @Max(7 * 24 * 60)
  STALE_RUN_AFTER_MINUTES = 120;

  /** How often one instance looks for stale runs. */
  @Type(() => Number) @IsInt() @Min(100) @Max(3_600_000) STALE_RUN_SWEEP_INTERVAL_MS = 60_000;

  /** How often one instance checks `time_in_stage` automation rules (api.md §12: hourly). */
  @Type(() => Number) @IsInt() @Min(100) @Max(86_400_000) RULES_SWEEP_INTERVAL_MS = 3_600_000;
}
