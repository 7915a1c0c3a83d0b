export type RuleTemplateVariables = Record<string, Record<string, string | number | null | undefined>>;

const PLACEHOLDER = /\{(lead|deal)\.([a-z_]+)\}/g;

/**
 * Fills `{lead.first_name}`-style placeholders (api.md §12 send_notification); an unknown or empty value
 * becomes an empty string, and anything else in the text stays as written.
 */
export function renderRuleTemplate(template: string, variables: RuleTemplateVariables): string {
  return template.replace(PLACEHOLDER, (_match, scope: string, key: string) => {
    const value = variables[scope]?.[key];
    return value === null || value === undefined ? '' : String(value);
  });
}
