import {
  INTENTS,
  type Intent,
  type IntentSummaryV1,
  type LeadIntentDetectedV1,
  type LeadIntentV1,
} from '@crm/contracts';

/** How far the primary intent must lead the runner-up (points) to be clear, and to earn the bonus. */
export const INTENT_MARGIN = 15;
const CLEAR_LEAD_BONUS = 10;
/** Below this many points in all, the evidence is thin: confidence drops. */
const THIN_EVIDENCE_POINTS = 30;
const THIN_EVIDENCE_PENALTY = 20;

export function emptyIntentSummary(): IntentSummaryV1 {
  return { research: 0, b2b: 0, co_creation: 0 };
}

export function sameIntentSummary(a: IntentSummaryV1, b: IntentSummaryV1): boolean {
  return INTENTS.every((intent) => a[intent] === b[intent]);
}

/**
 * The lead's intent from its confidence points per intent (product.md, Intent): the primary is the intent with
 * most points (ties go to the first in `research, b2b, co_creation`); confidence is its share of all points in
 * percent, +10 (at most 100) when it leads the runner-up by at least 15 points, −20 (at least 0) when all
 * points together are under 30. Conflict: the runner-up has points and is less than 15 behind. No points at
 * all: no intent.
 */
export function intentOf(summary: IntentSummaryV1): LeadIntentV1 {
  const total = INTENTS.reduce((sum, intent) => sum + summary[intent], 0);
  if (total <= 0) {
    return { primary_intent: null, intent_confidence: null, intent_summary: { ...summary }, conflict: false };
  }
  const [primary, runnerUp] = [...INTENTS].sort((a, b) => summary[b] - summary[a] || order(a) - order(b));
  const lead = summary[primary] - summary[runnerUp];
  let confidence = Math.round((summary[primary] / total) * 100);
  if (lead >= INTENT_MARGIN) confidence = Math.min(100, confidence + CLEAR_LEAD_BONUS);
  if (total < THIN_EVIDENCE_POINTS) confidence = Math.max(0, confidence - THIN_EVIDENCE_PENALTY);
  return {
    primary_intent: primary,
    intent_confidence: confidence,
    intent_summary: { ...summary },
    conflict: summary[runnerUp] > 0 && lead < INTENT_MARGIN,
  };
}

/** Adds one signal's points to a summary (a new object). */
export function addIntentPoints(summary: IntentSummaryV1, intent: Intent, points: number): IntentSummaryV1 {
  return { ...summary, [intent]: summary[intent] + points };
}

function order(intent: Intent): number {
  return INTENTS.indexOf(intent);
}

/**
 * `lead.intent_detected` when the intent a summary gives differs from the one before in what routing reads: the
 * primary intent (a first one included) or the conflict. A confidence that moves alone is not news.
 */
export function intentDetectedOf(
  leadId: string,
  before: IntentSummaryV1,
  after: IntentSummaryV1,
  at: Date,
): LeadIntentDetectedV1 | null {
  const was = intentOf(before);
  const now = intentOf(after);
  if (was.primary_intent === now.primary_intent && was.conflict === now.conflict) return null;
  return {
    lead_id: leadId,
    primary_intent: now.primary_intent,
    previous_primary_intent: was.primary_intent,
    intent_confidence: now.intent_confidence,
    intent_summary: now.intent_summary,
    conflict: now.conflict,
    detected_at: at.toISOString(),
  };
}
