import {
  INTENTS,
  LEAD_STATUSES,
  LIFECYCLE_STAGES,
  MEMBER_ROLES,
  TASK_PRIORITIES,
  type RuleActionType,
  type RuleTriggerType,
  type ValidationIssue,
} from '@crm/contracts';

/** The pipelines and stages leads knows, as far as rule validation needs them. */
export interface CatalogStage {
  id: string;
  slug: string;
  name: string;
  pipeline_id: string;
}

export interface CatalogPipeline {
  id: string;
  slug: string;
  name: string;
  stages: CatalogStage[];
}

export interface PipelineCatalog {
  pipelines: CatalogPipeline[];
}

/** What a rule's configs name that only leads can confirm; checked against the catalog afterwards. */
interface Reference {
  path: string;
  kind: 'pipeline_id' | 'pipeline_slug' | 'stage_id' | 'stage_slug';
  value: string;
  /** a stage slug or id must be in this pipeline (when known). */
  pipelineId?: string | null;
}

export interface RuleShape {
  pipeline_id: string | null;
  stage_id: string | null;
  trigger_type: RuleTriggerType;
  trigger_config: Record<string, unknown>;
  action_type: RuleActionType;
  action_config: Record<string, unknown>;
}

export interface CheckedConfigs {
  trigger_config: Record<string, unknown>;
  action_config: Record<string, unknown>;
  issues: ValidationIssue[];
  references: Reference[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9-]{1,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const SYNC_MOCO_ACTIONS = [
  'create_customer',
  'create_deal',
  'create_offer',
  'create_project',
  'create_invoice',
] as const;
export const ASSIGN_STRATEGIES = ['round_robin', 'capacity_based', 'manual'] as const;
export const UPDATABLE_FIELDS: Record<string, readonly string[]> = {
  status: LEAD_STATUSES,
  lifecycle_stage: LIFECYCLE_STAGES,
  primary_intent: INTENTS,
};

type FieldCheck = (value: unknown, path: string, issues: ValidationIssue[]) => unknown;

interface FieldSpec {
  required?: boolean;
  check: FieldCheck;
}

/** Reads one config object against its field specs: coerced values, issues, unknown keys refused. */
function readConfig(
  config: Record<string, unknown>,
  specs: Record<string, FieldSpec>,
  path: string,
  issues: ValidationIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    if (!(key in specs)) {
      issues.push({ path: `${path}.${key}`, message: `unknown key for this type`, code: 'unknown_key' });
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = config[key];
    if (value === undefined || value === null) {
      if (spec.required) issues.push({ path: `${path}.${key}`, message: 'is required', code: 'required' });
      continue;
    }
    const checked = spec.check(value, `${path}.${key}`, issues);
    if (checked !== undefined) out[key] = checked;
  }
  return out;
}

const text =
  (max: number, pattern?: RegExp, patternName = 'pattern'): FieldCheck =>
  (value, path, issues) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      issues.push({
        path,
        message: `must be a non-empty string of at most ${max} characters`,
        code: 'string',
      });
      return undefined;
    }
    if (pattern && !pattern.test(value)) {
      issues.push({ path, message: `is not a valid ${patternName}`, code: patternName });
      return undefined;
    }
    return value;
  };

/** Numbers given as strings, like `"14"`, are accepted (as for stage triggers, api.md §9). */
const integer =
  (min: number, max: number): FieldCheck =>
  (value, path, issues) => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      issues.push({ path, message: `must be an integer from ${min} to ${max}`, code: 'integer' });
      return undefined;
    }
    return n;
  };

const oneOf =
  (values: readonly string[]): FieldCheck =>
  (value, path, issues) => {
    if (typeof value !== 'string' || !values.includes(value)) {
      issues.push({ path, message: `must be one of ${values.join(', ')}`, code: 'isIn' });
      return undefined;
    }
    return value;
  };

const boolean: FieldCheck = (value, path, issues) => {
  if (typeof value !== 'boolean') {
    issues.push({ path, message: 'must be a boolean', code: 'boolean' });
    return undefined;
  }
  return value;
};

const plainObject: FieldCheck = (value, path, issues) => {
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path, message: 'must be an object', code: 'object' });
    return undefined;
  }
  return value;
};

const TRIGGER_SPECS: Record<RuleTriggerType, Record<string, FieldSpec>> = {
  event: {
    event_type: { check: text(100) },
    source: { check: text(100) },
    metadata: { check: plainObject },
  },
  score_threshold: { score_gte: { required: true, check: integer(-100_000, 100_000) } },
  intent_detected: {
    intent: { required: true, check: oneOf(INTENTS) },
    confidence_gte: { check: integer(0, 100) },
  },
  time_in_stage: {
    days: { required: true, check: integer(1, 3650) },
    stage_id: { check: text(36, UUID, 'uuid') },
  },
  stage_change: {
    to_stage: { check: text(100, SLUG, 'slug') },
    from_stage: { check: text(100, SLUG, 'slug') },
    pipeline_id: { check: text(36, UUID, 'uuid') },
  },
};

const ACTION_SPECS: Record<RuleActionType, Record<string, FieldSpec>> = {
  move_to_stage: { target_stage: { required: true, check: text(100, SLUG, 'slug') } },
  assign_owner: {
    role: { required: true, check: oneOf(MEMBER_ROLES) },
    strategy: { check: oneOf(ASSIGN_STRATEGIES) },
    region: { check: text(100) },
  },
  send_notification: {
    channel: { required: true, check: text(255) },
    template: { check: text(4000) },
    message: { check: text(4000) },
  },
  create_task: {
    title: { required: true, check: text(500) },
    task_type: { check: text(50) },
    due_days: { check: integer(0, 3650) },
    assigned_to: { check: text(255, EMAIL, 'email') },
    priority: { check: oneOf(TASK_PRIORITIES) },
  },
  sync_moco: { action: { required: true, check: oneOf(SYNC_MOCO_ACTIONS) } },
  update_field: {
    field: { required: true, check: oneOf(Object.keys(UPDATABLE_FIELDS)) },
    value: { required: true, check: text(100) },
  },
  route_to_pipeline: {
    pipeline_slug: { required: true, check: text(100, SLUG, 'slug') },
    create_deal: { check: boolean },
  },
};

/**
 * Checks both configs against their types (api.md §12) and lists what they reference in leads; the caller checks
 * those against the catalog. Defaults of the contract are filled in (`task_type`, `strategy`, `create_deal`).
 */
export function checkConfigs(rule: RuleShape): CheckedConfigs {
  const issues: ValidationIssue[] = [];
  const references: Reference[] = [];
  const trigger = readConfig(rule.trigger_config, TRIGGER_SPECS[rule.trigger_type], 'trigger_config', issues);
  const action = readConfig(rule.action_config, ACTION_SPECS[rule.action_type], 'action_config', issues);

  if (rule.pipeline_id)
    references.push({ path: 'pipeline_id', kind: 'pipeline_id', value: rule.pipeline_id });
  if (rule.stage_id) {
    references.push({
      path: 'stage_id',
      kind: 'stage_id',
      value: rule.stage_id,
      pipelineId: rule.pipeline_id,
    });
  }
  if (rule.trigger_type === 'time_in_stage' && typeof trigger.stage_id === 'string') {
    references.push({
      path: 'trigger_config.stage_id',
      kind: 'stage_id',
      value: trigger.stage_id,
      pipelineId: rule.pipeline_id,
    });
  }
  if (rule.trigger_type === 'stage_change') {
    const pipelineId = (trigger.pipeline_id as string | undefined) ?? rule.pipeline_id;
    if (typeof trigger.pipeline_id === 'string') {
      references.push({
        path: 'trigger_config.pipeline_id',
        kind: 'pipeline_id',
        value: trigger.pipeline_id,
      });
    }
    for (const key of ['to_stage', 'from_stage'] as const) {
      if (typeof trigger[key] === 'string') {
        references.push({
          path: `trigger_config.${key}`,
          kind: 'stage_slug',
          value: trigger[key],
          pipelineId,
        });
      }
    }
  }
  if (rule.trigger_type === 'event' && trigger.event_type === undefined && trigger.source === undefined) {
    // An event rule without a filter would fire on every event of every lead.
    issues.push({
      path: 'trigger_config.event_type',
      message: 'an event rule needs event_type or source',
      code: 'required',
    });
  }

  if (rule.action_type === 'move_to_stage' && typeof action.target_stage === 'string') {
    references.push({
      path: 'action_config.target_stage',
      kind: 'stage_slug',
      value: action.target_stage,
      pipelineId: rule.pipeline_id,
    });
  }
  if (rule.action_type === 'route_to_pipeline') {
    if (typeof action.pipeline_slug === 'string') {
      references.push({
        path: 'action_config.pipeline_slug',
        kind: 'pipeline_slug',
        value: action.pipeline_slug,
      });
    }
    action.create_deal ??= true;
  }
  if (rule.action_type === 'create_task') action.task_type ??= 'follow_up';
  if (rule.action_type === 'assign_owner') action.strategy ??= 'round_robin';
  if (rule.action_type === 'update_field' && typeof action.field === 'string') {
    const allowed = UPDATABLE_FIELDS[action.field];
    if (typeof action.value === 'string' && !allowed.includes(action.value)) {
      issues.push({
        path: 'action_config.value',
        message: `must be one of ${allowed.join(', ')} for ${action.field}`,
        code: 'isIn',
      });
    }
  }
  return { trigger_config: trigger, action_config: action, issues, references };
}

/** Names of what the rule references, or issues for what leads does not have. */
export function checkReferences(
  references: Reference[],
  catalog: PipelineCatalog,
): { issues: ValidationIssue[]; pipelineName: string | null; stageName: string | null } {
  const issues: ValidationIssue[] = [];
  let pipelineName: string | null = null;
  let stageName: string | null = null;
  const stages = catalog.pipelines.flatMap((p) => p.stages);
  for (const ref of references) {
    switch (ref.kind) {
      case 'pipeline_id': {
        const pipeline = catalog.pipelines.find((p) => p.id === ref.value);
        if (!pipeline) issues.push(notFound(ref, 'no pipeline has this id'));
        else if (ref.path === 'pipeline_id') pipelineName = pipeline.name;
        break;
      }
      case 'pipeline_slug':
        if (!catalog.pipelines.some((p) => p.slug === ref.value)) {
          issues.push(notFound(ref, 'no pipeline has this slug'));
        }
        break;
      case 'stage_id': {
        const stage = stages.find((s) => s.id === ref.value);
        if (!stage) issues.push(notFound(ref, 'no stage has this id'));
        else if (ref.pipelineId && stage.pipeline_id !== ref.pipelineId) {
          issues.push({
            path: ref.path,
            message: 'the stage is not in the rule’s pipeline',
            code: 'mismatch',
          });
        } else if (ref.path === 'stage_id') {
          stageName = stage.name;
          pipelineName ??= catalog.pipelines.find((p) => p.id === stage.pipeline_id)?.name ?? null;
        }
        break;
      }
      case 'stage_slug': {
        const candidates = ref.pipelineId ? stages.filter((s) => s.pipeline_id === ref.pipelineId) : stages;
        if (!candidates.some((s) => s.slug === ref.value)) {
          issues.push(
            notFound(
              ref,
              ref.pipelineId ? 'the pipeline has no stage with this slug' : 'no stage has this slug',
            ),
          );
        }
        break;
      }
    }
  }
  return { issues, pipelineName, stageName };
}

function notFound(ref: Reference, message: string): ValidationIssue {
  return { path: ref.path, message, code: 'not_found' };
}
