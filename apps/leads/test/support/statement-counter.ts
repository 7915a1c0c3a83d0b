import { Client } from 'pg';

type Query = (this: Client, ...args: unknown[]) => unknown;

interface ClientParameters {
  connectionParameters?: { database?: string; application_name?: string };
}

/**
 * Counts the statements (database round trips) the leads service sends, by watching the pg driver in this
 * process: clients of the service's pool name themselves `leads`; the test's own queries are not counted.
 * Instrumentation only, nothing is changed: each query still goes to the real database.
 */
export class StatementCounter {
  private original?: Query;
  private texts: string[] = [];

  constructor(private readonly database: string) {}

  start(): this {
    this.texts = [];
    const original = Client.prototype.query as unknown as Query;
    this.original = original;
    const texts = this.texts;
    const database = this.database;
    (Client.prototype as unknown as { query: Query }).query = function (this: Client, ...args: unknown[]) {
      const { connectionParameters } = this as unknown as ClientParameters;
      if (connectionParameters?.database === database && connectionParameters.application_name === 'leads') {
        texts.push(statementText(args[0]));
      }
      return original.apply(this, args);
    };
    return this;
  }

  /** Stops counting; returns the statements seen since `start()`. */
  stop(): string[] {
    if (this.original) (Client.prototype as unknown as { query: Query }).query = this.original;
    this.original = undefined;
    return this.texts;
  }
}

function statementText(config: unknown): string {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '(unknown)';
}

/** Statements grouped by their first words, most frequent first: where the round trips go. */
export function statementProfile(texts: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
