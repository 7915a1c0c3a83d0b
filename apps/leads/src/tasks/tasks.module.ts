import { Module } from '@nestjs/common';
import { TeamModule } from '../team/team.module';
import { TaskCommandsMessageController } from './task-commands.message-controller';
import { TaskCommandsService } from './task-commands.service';
import { TaskRepository } from './task.repository';
import { TasksMessageController } from './tasks.message-controller';
import { TasksService } from './tasks.service';

/** Tasks (api.md §13); routing writes first-contact tasks through the repository. */
@Module({
  imports: [TeamModule],
  controllers: [TasksMessageController, TaskCommandsMessageController],
  providers: [TaskRepository, TasksService, TaskCommandsService],
  exports: [TaskRepository, TasksService],
})
export class TasksModule {}
