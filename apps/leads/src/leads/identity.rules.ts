import { LEAD_IDENTIFIER_KEYS, type LeadIdentifier } from '@crm/contracts';

/** Identity resolution of product.md as pure functions: which lead an event belongs to and what it may fill. */

export type IdentifierKey = (typeof LEAD_IDENTIFIER_KEYS)[number];

/** Cleaned identifier values; absent keys are undefined. */
export type NormalizedIdentifier = Partial<Record<IdentifierKey, string>>;

/** The lead fields identity resolution reads and may fill. */
export interface IdentityFields {
  email: string | null;
  portalId: string | null;
  waalaxyId: string | null;
  linkedinUrl: string | null;
  lemlistId: string | null;
}

export interface ProfileFields {
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  jobTitle: string | null;
}

export interface IdentityCandidate extends IdentityFields, ProfileFields {
  id: string;
}

/** identifier key → lead property; the order of LEAD_IDENTIFIER_KEYS is the matching order. */
export const IDENTIFIER_FIELD: Record<IdentifierKey, keyof IdentityFields> = {
  email: 'email',
  portal_id: 'portalId',
  waalaxy_id: 'waalaxyId',
  linkedin_url: 'linkedinUrl',
  lemlist_id: 'lemlistId',
};

/** metadata key → lead property, with the column's length limit. */
const PROFILE_METADATA: { key: string; field: keyof ProfileFields; maxLength: number }[] = [
  { key: 'first_name', field: 'firstName', maxLength: 100 },
  { key: 'last_name', field: 'lastName', maxLength: 100 },
  { key: 'phone', field: 'phone', maxLength: 50 },
  { key: 'job_title', field: 'jobTitle', maxLength: 150 },
];

/** Emails are compared and stored lowercase; other ids trimmed; a LinkedIn URL loses its trailing slash. */
export function normalizeIdentifier(raw: LeadIdentifier): NormalizedIdentifier {
  const normalized: NormalizedIdentifier = {};
  for (const key of LEAD_IDENTIFIER_KEYS) {
    const value = raw[key];
    if (typeof value !== 'string') continue;
    let clean = value.trim();
    if (key === 'email') clean = clean.toLowerCase();
    if (key === 'linkedin_url') clean = clean.replace(/\/+$/, '');
    if (clean) normalized[key] = clean;
  }
  return normalized;
}

/** Profile values an event carries in its metadata (non-empty strings, cut to the column size). */
export function extractProfile(metadata: Record<string, unknown>): Partial<ProfileFields> {
  const profile: Partial<ProfileFields> = {};
  for (const { key, field, maxLength } of PROFILE_METADATA) {
    const value = metadata[key];
    if (typeof value !== 'string') continue;
    const clean = value.trim().slice(0, maxLength);
    if (clean) profile[field] = clean;
  }
  return profile;
}

function holds(lead: IdentityFields, key: IdentifierKey, value: string): boolean {
  const held = lead[IDENTIFIER_FIELD[key]];
  if (held === null) return false;
  return key === 'email' ? held.toLowerCase() === value : held === value;
}

export interface IdentityMatch<T extends IdentityFields> {
  lead: T;
  matchedBy: IdentifierKey;
}

/**
 * The lead an event belongs to: by email first (case-insensitive), then portal_id, waalaxy_id, linkedin_url,
 * lemlist_id. `candidates` are all leads holding any of the event's identifiers.
 */
export function pickMatchingLead<T extends IdentityFields>(
  identifier: NormalizedIdentifier,
  candidates: readonly T[],
): IdentityMatch<T> | null {
  for (const key of LEAD_IDENTIFIER_KEYS) {
    const value = identifier[key];
    if (!value) continue;
    const lead = candidates.find((candidate) => holds(candidate, key, value));
    if (lead) return { lead, matchedBy: key };
  }
  return null;
}

/**
 * What a matched lead gains from the event: identifiers it lacks and empty profile fields. Nothing set is ever
 * overwritten, and an identifier another lead already holds is not taken (a known external id arriving with
 * another lead's email keeps both leads as they are).
 */
export function planIdentityFill(
  lead: IdentityCandidate,
  identifier: NormalizedIdentifier,
  profile: Partial<ProfileFields>,
  candidates: readonly IdentityCandidate[],
): Partial<IdentityFields & ProfileFields> {
  const patch: Partial<IdentityFields & ProfileFields> = {};
  for (const key of LEAD_IDENTIFIER_KEYS) {
    const value = identifier[key];
    const field = IDENTIFIER_FIELD[key];
    if (!value || !isEmpty(lead[field])) continue;
    const takenByAnother = candidates.some((other) => other.id !== lead.id && holds(other, key, value));
    if (!takenByAnother) patch[field] = value;
  }
  for (const { field } of PROFILE_METADATA) {
    const value = profile[field];
    if (value && isEmpty(lead[field])) patch[field] = value;
  }
  return patch;
}

function isEmpty(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}
