/**
 * Files keyed by one column (an LSOA code, a URN): a key repeated within a file (a duplicated
 * line, a re-pasted block) is counted once, from its last line, and reported in `audit.warnings`.
 * Every line still counts as loaded in `audit.loads`: the rows were read and are kept in `raw.*`.
 */
import type { Context } from "../pipelines/core/context.ts";
import { messages } from "../pipelines/core/messages.ts";
import { ident, literal } from "../pipelines/core/warehouse.ts";
import { displayPath } from "./files.ts";

/** SQL: the rows of some files of a raw table, one per key and file (the last line), the key trimmed. */
export function lastLineSql(rawTable: string, files: readonly string[], key = "lsoa_code"): string {
  const k = ident(key);
  return `SELECT * REPLACE (trim(${k}) AS ${k}) FROM ${rawTable}
    WHERE _file IN (${files.length ? files.map(literal).join(", ") : "NULL"})
    QUALIFY row_number() OVER (PARTITION BY _file, trim(${k}) ORDER BY _line DESC) = 1`;
}

/** Report keys that appear on more than one line of a file (`duplicate_key` warnings). */
export async function warnDuplicates(ctx: Pick<Context, "db" | "config">, rawTable: string, files: readonly string[], source: string, key = "lsoa_code"): Promise<void> {
  if (!files.length) return;
  const k = ident(key);
  const dups = await ctx.db.all<{ k: string; _file: string; n: number }>(
    `SELECT trim(${k}) AS k, _file, count(*)::INTEGER AS n FROM ${rawTable} WHERE _file IN (${files.map(literal).join(", ")})
     GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY 2, 1`,
  );
  for (const d of dups) {
    await ctx.db.recordWarning("conform", "duplicate_key", d.k, messages.duplicateKey(source, d.k, d.n, displayPath(ctx.config, d._file)));
  }
}
