/**
 * The need index ranking of wards, tiers by colour and in words.
 */
import { needIndexChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import type { AreaFigure, PackFigure, View } from "./common.ts";

/** The need index ranking of wards, tiers by colour and in words. */
export function needIndexFigure(d: PackData, view: View): PackFigure | null {
  if (!d.needIndex.length) return null;
  const tiers = [...new Map([...d.needIndex].sort((a, b) => a.rank - b.rank).map((r) => [r.tier, r.rank])).keys()];
  return {
    chart: needIndexChart(
      d.needIndex.map((r) => ({ area_code: r.area_code, name: d.names[r.area_code] ?? r.area_name, score: r.score, rank: r.rank, tier: r.tier })),
      { id: "need-index", title: `Need index: wards of ${d.parent.name} ranked`, focusCodes: view.highlight, tiers },
    ),
    source: "Need index: the weighted mean of domain scores, each the mean of its indicators' signed z-scores across the wards (see Methods).",
    sheet: "need",
  };
}


export const figure: AreaFigure<typeof needIndexFigure> = {
  kind: "area", id: "need-index", reads: ["marts.need_index"], placed: "the need index section", build: needIndexFigure,
};
