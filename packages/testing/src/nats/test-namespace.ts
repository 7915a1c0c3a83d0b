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
  return deleteStreamsWhere(natsUrl, (name) => name.startsWith(streamPrefix));
}

/**
 * A test namespace's stream: `<PREFIX>_<base36 ms: 8 characters>_<base36 random: 1–7>_<STREAM>`, upper-cased. The
 * prefix is matched lazily, so a prefix holding `_` (e.g. `crm_e2e`) still finds the time that follows it.
 */
const NAMESPACED_STREAM = /^[A-Z0-9_]+?_([0-9A-Z]{8})_[0-9A-Z]{1,7}_.+$/;
/** Namespace times before this are no test namespace's (an 8-character token that only looks like one). */
const EARLIEST_NAMESPACE_MS = Date.UTC(2020, 0, 1);

/** When the test namespace of `streamName` was made (see uniqueNamespace), or undefined if it is none. */
export function namespaceCreatedAt(streamName: string, now = Date.now()): number | undefined {
  const match = NAMESPACED_STREAM.exec(streamName);
  if (!match) return undefined;
  const created = parseInt(match[1], 36);
  return created >= EARLIEST_NAMESPACE_MS && created <= now ? created : undefined;
}

/**
 * Deletes the streams of test namespaces (uniqueNamespace) made longer ago than `olderThanMs`, left behind by runs
 * that crashed before cleaning up; streams of other names are never touched. Returns the deleted stream names.
 */
export async function deleteStaleNamespaceStreams(
  natsUrl: string,
  olderThanMs = 60 * 60 * 1000,
): Promise<string[]> {
  const now = Date.now();
  return deleteStreamsWhere(natsUrl, (name) => {
    const created = namespaceCreatedAt(name, now);
    return created !== undefined && created < now - olderThanMs;
  });
}

async function deleteStreamsWhere(natsUrl: string, matches: (name: string) => boolean): Promise<string[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    // Collect first: deleting while the paged lister is still iterating could skip entries.
    const names: string[] = [];
    for await (const info of jsm.streams.list()) {
      if (matches(info.config.name)) names.push(info.config.name);
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
