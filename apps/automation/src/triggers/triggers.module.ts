import { Module } from '@nestjs/common';
import { StageTriggersMessageController } from './stage-triggers.message-controller';
import { StageTriggersRepository } from './stage-triggers.repository';
import { StageTriggersService } from './stage-triggers.service';

@Module({
  controllers: [StageTriggersMessageController],
  providers: [StageTriggersService, StageTriggersRepository],
  exports: [StageTriggersRepository],
})
export class TriggersModule {}
