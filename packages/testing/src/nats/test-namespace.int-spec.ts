import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { deleteNamespaceStreams, uniqueNamespace } from './test-namespace';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('deleteNamespaceStreams', () => {
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await nc.close();
  });

  async function streamNames(): Promise<string[]> {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const si of jsm.streams.list()) names.push(si.config.name);
    return names;
  }

  it('deletes the streams of one namespace and leaves other namespaces alone', async () => {
    const ns = uniqueNamespace();
    const other = uniqueNamespace();
    const jsm = await jetstreamManager(nc);
    const mine = [`${ns.toUpperCase()}_LEADS`, `${ns.toUpperCase()}_DEALS`];
    const theirs = `${other.toUpperCase()}_LEADS`;
    await jsm.streams.add({ name: mine[0], subjects: [`${ns}.leads.>`] });
    await jsm.streams.add({ name: mine[1], subjects: [`${ns}.deals.>`] });
    await jsm.streams.add({ name: theirs, subjects: [`${other}.leads.>`] });

    try {
      const deleted = await deleteNamespaceStreams(NATS_URL, ns);
      expect(deleted.sort()).toEqual([...mine].sort());

      const remaining = await streamNames();
      expect(remaining).not.toContain(mine[0]);
      expect(remaining).not.toContain(mine[1]);
      expect(remaining).toContain(theirs);

      await expect(deleteNamespaceStreams(NATS_URL, ns)).resolves.toEqual([]);
    } finally {
      await deleteNamespaceStreams(NATS_URL, other);
    }
  });
});
