import { isIP } from 'node:net';
import { MAX_WEBHOOK_HEADERS, ValidationFailedError, type ValidationIssue } from '@crm/contracts';

/** Hosts a developer's own machine answers on: plain http is allowed to them outside production. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);
/** Headers the sender sets itself, or that carry credentials the spec keeps out (api.md §16). */
const RESERVED_HEADERS = new Set(['authorization', 'content-type', 'user-agent', 'host', 'content-length']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const MAX_HEADER_VALUE = 1000;

/**
 * IPv4 and IPv6 literals of loopback, private, link-local, carrier-grade NAT and unspecified networks: in
 * production a webhook must not reach into our own network (SSRF).
 */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) {
    const [a, b] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (version === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return isPrivateAddress(mapped[1]);
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
  }
  return false;
}

function issue(path: string, code: string, message: string): ValidationIssue {
  return { path, code, message };
}

/**
 * api.md §16 URL rule: https only; `http://localhost` and `http://127.0.0.1` outside production only; in
 * production no private-network host (literal addresses, `localhost`, and what the name resolves to).
 */
export async function urlIssues(
  text: string,
  production: boolean,
  resolve: (host: string) => Promise<string[]>,
): Promise<ValidationIssue[]> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [issue('url', 'invalid_url', 'url must be an absolute URL')];
  }
  if (url.username || url.password) return [issue('url', 'invalid_url', 'url must not hold credentials')];
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackName = LOOPBACK_HOSTS.has(host);
  if (url.protocol === 'http:' && !(loopbackName && !production)) {
    return [
      issue(
        'url',
        'https_required',
        production
          ? 'url must use https'
          : 'url must use https (http only for localhost and 127.0.0.1 outside production)',
      ),
    ];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [issue('url', 'https_required', 'url must use https')];
  }
  if (!production) return [];
  const addresses = isIP(host)
    ? [host]
    : host === 'localhost'
      ? ['127.0.0.1']
      : await resolve(host).catch(() => []);
  if (!addresses.length) return [issue('url', 'unresolvable_host', 'url host does not resolve')];
  if (addresses.some(isPrivateAddress)) {
    return [issue('url', 'private_network_url', 'url must not point into a private network')];
  }
  return [];
}

/** api.md §16: up to 10 static headers, none of `webhook-*`, `Authorization` or the ones the sender sets. */
export function headerIssues(headers: Record<string, unknown>): ValidationIssue[] {
  const names = Object.keys(headers);
  if (names.length > MAX_WEBHOOK_HEADERS) {
    return [issue('headers', 'too_many_headers', `headers may hold at most ${MAX_WEBHOOK_HEADERS} entries`)];
  }
  const issues: ValidationIssue[] = [];
  for (const name of names) {
    const value = headers[name];
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      issues.push(issue(`headers.${name}`, 'invalid_header', 'header name must be an HTTP token'));
    } else if (lower.startsWith('webhook-') || RESERVED_HEADERS.has(lower)) {
      issues.push(
        issue(`headers.${name}`, 'reserved_header', `header ${name} is set by the sender and not allowed`),
      );
    } else if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE || /[\r\n\0]/.test(value)) {
      issues.push(
        issue(
          `headers.${name}`,
          'invalid_header',
          `header value must be text of at most ${MAX_HEADER_VALUE} characters`,
        ),
      );
    }
  }
  return issues;
}

export function throwIfAny(issues: ValidationIssue[]): void {
  if (issues.length) throw new ValidationFailedError(issues);
}
