/**
 * DuckDB `ENUM` columns whose members grow as files are read (`stored: "enum"` in a CSV format):
 * a new value widens the column's type (an ALTER rewriting that column, only when a value is new);
 * a table filled from another first takes in its members (an ENUM is never cast to one lacking a value).
 */
import { enumMembersOf, ident, literal, type Warehouse } from "../pipelines/core/warehouse.ts";

/**
 * SQL: the ENUM type of these members (VARCHAR when there are none: DuckDB's ENUM needs one), in
 * sorted order, so an ENUM sorts (ORDER BY, min, max) as its text would. A cast from one ENUM to
 * another goes by the values, so members may be reordered as the type widens.
 */
export const enumTypeSql = (members: Iterable<string>) => {
  const sorted = [...new Set(members)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return sorted.length ? `ENUM(${sorted.map(literal).join(", ")})` : "VARCHAR";
};

/** Each column's type of a table in this warehouse (or a temporary one), by name. */
const columnTypes = async (db: Warehouse, table: string) => new Map((await db.columnTypes(table)).map((c) => [c.name, c.type]));

/** Make ENUM (or still VARCHAR, for want of members) columns of `table` hold `values` too. */
export async function widenEnums(db: Warehouse, table: string, values: ReadonlyMap<string, Iterable<string>>): Promise<void> {
  const types = await columnTypes(db, table);
  for (const [column, more] of values) {
    const type = types.get(column);
    const members = enumMembersOf(type);
    if (!members && type !== "VARCHAR") continue;
    // A column still VARCHAR becomes an ENUM of the values it holds and the new ones.
    const held = members ?? (await db.all<{ v: string }>(`SELECT DISTINCT ${ident(column)} AS v FROM ${table} WHERE ${ident(column)} IS NOT NULL`)).map((r) => r.v);
    const known = new Set(held);
    const added = [...new Set(more)].filter((v) => v !== "" && !known.has(v));
    if (members ? !added.length : !(held.length + added.length)) continue;
    await db.run(`ALTER TABLE ${table} ALTER ${ident(column)} TYPE ${enumTypeSql([...held, ...added])}`);
  }
}

/** Make each ENUM column of `target` hold every member of the same column of `source` (before rows go from one to the other). */
export async function widenEnumsLike(db: Warehouse, target: string, source: string): Promise<void> {
  const from = await columnTypes(db, source);
  const wanted = new Map<string, string[]>();
  for (const [column, type] of await columnTypes(db, target)) {
    const members = enumMembersOf(from.get(column));
    // A VARCHAR column takes any value as it is: only ENUM columns are widened.
    if (members && enumMembersOf(type)) wanted.set(column, members);
  }
  if (wanted.size) await widenEnums(db, target, wanted);
}
