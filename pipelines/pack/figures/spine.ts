/**
 * Spine charts of every summary indicator, in page-sized parts of whole domains.
 */
import { spineChart, type SpineRow } from "../../../notebooks/charts/builders.ts";
import type { AreaFigure, PackFigure, View } from "./common.ts";

/** The most indicators one part of the spine chart shows: a part fits a printed page. */
export const SPINE_ROWS = 14;

/** The most a slide's part shows: its rows stay as large as a chart slide's. */
export const SLIDE_SPINE_ROWS = 8;

/**
 * Spine charts of every summary indicator against the borough and the range of wards, in parts of
 * whole domains of at most {@link SPINE_ROWS} rows (a longer domain is cut into even parts), so
 * every part prints on one page at full size. One part keeps the id `spine`.
 */
export function spineFigures(
  view: View, parentName: string, rows: readonly { domain: string; domainTitle: string; row: SpineRow }[],
  { maxRows = SPINE_ROWS, idPrefix = "spine" }: { maxRows?: number; idPrefix?: string } = {},
): PackFigure[] {
  if (!rows.length) return [];
  const domains: { titles: string[]; rows: SpineRow[] }[] = [];
  for (const r of rows) {
    const last = domains.at(-1);
    if (last && last.titles.at(-1) === r.domainTitle) last.rows.push(r.row);
    else domains.push({ titles: [r.domainTitle], rows: [r.row] });
  }
  const parts: { titles: string[]; rows: SpineRow[] }[] = [];
  for (const d of domains) {
    const cuts = Math.ceil(d.rows.length / maxRows);
    const size = Math.ceil(d.rows.length / cuts);
    for (let i = 0; i < d.rows.length; i += size) {
      const piece = { titles: d.titles, rows: d.rows.slice(i, i + size) };
      const last = parts.at(-1);
      if (last && cuts === 1 && last.rows.length + piece.rows.length <= maxRows) {
        last.titles.push(...piece.titles);
        last.rows.push(...piece.rows);
      } else parts.push({ titles: [...piece.titles], rows: [...piece.rows] });
    }
  }
  return parts.map((part, i) => ({
    chart: spineChart(part.rows, {
      id: parts.length === 1 ? idPrefix : `${idPrefix}-${i + 1}`,
      title: `${view.name} at a glance${parts.length > 1 ? ` (${i + 1} of ${parts.length}: ${lowerList(part.titles)})` : ""}: every indicator against ${parentName} and the range of wards`,
      focusName: view.name,
      comparatorName: parentName,
    }),
    source: "Every indicator's latest value; outcomes at the 95% level (see Methods).",
    sheet: "summary",
  }));
}

function lowerList(titles: string[]): string {
  // Domain titles carry "and" themselves ("Crime and community safety"): a list of them reads with semicolons.
  return [...new Set(titles)].join("; ");
}


export const figure: AreaFigure<typeof spineFigures> = {
  kind: "area", id: "spine", reads: ["marts.indicator_values", "marts.indicator_comparisons"], placed: "the executive summary", build: spineFigures,
};
