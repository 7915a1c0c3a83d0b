import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  BusinessRuleError,
  NotFoundError,
  type CreateTaskCommand,
  type ListTasksQuery,
  type Page,
  type TaskCalendarQuery,
  type ByIdCommand,
  type TaskGroupedQuery,
  type TaskStatisticsQuery,
  type TaskStatisticsView,
  type TaskStatus,
  type TaskTransitionCommand,
  type TasksDueSoonQuery,
  type TasksOverdueQuery,
  type TaskView,
  type UpdateTaskCommand,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { TeamMemberRepository } from '../team/team-member.repository';
import { taskCompletedMessage, taskCreatedMessages } from './task.events';
import { OVERDUE, TaskRepository, type NewTask, type TaskFilter, type TaskRow } from './task.repository';

const DAY_MS = 24 * 3600 * 1000;
const CLOSED: readonly TaskStatus[] = ['completed', 'cancelled'];

/** Builds a WHERE over tasks `t` (and their assignee `m`) with numbered parameters. */
class FilterBuilder implements TaskFilter {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  add(condition: (param: (value: unknown) => string) => string): this {
    this.where.push(condition((value) => `$${this.params.push(value)}`));
    return this;
  }

  /** `assigned_to` is the assignee's email (api.md §13). */
  assignee(email: string | undefined): this {
    return email ? this.add((p) => `lower(m.email) = lower(${p(email)})`) : this;
  }
}

/** Tasks (api.md §13): by hand, by routing (first contact) and later by triggers and automation rules. */
@Injectable()
export class TasksService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly tasks: TaskRepository,
    private readonly members: TeamMemberRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('tasks');
  }

  async list(query: ListTasksQuery): Promise<Page<TaskView>> {
    const filter = new FilterBuilder().assignee(query.assigned_to);
    const equals = [
      ['lead_id', 't.lead_id'],
      ['deal_id', 't.deal_id'],
      ['status', 't.status'],
      ['task_type', 't.task_type'],
      ['priority', 't.priority'],
      ['created_by', 't.created_by'],
    ] as const;
    for (const [key, column] of equals) {
      const value = query[key];
      if (value !== undefined) filter.add((p) => `${column} = ${p(value)}`);
    }
    if (query.id?.length) filter.add((p) => `t.id = ANY(${p(query.id)}::uuid[])`);
    if (query.due_before) filter.add((p) => `t.due_date < ${p(query.due_before)}`);
    if (query.due_after) filter.add((p) => `t.due_date >= ${p(query.due_after)}`);
    if (query.overdue !== undefined)
      filter.add(() => (query.overdue ? OVERDUE : `NOT coalesce(${OVERDUE}, false)`));
    const sort = {
      list: 'tasks',
      by: query.sort_by ?? 'due_date',
      order: query.sort_order ?? 'asc',
    } as const;
    return (await this.tasks.page(filter, sort, query)).page(toTaskView);
  }

  async get(id: string): Promise<{ data: TaskView }> {
    return { data: toTaskView(await this.found(id)) };
  }

  async ofLead(leadId: string): Promise<{ data: TaskView[]; meta: { lead_id: string; count: number } }> {
    if (!(await this.tasks.leadExists(leadId))) throw new NotFoundError('Lead', leadId);
    const data = (await this.tasks.all(new FilterBuilder().add((p) => `t.lead_id = ${p(leadId)}`))).map(
      toTaskView,
    );
    return { data, meta: { lead_id: leadId, count: data.length } };
  }

  async ofDeal(dealId: string): Promise<{ data: TaskView[]; meta: { deal_id: string; count: number } }> {
    if (!(await this.tasks.leadOfDeal(dealId))) throw new NotFoundError('Deal', dealId);
    const data = (await this.tasks.all(new FilterBuilder().add((p) => `t.deal_id = ${p(dealId)}`))).map(
      toTaskView,
    );
    return { data, meta: { deal_id: dealId, count: data.length } };
  }

  async calendar(query: TaskCalendarQuery): Promise<{ data: TaskView[] }> {
    const filter = new FilterBuilder()
      .add((p) => `t.due_date >= ${p(query.start)} AND t.due_date < ${p(query.end)}`)
      .assignee(query.assigned_to);
    return { data: (await this.tasks.all(filter, 5000)).map(toTaskView) };
  }

  /** By assignee email ("unassigned" for none); without `status`, completed and cancelled tasks are left out. */
  async grouped(query: TaskGroupedQuery): Promise<{ data: Record<string, TaskView[]> }> {
    const filter = new FilterBuilder();
    if (query.status) filter.add((p) => `t.status = ${p(query.status)}`);
    else filter.add(() => `t.status IN ('open', 'in_progress')`);
    if (query.priority) filter.add((p) => `t.priority = ${p(query.priority)}`);
    const data: Record<string, TaskView[]> = {};
    for (const task of (await this.tasks.all(filter, 5000)).map(toTaskView)) {
      (data[task.assigned_to ?? 'unassigned'] ??= []).push(task);
    }
    return { data };
  }

  async statistics(query: TaskStatisticsQuery): Promise<{ data: TaskStatisticsView }> {
    return { data: await this.tasks.statistics(new FilterBuilder().assignee(query.assigned_to)) };
  }

  async dueSoon(
    query: TasksDueSoonQuery,
  ): Promise<{ data: TaskView[]; meta: { days_ahead: number; count: number } }> {
    const until = new Date(Date.now() + query.days * DAY_MS);
    const filter = new FilterBuilder()
      .add((p) => `t.due_date >= now() AND t.due_date < ${p(until)} AND t.status IN ('open', 'in_progress')`)
      .assignee(query.assigned_to);
    const data = (await this.tasks.all(filter)).map(toTaskView);
    return { data, meta: { days_ahead: query.days, count: data.length } };
  }

  async overdue(query: TasksOverdueQuery): Promise<Page<TaskView>> {
    const filter = new FilterBuilder().add(() => OVERDUE).assignee(query.assigned_to);
    const sort = { list: 'tasks-overdue', by: 'due_date', order: 'asc' } as const;
    return (await this.tasks.page(filter, sort, query)).page(toTaskView);
  }

  /** A task of a lead, a deal, or both: given only the deal, the lead is the deal's. */
  async create({ body, actor }: CreateTaskCommand): Promise<{ data: TaskView; message: string }> {
    if (!body.lead_id && !body.deal_id) {
      throw invalid('lead_id', 'lead_id or deal_id is required');
    }
    const id = await this.tx.transaction(async () => {
      let leadId = body.lead_id ?? null;
      if (body.deal_id) {
        const dealLead = await this.tasks.leadOfDeal(body.deal_id);
        if (!dealLead) throw new NotFoundError('Deal', body.deal_id);
        if (leadId && leadId !== dealLead) throw invalid('lead_id', 'the deal belongs to another lead');
        leadId = dealLead;
      } else if (!(await this.tasks.leadExists(leadId!))) {
        throw new NotFoundError('Lead', leadId!);
      }
      const task: NewTask = {
        leadId: leadId!,
        dealId: body.deal_id ?? null,
        title: body.title,
        description: body.description ?? null,
        taskType: body.task_type ?? null,
        assignedToId: await this.assigneeId(body.assigned_to),
        dueDate: body.due_date ? new Date(body.due_date) : null,
        priority: body.priority ?? 'medium',
        createdBy: body.created_by ?? actor.name ?? actor.id ?? actor.type,
      };
      const ids = await this.tasks.insertMany([task]);
      await this.outbox.publishMany(taskCreatedMessages(ids, [task]));
      return ids[0];
    });
    this.log.info({ task_id: id }, 'task created');
    return { data: toTaskView(await this.found(id)), message: 'Task created successfully' };
  }

  async update({ id, body }: UpdateTaskCommand): Promise<{ data: TaskView; message: string }> {
    if (body.title === null || body.status === null || body.priority === null || body.task_type === null) {
      throw invalid('body', 'title, task_type, status and priority cannot be null');
    }
    await this.tx.transaction(async () => {
      if (!(await this.tasks.lock(id))) throw new NotFoundError('Task', id);
      const task = (await this.tasks.find(id))!;
      const status = body.status ?? task.status;
      await this.tasks.update(id, {
        title: body.title ?? task.title,
        description: body.description === undefined ? task.description : body.description,
        taskType: body.task_type ?? task.task_type,
        assignedToId:
          body.assigned_to === undefined ? task.assigned_to_id : await this.assigneeId(body.assigned_to),
        dueDate: body.due_date === undefined ? task.due_date : body.due_date ? new Date(body.due_date) : null,
        status,
        priority: body.priority ?? task.priority,
        completedAt: completedAtFor(task, status),
      });
      if (status === 'completed' && task.status !== 'completed') {
        await this.outbox.publishMany([taskCompletedMessage((await this.tasks.find(id))!)]);
      }
    });
    return { data: toTaskView(await this.found(id)), message: 'Task updated successfully' };
  }

  /** complete, cancel, reopen; repeating one changes nothing (200); reopen only from completed or cancelled. */
  async transition({ id, transition }: TaskTransitionCommand): Promise<{ data: TaskView; message: string }> {
    await this.tx.transaction(async () => {
      if (!(await this.tasks.lock(id))) throw new NotFoundError('Task', id);
      const task = (await this.tasks.find(id))!;
      const target: TaskStatus =
        transition === 'complete' ? 'completed' : transition === 'cancel' ? 'cancelled' : 'open';
      if (transition === 'reopen' && !CLOSED.includes(task.status)) {
        if (task.status === 'open') return;
        throw new BusinessRuleError(
          `Only a completed or cancelled task can be reopened; this one is ${task.status}`,
          {
            status: task.status,
          },
        );
      }
      if (task.status === target) return;
      await this.tasks.update(id, {
        title: task.title,
        description: task.description,
        taskType: task.task_type,
        assignedToId: task.assigned_to_id,
        dueDate: task.due_date,
        status: target,
        priority: task.priority,
        completedAt: completedAtFor(task, target),
      });
      if (target === 'completed')
        await this.outbox.publishMany([taskCompletedMessage((await this.tasks.find(id))!)]);
    });
    const message = { complete: 'Task completed', cancel: 'Task cancelled', reopen: 'Task reopened' }[
      transition
    ];
    return { data: toTaskView(await this.found(id)), message };
  }

  async delete({ id }: ByIdCommand): Promise<{ message: string }> {
    await this.tx.transaction(async () => {
      if (!(await this.tasks.lock(id))) throw new NotFoundError('Task', id);
      await this.tasks.delete(id);
    });
    return { message: 'Task deleted successfully' };
  }

  private async found(id: string): Promise<TaskRow> {
    const task = await this.tasks.find(id);
    if (!task) throw new NotFoundError('Task', id);
    return task;
  }

  /** api.md §13: `assigned_to` is a team member's email, else 400. */
  private async assigneeId(email: string | null | undefined): Promise<string | null> {
    if (!email) return null;
    const id = (await this.members.findByIdOrEmail(email))?.id;
    if (!id) throw invalid('assigned_to', 'assigned_to must be the email of a team member');
    return id;
  }
}

/** `completed` sets `completed_at` (kept if it was already completed); any other status clears it. */
function completedAtFor(task: TaskRow, status: TaskStatus): Date | null {
  if (status !== 'completed') return null;
  return task.status === 'completed' ? task.completed_at : new Date();
}

function invalid(path: string, message: string): BadRequestError {
  return new BadRequestError(message, { validation_errors: [{ path, message, code: 'invalid' }] });
}

function toTaskView(task: TaskRow): TaskView {
  const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
  return {
    ...task,
    due_date: iso(task.due_date),
    completed_at: iso(task.completed_at),
    created_at: new Date(task.created_at).toISOString(),
    updated_at: new Date(task.updated_at).toISOString(),
  };
}
