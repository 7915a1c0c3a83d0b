import { ApiKeysFormatError, DEV_DEFAULT_API_KEYS, parseApiKeys } from './api-keys-env';

function problemsOf(raw: string): string[] {
  try {
    parseApiKeys(raw);
  } catch (error) {
    if (error instanceof ApiKeysFormatError) return error.problems;
    throw error;
  }
  throw new Error('expected ApiKeysFormatError');
}

describe('parseApiKeys', () => {
  it('reads key and source with the default scope events:write', () => {
    expect(parseApiKeys('website-key-123:website')).toEqual([
      { key: 'website-key-123', source: 'website', scopes: ['events:write'] },
    ]);
  });

  it('reads +-separated scopes, including events:write whose colon is part of the scope', () => {
    expect(parseApiKeys(DEV_DEFAULT_API_KEYS)).toEqual([
      { key: 'dev-ingest-key', source: '*', scopes: ['events:write', 'read', 'write'] },
    ]);
    expect(parseApiKeys('reader-key-1:api:read')).toEqual([
      { key: 'reader-key-1', source: 'api', scopes: ['read'] },
    ]);
  });

  it('reads several comma-separated entries, ignoring blanks and surrounding spaces', () => {
    expect(parseApiKeys(' key-aaaaaaa:waalaxy , ,key-bbbbbbb:lemlist:read+events:write ')).toEqual([
      { key: 'key-aaaaaaa', source: 'waalaxy', scopes: ['events:write'] },
      { key: 'key-bbbbbbb', source: 'lemlist', scopes: ['read', 'events:write'] },
    ]);
  });

  it('drops repeated scopes', () => {
    expect(parseApiKeys('key-aaaaaaa:api:read+read')[0].scopes).toEqual(['read']);
  });

  it('rejects unknown scopes, missing sources, short keys, duplicates and an empty list', () => {
    expect(problemsOf('key-aaaaaaa:api:admin')).toEqual([
      'entry 1: unknown scope(s) admin (allowed: events:write, read, write)',
    ]);
    expect(problemsOf('key-aaaaaaa')).toEqual([
      'entry 1: the source must be * or 1-100 characters of [A-Za-z0-9._-]',
    ]);
    expect(problemsOf('short:api')).toEqual([
      'entry 1: the key must be at least 8 printable characters without spaces',
    ]);
    expect(problemsOf('key-aaaaaaa:api,key-aaaaaaa:web')).toEqual(['entry 2: the same key is listed twice']);
    expect(problemsOf(' , ')).toEqual(['no key given']);
  });

  it('never repeats a key in its error messages', () => {
    const message = problemsOf('secret-key-value:api:nope,other-secret-value').join(' ');
    expect(message).not.toContain('secret-key-value');
    expect(message).not.toContain('other-secret-value');
  });
});
