import {
  Consumers,
  Subjects,
  type CituroSendBookingV1,
  type DealStageChangedV1,
  type LeadsCreateTaskV1,
  type MailerSendEmailV1,
  type MocoSyncOperation,
  type MocoSyncOptions,
  type MocoSyncV1,
  type Subject,
  type TaskPriority,
  type TriggerAction,
} from '@crm/contracts';
import { buildSlackMessage } from './slack-message.builder';
import { escapeHtml, renderTemplate, type TemplateVariables } from './template-renderer';

/** Who executes a command: the `service` of api.md §9 `would_send`. */
export type ExecutingService = 'slack' | 'mailer' | 'cituro' | 'moco' | 'leads';

/**
 * One command a run sends (or, dry, would send). A run keeps its commands, so a retry sends the same ones under
 * the same idempotency keys and a result finds the step it settles.
 */
export interface ActionCommand {
  /** the step this command's outcome settles; retries add `(retry n)` steps after it. */
  step: string;
  service: ExecutingService;
  operation: string;
  subject: Subject;
  idempotency_key: string;
  payload: Record<string, unknown>;
}

/** What a run's action is resolved against: the deal and lead as the stage change (or a manual call) gave them. */
export interface ActionContext {
  runId: string;
  /** the run's idempotency key; a single command uses it as is. */
  runKey: string;
  dealId: string | null;
  leadId: string | null;
  deal: DealStageChangedV1['deal'] | null;
  lead: DealStageChangedV1['lead'] | null;
  organization: DealStageChangedV1['organization'] | null;
  variables: TemplateVariables;
  /** for `due_days_offset`: the moment the action was decided, so a retry keeps the same due date. */
  now: Date;
}

/** The action cannot run with what it was given (no lead email for a booking, say): fails at once, for good. */
export class ActionInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MOCO_OPERATIONS: Partial<Record<TriggerAction, MocoSyncOperation>> = {
  create_moco_customer: 'create_customer',
  create_moco_deal: 'create_deal',
  create_moco_offer: 'create_offer',
  create_moco_project: 'create_project',
  create_moco_invoice_draft: 'create_invoice_draft',
};

const DAY_MS = 24 * 3600 * 1000;

const DEFAULT_SUBJECT = '{deal.name}: {stage.name}';
const DEFAULT_HTML =
  '<p>The deal <strong>{deal.name}</strong> moved to <strong>{stage.name}</strong> ({pipeline.name}).</p>' +
  '<p>Lead: {lead.first_name} {lead.last_name} &lt;{lead.email}&gt;</p>';

/** api.md §9 `result.would_send` of a dry run. */
export function wouldSend(commands: readonly ActionCommand[]) {
  return commands.map(({ service, operation, payload }) => ({ service, operation, payload }));
}

/** How many deliveries the executor's consumer makes of a command: the run's max_attempts. */
export function maxAttemptsOf(commands: readonly ActionCommand[]): number {
  const deliveries = commands.map(
    (command) => Consumers.find((c) => c.subject === command.subject)?.maxDeliver ?? 1,
  );
  return Math.max(1, ...deliveries);
}

/**
 * Resolves an action and its config into the commands to send: templates rendered, recipients and targets
 * fixed, vendor payloads complete. Pure, so a dry run shows exactly what a real run sends.
 */
export function buildActionCommands(
  action: TriggerAction,
  config: Record<string, unknown>,
  context: ActionContext,
): ActionCommand[] {
  const single = (command: Omit<ActionCommand, 'idempotency_key'>): ActionCommand[] => [
    { ...command, idempotency_key: context.runKey },
  ];
  switch (action) {
    case 'send_slack_message': {
      const text = renderTemplate(String(config.message), context.variables);
      const message = buildSlackMessage(String(config.channel), text, context.variables);
      return single({
        step: 'slack.post_message',
        service: 'slack',
        operation: 'post_message',
        subject: Subjects.SlackPostMessage,
        payload: { ...message, reference: context.runId },
      });
    }
    case 'send_notification_email':
      return notificationEmails(config, context);
    case 'send_cituro_booking':
      return single({
        step: 'cituro.send_booking',
        service: 'cituro',
        operation: 'send_booking',
        subject: Subjects.CituroSendBooking,
        payload: bookingCommand(config, context) as unknown as Record<string, unknown>,
      });
    case 'create_task':
      return single({
        step: 'leads.create_task',
        service: 'leads',
        operation: 'create_task',
        subject: Subjects.LeadsCreateTask,
        payload: taskCommand(config, context) as unknown as Record<string, unknown>,
      });
    default: {
      const operation = MOCO_OPERATIONS[action];
      if (!operation) throw new Error(`no command for action ${action}`);
      return single({
        step: `moco.${operation}`,
        service: 'moco',
        operation,
        subject: Subjects.MocoSync,
        payload: mocoCommand(operation, config, context) as unknown as Record<string, unknown>,
      });
    }
  }
}

/** One email per recipient, each its own key, so one bounce never resends the others. */
function notificationEmails(config: Record<string, unknown>, context: ActionContext): ActionCommand[] {
  const recipients = (Array.isArray(config.to) ? config.to : [config.to]).map(String);
  const vars = context.variables;
  const subject =
    typeof config.subject === 'string' && config.subject.trim()
      ? renderTemplate(config.subject, vars)
      : undefined;
  const html =
    typeof config.html === 'string' && config.html.trim()
      ? renderTemplate(config.html, vars, escapeHtml)
      : undefined;
  // Without its own content the email is the mailer's stored (editable) `deal_notification` template; a subject
  // alone comes with a plain default body, since a stored template brings its own subject.
  const content =
    subject === undefined && html === undefined
      ? { template_key: 'deal_notification' }
      : {
          subject: subject ?? renderTemplate(DEFAULT_SUBJECT, vars),
          html: html ?? renderTemplate(DEFAULT_HTML, vars, escapeHtml),
        };
  return recipients.map((to, index) => {
    const command: MailerSendEmailV1 = {
      to,
      ...content,
      variables: templateVariablesForMailer(vars, context),
      lead_id: context.leadId,
      reference: context.runId,
    };
    return {
      step: recipients.length === 1 ? 'mailer.send_email' : `mailer.send_email #${index + 1}`,
      service: 'mailer',
      operation: 'send_email',
      subject: Subjects.MailerSendEmail,
      idempotency_key: recipients.length === 1 ? context.runKey : `${context.runKey}:${index + 1}`,
      payload: command as unknown as Record<string, unknown>,
    };
  });
}

/** The `{VARIABLE}` names of the mailer's stored templates (mailer migrations). */
function templateVariablesForMailer(
  vars: TemplateVariables,
  context: ActionContext,
): Record<string, string | number | null> {
  const leadName = [vars.lead.first_name, vars.lead.last_name].filter(Boolean).join(' ');
  return {
    DEAL_NAME: vars.deal.name,
    DEAL_VALUE: vars.deal.value === null ? '' : `${vars.deal.value} ${vars.deal.currency}`,
    STAGE_NAME: vars.stage.name,
    PIPELINE_NAME: vars.pipeline.name,
    LEAD_NAME: leadName || vars.lead.email || '',
    LEAD_EMAIL: vars.lead.email ?? '',
    COMPANY_NAME: vars.company.name ?? '',
    OWNER_FIRST_NAME: '',
    DEAL_ID: context.dealId ?? '',
  };
}

function bookingCommand(config: Record<string, unknown>, context: ActionContext): CituroSendBookingV1 {
  const email = context.lead?.email;
  if (!context.leadId || !email) {
    throw new ActionInputError(
      'lead_email_missing',
      'A booking invitation needs the lead and its email address; this lead has none',
    );
  }
  const text = (name: string) =>
    typeof config[name] === 'string' && (config[name] as string).trim() ? (config[name] as string) : null;
  const emailHtml = text('email_html');
  return {
    lead_id: context.leadId,
    email,
    first_name: context.lead?.first_name ?? null,
    last_name: context.lead?.last_name ?? null,
    company: context.organization?.name ?? null,
    deal_id: context.dealId,
    email_subject: text('email_subject') && renderTemplate(text('email_subject')!, context.variables),
    email_html: emailHtml && renderTemplate(emailHtml, context.variables, escapeHtml),
    reference: context.runId,
  };
}

function taskCommand(config: Record<string, unknown>, context: ActionContext): LeadsCreateTaskV1 {
  if (!context.dealId && !context.leadId) {
    throw new ActionInputError('deal_or_lead_missing', 'A task needs a deal or a lead');
  }
  const offsetDays = config.due_days_offset === undefined ? 2 : Number(config.due_days_offset);
  const description =
    typeof config.description_template === 'string'
      ? renderTemplate(config.description_template, context.variables).slice(0, 2000)
      : null;
  return {
    deal_id: context.dealId,
    lead_id: context.leadId,
    title: renderTemplate(String(config.title_template), context.variables).slice(0, 500) || 'Follow up',
    description,
    task_type: 'follow_up',
    priority: (config.priority as TaskPriority | undefined) ?? 'medium',
    due_date: new Date(context.now.getTime() + offsetDays * DAY_MS).toISOString(),
    assign_strategy:
      (config.assign_strategy as LeadsCreateTaskV1['assign_strategy'] | undefined) ?? 'deal_owner',
    trigger_run_id: context.runId,
    created_by: 'automation',
    reference: context.runId,
  };
}

/** The trigger's `create_moco_*` config as the sync's options: strings rendered, numbers as saved (coerced). */
function mocoOptions(config: Record<string, unknown>, context: ActionContext): MocoSyncOptions {
  const options: Record<string, string | number> = {};
  for (const key of MOCO_OPTION_KEYS) {
    const value = config[key];
    if (typeof value === 'number') options[key] = value;
    else if (typeof value === 'string' && value.trim())
      options[key] = renderTemplate(value, context.variables);
  }
  return options as MocoSyncOptions;
}

const MOCO_OPTION_KEYS = [
  'customer_name',
  'name',
  'money',
  'deal_category_id',
  'user_id',
  'project_name',
  'leader_id',
  'title',
  'tax',
  'due_days',
  'item_title',
  'unit_price',
  'recipient_address',
] as const satisfies readonly (keyof MocoSyncOptions)[];

function mocoCommand(
  operation: MocoSyncOperation,
  config: Record<string, unknown>,
  context: ActionContext,
): MocoSyncV1 {
  if (!context.leadId) throw new ActionInputError('lead_missing', 'A MOCO record needs the lead');
  if (operation !== 'create_customer' && (!context.dealId || !context.deal)) {
    throw new ActionInputError('deal_missing', `MOCO ${operation} needs the deal`);
  }
  const lead = context.lead;
  const organization = context.organization;
  return {
    operation,
    lead: {
      id: context.leadId,
      email: lead?.email ?? null,
      first_name: lead?.first_name ?? null,
      last_name: lead?.last_name ?? null,
      phone: lead?.phone ?? null,
      job_title: lead?.job_title ?? null,
    },
    organization: organization
      ? {
          id: organization.id,
          name: organization.name,
          website: organization.domain ? `https://${organization.domain}` : null,
          country_code: organization.country ?? null,
        }
      : null,
    deal:
      context.dealId && context.deal
        ? {
            id: context.dealId,
            name: context.deal.name,
            value: context.deal.value ?? null,
            currency: context.deal.currency,
            expected_close_date: context.deal.expected_close_date ?? null,
          }
        : null,
    force: false,
    options: mocoOptions(config, context),
    reference: context.runId,
  };
}
