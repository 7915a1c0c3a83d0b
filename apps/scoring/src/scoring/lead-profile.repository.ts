import { Injectable } from '@nestjs/common';
import type { LeadFitProfile, LeadProfileChangedV1 } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';

/** Each lead's latest fit profile, as leads announced it (scoring's own copy, for fit and intent rules). */
@Injectable()
export class LeadProfileRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Stores the profiles that are newer than the stored ones (one per lead), in one statement; returns the ids
   * of the leads whose profile was stored. An older or repeated version changes nothing.
   */
  async storeNewer(profiles: LeadProfileChangedV1[]): Promise<Set<string>> {
    if (!profiles.length) return new Set();
    const rows: { lead_id: string }[] = await this.tx.manager.query(
      `INSERT INTO lead_profiles (lead_id, profile, profile_version, changed_at)
       SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::int[], $4::timestamptz[])
       ON CONFLICT (lead_id) DO UPDATE
         SET profile = EXCLUDED.profile, profile_version = EXCLUDED.profile_version,
             changed_at = EXCLUDED.changed_at, updated_at = now()
         WHERE lead_profiles.profile_version < EXCLUDED.profile_version
       RETURNING lead_id`,
      [
        profiles.map((p) => p.lead_id),
        profiles.map((p) => JSON.stringify(p.profile)),
        profiles.map((p) => p.profile_version),
        profiles.map((p) => p.changed_at),
      ],
    );
    return new Set(rows.map((row) => row.lead_id));
  }

  /** The leads' stored profiles with the time of their last change. */
  async ofLeads(leadIds: string[]): Promise<Map<string, { profile: LeadFitProfile; changedAt: Date }>> {
    const rows: { lead_id: string; profile: LeadFitProfile; changed_at: Date }[] =
      await this.tx.manager.query(
        `SELECT lead_id, profile, changed_at FROM lead_profiles WHERE lead_id = ANY($1::uuid[])`,
        [leadIds],
      );
    return new Map(rows.map((row) => [row.lead_id, { profile: row.profile, changedAt: row.changed_at }]));
  }

  /** Every stored profile (a fit rule preview evaluates them all). */
  async all(): Promise<Map<string, LeadFitProfile>> {
    const rows: { lead_id: string; profile: LeadFitProfile }[] = await this.tx.manager.query(
      `SELECT lead_id, profile FROM lead_profiles`,
    );
    return new Map(rows.map((row) => [row.lead_id, row.profile]));
  }

  /** The leads' emails as their profiles last said. */
  async emailsOf(leadIds: string[]): Promise<Map<string, string | null>> {
    if (!leadIds.length) return new Map();
    const rows: { lead_id: string; email: string | null }[] = await this.tx.manager.query(
      `SELECT lead_id, profile ->> 'email' AS email FROM lead_profiles WHERE lead_id = ANY($1::uuid[])`,
      [leadIds],
    );
    return new Map(rows.map((row) => [row.lead_id, row.email]));
  }
}
