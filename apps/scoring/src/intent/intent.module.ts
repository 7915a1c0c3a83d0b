import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { IntentDetectionService } from './intent-detection.service';
import { IntentRulesMessageController } from './intent-rules.message-controller';
import { IntentRulesService } from './intent-rules.service';
import { IntentSignalRepository } from './intent-signal.repository';

/**
 * Intent detection. It lives in scoring rather than a service of its own: its rules are scoring rules by
 * another name (same event and field matching), it must see a lead's events in the order scoring applies them,
 * under the same per-lead lock, and its result travels with the score in one message to the leads read model.
 */
@Module({
  imports: [RulesModule],
  controllers: [IntentRulesMessageController],
  providers: [IntentSignalRepository, IntentDetectionService, IntentRulesService],
  exports: [IntentDetectionService, IntentRulesService],
})
export class IntentModule {}
