import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export interface MessageLogFault {
  /** only the row of this idempotency key (default: any key). */
  key?: string;
  /** only rows for this channel (default: any channel). */
  channel?: string;
  /** only writes that set this status (default: any write). */
  status?: 'sending' | 'sent' | 'failed';
  /** how many matching writes fail before the fault heals (default: every one). */
  times?: number;
}

/**
 * Makes matching writes to the slack service's message log fail with a database error, as a lost connection or
 * a full disk would: a trigger refuses them. The count lives in a sequence, which a rollback does not undo, so
 * "fail once" fails exactly once however often the handler retries.
 */
export async function injectMessageLogFault(databaseUrl: string, fault: MessageLogFault): Promise<void> {
  const name = `test_fault_${randomUUID().replace(/-/g, '')}`;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE OR REPLACE FUNCTION slack.test_message_log_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (TG_ARGV[0] = '*' OR NEW.idempotency_key = TG_ARGV[0])
           AND (TG_ARGV[1] = '*' OR NEW.channel = TG_ARGV[1])
           AND (TG_ARGV[2] = '*' OR NEW.status = TG_ARGV[2])
           AND nextval(TG_ARGV[3]::regclass) <= TG_ARGV[4]::bigint THEN
          RAISE EXCEPTION 'test fault: message log write refused';
        END IF;
        RETURN NEW;
      END $$`);
    await client.query(`CREATE SEQUENCE slack.${name}`);
    const args = [
      fault.key ?? '*',
      fault.channel ?? '*',
      fault.status ?? '*',
      `slack.${name}`,
      String(fault.times ?? Number.MAX_SAFE_INTEGER),
    ].map((arg) => client.escapeLiteral(arg));
    await client.query(
      `CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON slack.message_log
       FOR EACH ROW EXECUTE FUNCTION slack.test_message_log_fault(${args.join(', ')})`,
    );
  } finally {
    await client.end();
  }
}
