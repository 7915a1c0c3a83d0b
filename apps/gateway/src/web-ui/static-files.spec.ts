import { resolveStaticPath } from './static-files';

describe('resolveStaticPath', () => {
  const root = '/srv/web';

  it('resolves files under the root', () => {
    expect(resolveStaticPath(root, 'assets/app.js')).toBe('/srv/web/assets/app.js');
    expect(resolveStaticPath(root, 'fonts/A%20B.woff2')).toBe('/srv/web/fonts/A B.woff2');
  });

  it('refuses anything that would leave the root, hidden files and undecodable paths', () => {
    expect(resolveStaticPath(root, '../etc/passwd')).toBeUndefined();
    expect(resolveStaticPath(root, '..%2F..%2Fetc%2Fpasswd')).toBeUndefined();
    expect(resolveStaticPath(root, '%2e%2e/secret')).toBeUndefined();
    expect(resolveStaticPath(root, '.env')).toBeUndefined();
    expect(resolveStaticPath(root, 'assets/.git/config')).toBeUndefined();
    expect(resolveStaticPath(root, 'a%00b')).toBeUndefined();
    expect(resolveStaticPath(root, '%E0%A4%A')).toBeUndefined();
    expect(resolveStaticPath(root, '')).toBeUndefined();
  });
});
