import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module';
import { RuleActionsMessageController } from './rule-actions.message-controller';
import { RuleActionsService } from './rule-actions.service';

/** Commands automation rules send to leads (api.md §12). */
@Module({
  imports: [LeadsModule],
  controllers: [RuleActionsMessageController],
  providers: [RuleActionsService],
})
export class RuleActionsModule {}
