/**
 * Recorded crime by month and type as small multiples: one panel of monthly bars per crime type
 * (the largest types, the rest grouped as "Other"), all on the same scale so panels compare
 * directly. Small multiples rather than one stacked chart: each panel is named in text, so the
 * chart reads in grey-scale print without a colour legend. Months flagged as anomalous by the
 * loader get a labelled "data-quality warning" line and hatched-looking outlined bars.
 */
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  chartBundle,
  formatNumber,
  listEnglish,
  niceCeil,
} from "./bundle.ts";
import { PRINT_WIDTH, colours } from "./theme.ts";

/** One row per month and crime type (grain of `police.uk` street-level crime aggregated). */
export interface CrimeMonthRow {
  /** `YYYY-MM`. */
  month: string;
  crime_type: string;
  /** null: withheld (a count of 1 to 4, or one that would give such a count away). */
  count: number | null;
}

/** Options of {@link crimeByMonthChart}. */
export interface CrimeByMonthOptions extends CommonChartOptions {
  /** Months (`YYYY-MM`) the loader flagged (e.g. far fewer rows than neighbouring months). */
  anomalousMonths?: string[];
  /** How many of the largest crime types get their own panel; the rest become "Other". Default 5. */
  topTypes?: number;
  /** Name of the area, for the alt text (e.g. the focus ward). */
  areaName?: string;
}

/** Label of the grouped remainder. */
export const OTHER_CRIME = "Other";

const PANEL_HEIGHT = 56;
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `2024-04` -> `Apr 2024`. */
export function monthLabel(m: string): string {
  return `${MONTH_NAMES[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
}

/** Every month from `first` to `last` inclusive (`YYYY-MM`). */
function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  const end = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7));
  while (y * 12 + m <= end) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Monthly crime counts, one panel per major crime type; months with no rows count as zero. */
export function crimeByMonthChart(rows: CrimeMonthRow[], opts: CrimeByMonthOptions): ChartSpecBundle {
  const top = opts.topTypes ?? 5;
  const anomalous = new Set(opts.anomalousMonths ?? []);
  // A type withheld in every month (small numbers somewhere, so each month could give one away)
  // gets no empty panel and is not folded into "Other": it is named in a note instead.
  const everyMonthWithheld = [...new Set(rows.map((r) => r.crime_type))].filter((t) => rows.every((r) => r.crime_type !== t || r.count === null)).sort();
  const totals = new Map<string, number>();
  for (const r of rows) if (!everyMonthWithheld.includes(r.crime_type)) totals.set(r.crime_type, (totals.get(r.crime_type) ?? 0) + (r.count ?? 0));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  // Grouping a single leftover type as "Other" would hide its name for nothing.
  const kept = ranked.length <= top + 1 ? ranked : ranked.slice(0, top);
  const group = (t: string) => (kept.includes(t) ? t : OTHER_CRIME);
  const groups = ranked.length > kept.length ? [...kept, OTHER_CRIME] : kept;

  const monthsSeen = [...new Set(rows.map((r) => r.month))].sort();
  const months = monthsSeen.length ? monthRange(monthsSeen[0], monthsSeen[monthsSeen.length - 1]) : [];
  const counts = new Map<string, number>();
  // A type's month withheld leaves no bar in its panel; in "Other" the types shown are summed
  // without it, and a month none of whose types is shown is withheld (not a 0).
  const withheld = new Set<string>();
  const otherShown = new Set<string>();
  let otherPartial = false;
  for (const r of rows) {
    if (everyMonthWithheld.includes(r.crime_type)) continue;
    const g = group(r.crime_type);
    const k = `${g}\u0000${r.month}`;
    if (r.count === null) {
      withheld.add(k);
      if (g === OTHER_CRIME) otherPartial = true;
    } else if (g === OTHER_CRIME) otherShown.add(k);
    counts.set(k, (counts.get(k) ?? 0) + (r.count ?? 0));
  }
  for (const k of otherShown) withheld.delete(k);
  const shown = (g: string, m: string): number | null => (withheld.has(`${g}\u0000${m}`) ? null : (counts.get(`${g}\u0000${m}`) ?? 0));
  const groupTotal = (g: string) => months.reduce((s, m) => s + (shown(g, m) ?? 0), 0);
  const grandTotal = groups.reduce((s, g) => s + groupTotal(g), 0);
  const panelOf = new Map(groups.map((g) => [g, `${g}: ${formatNumber(groupTotal(g), 0)} in total${months.some((m) => shown(g, m) === null) ? " shown" : ""}`]));
  const panels = groups.map((g) => panelOf.get(g)!);

  const values = groups.flatMap((g, gi) =>
    months.map((m, mi) => ({
      month: `${m}-01`,
      month_label: monthLabel(m),
      crime_type: g,
      panel: panelOf.get(g)!,
      count: shown(g, m),
      anomalous: anomalous.has(m),
      first_panel: gi === 0,
      // Warning label to the left of its line when the month is in the last third.
      label_left: mi > (2 * months.length) / 3,
    })),
  );

  // Months as an ordinal (band) UTC time unit: one bar per month with its label centred under it.
  // Long series label every 3rd or 6th month; the year is shown under January and the first month.
  const step = months.length <= 18 ? 1 : months.length <= 36 ? 3 : 6;
  const x = {
    field: "month",
    type: "ordinal" as const,
    timeUnit: "utcyearmonth" as const,
    title: null,
    scale: { paddingInner: 0.15, paddingOuter: 0.05 },
    axis: {
      labelExpr:
        `(+utcFormat(datum.value, '%m') - 1) % ${step} != 0 ? '' : ` +
        `(utcFormat(datum.value, '%m') == '01' || datum.index == 0) ? [utcFormat(datum.value, '%b'), utcFormat(datum.value, '%Y')] : utcFormat(datum.value, '%b')`,
      labelAngle: 0,
      labelLimit: 60,
      labelPadding: 4,
      ticks: false,
      grid: false,
    },
  };
  const maxCount = Math.max(0, ...values.map((v) => v.count ?? 0));
  const y = {
    field: "count",
    type: "quantitative" as const,
    title: null,
    // Headroom above the tallest bar for the warning label.
    scale: { domain: [0, niceCeil(maxCount * 1.25)], nice: false },
    axis: { tickCount: 3, format: ",d", labelLimit: 60, grid: true },
  };
  const flagged = [...anomalous].filter((m) => months.includes(m)).sort();
  const layers: unknown[] = [
    {
      mark: { type: "bar", color: "#6b6b6b", stroke: { expr: `datum.anomalous ? '${colours.warning}' : null` }, strokeWidth: 1.5, strokeDash: [3, 2] },
      encoding: {
        x,
        y,
        fillOpacity: { condition: { test: "datum.anomalous", value: 0.25 }, value: 1 },
      },
    },
  ];
  if (flagged.length) {
    layers.unshift({
      transform: [{ filter: "datum.anomalous" }],
      mark: { type: "rule", color: colours.warning, strokeWidth: 1.5, strokeDash: [4, 2] },
      encoding: { x: { ...x, bandPosition: 0.5 } },
    });
    layers.push({
      transform: [{ filter: "datum.anomalous && datum.first_panel" }],
      mark: { type: "text", align: { expr: "datum.label_left ? 'right' : 'left'" }, dx: { expr: "datum.label_left ? -5 : 5" }, baseline: "top", y: 1, fontSize: 10, fontWeight: "bold", color: colours.warning },
      encoding: { x: { ...x, bandPosition: 0.5 }, text: { value: "data-quality warning" } },
    });
  }

  const alt = crimeAlt(values, groups, months, flagged, grandTotal, opts) +
    (everyMonthWithheld.length ? ` Not shown month by month (small numbers): ${listEnglish(everyMonthWithheld)}.` : "");
  return chartBundle("crime-by-month", opts, {
    notes: [
      `Crimes recorded per month${months.length ? `, ${monthLabel(months[0])} to ${monthLabel(months[months.length - 1])}` : ""}. One panel per crime type, largest first, all on the same scale.`,
      flagged.length
        ? `Data-quality warning (dashed line, pale bars) for ${listEnglish(flagged.map(monthLabel))}: the source file for that month looks incomplete or unusual; treat it with caution.`
        : undefined,
      withheld.size || otherPartial
        ? `Counts of fewer than 5 of a type in a month are not shown, nor one that would let such a number be worked out: ${withheld.size ? "a month with no bar in a panel is not shown" : ""}${withheld.size && otherPartial ? "; " : ""}${otherPartial ? `"${OTHER_CRIME}" counts the types shown` : ""}; totals are of what is shown.`
        : undefined,
      everyMonthWithheld.length
        ? `Not shown month by month, as small numbers in some months would let each be worked out: ${listEnglish(everyMonthWithheld)}.`
        : undefined,
    ],
    alt,
    spec: {
      data: { values },
      facet: {
        row: {
          field: "panel",
          type: "nominal",
          sort: panels,
          title: null,
          header: { labelAngle: 0, labelAlign: "left", labelAnchor: "start", labelOrient: "top", labelFontWeight: "bold", labelPadding: 2 },
        },
      },
      spacing: 10,
      spec: { width: PRINT_WIDTH - 70, height: PANEL_HEIGHT, layer: layers },
      resolve: { scale: { y: "shared" } },
    },
    table: {
      columns: ["Month", ...groups, withheld.size || otherPartial || everyMonthWithheld.length ? "All crime shown" : "All crime", "Data-quality warning"],
      rows: months.map((m) => {
        const cs = groups.map((g) => shown(g, m));
        return [m, ...cs.map((c) => c ?? "not shown"), cs.reduce<number>((a, b) => a + (b ?? 0), 0), anomalous.has(m) ? "yes" : null];
      }),
    },
  });
}

function crimeAlt(
  values: { month_label: string; crime_type: string; count: number | null }[],
  groups: string[],
  months: string[],
  flagged: string[],
  total: number,
  opts: CrimeByMonthOptions,
): string {
  const where = opts.areaName ? ` in ${opts.areaName}` : "";
  if (!months.length) return `${opts.title}: no recorded crime${where} in the data.`;
  const parts = [
    `Bar charts of ${opts.title}${where}, one panel per crime type, ${monthLabel(months[0])} to ${monthLabel(months[months.length - 1])}.`,
    `${formatNumber(total, 0)} crimes in total.`,
  ];
  const byType = groups.map((g) => ({ g, n: values.filter((v) => v.crime_type === g).reduce((s, v) => s + (v.count ?? 0), 0) }));
  const largest = byType.filter((b) => b.g !== OTHER_CRIME)[0];
  if (largest && total > 0) parts.push(`The largest type is ${largest.g}: ${formatNumber(largest.n, 0)} (${formatNumber((100 * largest.n) / total, 0)}%).`);
  const perMonth = months.map((m) => ({ m, n: values.filter((v) => v.month_label === monthLabel(m)).reduce((s, v) => s + (v.count ?? 0), 0) }));
  const peak = perMonth.reduce((a, b) => (b.n > a.n ? b : a));
  parts.push(`The busiest month was ${monthLabel(peak.m)} with ${formatNumber(peak.n, 0)} crimes.`);
  if (flagged.length) parts.push(`Data-quality warning for ${listEnglish(flagged.map(monthLabel))}: treat with caution.`);
  return parts.join(" ");
}
