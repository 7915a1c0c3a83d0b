import { headerIssues, isPrivateAddress, urlIssues } from './subscription-policy';

const codes = (issues: { code: string }[]) => issues.map((i) => i.code);
const resolvesTo =
  (...addresses: string[]) =>
  () =>
    Promise.resolve(addresses);

describe('subscription policy (api.md §16)', () => {
  describe('url', () => {
    it('accepts https anywhere, and http to localhost/127.0.0.1 only outside production', async () => {
      const dev = (url: string) => urlIssues(url, false, resolvesTo('93.184.216.34'));
      expect(await dev('https://example.com/hooks')).toEqual([]);
      expect(await dev('http://localhost:4000/x')).toEqual([]);
      expect(await dev('http://127.0.0.1:4000/x')).toEqual([]);
      expect(codes(await dev('http://example.com/hooks'))).toEqual(['https_required']);
      expect(codes(await dev('ftp://example.com/hooks'))).toEqual(['https_required']);
      expect(codes(await dev('not a url'))).toEqual(['invalid_url']);
      expect(codes(await urlIssues('http://localhost/x', true, resolvesTo('127.0.0.1')))).toEqual([
        'https_required',
      ]);
    });

    it('refuses private networks in production, by literal and by what the name resolves to', async () => {
      const prod = (url: string, ...addresses: string[]) => urlIssues(url, true, resolvesTo(...addresses));
      expect(await prod('https://hooks.example.com/x', '93.184.216.34')).toEqual([]);
      expect(codes(await prod('https://10.1.2.3/x'))).toEqual(['private_network_url']);
      expect(codes(await prod('https://[::1]/x'))).toEqual(['private_network_url']);
      expect(codes(await prod('https://localhost/x'))).toEqual(['private_network_url']);
      expect(codes(await prod('https://internal.example.com/x', '192.168.0.7'))).toEqual([
        'private_network_url',
      ]);
      expect(codes(await prod('https://nowhere.example.com/x'))).toEqual(['unresolvable_host']);
      // Outside production private networks are fine (tests and local receivers).
      expect(await urlIssues('https://10.1.2.3/x', false, resolvesTo())).toEqual([]);
    });

    it('knows the private ranges', () => {
      for (const a of [
        '10.0.0.1',
        '172.16.0.1',
        '172.31.255.255',
        '192.168.1.1',
        '127.0.0.2',
        '169.254.169.254',
        '100.64.0.1',
        '0.0.0.0',
        'fd00::1',
        'fe80::1',
        '::ffff:10.0.0.1',
      ]) {
        expect([a, isPrivateAddress(a)]).toEqual([a, true]);
      }
      for (const a of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1']) {
        expect([a, isPrivateAddress(a)]).toEqual([a, false]);
      }
    });
  });

  describe('headers', () => {
    it('accepts up to 10 plain headers', () => {
      const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`X-Custom-${i}`, 'v']));
      expect(headerIssues(ten)).toEqual([]);
      expect(codes(headerIssues({ ...ten, 'X-Eleventh': 'v' }))).toEqual(['too_many_headers']);
    });

    it('refuses webhook-*, Authorization (any case), bad names and bad values', () => {
      expect(codes(headerIssues({ 'Webhook-Id': 'x' }))).toEqual(['reserved_header']);
      expect(codes(headerIssues({ authorization: 'Bearer x' }))).toEqual(['reserved_header']);
      expect(codes(headerIssues({ 'Bad Name': 'x' }))).toEqual(['invalid_header']);
      expect(codes(headerIssues({ 'X-A': 'line\r\nbreak' }))).toEqual(['invalid_header']);
      expect(codes(headerIssues({ 'X-A': 5 }))).toEqual(['invalid_header']);
    });
  });
});
