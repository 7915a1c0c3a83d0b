import { Client, type ClientConfig } from 'pg';
import { BaseServiceConfig } from '../config/service-config';

/** How long the database may keep a service waiting, in milliseconds (see BaseServiceConfig). */
export interface DatabaseTimeouts {
  /** Opening one connection. */
  connectMs: number;
  /** Getting a connection from the pool: waiting for a free one, or opening one. */
  poolAcquireMs: number;
  /** A statement's run time, enforced by PostgreSQL (SQLSTATE 57014). */
  statementMs: number;
  /** A transaction sitting idle; PostgreSQL then ends the session (SQLSTATE 25P03). */
  idleInTransactionMs: number;
}

export function databaseTimeoutsOf(config: BaseServiceConfig): DatabaseTimeouts {
  return {
    connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    poolAcquireMs: config.DATABASE_POOL_ACQUIRE_TIMEOUT_MS,
    statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

/** The configuration defaults, for callers without a config (seed tests, tools). */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = databaseTimeoutsOf(new BaseServiceConfig());

/**
 * pg-pool options (TypeORM's `extra`; pg-pool hands the same object to every client it opens):
 * - `connectionTimeoutMillis` is pg-pool's one timer for `pool.connect()`: it fails a wait for a free client of a full
 *   pool ("timeout exceeded when trying to connect") and the opening of a new one. That is the acquire timeout.
 * - pg's Client reads the same key for its own connect timer, so clients are built by a subclass that sets the
 *   connect timeout instead.
 * - `statement_timeout` and `idle_in_transaction_session_timeout` are startup parameters PostgreSQL enforces itself.
 * - No `query_timeout`: that client-side timer rejects the promise but leaves the statement running on the server
 *   and the connection busy; `statement_timeout` cancels it cleanly, and migrations can lift it per session.
 */
export function poolTimeoutOptions(timeouts: DatabaseTimeouts) {
  return {
    connectionTimeoutMillis: timeouts.poolAcquireMs,
    Client: clientWithConnectTimeout(timeouts.connectMs),
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  };
}

/** Options for a standalone pg Client (no pool). */
export function clientTimeoutOptions(timeouts: DatabaseTimeouts): ClientConfig {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  };
}

function clientWithConnectTimeout(connectMs: number): typeof Client {
  return class ConnectTimeoutClient extends Client {
    constructor(config?: string | ClientConfig) {
      const base = typeof config === 'string' ? { connectionString: config } : config;
      super({ ...base, connectionTimeoutMillis: connectMs });
      // A connection the server ends (a restart: 57P01) emits 'error'. pg-pool listens while the client is idle and
      // TypeORM while a query runner holds it, but not in between (TypeORM drops its listener as it releases the
      // client with that error): an 'error' there has no listener and would kill the process. The error also fails
      // whatever query was running, and the pool drops the client, so this listener only keeps the process alive.
      this.on('error', () => undefined);
    }
  };
}
