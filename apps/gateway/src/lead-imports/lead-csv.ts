import type { LeadView } from '@crm/contracts';

/** The api.md §5 lead fields, in contract order: the export's columns. */
export const LEAD_EXPORT_COLUMNS = [
  'id',
  'email',
  'first_name',
  'last_name',
  'phone',
  'job_title',
  'organization_id',
  'organization_name',
  'status',
  'lifecycle_stage',
  'demographic_score',
  'engagement_score',
  'behavior_score',
  'total_score',
  'score_tier',
  'pipeline_id',
  'routing_status',
  'routed_at',
  'primary_intent',
  'intent_confidence',
  'intent_summary',
  'first_touch_source',
  'first_touch_campaign',
  'first_touch_date',
  'last_touch_source',
  'last_touch_campaign',
  'last_touch_date',
  'portal_id',
  'waalaxy_id',
  'linkedin_url',
  'lemlist_id',
  'consent_date',
  'consent_source',
  'gdpr_delete_requested',
  'created_at',
  'updated_at',
  'last_activity',
] as const satisfies readonly (keyof LeadView)[];

const CRLF = '\r\n';
/** Cells a spreadsheet would read as a formula (OWASP CSV injection): `=`, `+`, `-`, `@`, and tab/CR. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: formula-looking text defused with a leading `'`, quoted per RFC 4180 when needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return LEAD_EXPORT_COLUMNS.join(',') + CRLF;
}

export function csvRows(leads: readonly LeadView[]): string {
  return leads
    .map((lead) => LEAD_EXPORT_COLUMNS.map((column) => csvCell(lead[column])).join(',') + CRLF)
    .join('');
}
