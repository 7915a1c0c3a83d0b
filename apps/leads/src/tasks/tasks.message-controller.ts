import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateTaskCommand,
  ListTasksQuery,
  Queries,
  TaskCalendarQuery,
  ByIdCommand,
  TaskGroupedQuery,
  TaskStatisticsQuery,
  TaskTransitionCommand,
  TasksDueSoonQuery,
  TasksOverdueQuery,
  UpdateTaskCommand,
  type Page,
  type TaskStatisticsView,
  type TaskView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { TasksService } from './tasks.service';

type WithMessage = { data: TaskView; message: string };

/** Tasks (api.md §13) for the gateway. */
@Controller()
export class TasksMessageController {
  constructor(private readonly tasks: TasksService) {}

  @OnRequest(Queries.LeadsListTasks)
  list(@Payload(ContractValidationPipe) query: ListTasksQuery): Promise<Page<TaskView>> {
    return this.tasks.list(query);
  }

  @OnRequest(Queries.LeadsGetTask)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<{ data: TaskView }> {
    return this.tasks.get(query.id);
  }

  @OnRequest(Queries.LeadsTasksOfLead)
  ofLead(
    @Payload(ContractValidationPipe) query: ByIdQuery,
  ): Promise<{ data: TaskView[]; meta: { lead_id: string; count: number } }> {
    return this.tasks.ofLead(query.id);
  }

  @OnRequest(Queries.LeadsTasksOfDeal)
  ofDeal(
    @Payload(ContractValidationPipe) query: ByIdQuery,
  ): Promise<{ data: TaskView[]; meta: { deal_id: string; count: number } }> {
    return this.tasks.ofDeal(query.id);
  }

  @OnRequest(Queries.LeadsTaskCalendar)
  calendar(@Payload(ContractValidationPipe) query: TaskCalendarQuery): Promise<{ data: TaskView[] }> {
    return this.tasks.calendar(query);
  }

  @OnRequest(Queries.LeadsTasksGrouped)
  grouped(
    @Payload(ContractValidationPipe) query: TaskGroupedQuery,
  ): Promise<{ data: Record<string, TaskView[]> }> {
    return this.tasks.grouped(query);
  }

  @OnRequest(Queries.LeadsTaskStatistics)
  statistics(
    @Payload(ContractValidationPipe) query: TaskStatisticsQuery,
  ): Promise<{ data: TaskStatisticsView }> {
    return this.tasks.statistics(query);
  }

  @OnRequest(Queries.LeadsTasksDueSoon)
  dueSoon(
    @Payload(ContractValidationPipe) query: TasksDueSoonQuery,
  ): Promise<{ data: TaskView[]; meta: { days_ahead: number; count: number } }> {
    return this.tasks.dueSoon(query);
  }

  @OnRequest(Queries.LeadsTasksOverdue)
  overdue(@Payload(ContractValidationPipe) query: TasksOverdueQuery): Promise<Page<TaskView>> {
    return this.tasks.overdue(query);
  }

  @OnRequest(Queries.LeadsCreateTask)
  create(@Payload(ContractValidationPipe) command: CreateTaskCommand): Promise<WithMessage> {
    return this.tasks.create(command);
  }

  @OnRequest(Queries.LeadsUpdateTask)
  update(@Payload(ContractValidationPipe) command: UpdateTaskCommand): Promise<WithMessage> {
    return this.tasks.update(command);
  }

  @OnRequest(Queries.LeadsTransitionTask)
  transition(@Payload(ContractValidationPipe) command: TaskTransitionCommand): Promise<WithMessage> {
    return this.tasks.transition(command);
  }

  @OnRequest(Queries.LeadsDeleteTask)
  delete(@Payload(ContractValidationPipe) command: ByIdCommand): Promise<{ message: string }> {
    return this.tasks.delete(command);
  }
}
