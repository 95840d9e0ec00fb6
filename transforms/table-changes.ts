/**
 * What changed in the warehouse's tables since the previous run's warehouse (attached as `prev`):
 * the questions a refresh asks to do no more than its new data needs (`planMeasure`, the figure
 * marts). Each table is compared once per run, by row count and a checksum of every row.
 */
import type { Context } from "../pipelines/core/context.ts";
import { changedGroupsSql, enumMembersOf, ident } from "../pipelines/core/warehouse.ts";

/** Are both types ENUMs, the members of `before` the first of `now`'s, in the same order (so each value has the same place in both)? */
function membersLead(before: string, now: string): boolean {
  const [a, b] = [enumMembersOf(before), enumMembersOf(now)];
  return a !== null && b !== null && a.length <= b.length && a.every((v, i) => v === b[i]);
}

export class TableChanges {
  private readonly same = new Map<string, Promise<boolean>>();
  private readonly months = new Map<string, Promise<string[] | null>>();

  constructor(private readonly ctx: Pick<Context, "db">, readonly prev: string) {}

  /** Is `table` unchanged since `prev` (same rows; absent from both counts as unchanged)? */
  unchanged(table: string): Promise<boolean> {
    if (!this.same.has(table)) this.same.set(table, this.compare(table));
    return this.same.get(table)!;
  }

  /**
   * The months (first days, `YYYY-MM-DD`) whose rows of `table` differ from `prev`'s, by a date
   * expression ("" for rows without a date); none when the table is in neither warehouse (a source
   * this build does not have), null when it is in only one (it appeared or went: compare it whole).
   */
  changedMonths(table: string, date: string): Promise<string[] | null> {
    const key = `${table}|${date}`;
    if (!this.months.has(key)) this.months.set(key, this.compareMonths(table, date));
    return this.months.get(key)!;
  }

  private async compare(table: string): Promise<boolean> {
    const inBoth = await this.inBoth(table);
    if (inBoth !== "both") return inBoth === "neither";
    return !(await this.ctx.db.one(changedGroupsSql(table, `${this.prev}.${table}`, "0", await this.rowSql(table))));
  }

  private async compareMonths(table: string, date: string): Promise<string[] | null> {
    const inBoth = await this.inBoth(table);
    if (inBoth !== "both") return inBoth === "neither" ? [] : null;
    const rows = await this.ctx.db.all<{ g: string | null }>(changedGroupsSql(table, `${this.prev}.${table}`, `date_trunc('month', ${date})::DATE`, await this.rowSql(table)));
    return rows.map((r) => r.g ?? "");
  }

  /**
   * What is hashed of a row of `table` in both warehouses: the row itself, but with ENUM columns
   * (police.uk's forces, crime types, files) by a place both types agree on: DuckDB hashes an ENUM
   * by its place in the type, which moves when a run's type gains a value before others, so the
   * same row would look changed (and a changed one could look the same). Where the previous type's
   * members lead this run's in order (a refresh's new month of files sorts last), a value's place
   * is the same in both and is hashed (`enum_code`, as one integer type whatever the ENUM's width);
   * else the column's text, which costs two to four times as much over a national year of lines.
   * Tables whose columns differ are compared whole (they hash differently, as they should).
   */
  private async rowSql(table: string): Promise<string> {
    const [here, there] = [await this.ctx.db.columnTypes(table), await this.ctx.db.columnTypes(table, this.prev)];
    const isEnum = (c: { type: string } | undefined) => Boolean(c?.type.startsWith("ENUM("));
    if (!here.some(isEnum) && !there.some(isEnum)) return "t";
    if (here.map((c) => c.name).join("\u0000") !== there.map((c) => c.name).join("\u0000")) return "t";
    const cell = (c: { name: string; type: string }, i: number) => {
      const col = `t.${ident(c.name)}`;
      if (!isEnum(c) && !isEnum(there[i])) return col;
      return membersLead(there[i]!.type, c.type) ? `enum_code(${col})::UINTEGER` : `${col}::VARCHAR`;
    };
    return `struct_pack(${here.map((c, i) => `${ident(c.name)} := ${cell(c, i)}`).join(", ")})`;
  }

  /** Is `table` in both warehouses, in neither, or in only one? */
  private async inBoth(table: string): Promise<"both" | "neither" | "one"> {
    const [here, there] = [await this.ctx.db.hasTable(table), await this.ctx.db.hasTable(table, this.prev)];
    return here && there ? "both" : here || there ? "one" : "neither";
  }
}
