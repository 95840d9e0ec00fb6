/**
 * Published indicators: every indicator of the staged Fingertips exports becomes a localneeds
 * indicator `fingertips.<ID>` (method `published`: OHID's value, limits, count and denominator
 * kept as published), whatever its profile or area type. The catalogue of known IDs
 * (`catalogue/fingertips.ts`) gives polarity, unit and method; an unknown ID is kept with
 * polarity `no_judgement` and a warning. Its period types are those its labels read as.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { literal } from "../../pipelines/core/warehouse.ts";
import { defineIndicator, PERIOD_TYPES, type IndicatorSpec, type PeriodType } from "./define.ts";
import { FINGERTIPS_CATALOGUE, fingertipsIndicatorId, publishedDefinition, publishedMethodLabel, publishedSource, type FingertipsEntry } from "./catalogue/fingertips.ts";

/** The staged table `published` Fingertips indicators read. */
export const FINGERTIPS_TABLE = "staging.fingertips_values";

export { fingertipsIndicatorId };

/**
 * The specs of every indicator in `staging.fingertips_values` (none when the table is absent),
 * catalogued ones first in catalogue order, then by ID. Unknown IDs are recorded as warnings.
 */
export async function publishedIndicators(ctx: Context, catalogue: readonly FingertipsEntry[] = FINGERTIPS_CATALOGUE): Promise<IndicatorSpec[]> {
  const { db } = ctx;
  if (!(await db.hasTable(FINGERTIPS_TABLE))) return [];
  const found = await db.all<{ indicator_id: string; name: string; types: string[] }>(
    `SELECT indicator_id, coalesce(arg_max(indicator_name, period_sortable), max(indicator_name), indicator_id) AS name, list(DISTINCT period_type) FILTER (WHERE period_type IS NOT NULL) AS types
     FROM ${FINGERTIPS_TABLE} WHERE indicator_id <> '' GROUP BY indicator_id`,
  );
  const byId = new Map(catalogue.map((e, i) => [String(e.id), { e, i }]));
  const rank = (id: string) => byId.get(id)?.i ?? catalogue.length;
  found.sort((a, b) => rank(a.indicator_id) - rank(b.indicator_id) || Number(a.indicator_id) - Number(b.indicator_id) || a.indicator_id.localeCompare(b.indicator_id));
  const specs: IndicatorSpec[] = [];
  for (const f of found) {
    const entry = byId.get(f.indicator_id)?.e;
    if (!entry) await db.recordWarning("measure", "fingertips_unknown_indicator", f.indicator_id, messages.fingertipsUnknownIndicator(f.indicator_id, f.name));
    const staged = new Set(Array.isArray(f.types) ? f.types : []);
    const periods = PERIOD_TYPES.filter((t) => staged.has(t)).map((t): PeriodType => (entry?.academicYears && t === "financial_year" ? "academic_year" : t));
    if (!periods.length) continue; // every label unread: warned at conform
    specs.push(defineIndicator({
      id: fingertipsIndicatorId(f.indicator_id),
      domain: entry?.domain ?? "health",
      title: entry?.title ?? f.name,
      short: entry?.short ?? f.name,
      unit: entry?.unit ?? "as published",
      numerator: { kind: "published", from: FINGERTIPS_TABLE, where: `indicator_id = ${literal(f.indicator_id)}`, label: publishedMethodLabel(entry), academicYears: entry?.academicYears },
      method: "published",
      polarity: entry?.polarity ?? "no_judgement",
      periods,
      source: publishedSource(f.indicator_id),
      repeats: entry?.repeats,
      definition: publishedDefinition(entry, f.name),
    }));
  }
  return specs;
}
