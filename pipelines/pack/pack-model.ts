/**
 * Stage 5, chart: read the marts and assemble one `PackModel` per focus area: headlines written
 * from the comparisons, the Fingertips-style summary, and Vega-Lite chart bundles by domain.
 */
import type { Context } from "../context.ts";
import { focusCodes } from "../config.ts";
import type { FileLoad } from "../../sources/load-csv.ts";
import type { Indicator, Domain } from "../../transforms/indicators/define.ts";
import type { IndicatorValueRow, Outcome, Polarity } from "../../transforms/marts.ts";
import { restOfParentCode } from "../../sources/geography/ons-lookups.ts";
import { compareAreasChart, trendChart, type ChartSpecBundle } from "../../notebooks/charts/index.ts";
import { headlineFor, type Headline } from "./headlines.ts";

/** Domain sections, in pack order. */
export const SECTIONS: { domain: Domain; title: string; intro: string }[] = [
  { domain: "crime", title: "Crime and community safety", intro: "Recorded crime and anti-social behaviour from police.uk, as rates per 1,000 residents." },
  { domain: "health", title: "Health and wellbeing", intro: "Hospital admissions from Fingertips and locally held health visiting counts." },
  { domain: "school", title: "Children, schools and education", intro: "Key stage 2 results of the schools in the area." },
  { domain: "survey", title: "Community voice", intro: "What residents told the residents survey, weighted to the population." },
  { domain: "complaints", title: "Council contacts and complaints", intro: "Cases received by the council, placed by ward." },
  { domain: "deprivation", title: "Deprivation and economy", intro: "The English Indices of Deprivation, averaged over the area's neighbourhoods." },
];

/** One row of the summary table. */
export interface SummaryRow {
  indicator: Indicator;
  period: string;
  focus: IndicatorValueRow;
  comparators: { kind: string; code: string; name: string; value: number | null; outcome: Outcome }[];
  wardRange: { min: number; max: number } | null;
}

/** A pack: everything stage 6 needs to write it. */
export interface PackModel {
  slug: string;
  title: string;
  synthetic: boolean;
  builtAt: Date;
  focus: { code: string; name: string; type: string };
  parent: { code: string; name: string };
  headlines: Headline[];
  summary: SummaryRow[];
  sections: { id: string; title: string; intro: string; charts: ChartSpecBundle[] }[];
  dataQuality: {
    loads: FileLoad[];
    warnings: { code: string; subject: string | null; message: string }[];
    rejectsByFile: { path: string; rejected: number; first: { line: number; column: string | null; reason: string }[] }[];
    suppressed: number;
  };
  indicators: Indicator[];
  inputs: { path: string; sha256: string; rowsRead: number; rowsLoaded: number; rowsRejected: number }[];
  configBaseDir: string;
  chartCount: number;
}

const kindLabel: Record<string, string> = { parent: "borough", rest_of_parent: "rest of borough", region: "region", country: "England" };

/** Build the pack models of a build (every focus area, or just `area`). */
export async function buildPackModels(ctx: Context, indicators: readonly Indicator[], opts: { area?: string; loads: FileLoad[] }): Promise<PackModel[]> {
  const codes = focusCodes(ctx.config).filter((c) => !opts.area || c === opts.area);
  if (opts.area && codes.length === 0) throw new Error(`--area ${opts.area} is not a focus area of this config (${focusCodes(ctx.config).join(", ")})`);
  const out: PackModel[] = [];
  for (const code of codes) out.push(await focusPack(ctx, indicators, code, opts.loads));
  return out;
}

async function focusPack(ctx: Context, indicators: readonly Indicator[], code: string, loads: FileLoad[]): Promise<PackModel> {
  const { db, config } = ctx;
  const names = Object.fromEntries(
    (await db.all<{ area_code: string; area_name: string }>(`SELECT area_code, area_name FROM ref.areas WHERE area_type <> 'lsoa'`)).map((r) => [r.area_code, r.area_name]),
  );
  const focus = (await db.one<{ area_code: string; area_name: string; area_type: string }>(`SELECT * FROM ref.areas WHERE area_code = $c`, { c: code }))!;
  const parent = { code: config.parent, name: names[config.parent] ?? config.parent };
  const values = await db.all<IndicatorValueRow>(`SELECT * FROM marts.indicator_values WHERE breakdown = 'all' ORDER BY indicator_id, period_start, area_code`);
  const comparisons = await db.all<{ indicator_id: string; period_label: string; comparator_kind: string; comparator_code: string; comparator_value: number | null; outcome: Outcome }>(
    `SELECT * FROM marts.indicator_comparisons WHERE area_code = $c AND breakdown = 'all' AND level = '95'`,
    { c: code },
  );
  const wardCodes = new Set((await db.all<{ area_code: string }>(`SELECT area_code FROM ref.areas WHERE area_type = 'ward' AND parent_code = $p`, { p: config.parent })).map((r) => r.area_code));
  const rest = restOfParentCode(config.parent, code);
  const summary: SummaryRow[] = [];
  const sections: PackModel["sections"] = [];
  for (const s of SECTIONS) {
    const charts: ChartSpecBundle[] = [];
    for (const ind of indicators.filter((i) => i.domain === s.domain)) {
      // The headline period type: the first the indicator declares that has data for the focus.
      const all = values.filter((v) => v.indicator_id === ind.id);
      const periodType = ind.periods.find((t) => all.some((r) => r.period_type === t && r.area_code === code));
      const rows = all.filter((r) => r.period_type === periodType);
      const focusRows = rows.filter((r) => r.area_code === code);
      const latest = focusRows.at(-1);
      if (!latest) continue;
      const period = latest.period_label;
      const inPeriod = rows.filter((r) => r.period_label === period);
      const wardsInPeriod = inPeriod.filter((r) => wardCodes.has(r.area_code) || r.area_code === code);
      const cmp = comparisons.filter((c) => c.indicator_id === ind.id && c.period_label === period);
      const shown = wardsInPeriod.filter((r) => !r.is_suppressed && r.value !== null).map((r) => r.value!);
      summary.push({
        indicator: ind,
        period,
        focus: latest,
        comparators: cmp.map((c) => ({ kind: c.comparator_kind, code: c.comparator_code, name: names[c.comparator_code] ?? c.comparator_code, value: c.comparator_value, outcome: c.outcome })),
        wardRange: shown.length ? { min: Math.min(...shown), max: Math.max(...shown) } : null,
      });
      charts.push(
        compareAreasChart(wardsInPeriod, {
          id: `${ind.id.replace(".", "-")}-wards`,
          title: `${ind.short}, ${period}: every ward`,
          focusCodes: [code],
          areaNames: names,
          comparators: cmp.map((c) => ({ code: c.comparator_code, name: names[c.comparator_code] ?? c.comparator_code, value: c.comparator_value, kind: c.comparator_kind })),
          unit: ind.unit,
          polarity: ind.polarity as Polarity,
        }),
      );
      const periods = new Set(focusRows.map((r) => r.period_label));
      if (periods.size >= 2) {
        const comparatorCodes = [config.parent, rest].filter((c) => rows.some((r) => r.area_code === c));
        charts.push(
          trendChart(rows.filter((r) => [code, ...comparatorCodes].includes(r.area_code)), {
            id: `${ind.id.replace(".", "-")}-trend`,
            title: `${ind.short}: trend`,
            focusCode: code,
            comparatorCodes,
            areaNames: names,
            unit: ind.unit,
          }),
        );
      }
    }
    if (charts.length) sections.push({ id: s.domain, title: s.title, intro: s.intro, charts });
  }
  const headlines = summary.map((r) => headlineFor(r, focus.area_name)).filter((h): h is Headline => h !== null);
  const warnings = await db.all<{ code: string; subject: string | null; message: string }>(`SELECT code, subject, message FROM audit.warnings ORDER BY stage, code, subject`);
  const rejects = await db.all<{ path: string; line: number; column: string | null; reason: string }>(
    `SELECT path, line::INTEGER AS line, "column", reason FROM audit.rejects ORDER BY path, line`,
  );
  const byFile = new Map<string, typeof rejects>();
  for (const r of rejects) byFile.set(r.path, [...(byFile.get(r.path) ?? []), r]);
  const rejectsByFile = [...byFile].map(([p, rs]) => ({ path: p, rejected: rs.length, first: rs.slice(0, 5) }));
  const suppressed = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_values WHERE is_suppressed AND numerator IS NULL`))!.n);
  return {
    slug: `${code}-${slugify(focus.area_name)}`,
    title: config.name,
    synthetic: config.synthetic,
    builtAt: ctx.clock.now(),
    focus: { code, name: focus.area_name, type: focus.area_type },
    parent,
    headlines,
    summary,
    sections,
    dataQuality: { loads, warnings, rejectsByFile, suppressed },
    indicators: [...indicators],
    inputs: loads.map((l) => ({ path: l.path, sha256: l.sha256, rowsRead: l.rowsRead, rowsLoaded: l.rowsLoaded, rowsRejected: l.rowsRejected })),
    configBaseDir: config.baseDir,
    chartCount: sections.reduce((n, s) => n + s.charts.length, 0),
  };
}

/** `Northgate & Eastfields` -> `northgate-eastfields`. */
export function slugify(s: string): string {
  return s.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}
export { kindLabel };
