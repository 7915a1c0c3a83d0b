import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  deleteNamespaceStreams,
  deleteStaleNamespaceStreams,
  namespaceCreatedAt,
  uniqueNamespace,
} from './test-namespace';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const HOUR = 60 * 60 * 1000;

/** A namespace shaped like uniqueNamespace's, made `ageMs` ago. */
function namespaceMadeAgo(prefix: string, ageMs: number): string {
  return `${prefix}_${(Date.now() - ageMs).toString(36)}_${randomBytes(4).readUInt32BE(0).toString(36)}`;
}

describe('namespaceCreatedAt', () => {
  it('reads the time out of a test namespace stream name, also for prefixes holding "_"', () => {
    const before = Date.now();
    const ns = uniqueNamespace('crm_e2e');
    const created = namespaceCreatedAt(`${ns.toUpperCase()}_SLACK_CMD`);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Date.now());
  });

  it('does not take other stream names for test namespaces', () => {
    expect(namespaceCreatedAt('LEADS')).toBeUndefined();
    expect(namespaceCreatedAt('SLACK_CMD')).toBeUndefined();
    expect(namespaceCreatedAt('STAGING_LEADS')).toBeUndefined();
    // An 8-character token that decodes to 1975 is no namespace time.
    expect(namespaceCreatedAt('PROD_20240101_X_LEADS')).toBeUndefined();
  });
});

describe('deleteStaleNamespaceStreams', () => {
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await nc.close();
  });

  it('deletes the streams of test namespaces older than the cutoff and nothing else', async () => {
    const jsm = await jetstreamManager(nc);
    const old = namespaceMadeAgo('t', 2 * HOUR);
    const oldWithUnderscore = namespaceMadeAgo('crm_e2e', 3 * HOUR);
    const fresh = uniqueNamespace('t');
    const plain = `KEEP${randomBytes(4).toString('hex').toUpperCase()}_LEADS`;
    const stale = [`${old.toUpperCase()}_LEADS`, `${oldWithUnderscore.toUpperCase()}_SLACK_CMD`];
    const kept = [`${fresh.toUpperCase()}_LEADS`, plain];
    for (const [i, name] of [...stale, ...kept].entries()) {
      await jsm.streams.add({ name, subjects: [`stale_sweep_${process.pid}_${i}_${Date.now()}.>`] });
    }

    try {
      const deleted = await deleteStaleNamespaceStreams(NATS_URL, HOUR);
      expect(deleted).toEqual(expect.arrayContaining(stale));
      for (const name of kept) expect(deleted).not.toContain(name);

      const remaining: string[] = [];
      for await (const info of jsm.streams.list()) remaining.push(info.config.name);
      for (const name of stale) expect(remaining).not.toContain(name);
      for (const name of kept) expect(remaining).toContain(name);
    } finally {
      await deleteNamespaceStreams(NATS_URL, fresh);
      await jsm.streams.delete(plain).catch(() => undefined);
    }
  });
});
