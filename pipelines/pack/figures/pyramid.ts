/**
 * Population pyramid of the area against the borough.
 */
import { populationPyramidChart, type PyramidRow } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import type { AreaFigure, PackFigure, View } from "./common.ts";

const BAND_LABEL = (b: number) => (b >= 90 ? "90+" : `${b}\u2013${b + 4}`);

/** Population pyramid of the area against the borough (the borough alone in the overview). */
export function pyramidFigure(d: PackData, view: View): PackFigure | null {
  const p = d.population;
  if (!p?.bySex) return null;
  const members = new Set(view.members);
  const sum = (pick: (w: string) => boolean) => {
    const m = new Map<string, number>();
    let total = 0;
    for (const r of p.rows) {
      if (!pick(r.ward_code)) continue;
      const k = `${r.band}|${r.sex}`;
      m.set(k, (m.get(k) ?? 0) + r.population);
      total += r.population;
    }
    return { m, total };
  };
  const all = sum(() => true);
  const area = view.kind === "focus" ? sum((w) => members.has(w)) : all;
  if (!area.total) return null;
  const bands = [...new Set(p.rows.map((r) => r.band))].sort((a, b) => a - b);
  const rows: PyramidRow[] = bands.flatMap((b) =>
    (["M", "F"] as const).map((sex) => ({
      age_band: BAND_LABEL(b),
      sex,
      focus_pct: (100 * (area.m.get(`${b}|${sex}`) ?? 0)) / area.total,
      comparator_pct: view.kind === "focus" ? (100 * (all.m.get(`${b}|${sex}`) ?? 0)) / all.total : null,
    })),
  );
  return {
    chart: populationPyramidChart(rows, {
      id: "population-pyramid",
      title: `Residents by age and sex, mid-${p.year}`,
      subtitle: `${Math.round(area.total).toLocaleString("en-GB")} residents in ${view.name}.`,
      focusName: view.name,
      comparatorName: view.kind === "focus" ? d.parent.name : undefined,
    }),
    source: `ONS small area population estimates, mid-${p.year}, summed over the area's LSOAs.`,
    sheet: "area",
  };
}


export const figure: AreaFigure<typeof pyramidFigure> = {
  kind: "area", id: "population-pyramid", reads: ["marts.population_by_band"], placed: "the area profile", build: pyramidFigure,
};
