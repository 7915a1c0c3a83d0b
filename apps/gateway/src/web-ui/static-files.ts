import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Vite puts content-hashed files under assets/: they never change, so browsers may keep them. */
const IMMUTABLE_PREFIX = 'assets/';

/** The file under `root` a URL path names, or undefined (outside root, hidden, or not decodable). */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return undefined;
  }
  if (relative.includes('\0') || relative.split('/').some((segment) => segment.startsWith('.')))
    return undefined;
  const file = resolve(root, relative);
  return file.startsWith(root + sep) ? file : undefined;
}

/**
 * Serves the built web UI's files (GET and HEAD). Anything else under the wildcard, and every missing file,
 * falls through to the regular 404 envelope; API routes are exact routes and always win over the wildcard.
 */
export function registerStaticFiles(fastify: FastifyInstance, root: string): void {
  const base = resolve(root);
  fastify.get('/*', async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const relative = request.params['*'];
    const file = resolveStaticPath(base, relative);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) return reply.callNotFound();
    reply.header('Content-Type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    reply.header('Content-Length', String(info.size));
    reply.header(
      'Cache-Control',
      relative.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return reply.send(createReadStream(file));
  });
}
