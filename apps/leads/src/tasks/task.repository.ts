import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { Recordset } from '../leads/recordset';

export type TaskPriority = 'low' | 'medium' | 'high' | 'critical';

export interface NewTask {
  leadId: string;
  dealId: string | null;
  title: string;
  description: string | null;
  taskType: string;
  assignedToId: string | null;
  dueDate: Date;
  priority: TaskPriority;
  createdBy: string;
}

const TASK_ROW = new Recordset<NewTask>([
  ['lead_id', 'leadId', 'uuid'],
  ['deal_id', 'dealId', 'uuid'],
  ['title', 'title', 'varchar'],
  ['description', 'description', 'varchar'],
  ['task_type', 'taskType', 'varchar'],
  ['assigned_to_id', 'assignedToId', 'uuid'],
  ['due_date', 'dueDate', 'timestamptz'],
  ['priority', 'priority', 'varchar'],
  ['created_by', 'createdBy', 'varchar'],
]);

/** Tasks (api.md §13). Routing writes the first-contact task; the task endpoints come with the REST contract. */
@Injectable()
export class TaskRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** One statement for all the tasks. */
  async insertMany(tasks: readonly NewTask[]): Promise<void> {
    if (!tasks.length) return;
    await this.tx.manager.query(TASK_ROW.insertInto('tasks'), [TASK_ROW.parameter(tasks)]);
  }
}
