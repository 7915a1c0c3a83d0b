import type { RoutingConfigView, UpdateRoutingConfigBody } from '@crm/contracts';

/** api.md §11 defaults; the stored config holds only what an admin changed. */
export const DEFAULT_ROUTING_CONFIG: RoutingConfigView = {
  min_score_threshold: 40,
  min_intent_confidence: 60,
  intent_confidence_margin: 15,
  max_unrouted_days: 14,
  fallback_pipeline: 'discovery',
  intent_to_pipeline: {
    research: 'research-lab',
    b2b: 'b2b-lab-enablement',
    co_creation: 'panel-co-creation',
  },
  owner_assignment: {
    research: { role: 'bdr', strategy: 'round_robin', region_aware: true },
    b2b: { role: 'ae', strategy: 'capacity', value_tier_aware: false },
    co_creation: { role: 'partnership_manager', strategy: 'manual' },
    discovery: { role: 'marketing_manager', strategy: 'notify' },
  },
};

type StoredConfig = Partial<Omit<RoutingConfigView, 'intent_to_pipeline' | 'owner_assignment'>> & {
  intent_to_pipeline?: Partial<RoutingConfigView['intent_to_pipeline']>;
  owner_assignment?: Partial<RoutingConfigView['owner_assignment']>;
};

/** The effective config: the defaults overlaid with what is stored (nested maps merged key by key). */
export function effectiveConfig(stored: StoredConfig): RoutingConfigView {
  return {
    ...DEFAULT_ROUTING_CONFIG,
    ...stored,
    intent_to_pipeline: { ...DEFAULT_ROUTING_CONFIG.intent_to_pipeline, ...stored.intent_to_pipeline },
    owner_assignment: { ...DEFAULT_ROUTING_CONFIG.owner_assignment, ...stored.owner_assignment },
  };
}

/** A partial update applied to the stored config (a nested map merges; an assignment is replaced whole). */
export function withUpdate(stored: StoredConfig, update: UpdateRoutingConfigBody): StoredConfig {
  const defined = <T extends object>(value: T) =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
  const { intent_to_pipeline, owner_assignment, ...scalars } = update;
  return {
    ...stored,
    ...defined(scalars),
    intent_to_pipeline: { ...stored.intent_to_pipeline, ...defined(intent_to_pipeline ?? {}) },
    owner_assignment: { ...stored.owner_assignment, ...defined(owner_assignment ?? {}) },
  };
}

export type { StoredConfig };
