import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { MailerStatusView } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { MAIL_TRANSPORT, type MailTransport } from './smtp/mail-transport';

/**
 * Whether the SMTP server answers. It is not a readiness check: the service is ready without it (commands then
 * retry and finally fail visibly), so `npm start` works on a machine without an SMTP server.
 */
@Injectable()
export class MailerStatusService implements OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    logger: AppLogger,
  ) {
    this.log = logger.child('smtp-status');
  }

  async status(): Promise<MailerStatusView> {
    return { configured: true, connected: await this.transport.verify() };
  }

  /** Says at start whether the SMTP server answers, without holding the start up. */
  onApplicationBootstrap(): void {
    void this.transport.verify().then((connected) => {
      if (connected) this.log.info('SMTP server answers');
      else this.log.warn('SMTP server does not answer; emails will be retried until it does');
    });
  }
}
