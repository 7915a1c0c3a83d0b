import type { QueryRunner } from 'typeorm';

/** The schema the DataSource was configured with: migrations qualify every name with it. */
export function schemaOf(runner: QueryRunner): string {
  const schema = (runner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('migrations need a DataSource configured with a schema');
  return schema;
}
