import { Module } from '@nestjs/common';
import { AutomationRulesMessageController } from './automation-rules.message-controller';
import { AutomationRulesRepository } from './automation-rules.repository';
import { AutomationRulesService } from './automation-rules.service';
import { DealStagesService } from './deal-stages.service';
import { LeadsDirectory } from './leads-directory';
import { RuleActionDispatcher } from './rule-action.dispatcher';
import { RuleCausesMessageController, RuleResultsMessageController } from './rule-causes.message-controller';
import { RuleFiringService } from './rule-firing.service';
import { RuleLogsRepository } from './rule-logs.repository';
import { RuleResultsService } from './rule-results.service';
import { RuleStateRepository } from './rule-state.repository';
import { RuleTriggersService } from './rule-triggers.service';
import { TimeInStageSweeper, TimeInStageSweepService } from './time-in-stage.sweep';

/** Global automation rules (api.md §12). */
@Module({
  controllers: [AutomationRulesMessageController, RuleCausesMessageController, RuleResultsMessageController],
  providers: [
    AutomationRulesService,
    AutomationRulesRepository,
    RuleLogsRepository,
    RuleStateRepository,
    LeadsDirectory,
    RuleActionDispatcher,
    RuleFiringService,
    RuleTriggersService,
    DealStagesService,
    RuleResultsService,
    TimeInStageSweepService,
    TimeInStageSweeper,
  ],
  exports: [TimeInStageSweepService],
})
export class RulesModule {}
