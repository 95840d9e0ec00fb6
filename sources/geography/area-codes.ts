/**
 * Shared checks of ONS lookup rows: codes written in lower case or with spaces around them
 * (normalised, and said so), and one value per key where a lookup gives several (a ward's two
 * names, an authority's two regions): the most common, ties to the last line, with every choice.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { ident } from "../../pipelines/core/warehouse.ts";
import { displayPath } from "../files.ts";
import { codeSql } from "../load-csv.ts";

/** A key given more than one value by a lookup. */
export interface KeyConflict {
  key: string;
  /** The value used: the most common, then the one on the last line. */
  value: string;
  /** Every value seen, most common first. */
  choices: string[];
  /** Up to three line numbers of each value, in the order of `choices`. */
  lines: number[];
}

/**
 * Write `table(key, value, values_seen)`: one row per key of `rowsSql` (which selects `key`, `value`,
 * `line`; blank keys and values are skipped), the value the most common one, ties to the last
 * line. Returns the keys that had more than one value, with up to three lines of each.
 */
export async function pickPerKey(db: Context["db"], table: string, rowsSql: string, params?: Record<string, string>): Promise<KeyConflict[]> {
  // arg_max over (count, last line), not an ordered aggregate per key: a national lookup has
  // 35,000 keys, nearly all with one value (ordering every key's values took most of the statement).
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${table} AS
     WITH src AS (${rowsSql}),
     counted AS (SELECT key, value, count(*) AS n, max(line) AS last_line FROM src WHERE key IS NOT NULL AND value IS NOT NULL GROUP BY key, value)
     SELECT key, arg_max(value, (n, last_line)) AS value, count(*)::INTEGER AS values_seen FROM counted GROUP BY key`,
    params,
  );
  // The values and lines of each only for the keys that have several (usually none: then no second scan).
  if (!(await db.one(`SELECT 1 FROM ${table} WHERE values_seen > 1 LIMIT 1`))) return [];
  return db.all<KeyConflict>(
    `WITH src AS (${rowsSql}),
     conflicted AS (SELECT key, value FROM ${table} WHERE values_seen > 1),
     per AS (SELECT s.key, s.value, count(*) AS n, max(s.line) AS last_line, list(s.line::INTEGER ORDER BY s.line)[1:3] AS lines
             FROM src s JOIN conflicted c USING (key) GROUP BY s.key, s.value)
     SELECT c.key, c.value, list(p.value ORDER BY p.n DESC, p.last_line DESC) FILTER (WHERE p.value IS NOT NULL) AS choices,
            flatten(list(p.lines ORDER BY p.value IS NULL, p.n DESC, p.last_line DESC)) AS lines
     FROM conflicted c JOIN per p ON p.key = c.key GROUP BY c.key, c.value ORDER BY c.key`,
    params,
  );
}

/**
 * Codes of a loaded file written in lower case or with white space around them (a no-break space
 * from a spreadsheet): they are read normalised (`codeSql`); record one warning saying how many rows.
 */
export async function warnNormalisedCodes(
  ctx: Pick<Context, "db"> & Partial<Pick<Context, "config">>, rawTable: string, file: string, columns: readonly string[],
): Promise<void> {
  if (!columns.length) return;
  const differs = (c: string) => `coalesce(${ident(c)}, '') <> coalesce(${codeSql(ident(c))}, '')`;
  const r = await ctx.db.one<{ n: number; example: string | null }>(
    `SELECT count(*)::INTEGER AS n, any_value(CASE ${columns.map((c) => `WHEN ${differs(c)} THEN ${ident(c)}`).join(" ")} END) AS example
     FROM ${rawTable} WHERE _file = $f AND (${columns.map(differs).join(" OR ")})`,
    { f: file },
  );
  if (!r?.n) return;
  await ctx.db.recordWarning("conform", "codes_normalised", file, messages.codesNormalised(ctx.config ? displayPath(ctx.config, file) : file, r.n, r.example ?? ""));
}
