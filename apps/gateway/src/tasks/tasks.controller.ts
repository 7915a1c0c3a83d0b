import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type Page,
  type TaskStatisticsView,
  type TaskView,
  CreateTaskBody,
  ListTasksQuery,
  TaskCalendarQuery,
  TaskGroupedQuery,
  TaskStatisticsQuery,
  TasksDueSoonQuery,
  TasksOverdueQuery,
  UpdateTaskBody,
} from '@crm/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { TasksService } from './tasks.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

type WithMessage = { data: TaskView; message: string };

/** api.md §13. The fixed paths come before `:id`, which would take them for an id. */
@Controller(API_PREFIX)
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get('tasks')
  @ContractQuery(ListTasksQuery)
  list(@Query() query: unknown): Promise<Page<TaskView>> {
    return this.tasks.list(query);
  }

  @Get('tasks/calendar')
  @ContractQuery(TaskCalendarQuery)
  calendar(@Query() query: unknown): Promise<{ data: TaskView[] }> {
    return this.tasks.calendar(query);
  }

  @Get('tasks/grouped')
  @ContractQuery(TaskGroupedQuery)
  grouped(@Query() query: unknown): Promise<{ data: Record<string, TaskView[]> }> {
    return this.tasks.grouped(query);
  }

  @Get('tasks/statistics')
  @ContractQuery(TaskStatisticsQuery)
  statistics(@Query() query: unknown): Promise<{ data: TaskStatisticsView }> {
    return this.tasks.statistics(query);
  }

  @Get('tasks/due-soon')
  @ContractQuery(TasksDueSoonQuery)
  dueSoon(
    @Query() query: unknown,
  ): Promise<{ data: TaskView[]; meta: { days_ahead: number; count: number } }> {
    return this.tasks.dueSoon(query);
  }

  @Get('tasks/overdue')
  @ContractQuery(TasksOverdueQuery)
  overdue(@Query() query: unknown): Promise<Page<TaskView>> {
    return this.tasks.overdue(query);
  }

  @Get('tasks/:id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<{ data: TaskView }> {
    return this.tasks.get(id);
  }

  @Get('leads/:leadId/tasks')
  ofLead(
    @Param('leadId', new UuidParamPipe('leadId')) leadId: string,
  ): Promise<{ data: TaskView[]; meta: { lead_id: string; count: number } }> {
    return this.tasks.ofLead(leadId);
  }

  @Get('deals/:dealId/tasks')
  ofDeal(
    @Param('dealId', new UuidParamPipe('dealId')) dealId: string,
  ): Promise<{ data: TaskView[]; meta: { deal_id: string; count: number } }> {
    return this.tasks.ofDeal(dealId);
  }

  @Post('tasks')
  @HttpCode(201)
  @ContractBody(CreateTaskBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<WithMessage> {
    return this.tasks.create(principal, body);
  }

  @Patch('tasks/:id')
  @ContractBody(UpdateTaskBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<WithMessage> {
    return this.tasks.update(principal, id, body);
  }

  @Post('tasks/:id/complete')
  @HttpCode(200)
  complete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<WithMessage> {
    return this.tasks.transition(principal, id, 'complete');
  }

  @Post('tasks/:id/cancel')
  @HttpCode(200)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<WithMessage> {
    return this.tasks.transition(principal, id, 'cancel');
  }

  @Post('tasks/:id/reopen')
  @HttpCode(200)
  reopen(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<WithMessage> {
    return this.tasks.transition(principal, id, 'reopen');
  }

  @Delete('tasks/:id')
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<{ message: string }> {
    return this.tasks.delete(principal, id);
  }
}
