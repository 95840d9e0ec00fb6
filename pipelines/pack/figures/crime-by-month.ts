/**
 * Recorded crime by month and type in the area, with the loader's anomalous months flagged.
 */
import { crimeByMonthChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import type { DomainFigure, PackFigure, View } from "./common.ts";

/** Recorded crime by month and type in the area, with the loader's anomalous months flagged. */
export function crimeMonthFigure(d: PackData, view: View): PackFigure | null {
  if (!d.crimeByMonth) return null;
  const members = new Set(view.members);
  const byKey = new Map<string, { month: string; crime_type: string; count: number }>();
  for (const r of d.crimeByMonth) {
    if (!members.has(r.ward_code)) continue;
    const k = `${r.month}\u0000${r.crime_type}`;
    const x = byKey.get(k);
    if (x) x.count += r.count;
    else byKey.set(k, { month: r.month, crime_type: r.crime_type, count: r.count });
  }
  const rows = [...byKey.values()];
  if (!rows.length) return null;
  return {
    chart: crimeByMonthChart(rows, {
      id: "crime-by-month",
      title: "Recorded crime by month",
      subtitle: `In ${view.name}.`,
      anomalousMonths: d.anomalousMonths,
      areaName: view.name,
    }),
    source: "police.uk street-level crime (crimes placed by police.uk's LSOA). Counts of recorded crimes and ASB incidents.",
    sheet: "crime",
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "crime-by-month", reads: ["marts.crime_by_month", "audit.warnings"],
  build: (x) => [crimeMonthFigure(x.d, x.view)],
};
