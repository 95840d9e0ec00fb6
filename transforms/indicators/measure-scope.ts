/**
 * What a refresh's measure stage must compute again, from what changed in its inputs since the
 * previous warehouse (attached as `prev`). Values are a pure function of the measure code, the
 * indicator definitions, the build's parent and focus, and the tables the indicator reads, so:
 *
 * 1. The fingerprint of the code and definitions (`measureFingerprint`) must equal the one the
 *    previous run recorded in `audit.measure_state`; if not, everything is measured again.
 * 2. Each table an indicator reads (the `staging.*` / `ref.*` names in its compiled SQL, or the
 *    survey tables) is compared with the previous warehouse's by row count and a checksum of
 *    every row. No table changed: the indicator's values are kept.
 * 3. Only an events table changed (a new month of police.uk data, a re-issued month), or its
 *    table of missing months (a header-only month whose real file has now arrived): their rows
 *    are compared month by month, and only the periods overlapping the changed months are
 *    computed again. Anything else changed: the indicator is computed again in full.
 *
 * Grain of the plan: one entry per indicator.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "../../pipelines/core/context.ts";
import { focusCodes } from "../../pipelines/core/config.ts";
import { compileIndicator, type PeriodRange } from "./compile.ts";
import type { Indicator } from "./define.ts";
import { SURVEY_TABLES } from "./survey-values.ts";
import { TableChanges } from "../table-changes.ts";

/** What to do with one indicator's values. */
export type MeasurePlan =
  | { kind: "keep" }
  | { kind: "all"; why: string }
  | ({ kind: "periods" } & PeriodRange);

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Source files whose code decides the values: the measure stage, its compiler, the statistics,
 * disclosure control, and the message catalogue (suppression reasons are part of a value row).
 */
const CODE_FILES = [
  ...["compile.ts", "define.ts", "measure.ts", "periods.ts", "survey-values.ts", "measure-scope.ts"].map((f) => path.join(here, f)),
  ...readdirSync(path.join(here, "..", "stats")).filter((f) => f.endsWith(".ts")).sort().map((f) => path.join(here, "..", "stats", f)),
  path.join(here, "..", "disclosure.ts"),
  path.join(here, "..", "..", "pipelines", "core", "messages.ts"),
];

/** The fingerprint of everything but the data that decides the values: code, definitions, parent and focus. */
export function measureFingerprint(ctx: Pick<Context, "config">, indicators: readonly Indicator[]): string {
  const h = createHash("sha256");
  for (const f of CODE_FILES) h.update(readFileSync(f));
  h.update(JSON.stringify({ indicators, parent: ctx.config.parent, focus: focusCodes(ctx.config) }));
  return h.digest("hex");
}

/** Record the fingerprint the values in `marts.indicator_values` were measured with. */
export async function recordMeasureState(ctx: Context, fingerprint: string): Promise<void> {
  await ctx.db.run(`CREATE TABLE IF NOT EXISTS audit.measure_state (fingerprint VARCHAR NOT NULL)`);
  await ctx.db.run(`DELETE FROM audit.measure_state`);
  await ctx.db.run(`INSERT INTO audit.measure_state VALUES ($f)`, { f: fingerprint });
}

/** The tables an indicator reads. */
export function tablesRead(ind: Indicator, parent: string): string[] {
  const n = ind.numerator;
  if (n.kind === "survey" || n.kind === "survey_choice") return [...SURVEY_TABLES];
  const sql = ind.periods.map((p) => compileIndicator(ind, p, { parent })).join("\n");
  return [...new Set(sql.match(/\b(?:staging|ref)\.[a-z0-9_]+/g) ?? [])].sort();
}

/**
 * The plan for each indicator, or null to measure everything again (no previous values, or
 * measured with other code or definitions).
 */
export async function planMeasure(ctx: Context, indicators: readonly Indicator[], prev: string | TableChanges): Promise<Map<string, MeasurePlan> | null> {
  const changes = typeof prev === "string" ? new TableChanges(ctx, prev) : prev;
  if (!(await ctx.db.hasTable("audit.measure_state", changes.prev)) || !(await ctx.db.hasTable("marts.indicator_values", changes.prev))) return null;
  const recorded = await ctx.db.one<{ f: string }>(`SELECT fingerprint AS f FROM ${changes.prev}.audit.measure_state`);
  if (recorded?.f !== measureFingerprint(ctx, indicators)) return null;
  const plan = new Map<string, MeasurePlan>();
  for (const ind of indicators) {
    const n = ind.numerator;
    const tables = tablesRead(ind, ctx.config.parent);
    // An events table and its table of missing months are compared month by month (rows without
    // a date form their own group); null: in only one warehouse, compared whole.
    const monthly = new Map<string, string[] | null>();
    if (n.kind === "events") {
      for (const [t, date] of [[n.from, n.date], [n.missing, "month"]] as const) if (t && tables.includes(t)) monthly.set(t, await changes.changedMonths(t, date));
    }
    const changed: string[] = [];
    for (const t of tables) {
      const months = monthly.get(t);
      if (months ? months.length > 0 : !(await changes.unchanged(t))) changed.push(t);
    }
    if (changed.length === 0) plan.set(ind.id, { kind: "keep" });
    else if (changed.every((t) => monthly.get(t))) {
      const months = [...new Set(changed.flatMap((t) => monthly.get(t)!))].sort();
      const undated = changed.filter((t) => monthly.get(t)!.includes(""));
      if (undated.length) plan.set(ind.id, { kind: "all", why: `${undated.join(", ")} changed in rows without a date` });
      else {
        const last = new Date(`${months.at(-1)}T00:00:00Z`);
        const to = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
        plan.set(ind.id, { kind: "periods", from: months[0]!, to });
      }
    } else plan.set(ind.id, { kind: "all", why: `${changed.join(", ")} changed` });
  }
  return plan;
}

/** One line for the build log: `refresh: 21 indicators kept, 7 for the changed months (2025-04), 0 measured again`. */
export function planSummary(plan: Map<string, MeasurePlan>): string {
  const all = [...plan.values()];
  const periods = all.filter((p): p is Extract<MeasurePlan, { kind: "periods" }> => p.kind === "periods");
  const range = periods.length ? ` (${[...new Set(periods.map((p) => p.from === p.to.slice(0, 8) + "01" ? p.from.slice(0, 7) : `${p.from.slice(0, 7)} to ${p.to.slice(0, 7)}`))].join(", ")})` : "";
  return `refresh: ${all.filter((p) => p.kind === "keep").length} indicators kept, ${periods.length} measured for the changed months${range}, ` +
    `${all.filter((p) => p.kind === "all").length} measured again`;
}
