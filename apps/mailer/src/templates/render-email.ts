import { convert } from 'html-to-text';

/** `{FIRST_NAME}`, `{BOOKING_LINK}`: upper-case names, so CSS blocks and JSON in a template are left alone. */
const PLACEHOLDER = /\{([A-Z][A-Z0-9_]*)\}/g;

export type TemplateVariables = Record<string, string | number | null | undefined>;

export interface EmailContent {
  subject: string;
  html: string;
  /** null: derive the text part from the HTML. */
  text: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** placeholders no variable was given for (rendered empty). */
  missing: string[];
}

/**
 * Fills the placeholders: HTML-escaped in the HTML part, as they are in the subject and the text part. A
 * placeholder without a variable renders empty (a stray `{FIRST_NAME}` in a customer's inbox is worse).
 * Without a text part of its own, the text is the rendered HTML as plain text.
 */
export function renderEmail(content: EmailContent, variables: TemplateVariables = {}): RenderedEmail {
  const missing = new Set<string>();
  const fill = (template: string, encode: (value: string) => string) =>
    template.replace(PLACEHOLDER, (_match, name: string) => {
      const value = variables[name];
      if (value === undefined) missing.add(name);
      return value === undefined || value === null ? '' : encode(String(value));
    });
  const html = fill(content.html, escapeHtml);
  const text = content.text !== null ? fill(content.text, plain) : htmlToText(html);
  // A header cannot hold a line break: one in a variable would end the subject (or inject a header).
  const subject = fill(content.subject, plain)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  return { subject, html, text, missing: [...missing].sort() };
}

/** The placeholder names a template uses, sorted. */
export function placeholdersOf(...parts: (string | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const part of parts) for (const match of (part ?? '').matchAll(PLACEHOLDER)) names.add(match[1]);
  return [...names].sort();
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const plain = (value: string) => value;

function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: 100,
    // Links keep their address next to the text (`Book [https://…]`) unless the text already is the address.
    selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }],
  });
}
