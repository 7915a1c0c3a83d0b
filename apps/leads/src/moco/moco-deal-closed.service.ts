import { Injectable } from '@nestjs/common';
import { BusinessRuleError, NotFoundError, type MocoDealClosedV1 } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { DealsService } from '../deals/deals.service';

/**
 * api.md §15.5: a mapped MOCO deal set to won or lost closes the CRM deal if it is still open; a deal already
 * closed, or gone, is left as it is (MOCO's webhook order is not guaranteed).
 */
@Injectable()
export class MocoDealClosedService {
  private readonly log: Logger;

  constructor(
    private readonly deals: DealsService,
    logger: AppLogger,
  ) {
    this.log = logger.child('moco-deal-closed');
  }

  async close(event: MocoDealClosedV1): Promise<void> {
    try {
      await this.deals.closeDeal({
        deal_id: event.deal_id,
        body: { status: event.status, close_reason: `Closed as ${event.status} in MOCO` },
        actor: { type: 'system', id: null, name: 'moco' },
      });
    } catch (error) {
      if (!(error instanceof NotFoundError) && !(error instanceof BusinessRuleError)) throw error;
      this.log.info(
        { deal_id: event.deal_id, status: event.status },
        'MOCO closed a deal that is not open here; ignored',
      );
    }
  }
}
