import { Injectable } from '@nestjs/common';
import {
  CreateTaskFailureCodes,
  Subjects,
  type LeadsCreateTaskFailedV1,
  type LeadsCreateTaskV1,
  type LeadsTaskCreatedForCommandV1,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { TeamMemberRepository } from '../team/team-member.repository';
import { taskCreatedMessages } from './task.events';
import { TaskRepository, type NewTask, type TaskRow } from './task.repository';

export interface CreateTaskForCommand {
  idempotencyKey: string;
  command: LeadsCreateTaskV1;
  deliveryCount: number;
}

/** A reason the command can never succeed as sent: reported, not retried. */
class CommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Tasks automation asks for (api.md §9 `create_task`). Runs in the consumer's transaction; the task keeps the
 * command's idempotency key, so a redelivered or retried command answers with the task it already created.
 */
@Injectable()
export class TaskCommandsService {
  private readonly log: Logger;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly members: TeamMemberRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('task-commands');
  }

  async createTask({ idempotencyKey, command, deliveryCount }: CreateTaskForCommand): Promise<void> {
    const existing = await this.tasks.findByCommandKey(idempotencyKey);
    if (existing) {
      await this.reportCreated(idempotencyKey, command, existing, deliveryCount);
      return;
    }
    let task: NewTask;
    try {
      task = await this.newTask(command);
    } catch (error) {
      if (!(error instanceof CommandRefused)) throw error;
      const failed: LeadsCreateTaskFailedV1 = {
        idempotency_key: idempotencyKey,
        reference: command.reference ?? null,
        error: { code: error.code, message: error.message, retryable: false, vendor_status: null },
        attempts: deliveryCount,
      };
      await this.outbox.publish(Subjects.LeadsCreateTaskFailed, failed);
      this.log.warn({ code: error.code, reference: command.reference ?? null }, 'task command refused');
      return;
    }
    const id = await this.tasks.insertForCommand(task, {
      commandKey: idempotencyKey,
      triggerRunId: command.trigger_run_id ?? null,
      automationRuleId: command.automation_rule_id ?? null,
    });
    await this.outbox.publishMany(taskCreatedMessages([id], [task]));
    const created = (await this.tasks.findByCommandKey(idempotencyKey))!;
    await this.reportCreated(idempotencyKey, command, created, deliveryCount);
    this.log.info({ task_id: id, reference: command.reference ?? null }, 'task created for command');
  }

  private async newTask(command: LeadsCreateTaskV1): Promise<NewTask> {
    let leadId = command.lead_id ?? null;
    if (command.deal_id) {
      const dealLead = await this.tasks.leadOfDeal(command.deal_id);
      if (!dealLead) {
        throw new CommandRefused(CreateTaskFailureCodes.DealNotFound, 'The deal does not exist (any more)');
      }
      leadId = dealLead;
    } else if (!leadId) {
      throw new CommandRefused(CreateTaskFailureCodes.Invalid, 'A task needs a lead_id or a deal_id');
    } else if (!(await this.tasks.leadExists(leadId))) {
      throw new CommandRefused(CreateTaskFailureCodes.LeadNotFound, 'The lead does not exist (any more)');
    }
    return {
      leadId,
      dealId: command.deal_id ?? null,
      title: command.title,
      description: command.description ?? null,
      taskType: command.task_type ?? null,
      assignedToId: await this.assigneeOf(command, leadId),
      dueDate: command.due_date ? new Date(command.due_date) : null,
      priority: command.priority,
      createdBy: command.created_by,
    };
  }

  /** deal_owner → lead_owner (its open deal's owner) → round robin; `member` is exactly that member. */
  private async assigneeOf(command: LeadsCreateTaskV1, leadId: string): Promise<string | null> {
    if (command.assign_strategy === 'member') {
      const member = command.assigned_to ? await this.members.findByIdOrEmail(command.assigned_to) : null;
      if (!member) {
        throw new CommandRefused(
          CreateTaskFailureCodes.AssigneeNotFound,
          'assigned_to is not the email of a team member',
        );
      }
      return member.id;
    }
    if (command.assign_strategy === 'deal_owner' && command.deal_id) {
      const owner = await this.tasks.ownerOfDeal(command.deal_id);
      if (owner) return owner;
    }
    if (command.assign_strategy !== 'round_robin') {
      const owner = await this.tasks.ownerOfLeadsOpenDeal(leadId);
      if (owner) return owner;
    }
    return this.tasks.nextRoundRobinAssignee();
  }

  private async reportCreated(
    idempotencyKey: string,
    command: LeadsCreateTaskV1,
    task: TaskRow,
    deliveryCount: number,
  ): Promise<void> {
    const created: LeadsTaskCreatedForCommandV1 = {
      idempotency_key: idempotencyKey,
      reference: command.reference ?? null,
      task_id: task.id,
      // A command's task always has a lead (newTask derives it from the deal when needed).
      lead_id: task.lead_id!,
      deal_id: task.deal_id,
      assigned_to_id: task.assigned_to_id,
      attempts: deliveryCount,
    };
    await this.outbox.publish(Subjects.LeadsCreateTaskSucceeded, created);
  }
}
