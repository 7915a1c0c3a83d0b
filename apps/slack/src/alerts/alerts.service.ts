import { Injectable } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { Outbox, type OutboxMessage } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { SlackConfig } from '../config/slack.config';
import { SettingsService } from '../settings/settings.service';
import type { AlertCandidate, CrmLinks } from './alert-rules';
import { AlertRepository, type AlertRecord } from './alert.repository';

/**
 * Turns the alerts domain events raise (issue 8; api.md §15.6 `alerts`) into post-message commands for the
 * channel mapped to each alert type. Each alert is recorded once by its key in the handler's transaction, and
 * its command goes through the outbox with the idempotency key `slack.alert:<alert key>`, so the usual post
 * path applies (targets, retries on 429/5xx, message log) and a redelivered event posts nothing twice. An alert
 * whose type has no channel mapped (or while Slack is disabled) is recorded as `skipped` and never sent.
 */
@Injectable()
export class AlertsService {
  private readonly log: Logger;
  readonly links: CrmLinks;

  constructor(
    private readonly settings: SettingsService,
    private readonly alerts: AlertRepository,
    private readonly outbox: Outbox,
    config: SlackConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('slack-alerts');
    const appUrl = config.SLACK_CRM_APP_URL?.replace(/\/+$/, '');
    this.links = appUrl
      ? { lead: (id) => `${appUrl}/leads/${id}`, deal: (id) => `${appUrl}/deals/${id}` }
      : null;
  }

  /** Runs in the batch handler's transaction; candidates in stream order. */
  async raise(candidates: readonly AlertCandidate[]): Promise<void> {
    const unique = [...new Map(candidates.map((c) => [c.key, c])).values()];
    if (!unique.length) return;
    const settings = await this.settings.current();
    const records: AlertRecord[] = unique.map((c) => {
      const channel = settings.enabled ? (settings.alerts[c.type] ?? null) : null;
      return {
        alertKey: c.key,
        alertType: c.type,
        leadId: c.leadId,
        channel,
        status: channel ? 'queued' : 'skipped',
        skipReason: channel ? null : settings.enabled ? 'no_channel' : 'disabled',
        messageKey: channel ? `slack.alert:${c.key}` : null,
      };
    });
    const inserted = await this.alerts.insertNew(records);
    const commands: OutboxMessage[] = [];
    records.forEach((record, i) => {
      if (!inserted.has(record.alertKey) || !record.channel || !record.messageKey) return;
      const alert = unique[i];
      commands.push({
        subject: Subjects.SlackPostMessage,
        data: {
          channel: record.channel,
          text: alert.message.text,
          blocks: alert.message.blocks,
          // Names the lead id, so a GDPR erasure finds the queued command (its text may name the person).
          reference: `alert:${alert.type}:${alert.leadId ?? alert.key}`.slice(0, 255),
        },
        options: { idempotencyKey: record.messageKey, causedBy: alert.cause },
      });
    });
    await this.outbox.publishMany(commands);
    const skipped = records.filter((r) => inserted.has(r.alertKey) && r.status === 'skipped').length;
    if (commands.length || skipped) {
      this.log.info(
        { queued: commands.length, skipped, duplicates: records.length - inserted.size },
        'slack alerts raised',
      );
    }
  }
}
