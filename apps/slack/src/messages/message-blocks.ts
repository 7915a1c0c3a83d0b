/** Slack rejects a section text over 3,000 characters (external-apis.md §3.3). */
const SECTION_TEXT_LIMIT = 3000;

/**
 * The Block Kit blocks of a message: the requester's blocks as given, or one mrkdwn section with the text.
 * The top-level `text` is always sent too, as the notification fallback.
 */
export function blocksFor(
  text: string,
  blocks: Record<string, unknown>[] | undefined,
): Record<string, unknown>[] {
  if (blocks && blocks.length > 0) return blocks;
  const shown = text.length > SECTION_TEXT_LIMIT ? `${text.slice(0, SECTION_TEXT_LIMIT - 1)}…` : text;
  return [{ type: 'section', text: { type: 'mrkdwn', text: shown } }];
}
