import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Consumers, Subjects, type Subject } from '@crm/contracts';
import { redeliveryDelayMs } from '@crm/messaging';
import { BaseServiceConfig } from '@crm/service-kit';

/** The commands trigger runs send: a run waits for the slowest executor's whole retry schedule. */
const ACTION_COMMANDS: Subject[] = [
  Subjects.SlackPostMessage,
  Subjects.MailerSendEmail,
  Subjects.CituroSendBooking,
  Subjects.MocoSync,
  Subjects.LeadsCreateTask,
];

/**
 * The longest a command can legitimately take: the backoff before each redelivery plus an ack wait per delivery,
 * for the slowest executor (moco, whose ack wait covers its rate budget). A run waiting longer for its result is
 * not going to get one.
 */
export const ACTION_RETRY_WINDOW_MINUTES = Math.max(
  ...Consumers.filter((c) => ACTION_COMMANDS.includes(c.subject)).map((consumer) =>
    Math.ceil(
      Array.from({ length: consumer.maxDeliver }, (_, i) =>
        i === 0 ? 0 : redeliveryDelayMs(consumer, i, 1),
      ).reduce((sum, ms) => sum + ms + consumer.ackWaitSeconds * 1000, 0) / 60_000,
    ),
  ),
);

/** Environment of the automation service (architecture.md, Configuration). */
export class AutomationConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) AUTOMATION_PORT = 3003;

  /** A run still `pending`/`running` this long after its last change is failed as `stale_run`. */
  @Type(() => Number)
  @IsInt()
  @Min(ACTION_RETRY_WINDOW_MINUTES, {
    message: `STALE_RUN_AFTER_MINUTES must be at least ${ACTION_RETRY_WINDOW_MINUTES}, the slowest executor's retry schedule (a shorter age would fail runs that are still being retried)`,
  })
  @Max(7 * 24 * 60)
  STALE_RUN_AFTER_MINUTES = 120;

  /** How often one instance looks for stale runs. */
  @Type(() => Number) @IsInt() @Min(100) @Max(3_600_000) STALE_RUN_SWEEP_INTERVAL_MS = 60_000;

  /** How often one instance checks `time_in_stage` automation rules (api.md §12: hourly). */
  @Type(() => Number) @IsInt() @Min(100) @Max(86_400_000) RULES_SWEEP_INTERVAL_MS = 3_600_000;
}
