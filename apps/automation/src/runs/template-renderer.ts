/** The values a trigger template may use: `{deal.name}`, `{lead.email}`, `{stage.name}`, … */
export interface TemplateVariables {
  deal: { name: string; value: number | null; currency: string };
  lead: { email: string | null; first_name: string | null; last_name: string | null };
  stage: { name: string };
  pipeline: { name: string };
  company: { name: string | null };
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}|\{([a-z_]+)\.([a-z_]+)\}/g;

/**
 * Replaces `{group.key}` (and the email templates' `{{group.key}}`) with the variable's value. A missing value
 * renders as an empty string; a placeholder that names no known variable stays as written, so a typo is visible
 * in the message instead of silently disappearing.
 */
export function renderTemplate(
  template: string,
  variables: TemplateVariables,
  escape: (value: string) => string = (value) => value,
): string {
  return template.replace(PLACEHOLDER, (match, g1?: string, k1?: string, g2?: string, k2?: string) => {
    const group = (variables as unknown as Record<string, Record<string, unknown> | undefined>)[
      g1 ?? g2 ?? ''
    ];
    const key = k1 ?? k2 ?? '';
    if (!group || !Object.prototype.hasOwnProperty.call(group, key)) return match;
    const value = group[key];
    return value === null || value === undefined ? '' : escape(String(value));
  });
}

/** For values put into an email's HTML: a lead's name must not become markup. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
