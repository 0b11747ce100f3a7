import { ident, type PostgresColumn, type PostgresTableSpec } from './postgresTables.js';

const ARRAY_TYPE: Record<PostgresColumn['type'], string> = {
  text: 'text[]',
  float8: 'float8[]',
  int8: 'int8[]',
  time: 'float8[]',
  textArray: 'text[]',
};

const expr = (c: PostgresColumn, i: number): string => {
  const v = `u.c${i}`;
  if (c.type === 'time') return `to_timestamp(${v} / 1000.0)`;
  if (c.type === 'textArray') return `CASE WHEN ${v} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${v}::jsonb)) END`;
  return v;
};

/**
 * The bulk upsert of a table spec: one parameter per column (a typed array) unnested into rows,
 * `INSERT … SELECT … FROM unnest($1::text[], …) ON CONFLICT (<key>) DO NOTHING | DO UPDATE`.
 * Times travel as epoch-ms float8 and become timestamptz in SQL; text arrays travel as JSON.
 *
 * @param spec - the table
 * @param name - schema-qualified, quoted table name
 * @returns the statement
 */
export function insertSql(spec: PostgresTableSpec, name: string): string {
  const cols = spec.columns;
  const params = cols.map((c, i) => `$${i + 1}::${ARRAY_TYPE[c.type]}`).join(', ');
  const alias = cols.map((_, i) => `c${i}`).join(', ');
  const conflict =
    spec.conflict === 'nothing'
      ? 'DO NOTHING'
      : `DO UPDATE SET ${cols
          .filter((c) => !spec.key.includes(c.name))
          .map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`)
          .join(', ')}`;
  return (
    `INSERT INTO ${name} (${cols.map((c) => ident(c.name)).join(', ')}) ` +
    `SELECT ${cols.map(expr).join(', ')} FROM unnest(${params}) AS u(${alias}) ` +
    `ON CONFLICT (${spec.key.map(ident).join(', ')}) ${conflict}`
  );
}
