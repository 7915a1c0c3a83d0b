import { Injectable } from '@nestjs/common';
import {
  CreateTaskBody,
  ListTasksQuery,
  Queries,
  TaskCalendarQuery,
  TaskGroupedQuery,
  TaskStatisticsQuery,
  TasksDueSoonQuery,
  TasksOverdueQuery,
  UpdateTaskBody,
  type Page,
  type TaskStatisticsView,
  type TaskTransition,
  type TaskView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

type WithMessage = { data: TaskView; message: string };

/** Tasks are owned by the leads service (api.md §13); the gateway validates and forwards. */
@Injectable()
export class TasksService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<TaskView>> {
    return this.rpc.request(Queries.LeadsListTasks, validateInput(ListTasksQuery, query));
  }

  get(id: string): Promise<{ data: TaskView }> {
    return this.rpc.request(Queries.LeadsGetTask, { id });
  }

  calendar(query: unknown): Promise<{ data: TaskView[] }> {
    return this.rpc.request(Queries.LeadsTaskCalendar, validateInput(TaskCalendarQuery, query));
  }

  grouped(query: unknown): Promise<{ data: Record<string, TaskView[]> }> {
    return this.rpc.request(Queries.LeadsTasksGrouped, validateInput(TaskGroupedQuery, query));
  }

  statistics(query: unknown): Promise<{ data: TaskStatisticsView }> {
    return this.rpc.request(Queries.LeadsTaskStatistics, validateInput(TaskStatisticsQuery, query));
  }

  dueSoon(query: unknown): Promise<{ data: TaskView[]; meta: { days_ahead: number; count: number } }> {
    return this.rpc.request(Queries.LeadsTasksDueSoon, validateInput(TasksDueSoonQuery, query));
  }

  overdue(query: unknown): Promise<Page<TaskView>> {
    return this.rpc.request(Queries.LeadsTasksOverdue, validateInput(TasksOverdueQuery, query));
  }

  ofLead(leadId: string): Promise<{ data: TaskView[]; meta: { lead_id: string; count: number } }> {
    return this.rpc.request(Queries.LeadsTasksOfLead, { id: leadId });
  }

  ofDeal(dealId: string): Promise<{ data: TaskView[]; meta: { deal_id: string; count: number } }> {
    return this.rpc.request(Queries.LeadsTasksOfDeal, { id: dealId });
  }

  create(principal: Principal, body: unknown): Promise<WithMessage> {
    return this.rpc.request(Queries.LeadsCreateTask, {
      actor: actorOf(principal),
      body: validateInput(CreateTaskBody, body),
    });
  }

  update(principal: Principal, id: string, body: unknown): Promise<WithMessage> {
    return this.rpc.request(Queries.LeadsUpdateTask, {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdateTaskBody, body),
    });
  }

  transition(principal: Principal, id: string, transition: TaskTransition): Promise<WithMessage> {
    return this.rpc.request(Queries.LeadsTransitionTask, { actor: actorOf(principal), id, transition });
  }

  delete(principal: Principal, id: string): Promise<{ message: string }> {
    return this.rpc.request(Queries.LeadsDeleteTask, { actor: actorOf(principal), id });
  }
}
