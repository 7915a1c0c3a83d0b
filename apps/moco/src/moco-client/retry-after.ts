/** Milliseconds from a `Retry-After` value (delta seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return /[a-z]{3}/i.test(trimmed) && !Number.isNaN(date) ? Math.max(0, date - now) : null;
}

/** MOCO's error parser (external-apis.md 1.3): `errors` (array or object), else `message`, else `error`, else text. */
export function mocoErrorMessage(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.slice(0, 300);
  }
  if (body && typeof body === 'object') {
    const { errors, message, error } = body as Record<string, unknown>;
    if (Array.isArray(errors)) return errors.map(String).join('; ');
    if (errors && typeof errors === 'object') {
      return Object.entries(errors)
        .map(
          ([field, messages]) =>
            `${field} ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`,
        )
        .join('; ');
    }
    if (typeof message === 'string') return message;
    if (typeof error === 'string') return error;
  }
  return text.slice(0, 300);
}
