/** A column of a recordset: its name, the property it comes from, and its SQL type. */
export type RecordsetField<T> = readonly [column: string, property: keyof T, type: string];

/**
 * Many rows as ONE jsonb parameter, read back in SQL with `jsonb_to_recordset($n::jsonb) AS r(<definition>)`:
 * bulk inserts and updates in one statement whatever the number of rows. Dates travel as ISO strings, absent
 * properties as NULL.
 */
export class Recordset<T> {
  /** `a, b, c`: for INSERT column lists and SELECT lists. */
  readonly columns: string;
  /** `a uuid, b varchar`: the column definition list of jsonb_to_recordset. */
  readonly definition: string;

  constructor(private readonly fields: readonly RecordsetField<T>[]) {
    this.columns = fields.map(([column]) => column).join(', ');
    this.definition = fields.map(([column, , type]) => `${column} ${type}`).join(', ');
  }

  get columnNames(): string[] {
    return this.fields.map(([column]) => column);
  }

  /** `INSERT INTO <table> (...) SELECT ... FROM jsonb_to_recordset($1)`: every row in one statement. */
  insertInto(table: string): string {
    return `INSERT INTO ${table} (${this.columns})
            SELECT ${this.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${this.definition})`;
  }

  parameter(rows: readonly T[]): string {
    return JSON.stringify(
      rows.map((row) => Object.fromEntries(this.fields.map(([column, property]) => [column, row[property]]))),
    );
  }
}
