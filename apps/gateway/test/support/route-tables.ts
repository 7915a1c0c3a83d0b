/**
 * Routes as "METHOD /absolute/path" with every path parameter written `{}`, so that api.md (`:id`), Fastify
 * (`:leadId`) and OpenAPI (`{id}`) spellings of the same route compare equal.
 */
export type RouteKey = string;

const API_BASE = '/api/v1';
const METHOD = '(GET|POST|PUT|PATCH|DELETE)';
const TABLE_ROW = new RegExp(`^\\|\\s*\`${METHOD} ([^\`]+)\`([^|]*)\\|`);
const HEADING = new RegExp(`^#+ .*?\`${METHOD} ([^\`]+)\``);
/** `- \`GET /api/v1\` → …` (§1.1) and `- **New** \`GET /leads/bulk/:batch_id\` → …` (§4.4). */
const ROUTE_BULLET = new RegExp(`^- (?:\\*\\*New\\*\\* )?\`${METHOD} ([^\`]+)\` →`);

export function routeKey(method: string, path: string): RouteKey {
  const normalised = path
    .replace(/\{[^}]+\}/g, '{}')
    .replace(/:[A-Za-z_][A-Za-z0-9_]*/g, '{}')
    .replace(/\/+$/, '');
  return `${method.toUpperCase()} ${normalised || '/'}`;
}

/** api.md writes paths relative to /api/v1, except the ones outside it (§1.1) and vendor webhook paths. */
function absolute(path: string): string {
  if (path === '/health' || path === '/ready' || path.startsWith('/api/')) return path;
  return API_BASE + path;
}

/** `/tasks/:id/complete\|cancel\|reopen` (escaped pipes in a table cell) names three routes. */
function expandAlternatives(path: string): string[] {
  const segments = path.split('/');
  const last = segments.pop() ?? '';
  return last
    .replace(/\\\|/g, '|')
    .split('|')
    .map((alternative) => [...segments, alternative].join('/'));
}

export interface ApiMdRoute {
  key: RouteKey;
  /** The Auth column of its table, when the table has one (e.g. `public`, `user, key:read`, `config`). */
  auth?: string;
  line: number;
}

/** Every route docs/api.md defines: its route tables, section headings and route bullets. */
export function apiMdRoutes(markdown: string): Map<RouteKey, ApiMdRoute> {
  const routes = new Map<RouteKey, ApiMdRoute>();
  let authColumn = -1;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (text.startsWith('| Method + path')) {
      authColumn = splitRow(text).indexOf('Auth');
      return;
    }
    const row = TABLE_ROW.exec(text);
    const match = row ?? HEADING.exec(text) ?? ROUTE_BULLET.exec(text);
    if (!match) return;
    const [, method, rawPath] = match;
    const auth = row && authColumn >= 0 ? splitRow(text)[authColumn] : undefined;
    const methods = [method];
    // `PUT /organizations/:id` (and `PATCH`, **New**)
    const also = row ? /\(and `(GET|POST|PUT|PATCH|DELETE)`/.exec(row[3]) : null;
    if (also) methods.push(also[1]);
    for (const path of expandAlternatives(absolute(rawPath.split('?')[0].trim()))) {
      for (const m of methods) routes.set(routeKey(m, path), { key: routeKey(m, path), auth, line });
    }
  });
  return routes;
}

function splitRow(text: string): string[] {
  // Split on the cell separators, not on escaped pipes (`a\|b`) inside a cell.
  return text
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/**
 * The routes a running Fastify instance serves, read from `printRoutes({ commonPrefix: false })`: a tree whose
 * lines are `<indent>├── <segment> (METHODS)`, each segment continuing its parent's path.
 */
export function servedRoutes(printed: string): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const stack: string[] = [];
  for (const text of printed.split('\n')) {
    const match = /^(.*?)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(text);
    if (!match) continue;
    const depth = [...match[1]].length / 4;
    // `:id|:leadId`: two handlers name the same parameter differently; the first name will do.
    const segment = match[2].split('|')[0];
    stack.length = depth;
    stack.push(segment);
    const path = stack.join('').replace(/\/{2,}/g, '/');
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, path });
  }
  return routes;
}

export interface DocumentOperation {
  key: RouteKey;
  security?: Array<Record<string, string[]>>;
}

/** Every operation of an OpenAPI document, at its absolute path (path-level `servers` override the document's). */
export function documentOperations(document: {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
}): Map<RouteKey, DocumentOperation> {
  const operations = new Map<RouteKey, DocumentOperation>();
  for (const [path, item] of Object.entries(document.paths)) {
    const servers = (item.servers as Array<{ url: string }> | undefined) ??
      document.servers ?? [{ url: '/' }];
    const base = servers[0].url.replace(/\/+$/, '');
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const key = routeKey(method, base + path);
      operations.set(key, { key, security: (operation as DocumentOperation).security });
    }
  }
  return operations;
}
