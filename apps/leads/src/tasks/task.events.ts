import { Subjects, type TaskChangedV1 } from '@crm/contracts';
import type { OutboxMessage } from '@crm/messaging';
import type { NewTask, TaskRow } from './task.repository';

/** `task.created` (api.md §19) for tasks just inserted with these ids (same order). */
export function taskCreatedMessages(ids: readonly string[], tasks: readonly NewTask[]): OutboxMessage[] {
  return tasks.map((task, i) => ({
    subject: Subjects.TaskCreated,
    data: {
      task_id: ids[i],
      lead_id: task.leadId,
      deal_id: task.dealId,
      title: task.title,
      task_type: task.taskType,
      assigned_to: task.assignedToId,
      due_date: task.dueDate?.toISOString() ?? null,
      priority: task.priority,
      status: 'open',
      created_by: task.createdBy,
    },
  }));
}

/** `task.completed`, from the task as stored after completing it. */
export function taskCompletedMessage(task: TaskRow): OutboxMessage {
  const data: TaskChangedV1 = {
    task_id: task.id,
    lead_id: task.lead_id,
    deal_id: task.deal_id,
    title: task.title,
    task_type: task.task_type,
    assigned_to: task.assigned_to_id,
    due_date: task.due_date?.toISOString() ?? null,
    priority: task.priority,
    status: task.status,
    created_by: task.created_by,
  };
  return { subject: Subjects.TaskCompleted, data };
}
