import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

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

/** Tasks (api.md §13). Routing writes the first-contact task; the task endpoints come with the REST contract. */
@Injectable()
export class TaskRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(task: NewTask): Promise<string> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO tasks (lead_id, deal_id, title, description, task_type, assigned_to_id, due_date, priority,
                          created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        task.leadId,
        task.dealId,
        task.title,
        task.description,
        task.taskType,
        task.assignedToId,
        task.dueDate,
        task.priority,
        task.createdBy,
      ],
    );
    return rows[0].id;
  }
}
