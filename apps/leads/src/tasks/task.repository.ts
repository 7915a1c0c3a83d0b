import { Injectable } from '@nestjs/common';
import type { ListTasksQuery, TaskPriority, TaskStatisticsView, TaskStatus, TaskView } from '@crm/contracts';
import { Keyset, TransactionHost, type KeyColumn, type KeysetRead, type PageRequest } from '@crm/service-kit';
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

const VIEW_COLUMNS = `
  SELECT t.id, t.lead_id, t.deal_id, t.title, t.description, t.task_type, m.email AS assigned_to,
         t.assigned_to_id, t.due_date, t.completed_at, t.status, t.priority, t.created_by, t.automation_rule_id,
         t.trigger_run_id, t.created_at, t.updated_at, l.email AS lead_email,
         nullif(concat_ws(' ', l.first_name, l.last_name), '') AS lead_name, d.name AS deal_name,
         m.name AS assigned_name`;

const VIEW_FROM = `
    FROM tasks t
    LEFT JOIN leads l ON l.id = t.lead_id
    LEFT JOIN deals d ON d.id = t.deal_id
    LEFT JOIN team_members m ON m.id = t.assigned_to_id`;

const SELECT_VIEW = `${VIEW_COLUMNS} ${VIEW_FROM}`;

const SORT_COLUMNS: Record<NonNullable<ListTasksQuery['sort_by']>, KeyColumn> = {
  created_at: { sql: 't.created_at', type: 'timestamptz' },
  updated_at: { sql: 't.updated_at', type: 'timestamptz' },
  due_date: { sql: 't.due_date', type: 'timestamptz', nullable: true },
  title: { sql: 't.title', type: 'text' },
  status: { sql: 't.status', type: 'text' },
  // low < medium < high < critical
  priority: {
    sql: `array_position(ARRAY['low','medium','high','critical']::varchar[], t.priority)`,
    type: 'int',
  },
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

  /**
   * A page of the filtered tasks, by page (with how many there are) or by cursor (api.md §1.4). `list` tags the
   * cursor: `/tasks` and `/tasks/overdue` do not take each other's.
   */
  async page(
    filter: TaskFilter,
    sort: { list: string; by: NonNullable<ListTasksQuery['sort_by']>; order: 'asc' | 'desc' },
    request: PageRequest,
  ): Promise<KeysetRead<TaskRow>> {
    const keyset = new Keyset(
      {
        list: sort.list,
        sortBy: sort.by,
        direction: sort.order,
        columns: [SORT_COLUMNS[sort.by]],
        id: 't.id',
      },
      request,
    );
    const where = [...filter.where];
    const params = [...filter.params];
    const param = (value: unknown) => `$${params.push(value)}`;
    let total: number | undefined;
    if (!keyset.byCursor) {
      const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
      [{ total }] = await this.tx.manager.query(
        `SELECT count(*)::int AS total FROM tasks t LEFT JOIN team_members m ON m.id = t.assigned_to_id ${filtered}`,
        params,
      );
    }
    const after = keyset.after(param);
    if (after) where.push(after);
    const rows: (TaskRow & Record<string, unknown>)[] = await this.tx.manager.query(
      `${VIEW_COLUMNS}, ${keyset.keySelects()} ${VIEW_FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${keyset.orderBy()}
        LIMIT ${param(keyset.fetchLimit)} OFFSET ${param(keyset.offset)}`,
      params,
    );
    return keyset.read(keyset.keyed(rows), total);
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

  /** The task an automation command created, by the command's idempotency key. */
  async findByCommandKey(commandKey: string): Promise<TaskRow | null> {
    const rows: TaskRow[] = await this.tx.manager.query(`${SELECT_VIEW} WHERE t.command_key = $1`, [
      commandKey,
    ]);
    return rows[0] ?? null;
  }

  /** Inserts an automation's task with its command key and run or rule; returns its id. */
  async insertForCommand(
    task: NewTask,
    origin: { commandKey: string; triggerRunId: string | null; automationRuleId: string | null },
  ): Promise<string> {
    const [id] = await this.insertMany([task]);
    await this.tx.manager.query(
      `UPDATE tasks SET command_key = $2, trigger_run_id = $3, automation_rule_id = $4 WHERE id = $1`,
      [id, origin.commandKey, origin.triggerRunId, origin.automationRuleId],
    );
    return id;
  }

  /** The owner of the lead's most recently updated open deal. */
  async ownerOfLeadsOpenDeal(leadId: string): Promise<string | null> {
    const rows: { assigned_to: string }[] = await this.tx.manager.query(
      `SELECT assigned_to FROM deals WHERE lead_id = $1 AND status = 'open' AND assigned_to IS NOT NULL
        ORDER BY updated_at DESC LIMIT 1`,
      [leadId],
    );
    return rows[0]?.assigned_to ?? null;
  }

  async ownerOfDeal(dealId: string): Promise<string | null> {
    const rows: { assigned_to: string | null }[] = await this.tx.manager.query(
      `SELECT assigned_to FROM deals WHERE id = $1`,
      [dealId],
    );
    return rows[0]?.assigned_to ?? null;
  }

  /**
   * Round robin over the active sales members (bdr, ae): the one whose last task came longest ago. Serialised by
   * a transaction lock, so two tasks created at once go to two members.
   */
  async nextRoundRobinAssignee(): Promise<string | null> {
    await this.tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('leads.task_round_robin'))`);
    const rows: { id: string }[] = await this.tx.manager.query(
      `SELECT m.id FROM team_members m
        WHERE m.is_active AND m.role IN ('bdr', 'ae')
        ORDER BY (SELECT max(t.created_at) FROM tasks t WHERE t.assigned_to_id = m.id) ASC NULLS FIRST, m.id
        LIMIT 1`,
    );
    return rows[0]?.id ?? null;
  }

  async leadExists(leadId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(`SELECT 1 FROM leads WHERE id = $1`, [leadId]);
    return rows.length > 0;
  }
}
