import { SLUG_MAX_LENGTH } from '@crm/contracts';

/** "Proof of Concept" → "proof-of-concept" (api.md §7: a slug defaults to the name in kebab case). */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
}

/**
 * Where a new stage goes: `requested` (≥ 1) capped at one past the last stage; by default last. The stages at
 * and after it move down by one.
 */
export function insertPosition(stageCount: number, requested: number | undefined): number {
  return Math.min(requested ?? stageCount + 1, stageCount + 1);
}

/** Problems of a reorder list against the pipeline's stages: each must appear exactly once, nothing else. */
export function reorderProblems(stageIds: readonly string[], listed: readonly string[]): string[] {
  const known = new Set(stageIds);
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const id of listed) {
    if (!known.has(id)) problems.push(`${id} is not a stage of this pipeline`);
    else if (seen.has(id)) problems.push(`${id} is listed more than once`);
    seen.add(id);
  }
  const missing = stageIds.filter((id) => !seen.has(id));
  if (missing.length) problems.push(`missing stages: ${missing.join(', ')}`);
  return problems;
}
