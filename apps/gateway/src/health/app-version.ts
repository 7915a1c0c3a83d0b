import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The gateway's package version (src/ and dist/ sit at the same depth under the app folder). */
export function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
