import { randomBytes } from 'node:crypto';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** Lowercase, digits and `_` only: valid as a NATS subject token and, upper-cased, as a stream-name prefix. */
const NAMESPACE_PATTERN = /^[a-z0-9_]+$/;

/**
 * A namespace unique to one test run, e.g. `t_mb2k9x1c_4f9a2e`. Services given this namespace prefix their
 * subjects with it and name their streams `<NAMESPACE_UPPER>_<STREAM>`, so parallel runs share one NATS server.
 */
export function uniqueNamespace(prefix = 't'): string {
  if (!NAMESPACE_PATTERN.test(prefix)) {
    throw new Error(`namespace prefix must match ${NAMESPACE_PATTERN}, got "${prefix}"`);
  }
  const random = randomBytes(4).readUInt32BE(0).toString(36);
  return `${prefix}_${Date.now().toString(36)}_${random}`;
}

/** Deletes every stream named `<NAMESPACE_UPPER>_…`; returns the deleted stream names. */
export async function deleteNamespaceStreams(natsUrl: string, namespace: string): Promise<string[]> {
  const streamPrefix = `${namespace.toUpperCase()}_`;
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    // Collect first: deleting while the paged lister is still iterating could skip entries.
    const names: string[] = [];
    for await (const info of jsm.streams.list()) {
      if (info.config.name.startsWith(streamPrefix)) names.push(info.config.name);
    }
    for (const name of names) {
      try {
        await jsm.streams.delete(name);
      } catch (err) {
        // Another cleanup (or the service itself) may have removed it in the meantime; that is fine.
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
      }
    }
    return names;
  } finally {
    await nc.close();
  }
}
