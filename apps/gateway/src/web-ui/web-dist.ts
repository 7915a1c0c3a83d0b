import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** apps/web/dist of this checkout (src/ and dist/ of the gateway sit at the same depth). */
export const DEFAULT_WEB_DIST_DIR = resolve(__dirname, '..', '..', '..', 'web', 'dist');

/** The built SPA's folder, if there is one with an index.html. */
export function findWebDist(configured?: string): string | undefined {
  const dir = resolve(configured ?? DEFAULT_WEB_DIST_DIR);
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
