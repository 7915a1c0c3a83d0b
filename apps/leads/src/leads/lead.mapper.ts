import type { LeadView } from '@crm/contracts';
import type { LeadEntity } from './lead.entity';

export const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** The api.md §5 lead object. */
export function toLeadView(lead: LeadEntity): LeadView {
  return {
    id: lead.id,
    email: lead.email,
    first_name: lead.firstName,
    last_name: lead.lastName,
    phone: lead.phone,
    job_title: lead.jobTitle,
    organization_id: lead.organizationId,
    organization_name: lead.organization?.name ?? null,
    status: lead.status,
    lifecycle_stage: lead.lifecycleStage,
    demographic_score: lead.demographicScore,
    engagement_score: lead.engagementScore,
    behavior_score: lead.behaviorScore,
    total_score: lead.totalScore,
    score_tier: lead.scoreTier,
    pipeline_id: lead.pipelineId,
    routing_status: lead.routingStatus,
    routed_at: iso(lead.routedAt),
    primary_intent: lead.primaryIntent,
    intent_confidence: lead.intentConfidence,
    intent_summary: {
      research: lead.intentSummary?.research ?? 0,
      b2b: lead.intentSummary?.b2b ?? 0,
      co_creation: lead.intentSummary?.co_creation ?? 0,
    },
    first_touch_source: lead.firstTouchSource,
    first_touch_campaign: lead.firstTouchCampaign,
    first_touch_date: iso(lead.firstTouchDate),
    last_touch_source: lead.lastTouchSource,
    last_touch_campaign: lead.lastTouchCampaign,
    last_touch_date: iso(lead.lastTouchDate),
    portal_id: lead.portalId,
    waalaxy_id: lead.waalaxyId,
    linkedin_url: lead.linkedinUrl,
    lemlist_id: lead.lemlistId,
    consent_date: iso(lead.consentDate),
    consent_source: lead.consentSource,
    gdpr_delete_requested: iso(lead.gdprDeleteRequested),
    created_at: lead.createdAt.toISOString(),
    updated_at: lead.updatedAt.toISOString(),
    last_activity: iso(lead.lastActivity),
  };
}
