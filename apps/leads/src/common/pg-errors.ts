/** PostgreSQL error classification; TypeORM wraps the driver error in QueryFailedError.driverError. */
interface PgErrorFields {
  code?: string;
  constraint?: string;
}

function pgFields(error: unknown): PgErrorFields {
  const e = error as { driverError?: PgErrorFields } & PgErrorFields;
  return e?.driverError ?? e ?? {};
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: violated } = pgFields(error);
  return code === '23505' && (constraint === undefined || violated === constraint);
}

/** Deadlocks and serialization failures: the transaction may simply be run again. */
export function isRetryableConflict(error: unknown): boolean {
  const { code } = pgFields(error);
  return code === '40P01' || code === '40001';
}

/** A row still referenced by another table's foreign key (or a reference to a row that is gone). */
export function isForeignKeyViolation(error: unknown): boolean {
  return pgFields(error).code === '23503';
}
