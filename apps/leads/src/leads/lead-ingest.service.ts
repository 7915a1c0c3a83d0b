import { Injectable } from '@nestjs/common';
import { Subjects, type IngestEventReceivedV1, type MessageEnvelope } from '@crm/contracts';
import { Outbox, TransientError, type BatchContext } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { planAttribution, touchCampaign } from './attribution.rules';
import {
  canCreateOrganization,
  describesOrganization,
  extractCompany,
  planOrganizationFill,
  type CompanyHints,
} from './company.rules';
import {
  extractProfile,
  normalizeIdentifier,
  pickMatchingLead,
  planIdentityFill,
  type IdentifierKey,
  type NormalizedIdentifier,
  type ProfileFields,
} from './identity.rules';
import type { LeadEntity } from './lead.entity';
import { LeadEventRepository } from './lead-event.repository';
import { LeadRepository, type LeadPatch } from './lead.repository';
import { OrganizationRepository } from './organization.repository';

export interface RecordIngestEventInput {
  event: IngestEventReceivedV1;
  /** the envelope's correlation id, kept on the event row. */
  correlationId: string;
}

export interface RecordIngestEventsInput {
  /** validated, in stream order; the transport's transaction is open. */
  envelopes: readonly MessageEnvelope<IngestEventReceivedV1>[];
  /** runs publishing as part of one message's flow (its correlation id, caused by it). */
  batch: Pick<BatchContext, 'within'>;
}

export type RecordIngestEventResult =
  | { outcome: 'duplicate' }
  | { outcome: 'recorded'; leadId: string; leadCreated: boolean; matchedBy: IdentifierKey | null };

interface ResolvedLead {
  lead: LeadEntity;
  created: boolean;
  matchedBy: IdentifierKey | null;
  patch: LeadPatch;
}

/** Losing the race to create the same person twice in a row is possible, three times is not. */
const RESOLVE_ATTEMPTS = 3;

/** Turns an accepted producer event into a lead, an organization, an event-log row and the recorded event. */
@Injectable()
export class LeadIngestService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly leads: LeadRepository,
    private readonly organizations: OrganizationRepository,
    private readonly events: LeadEventRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-ingest');
  }

  /** Records a batch of events in stream order, in one transaction: each sees the effects of those before it. */
  async recordIngestEvents({ envelopes, batch }: RecordIngestEventsInput): Promise<RecordIngestEventResult[]> {
    return this.tx.transaction(async () => {
      const results: RecordIngestEventResult[] = [];
      for (const envelope of envelopes) {
        results.push(
          await batch.within(envelope, () =>
            this.recordIngestEvent({ event: envelope.data, correlationId: envelope.correlation_id }),
          ),
        );
      }
      return results;
    });
  }

  async recordIngestEvent({
    event,
    correlationId,
  }: RecordIngestEventInput): Promise<RecordIngestEventResult> {
    return this.tx.transaction(async () => {
      // The permanent dedupe key: a producer retry after the stream's window is stored and scored once.
      if (await this.events.exists(event.source, event.event_id)) {
        this.log.info({ event_id: event.event_id, source: event.source }, 'duplicate event skipped');
        return { outcome: 'duplicate' } as const;
      }
      const identifier = normalizeIdentifier(event.lead_identifier);
      const profile = extractProfile(event.metadata);
      const company = extractCompany(event.metadata, identifier.email);
      const occurredAt = new Date(event.occurred_at);

      const { lead, created, matchedBy, patch } = await this.resolveLead(identifier, profile);
      const organizationId = await this.linkOrganization(lead, company);
      if (organizationId) patch.organizationId = organizationId;
      Object.assign(
        patch,
        planAttribution(lead, {
          source: event.source,
          campaign: clip(touchCampaign(event), 100),
          occurredAt,
        }),
      );
      await this.leads.update(lead.id, patch);

      const stored = await this.events.insertIfAbsent({
        eventId: event.event_id,
        producerEventId: event.producer_event_id ?? null,
        leadId: lead.id,
        eventType: event.event_type,
        eventCategory: event.event_category ?? null,
        source: event.source,
        occurredAt,
        receivedAt: new Date(event.received_at),
        metadata: event.metadata,
        campaignId: clip(event.campaign_id, 100),
        utmSource: clip(event.utm_source, 100),
        utmMedium: clip(event.utm_medium, 100),
        utmCampaign: clip(event.utm_campaign, 100),
        correlationId: clip(correlationId, 128),
        scorePoints: null,
        scoreCategory: null,
        processedAt: new Date(),
      });
      if (!stored) {
        // The same (source, event_id) in another envelope committed while we worked: roll back and let the
        // redelivery see it as the duplicate it is.
        throw new TransientError('event recorded concurrently by another delivery', { retryAfterMs: 100 });
      }

      await this.outbox.publish(Subjects.LeadEventRecorded, {
        event_id: event.event_id,
        lead_id: lead.id,
        lead_created: created,
        event_type: event.event_type,
        event_category: event.event_category ?? null,
        source: event.source,
        occurred_at: occurredAt.toISOString(),
        metadata: event.metadata,
        campaign_id: event.campaign_id ?? null,
      });
      this.log.info(
        { event_id: event.event_id, lead_id: lead.id, lead_created: created, matched_by: matchedBy },
        'event recorded',
      );
      return { outcome: 'recorded', leadId: lead.id, leadCreated: created, matchedBy } as const;
    });
  }

  /** Finds the event's lead (locked for this transaction) or creates it; `patch` holds what the event fills. */
  private async resolveLead(
    identifier: NormalizedIdentifier,
    profile: Partial<ProfileFields>,
  ): Promise<ResolvedLead> {
    for (let attempt = 1; attempt <= RESOLVE_ATTEMPTS; attempt++) {
      const candidates = await this.leads.findByIdentifiers(identifier);
      const match = pickMatchingLead(identifier, candidates);
      if (match) {
        const lead = await this.leads.lockById(match.lead.id);
        if (!lead) continue; // erased in the meantime
        return {
          lead,
          created: false,
          matchedBy: match.matchedBy,
          patch: planIdentityFill(lead, identifier, profile, candidates),
        };
      }
      const lead = await this.leads.insertIfAbsent({
        email: identifier.email ?? null,
        portalId: identifier.portal_id ?? null,
        waalaxyId: identifier.waalaxy_id ?? null,
        linkedinUrl: identifier.linkedin_url ?? null,
        lemlistId: identifier.lemlist_id ?? null,
        ...profile,
      });
      if (lead) return { lead, created: true, matchedBy: null, patch: {} };
      // A concurrent event created a lead with one of these identifiers and has committed: match it now.
    }
    throw new TransientError('lead identity is contended; retrying');
  }

  /**
   * The lead's organization: its own, enriched with empty fields; or, for a lead without one, the organization
   * of the event's corporate domain, else of its company name, created when neither exists.
   * Returns the organization id to link, or null when nothing changes.
   */
  private async linkOrganization(lead: LeadEntity, company: CompanyHints): Promise<string | null> {
    if (lead.organizationId) {
      const own = await this.organizations.findById(lead.organizationId);
      if (own && describesOrganization(own, company)) {
        await this.organizations.fillEmpty(own.id, planOrganizationFill(own, company));
      }
      return null;
    }
    if (!canCreateOrganization(company)) return null;
    if (company.domain) {
      const byDomain = await this.organizations.findByDomain(company.domain);
      if (byDomain) {
        await this.organizations.fillEmpty(byDomain.id, planOrganizationFill(byDomain, company));
        return byDomain.id;
      }
    }
    if (company.name) {
      await this.organizations.lockName(company.name);
      const byName = await this.organizations.findByName(company.name, company.domain);
      if (byName) {
        const fill = planOrganizationFill(byName, company);
        await this.organizations.fillEmpty(
          byName.id,
          company.domain ? { ...fill, domain: company.domain } : fill,
        );
        return byName.id;
      }
    }
    const fill = planOrganizationFill(
      { name: '', domain: null, industry: null, companySize: null, country: null },
      company,
    );
    const created = company.domain
      ? await this.organizations.insertForDomain(company.domain, company.name ?? company.domain, fill)
      : await this.organizations.insert({ name: company.name ?? undefined, ...fill });
    return created.id;
  }
}

function clip(value: string | null | undefined, maxLength: number): string | null {
  return value ? value.slice(0, maxLength) : null;
}
