import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayHarness } from './support/gateway-harness';

let gw: GatewayHarness;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'gateway-web-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>SPA</title><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-3f2a1b.js'), 'console.log("spa");');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, '.env'), 'SECRET=1');
  gw = await GatewayHarness.start({ API_KEYS: 'web-ui-test-key:api:read', WEB_DIST_DIR: dist });
});

afterAll(async () => {
  await gw?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the built web UI', () => {
  it('serves index.html at /', async () => {
    const response = await gw.request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.text).toBe('<!doctype html><title>SPA</title><div id="root"></div>');
  });

  it('serves its files with their types; hashed assets may be cached for good', async () => {
    const script = await gw.request('/assets/index-3f2a1b.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.text).toBe('console.log("spa");');

    const icon = await gw.request('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers missing, hidden and escaping paths with the 404 envelope', async () => {
    for (const path of [
      '/assets/missing.js',
      '/.env',
      '/assets/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const response = await gw.request(path);
      expect({ path, status: response.status, code: response.body?.error?.code }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
  });

  it('leaves the API routes alone', async () => {
    expect((await gw.request('/api/v1')).body.name).toBe('DNA Marketing Engine');
    expect((await gw.request('/api/v1/unknown')).body.error.code).toBe('NOT_FOUND');
    expect((await gw.request('/ready')).body).toEqual({ ready: true });
    expect((await gw.request('/api/v1/leads')).body.error.code).toBe('AUTHENTICATION_ERROR');
  });
});
