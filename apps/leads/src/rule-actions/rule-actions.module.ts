import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module';
import { LeadsModule } from '../leads/leads.module';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RuleActionsMessageController } from './rule-actions.message-controller';
import { RuleActionsService } from './rule-actions.service';

/** Commands automation rules send to leads (api.md §12). */
@Module({
  imports: [LeadsModule, DealsModule, PipelinesModule],
  controllers: [RuleActionsMessageController],
  providers: [RuleActionsService],
})
export class RuleActionsModule {}
