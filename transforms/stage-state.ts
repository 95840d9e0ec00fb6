/**
 * What a refresh needs to redo only part of a stage: a fingerprint of what decides the stage's
 * results besides its input values (its code, the statistics it calls, its settings), kept in a
 * one-row `audit.<stage>_state` table. When the previous warehouse's fingerprint is this run's,
 * the stage may keep its rows for the groups whose values did not change.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { changedGroupsSql, literal, type Warehouse } from "../pipelines/core/warehouse.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The statistics code every comparing stage calls. */
const STATS_CODE = readdirSync(path.join(here, "stats")).filter((f) => f.endsWith(".ts")).sort().map((f) => path.join(here, "stats", f));

/** SHA-256 of the stage's own file, the statistics code and `settings` (JSON). */
export function stageFingerprint(stageFile: string, settings: unknown): string {
  const h = createHash("sha256");
  for (const f of [stageFile, ...STATS_CODE]) h.update(readFileSync(f));
  return h.update(JSON.stringify(settings)).digest("hex");
}

/**
 * Record `fingerprint` as this run's in `table` (e.g. `audit.compare_state`) and say whether the
 * previous warehouse (attached as `prev`) recorded the same one and has `needs` (the tables its
 * kept rows come from).
 */
export async function sameStateAsBefore(db: Warehouse, table: string, fingerprint: string, prev: string | undefined, needs: readonly string[]): Promise<boolean> {
  let same = false;
  if (prev && (await db.hasTable(table, prev))) {
    same = (await db.one<{ f: string }>(`SELECT fingerprint AS f FROM ${prev}.${table}`))?.f === fingerprint;
    for (const t of needs) if (same && !(await db.hasTable(t, prev))) same = false;
  }
  await db.run(`CREATE TABLE IF NOT EXISTS ${table} (fingerprint VARCHAR NOT NULL); DELETE FROM ${table}; INSERT INTO ${table} VALUES (${literal(fingerprint)})`);
  return same;
}

/**
 * The groups a stage must redo: `temp(k)` gets each group `key` (an expression over alias `t`)
 * whose rows differ between `current` and `previous` (tables or parenthesised queries), and the
 * stage's `target` rows of those groups are deleted. The stage then writes those groups again,
 * filtered by `key IN (SELECT k FROM temp)`.
 */
export async function clearChangedGroups(db: Warehouse, o: { temp: string; current: string; previous: string; key: (alias: string) => string; target: string }): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${o.temp} AS SELECT DISTINCT g AS k FROM (${changedGroupsSql(o.current, o.previous, o.key("t"))})`);
  await db.run(`DELETE FROM ${o.target} x WHERE ${o.key("x")} IN (SELECT k FROM ${o.temp})`);
}
