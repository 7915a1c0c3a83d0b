import { Injectable } from '@nestjs/common';
import type { ListTasksQuery, TaskPriority, TaskStatisticsView, TaskStatus, TaskView } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { Recordset } from '../leads/recordset';

export type { TaskPriority };

export interface NewTask {
  leadId: string;
  dealId: string | null;
  title: string;
  description: string | null;
  taskType: string | null;
  assignedToId: string | null;
  dueDate: Date | null;
  priority: TaskPriority;
  createdBy: string | null;
}

/** The columns a task edit writes. */
export interface TaskFields {
  title: string;
  description: string | null;
  taskType: string | null;
  assignedToId: string | null;
  dueDate: Date | null;
  status: TaskStatus;
  priority: TaskPriority;
  completedAt: Date | null;
}

/** A task row with the names its views show, as SQL returns it. */
export interface TaskRow extends Omit<TaskView, 'due_date' | 'completed_at' | 'created_at' | 'updated_at'> {
  due_date: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Which tasks: a WHERE clause over `t` (tasks) with its parameters. */
export interface TaskFilter {
  where: string[];
  params: unknown[];
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

const SELECT_VIEW = `
  SELECT t.id, t.lead_id, t.deal_id, t.title, t.description, t.task_type, m.email AS assigned_to,
         t.assigned_to_id, t.due_date, t.completed_at, t.status, t.priority, t.created_by, t.automation_rule_id,
         t.trigger_run_id, t.created_at, t.updated_at, l.email AS lead_email,
         nullif(concat_ws(' ', l.first_name, l.last_name), '') AS lead_name, d.name AS deal_name,
         m.name AS assigned_name
    FROM tasks t
    LEFT JOIN leads l ON l.id = t.lead_id
    LEFT JOIN deals d ON d.id = t.deal_id
    LEFT JOIN team_members m ON m.id = t.assigned_to_id`;

const SORT_COLUMNS: Record<NonNullable<ListTasksQuery['sort_by']>, string> = {
  created_at: 't.created_at',
  updated_at: 't.updated_at',
  due_date: 't.due_date',
  title: 't.title',
  status: 't.status',
  // low < medium < high < critical
  priority: `array_position(ARRAY['low','medium','high','critical']::varchar[], t.priority)`,
};

/** Open or in progress, with a due date in the past. */
export const OVERDUE = `(t.due_date < now() AND t.status IN ('open', 'in_progress'))`;

/** Tasks (api.md §13): the only code touching `leads.tasks`. */
@Injectable()
export class TaskRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** One statement for all the tasks (routing's first-contact tasks); returns their ids in order. */
  async insertMany(tasks: readonly NewTask[]): Promise<string[]> {
    if (!tasks.length) return [];
    const rows: { id: string }[] = await this.tx.manager.query(
      `${TASK_ROW.insertInto('tasks')} RETURNING id`,
      [TASK_ROW.parameter(tasks)],
    );
    return rows.map((row) => row.id);
  }

  async find(id: string): Promise<TaskRow | null> {
    const rows: TaskRow[] = await this.tx.manager.query(`${SELECT_VIEW} WHERE t.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The task, locked until the transaction ends. */
  async lock(id: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(`SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length > 0;
  }

  async update(id: string, fields: TaskFields): Promise<void> {
    await this.tx.manager.query(
      `UPDATE tasks SET title = $2, description = $3, task_type = $4, assigned_to_id = $5, due_date = $6,
              status = $7, priority = $8, completed_at = $9, updated_at = now()
        WHERE id = $1`,
      [
        id,
        fields.title,
        fields.description,
        fields.taskType,
        fields.assignedToId,
        fields.dueDate,
        fields.status,
        fields.priority,
        fields.completedAt,
      ],
    );
  }

  async delete(id: string): Promise<void> {
    await this.tx.manager.query(`DELETE FROM tasks WHERE id = $1`, [id]);
  }

  /** A page of the filtered tasks and how many there are. */
  async page(
    filter: TaskFilter,
    sort: { by: NonNullable<ListTasksQuery['sort_by']>; order: 'asc' | 'desc' },
    page: { limit: number; offset: number },
  ): Promise<{ rows: TaskRow[]; total: number }> {
    const where = filter.where.length ? `WHERE ${filter.where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS total FROM tasks t LEFT JOIN team_members m ON m.id = t.assigned_to_id ${where}`,
      filter.params,
    );
    const order = sort.order === 'desc' ? 'DESC' : 'ASC';
    const n = filter.params.length;
    const rows: TaskRow[] = await this.tx.manager.query(
      `${SELECT_VIEW} ${where}
        ORDER BY ${SORT_COLUMNS[sort.by]} ${order} NULLS LAST, t.id ${order}
        LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...filter.params, page.limit, page.offset],
    );
    return { rows, total };
  }

  /** Every filtered task (bounded by the filter: one lead's, one deal's, a date window), due date first. */
  async all(filter: TaskFilter, limit = 1000): Promise<TaskRow[]> {
    const where = filter.where.length ? `WHERE ${filter.where.join(' AND ')}` : '';
    return this.tx.manager.query(
      `${SELECT_VIEW} ${where} ORDER BY t.due_date ASC NULLS LAST, t.created_at, t.id LIMIT ${Number(limit)}`,
      filter.params,
    );
  }

  async statistics(filter: TaskFilter): Promise<TaskStatisticsView> {
    const where = filter.where.length ? `WHERE ${filter.where.join(' AND ')}` : '';
    const [row]: TaskStatisticsView[] = await this.tx.manager.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE t.status = 'open')::int AS open,
              count(*) FILTER (WHERE t.status = 'in_progress')::int AS in_progress,
              count(*) FILTER (WHERE t.status = 'completed')::int AS completed,
              count(*) FILTER (WHERE t.status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE ${OVERDUE})::int AS overdue
         FROM tasks t LEFT JOIN team_members m ON m.id = t.assigned_to_id ${where}`,
      filter.params,
    );
    return row;
  }

  /** The lead of a deal, for a task given only its deal. */
  async leadOfDeal(dealId: string): Promise<string | null> {
    const rows: { lead_id: string }[] = await this.tx.manager.query(
      `SELECT lead_id FROM deals WHERE id = $1`,
      [dealId],
    );
    return rows[0]?.lead_id ?? null;
  }

  async leadExists(leadId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(`SELECT 1 FROM leads WHERE id = $1`, [leadId]);
    return rows.length > 0;
  }
}
