import {
  SCORE_TIERS,
  type DealClosedV1,
  type LeadManualReviewV1,
  type LeadRoutedV1,
  type LeadScoredV1,
  type MessageEnvelope,
  type ScoreTier,
  type SlackAlertType,
  type WebhookDeliveryExhaustedV1,
} from '@crm/contracts';
import { alertMessage, type AlertContent, type AlertMessage } from './alert-messages';

/** An alert a domain event raises: sent once per `key` (the alert type and what it is about). */
export interface AlertCandidate {
  type: SlackAlertType;
  key: string;
  /** The lead it is about, if any (GDPR erasure finds its alerts by it). */
  leadId: string | null;
  message: AlertMessage;
  /** The event that raised it: correlation and causation of the post command. */
  cause: { id: string; correlation_id: string };
}

/** Where "Open in CRM" points; null without a configured app URL. */
export type CrmLinks = { lead(leadId: string): string; deal(dealId: string): string } | null;

const HOT_TIERS: readonly ScoreTier[] = ['hot', 'very_hot'];
const TIER_LABEL: Record<ScoreTier, string> = {
  cold: 'cold',
  warm: 'warm',
  hot: 'hot',
  very_hot: 'very hot',
};

function candidate(
  envelope: MessageEnvelope<unknown>,
  type: SlackAlertType,
  key: string,
  leadId: string | null,
  content: AlertContent,
): AlertCandidate {
  return {
    type,
    key: `${type}:${key}`,
    leadId,
    message: alertMessage(content),
    cause: { id: envelope.id, correlation_id: envelope.correlation_id },
  };
}

function leadLink(links: CrmLinks, leadId: string) {
  return links ? { label: 'Open lead', url: links.lead(leadId) } : null;
}

/**
 * `hot_lead`: the score crossed upward into `hot` or `very_hot`. Once per lead and tier reached: a lead that
 * drops back and crosses again does not alert twice (the team already knows it).
 */
export function hotLeadAlert(
  envelope: MessageEnvelope<LeadScoredV1>,
  links: CrmLinks,
): AlertCandidate | null {
  const scored = envelope.data;
  const rank = (tier: ScoreTier) => SCORE_TIERS.indexOf(tier);
  if (!HOT_TIERS.includes(scored.tier) || rank(scored.tier) <= rank(scored.previous_tier)) return null;
  const tier = TIER_LABEL[scored.tier];
  const fields: [string, string][] = [
    ['Score', `${scored.previous_total} → ${scored.scores.total}`],
    ['Tier', `${TIER_LABEL[scored.previous_tier]} → ${tier}`],
  ];
  const intent = scored.intent;
  if (intent?.primary_intent) {
    fields.push(['Intent', `${intent.primary_intent} (${intent.intent_confidence ?? 0}%)`]);
  }
  return candidate(envelope, 'hot_lead', `${scored.lead_id}:${scored.tier}`, scored.lead_id, {
    header: scored.tier === 'very_hot' ? ':fire::fire: Very hot lead' : ':fire: Hot lead',
    fallback: `A lead became ${tier} (score ${scored.scores.total})`,
    fields,
    context: `Lead ${scored.lead_id}`,
    link: leadLink(links, scored.lead_id),
  });
}

/** `routed`: once per lead and the deal its routing created. */
export function routedAlert(envelope: MessageEnvelope<LeadRoutedV1>, links: CrmLinks): AlertCandidate {
  const routed = envelope.data;
  const fields: [string, string][] = [
    ['Lead', routed.email ?? routed.lead_id],
    ['Pipeline', routed.pipeline_name],
    ['Assigned to', routed.assigned_to_email ?? 'nobody yet'],
    ['Score', String(routed.total_score)],
  ];
  if (routed.primary_intent)
    fields.push(['Intent', `${routed.primary_intent} (${routed.intent_confidence ?? 0}%)`]);
  fields.push(['Routed by', routed.routed_by]);
  return candidate(envelope, 'routed', `${routed.lead_id}:${routed.deal_id}`, routed.lead_id, {
    header: `:arrow_right: Lead routed to ${routed.pipeline_name}`,
    fallback: `Lead ${routed.email ?? routed.lead_id} routed to ${routed.pipeline_name}`,
    fields,
    context: `Lead ${routed.lead_id} · deal ${routed.deal_id}`,
    link: links ? { label: 'Open deal', url: links.deal(routed.deal_id) } : null,
  });
}

/**
 * `routing_conflict` (intent conflict) or `assignment_needed` (stuck in the pool): once per lead and
 * occurrence, as a lead can need a person again later.
 */
export function manualReviewAlert(
  envelope: MessageEnvelope<LeadManualReviewV1>,
  links: CrmLinks,
): AlertCandidate {
  const review = envelope.data;
  const lead = review.email ?? review.lead_id;
  const key = `${review.lead_id}:${review.occurred_at}`;
  if (review.reason === 'intent_conflict') {
    const s = review.intent_summary;
    return candidate(envelope, 'routing_conflict', key, review.lead_id, {
      header: ':warning: Routing conflict: manual review needed',
      fallback: `Lead ${lead} needs a manual routing decision (intent conflict)`,
      fields: [
        ['Lead', lead],
        ['Score', String(review.total_score)],
        ['Intent points', `research ${s.research} · b2b ${s.b2b} · co-creation ${s.co_creation}`],
      ],
      context: `Lead ${review.lead_id}`,
      link: leadLink(links, review.lead_id),
    });
  }
  return candidate(envelope, 'assignment_needed', key, review.lead_id, {
    header: ':hourglass: Lead needs an owner',
    fallback: `Lead ${lead} has waited ${review.days_in_pool} days in the pool`,
    fields: [
      ['Lead', lead],
      ['Days in pool', String(review.days_in_pool)],
      ['Score', String(review.total_score)],
    ],
    context: `Lead ${review.lead_id}`,
    link: leadLink(links, review.lead_id),
  });
}

/** `deal_won`: once per deal and closing (a reopened deal won again alerts again). */
export function dealWonAlert(envelope: MessageEnvelope<DealClosedV1>, links: CrmLinks): AlertCandidate {
  const deal = envelope.data;
  const value = deal.value === null ? 'no value' : `${deal.value.toLocaleString('en-US')} ${deal.currency}`;
  const fields: [string, string][] = [
    ['Deal', deal.name],
    ['Value', value],
  ];
  if (deal.close_reason) fields.push(['Reason', deal.close_reason]);
  return candidate(envelope, 'deal_won', `${deal.deal_id}:${deal.closed_at}`, deal.lead_id, {
    header: ':trophy: Deal won',
    fallback: `Deal ${deal.name} won (${value})`,
    fields,
    context: `Deal ${deal.deal_id} · lead ${deal.lead_id}`,
    link: links ? { label: 'Open deal', url: links.deal(deal.deal_id) } : null,
  });
}

/** `errors`: an outbound webhook delivery gave up; once per delivery. */
export function webhookExhaustedAlert(envelope: MessageEnvelope<WebhookDeliveryExhaustedV1>): AlertCandidate {
  const failed = envelope.data;
  const outcome =
    failed.response_status !== null ? `HTTP ${failed.response_status}` : (failed.error ?? 'no answer');
  return candidate(envelope, 'errors', `webhook_delivery:${failed.delivery_id}`, null, {
    header: ':rotating_light: Webhook delivery failed',
    fallback: `Webhook delivery of ${failed.event_type} to ${failed.url_host} failed after ${failed.attempts} attempts`,
    fields: [
      ['Endpoint', failed.url_host],
      ['Event', failed.event_type],
      ['Attempts', String(failed.attempts)],
      ['Last outcome', outcome],
    ],
    context: `Subscription ${failed.subscription_id} · delivery ${failed.delivery_id}`,
  });
}
