import type { TriggerAction } from '@crm/contracts';

export type ConfigFieldType = 'string' | 'number' | 'email_list' | 'enum' | 'html';

export interface ConfigFieldSpec {
  name: string;
  type: ConfigFieldType;
  required: boolean;
  /** allowed values of an `enum` field. */
  values?: readonly string[];
}

export interface ActionSpec {
  action: TriggerAction;
  description: string;
  config: ConfigFieldSpec[];
  /**
   * Which service executes the action. Only actions whose executor exists run; the others end `skipped`
   * with `not_available` (never a fake success).
   */
  executor: 'slack' | 'mailer' | 'cituro' | 'moco' | 'leads' | 'sequences';
}

const field = (
  name: string,
  type: ConfigFieldType,
  required = false,
  values?: readonly string[],
): ConfigFieldSpec => (values ? { name, type, required, values } : { name, type, required });

/** The action catalogue of api.md §9, in its order. */
export const ACTION_SPECS: readonly ActionSpec[] = [
  {
    action: 'send_notification_email',
    description: 'Email a notification about the deal to a fixed recipient',
    executor: 'mailer',
    config: [field('to', 'email_list', true), field('subject', 'string'), field('html', 'html')],
  },
  {
    action: 'send_cituro_booking',
    description: 'Email the lead a Cituro booking invitation with the booking link',
    executor: 'cituro',
    config: [
      field('meeting_type', 'enum', false, ['consultation', 'demo', 'follow-up', 'beratung']),
      field('duration_minutes', 'number'),
      field('message', 'string'),
      field('email_subject', 'string'),
      field('email_html', 'html'),
    ],
  },
  {
    action: 'create_moco_customer',
    description: 'Create (or find) the MOCO customer for the organization or lead',
    executor: 'moco',
    config: [field('customer_name', 'string')],
  },
  {
    action: 'create_moco_deal',
    description: 'Create a MOCO deal for the CRM deal',
    executor: 'moco',
    config: [
      field('name', 'string'),
      field('money', 'number'),
      field('deal_category_id', 'number'),
      field('user_id', 'number'),
    ],
  },
  {
    action: 'create_moco_project',
    description: 'Create a MOCO project for the deal',
    executor: 'moco',
    config: [field('project_name', 'string'), field('leader_id', 'number')],
  },
  {
    action: 'create_moco_offer',
    description: 'Create a MOCO offer for the deal',
    executor: 'moco',
    config: [field('title', 'string'), field('tax', 'number')],
  },
  {
    action: 'create_moco_invoice_draft',
    description: 'Create a MOCO invoice draft for the deal',
    executor: 'moco',
    config: [
      field('title', 'string'),
      field('tax', 'number'),
      field('due_days', 'number'),
      field('item_title', 'string'),
      field('unit_price', 'number'),
      field('recipient_address', 'string'),
    ],
  },
  {
    action: 'send_slack_message',
    description: 'Post a message to a Slack channel',
    executor: 'slack',
    config: [field('channel', 'string', true), field('message', 'string', true)],
  },
  {
    action: 'create_task',
    description: 'Create a task for the deal owner (or by round robin)',
    executor: 'leads',
    config: [
      field('title_template', 'string', true),
      field('description_template', 'string'),
      field('assign_strategy', 'enum', false, ['deal_owner', 'lead_owner', 'round_robin']),
      field('priority', 'enum', false, ['low', 'medium', 'high', 'critical']),
      field('due_days_offset', 'number'),
    ],
  },
  {
    action: 'enroll_email_sequence',
    description: 'Enroll the lead in an email sequence',
    executor: 'sequences',
    config: [field('sequence_id', 'string', true)],
  },
];

/** Executors that exist in this release; the rest of the catalogue is accepted but ends `skipped`. */
export const AVAILABLE_EXECUTORS: ReadonlySet<ActionSpec['executor']> = new Set([
  'slack',
  'mailer',
  'cituro',
  'moco',
  'leads',
]);

export function actionSpec(action: TriggerAction): ActionSpec {
  const spec = ACTION_SPECS.find((s) => s.action === action);
  if (!spec) throw new Error(`no spec for action ${action}`);
  return spec;
}
