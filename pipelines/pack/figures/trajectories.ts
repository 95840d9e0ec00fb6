/**
 * The outcomes framework as a chart: each tracked outcome from its baseline toward its target.
 */
import type { OutcomeRow } from "../../../transforms/marts.ts";
import { trajectoryChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import type { AreaFigure, PackFigure } from "./common.ts";

/**
 * The outcomes framework as a chart: each tracked outcome's values for the area from the
 * baseline period to the latest (its own period type and breakdown), and its target path.
 */
export function trajectoryFigure(d: PackData, name: string, lines: readonly { short: string; unit: string; row: OutcomeRow }[]): PackFigure | null {
  const panels = lines
    .map(({ short, unit, row }) => ({
      title: short, unit, direction: row.direction,
      rows: d.values.filter((v) => v.indicator_id === row.indicator_id && v.area_code === row.area_code && v.breakdown === row.breakdown && v.period_type === row.period_type),
      baseline: { period: row.baseline_period, value: row.baseline_value },
      target: row.target_value !== null && row.target_period ? { period: row.target_period, value: row.target_value } : null,
    }))
    .filter((p) => p.rows.some((r) => r.value !== null && !r.is_suppressed));
  if (!panels.length) return null;
  return {
    chart: trajectoryChart(panels, { id: "outcome-trajectories", title: `Outcomes for ${name}: from the baseline toward the targets`, areaName: name }),
    source: "Outcomes framework (marts.outcomes) and each indicator's values; targets as configured. 95% intervals as in Methods.",
    sheet: "outcomes",
  };
}


export const figure: AreaFigure<typeof trajectoryFigure> = {
  kind: "area", id: "outcome-trajectories", reads: ["marts.outcomes", "marts.indicator_values"], placed: "the outcomes framework", build: trajectoryFigure,
};
