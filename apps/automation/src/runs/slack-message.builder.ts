import type { TemplateVariables } from './template-renderer';

export interface SlackMessagePayload {
  channel: string;
  text: string;
  blocks: Record<string, unknown>[];
}

/** Block Kit limits (external-apis.md §3.3). */
const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/**
 * The message a `send_slack_message` trigger posts: a header with the deal, the rendered text, and the
 * stage and pipeline as fields. `text` doubles as the notification fallback.
 */
export function buildSlackMessage(
  channel: string,
  text: string,
  vars: TemplateVariables,
): SlackMessagePayload {
  const fields = [
    { type: 'mrkdwn', text: `*Stage*\n${clip(vars.stage.name, 1000)}` },
    { type: 'mrkdwn', text: `*Pipeline*\n${clip(vars.pipeline.name, 1000)}` },
  ];
  if (vars.deal.value !== null) {
    fields.push({ type: 'mrkdwn', text: `*Value*\n${vars.deal.value} ${vars.deal.currency}` });
  }
  return {
    channel,
    text,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(vars.deal.name || 'Deal', HEADER_LIMIT), emoji: true },
      },
      { type: 'section', text: { type: 'mrkdwn', text: clip(text || ' ', SECTION_LIMIT) } },
      { type: 'section', fields },
    ],
  };
}
