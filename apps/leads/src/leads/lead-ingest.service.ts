import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  Subjects,
  type IngestEventReceivedV1,
  type IngestImportContext,
  type LeadProfileChangedV1,
  type MessageEnvelope,
} from '@crm/contracts';
import { Outbox, TransientError, type OutboxMessage } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadImportProgress, type ImportRowResult } from '../imports/lead-import-progress';
import { touchCampaign } from './attribution.rules';
import { extractCompany } from './company.rules';
import { extractProfile, normalizeIdentifier, type IdentifierKey } from './identity.rules';
import {
  IngestBatchPlan,
  companyKeysOf,
  identifierValuesOf,
  ingestLockKeys,
  type IngestFacts,
  type LeadResolution,
  type LeadState,
  type OrganizationState,
} from './ingest-batch.plan';
import { IngestLockRepository } from './ingest-lock.repository';
import { LeadEventRepository, leadEventKeyOf, type NewLeadEvent } from './lead-event.repository';
import { fitProfileChanged, fitProfileOf, NEW_LEAD_STATUS } from './lead-profile.rules';
import type { LeadEntity } from './lead.entity';
import { leadCreatedMessage } from './lead.events';
import { LeadRepository } from './lead.repository';
import { OrganizationRepository } from './organization.repository';

export interface RecordIngestEventsInput {
  /** validated, in stream order; the transport's transaction is open. */
  envelopes: readonly MessageEnvelope<IngestEventReceivedV1>[];
}

export type RecordIngestEventResult =
  | { outcome: 'duplicate' }
  /** An import row that left its lead untouched (skipped) or could not be imported (failed). */
  | { outcome: 'not_recorded' }
  | { outcome: 'recorded'; leadId: string; leadCreated: boolean; matchedBy: IdentifierKey | null };

interface ParsedEvent {
  envelope: MessageEnvelope<IngestEventReceivedV1>;
  facts: IngestFacts;
}

/**
 * Turns accepted producer events into leads, organizations, event-log rows and recorded events, a batch at a
 * time with a fixed number of statements per batch.
 */
@Injectable()
export class LeadIngestService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly locks: IngestLockRepository,
    private readonly leads: LeadRepository,
    private readonly organizations: OrganizationRepository,
    private readonly events: LeadEventRepository,
    private readonly outbox: Outbox,
    private readonly imports: LeadImportProgress,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-ingest');
  }

  /**
   * Records the events in stream order, in one transaction: each event sees the leads and organizations the
   * events before it created or filled. Results are in the order of `envelopes`.
   */
  async recordIngestEvents({ envelopes }: RecordIngestEventsInput): Promise<RecordIngestEventResult[]> {
    return this.tx.transaction(async () => {
      const parsed = envelopes.map(parseEvent);
      // Locked before anything is read, so what follows sees every concurrent batch of the same people committed.
      await this.locks.lock(ingestLockKeys(parsed.map((p) => p.facts)));
      const fresh = await this.withoutDuplicates(parsed);
      const { plan, leads, organizations } = await this.planFor(fresh.map((p) => p.facts));
      const { resolutions, importRows } = resolveAll(plan, fresh);
      const now = new Date();
      const profiles = profileChangesOf(plan, leads, organizations, now);
      await this.store(plan, resolutions);
      profiles.push(...(await this.profileChangesOfOrganizationPeers(plan, now)));
      const importsCompleted = await this.imports.record(importRows, now);
      await this.announce(resolutions, profiles, plan.newLeads, now, importsCompleted);

      const created = plan.newLeads.length;
      const freshEvents = new Set(fresh);
      this.log.info(
        { events: envelopes.length, recorded: fresh.length, leads_created: created },
        'ingest batch recorded',
      );
      return parsed.map((p): RecordIngestEventResult => {
        const resolution = resolutions.get(p);
        if (!resolution) return { outcome: freshEvents.has(p) ? 'not_recorded' : 'duplicate' };
        return {
          outcome: 'recorded',
          leadId: resolution.leadId,
          leadCreated: resolution.created,
          matchedBy: resolution.matchedBy,
        };
      });
    });
  }

  /**
   * The events not recorded yet, each `(source, event_id)` once (its first delivery in stream order): the
   * permanent dedupe key, so a producer retry after the stream's window is stored and scored once. An import
   * row processed already is a duplicate too (a skipped or failed row leaves no event behind).
   */
  private async withoutDuplicates(parsed: ParsedEvent[]): Promise<ParsedEvent[]> {
    const recorded = await this.events.findRecorded(parsed.map((p) => eventKeyOf(p.envelope.data)));
    const importsDone = await this.imports.processedAlready(
      parsed.flatMap((p) => p.envelope.data.import ?? []),
    );
    const fresh: ParsedEvent[] = [];
    const duplicates: IngestEventReceivedV1[] = [];
    for (const p of parsed) {
      const key = leadEventKeyOf(eventKeyOf(p.envelope.data));
      const row = p.envelope.data.import;
      const rowKey = row ? `${row.batch_id}:${row.batch_index}` : undefined;
      if (recorded.has(key) || (rowKey && importsDone.has(rowKey))) duplicates.push(p.envelope.data);
      else fresh.push(p);
      recorded.add(key);
      if (rowKey) importsDone.add(rowKey);
    }
    for (const { event_id, source } of duplicates) {
      this.log.info({ event_id, source }, 'duplicate event skipped');
    }
    return fresh;
  }

  /**
   * Reads and locks every lead the events can match, and every organization they can link to; returns the plan
   * and what it started from (the plan works on copies).
   */
  private async planFor(
    facts: IngestFacts[],
  ): Promise<{ plan: IngestBatchPlan; leads: LeadEntity[]; organizations: OrganizationState[] }> {
    const leads = await this.leads.lockByIdentifiers(identifierValuesOf(facts));
    const ownOrganizationIds = leads.flatMap((lead) => (lead.organizationId ? [lead.organizationId] : []));
    const organizations = await this.organizations.findByIdsDomainsOrNames({
      ids: [...new Set(ownOrganizationIds)],
      ...companyKeysOf(facts),
    });
    return { plan: new IngestBatchPlan(leads, organizations), leads, organizations };
  }

  /**
   * Organizations the batch filled are also the organizations of leads outside the batch: their fit profiles
   * changed too. Those leads are locked (in id order) and their profile versions moved in one statement.
   */
  private async profileChangesOfOrganizationPeers(
    plan: IngestBatchPlan,
    now: Date,
  ): Promise<LeadProfileChangedV1[]> {
    const filled = plan.filledOrganizations.map((o) => o.id);
    if (!filled.length) return [];
    const inBatch = [...plan.newLeads, ...plan.existingLeadStates].map((lead) => lead.id);
    const peers = await this.leads.moveProfileVersionsOfOrganizations(filled, inBatch);
    return peers.map((peer) => ({
      lead_id: peer.id,
      profile_version: peer.profileVersion,
      lead_created: false,
      changed_at: now.toISOString(),
      profile: fitProfileOf(peer, peer, plan.organizationOf(peer.organizationId)),
    }));
  }

  /**
   * Writes what the plan changed. Ingest batches of the same people are serialised by the locks, so a row
   * skipped here was written by another kind of writer meanwhile: the batch is retried and resolves again.
   */
  private async store(plan: IngestBatchPlan, resolutions: Map<ParsedEvent, LeadResolution>): Promise<void> {
    const newOrganizations = plan.newOrganizations;
    if ((await this.organizations.insertMany(newOrganizations)) < newOrganizations.length) {
      throw new TransientError('organization domain taken concurrently; retrying', { retryAfterMs: 100 });
    }
    await this.organizations.fillEmptyMany(plan.filledOrganizations);
    const newLeads = plan.newLeads;
    if ((await this.leads.insertMany(newLeads)) < newLeads.length) {
      throw new TransientError('lead identity taken concurrently; retrying', { retryAfterMs: 100 });
    }
    await this.leads.updateMany(plan.changedLeads);
    const rows = [...resolutions].map(([p, resolution]) => toEventRow(p, resolution.leadId));
    if ((await this.events.insertMany(rows)) < rows.length) {
      // The same (source, event_id) in another envelope committed while we worked: roll back and let the
      // redelivery see it as the duplicate it is.
      throw new TransientError('event recorded concurrently by another delivery', { retryAfterMs: 100 });
    }
  }

  /**
   * One recorded event per stored event, in stream order (the relay publishes in that order), each in the flow
   * of the message that carried it.
   */
  private async announce(
    resolutions: Map<ParsedEvent, LeadResolution>,
    profiles: LeadProfileChangedV1[],
    createdLeads: readonly LeadState[],
    now: Date,
    importsCompleted: OutboxMessage[],
  ): Promise<void> {
    const messages: OutboxMessage[] = [];
    for (const [{ envelope, facts }, resolution] of resolutions) {
      const event = envelope.data;
      messages.push({
        subject: Subjects.LeadEventRecorded,
        data: {
          event_id: event.event_id,
          lead_id: resolution.leadId,
          lead_created: resolution.created,
          event_type: event.event_type,
          event_category: event.event_category ?? null,
          source: event.source,
          occurred_at: facts.touch.occurredAt.toISOString(),
          metadata: event.metadata,
          campaign_id: event.campaign_id ?? null,
        },
        options: { causedBy: envelope },
      });
      this.log.debug(
        {
          event_id: event.event_id,
          lead_id: resolution.leadId,
          lead_created: resolution.created,
          matched_by: resolution.matchedBy,
        },
        'event recorded',
      );
    }
    // Profile changes are the batch's own work (several events may have caused one): no message's flow.
    for (const profile of profiles) messages.push({ subject: Subjects.LeadProfileChanged, data: profile });
    for (const lead of createdLeads) messages.push(leadCreatedMessage(lead, now));
    messages.push(...importsCompleted);
    await this.outbox.publishMany(messages);
  }
}

/**
 * Applies the events in stream order. An import row (api.md §4.4) first asks how it resolves: a known lead
 * with `skip_duplicates` stays untouched, a row naming another lead's identifier fails; neither is recorded as an
 * event. Every import row comes out with its outcome, to be counted.
 */
function resolveAll(
  plan: IngestBatchPlan,
  fresh: readonly ParsedEvent[],
): { resolutions: Map<ParsedEvent, LeadResolution>; importRows: ImportRowResult[] } {
  const resolutions = new Map<ParsedEvent, LeadResolution>();
  const importRows: ImportRowResult[] = [];
  for (const p of fresh) {
    const context = p.envelope.data.import;
    if (!context) {
      resolutions.set(p, plan.apply(p.facts));
      continue;
    }
    const email = p.facts.identifier.email ?? null;
    const decision = plan.importDecision(p.facts, context.skip_duplicates);
    if (decision.kind === 'apply') {
      const resolution = plan.apply(p.facts);
      resolutions.set(p, resolution);
      importRows.push(
        importRow(context, email, resolution.created ? 'created' : 'updated', resolution.leadId),
      );
    } else if (decision.kind === 'skip') {
      importRows.push(importRow(context, email, 'skipped', decision.leadId));
    } else {
      importRows.push({
        ...importRow(context, email, 'failed', null),
        error: {
          code: ErrorCode.Conflict,
          message: `${decision.field} belongs to another lead (${decision.leadId})`,
        },
      });
    }
  }
  return { resolutions, importRows };
}

function importRow(
  context: IngestImportContext,
  email: string | null,
  outcome: ImportRowResult['outcome'],
  leadId: string | null,
): ImportRowResult {
  return { context, email, outcome, leadId };
}

/**
 * The batch's leads whose fit profile changed, with their next profile version (marked in the plan, so it is
 * stored with the lead): every lead it created, and every existing lead whose own or organization's fit fields
 * differ from what they were before the batch.
 */
function profileChangesOf(
  plan: IngestBatchPlan,
  before: readonly LeadEntity[],
  organizationsBefore: readonly OrganizationState[],
  now: Date,
): LeadProfileChangedV1[] {
  const changes: LeadProfileChangedV1[] = [];
  const changedAt = now.toISOString();
  for (const lead of plan.newLeads) {
    changes.push({
      lead_id: lead.id,
      profile_version: plan.markProfileChanged(lead),
      lead_created: true,
      changed_at: changedAt,
      profile: fitProfileOf(lead, NEW_LEAD_STATUS, plan.organizationOf(lead.organizationId)),
    });
  }
  const entityById = new Map(before.map((lead) => [lead.id, lead]));
  const organizationBefore = new Map(organizationsBefore.map((org) => [org.id, org]));
  for (const lead of plan.existingLeadStates) {
    const entity = entityById.get(lead.id)!;
    const profile = fitProfileOf(lead, entity, plan.organizationOf(lead.organizationId));
    const previous = fitProfileOf(entity, entity, organizationBefore.get(entity.organizationId ?? ''));
    if (!fitProfileChanged(previous, profile)) continue;
    changes.push({
      lead_id: lead.id,
      profile_version: plan.markProfileChanged(lead),
      lead_created: false,
      changed_at: changedAt,
      profile,
    });
  }
  return changes;
}

function parseEvent(envelope: MessageEnvelope<IngestEventReceivedV1>): ParsedEvent {
  const event = envelope.data;
  const identifier = normalizeIdentifier(event.lead_identifier);
  return {
    envelope,
    facts: {
      identifier,
      profile: extractProfile(event.metadata),
      company: extractCompany(event.metadata, identifier.email),
      touch: {
        // An import's touch is its label (`csv_import`, `conference`…), not the generic event source `import`.
        source: clip(event.import?.source ?? event.source, 100)!,
        campaign: clip(touchCampaign(event), 100),
        occurredAt: new Date(event.occurred_at),
      },
    },
  };
}

function eventKeyOf(event: IngestEventReceivedV1) {
  return { source: event.source, eventId: event.event_id };
}

function toEventRow({ envelope, facts }: ParsedEvent, leadId: string): NewLeadEvent {
  const event = envelope.data;
  return {
    eventId: event.event_id,
    producerEventId: event.producer_event_id ?? null,
    leadId,
    eventType: event.event_type,
    eventCategory: event.event_category ?? null,
    source: event.source,
    occurredAt: facts.touch.occurredAt,
    receivedAt: new Date(event.received_at),
    metadata: event.metadata,
    campaignId: clip(event.campaign_id, 100),
    utmSource: clip(event.utm_source, 100),
    utmMedium: clip(event.utm_medium, 100),
    utmCampaign: clip(event.utm_campaign, 100),
    correlationId: clip(envelope.correlation_id, 128),
    scoreCategory: null,
    processedAt: new Date(),
  };
}

function clip(value: string | null | undefined, maxLength: number): string | null {
  return value ? value.slice(0, maxLength) : null;
}
