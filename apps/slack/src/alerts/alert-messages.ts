/** Slack's limits (external-apis.md §3.3): header ≤150, a section field ≤2000 characters. */
const HEADER_LIMIT = 150;
const FIELD_LIMIT = 2000;

/** A message ready for a post-message command: Block Kit blocks and the notification fallback text. */
export interface AlertMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export interface AlertContent {
  header: string;
  fallback: string;
  fields: [label: string, value: string][];
  /** Small print under the fields, e.g. the lead id. */
  context?: string;
  /** "Open in CRM" when the CRM web app's URL is configured. */
  link?: { label: string; url: string } | null;
}

/** Slack mrkdwn control characters (`&`, `<`, `>`) in our values must not be read as links or mentions. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(value: string, limit: number): string {
  return value.length > limit ? `${value.slice(0, limit - 1)}…` : value;
}

/** Header, fields, optional context and button; Slack shows `text` in notifications. */
export function alertMessage(content: AlertContent): AlertMessage {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(content.header, HEADER_LIMIT), emoji: true } },
    {
      type: 'section',
      fields: content.fields.slice(0, 10).map(([label, value]) => ({
        type: 'mrkdwn',
        text: cut(`*${label}*\n${escapeMrkdwn(value)}`, FIELD_LIMIT),
      })),
    },
  ];
  if (content.context) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(content.context) }] });
  }
  if (content.link) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: content.link.label }, url: content.link.url },
      ],
    });
  }
  return { text: content.fallback, blocks };
}
